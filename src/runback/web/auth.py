"""Hosted-mode sessions: a signed cookie carrying the key of a row in `logins`.

The cookie holds the login's random key, signed with Settings.secret_key (a forged or altered
cookie is refused before any query). The row makes a login revocable: logging out deletes it,
a password change deletes the account's others (services/logins.py). Workers share nothing
but the database (and the secret).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runback.web.security import CSRF_COOKIE, new_nonce, sign, unsign

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = [
    "SESSION_COOKIE",
    "SESSION_MAX_AGE_S",
    "LoginRequired",
    "clear_session",
    "issue_session",
    "read_session",
    "safe_next",
]

SESSION_COOKIE = "runback_session"
SESSION_MAX_AGE_S = 30 * 24 * 3600  # services.logins.LOGIN_MAX_AGE


class LoginRequired(Exception):
    """Raised by the user dependency on an HTML page when nobody is logged in."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path
        super().__init__(next_path)


def safe_next(target: str) -> str:
    """Return `target` if it is a path on this site, else "/" (no open redirects after login)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 32 for c in target):
        return "/"
    return target


def read_session(secret: str, cookie: str | None) -> str | None:
    """Return the login key in a session cookie, or None if absent, forged or too old."""
    if not cookie or len(cookie) > 512:
        return None
    key = unsign(secret, "session", cookie, SESSION_MAX_AGE_S)
    if not key or len(key) > 64:
        return None
    return key


def issue_session(request: Request, response: Response, secret: str, key: str) -> None:
    """Set the cookie of login `key` on this response, and rotate the CSRF nonce."""
    token = sign(secret, "session", key)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE_S,
        path="/",
        httponly=True,
        secure=True,
        samesite="lax",
    )
    _rotate_csrf(request, response)


def clear_session(request: Request, response: Response) -> None:
    """Log out on this response."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=True, samesite="lax")
    _rotate_csrf(request, response)


def _rotate_csrf(request: Request, response: Response) -> None:
    # A token seen before login must not stay valid for the logged-in session.
    response.set_cookie(
        CSRF_COOKIE, new_nonce(), path="/", httponly=True, secure=True, samesite="lax"
    )
    request.scope.setdefault("state", {})["csrf_rotated"] = True
