"""Hosted-mode sessions: a signed, stateless cookie naming the user.

The cookie holds `user_id:fingerprint`, signed with Settings.secret_key. The fingerprint is an
HMAC of the user's password hash, so changing the password ends every other session, and
workers need to share nothing but the database (and the secret).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runback.web.security import CSRF_COOKIE, mac, new_nonce, sign, unsign

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
    "session_fingerprint",
]

SESSION_COOKIE = "runback_session"
SESSION_MAX_AGE_S = 30 * 24 * 3600


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


def session_fingerprint(secret: str, password_hash: str | None) -> str:
    """Return a short tag of the password hash that ties sessions to the current password."""
    return mac(secret, "session-fp", password_hash or "")[:16]


def read_session(secret: str, cookie: str | None) -> tuple[int, str] | None:
    """Return (user_id, fingerprint) from a session cookie, or None if absent, forged or old."""
    if not cookie or len(cookie) > 512:
        return None
    payload = unsign(secret, "session", cookie, SESSION_MAX_AGE_S)
    if payload is None:
        return None
    uid, _, fp = payload.partition(":")
    if not uid.isdigit() or not fp:
        return None
    return int(uid), fp


def issue_session(
    request: Request, response: Response, secret: str, user_id: int, password_hash: str | None
) -> None:
    """Log the user in on this response, and rotate the CSRF nonce to a fresh one."""
    token = sign(secret, "session", f"{user_id}:{session_fingerprint(secret, password_hash)}")
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
