"""Log in, register, log out (hosted mode), as pages and as JSON; and the CSRF token for scripts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.errors import AuthError, RateLimitedError, ValidationError
from runback.services import accounts, logins, passwords
from runback.services.store import Store
from runback.web.api import API
from runback.web.auth import SESSION_COOKIE, clear_session, issue_session, read_session, safe_next
from runback.web.deps import CsrfDep, StampDep, StoreDep, UserDep, render, request_csrf_token

__all__ = ["client_address", "router"]

router = APIRouter(tags=["auth"])


class Credentials(BaseModel):
    """Email and password."""

    email: str = Field(max_length=320)
    password: str = Field(max_length=passwords.MAX_PASSWORD)


class Registration(Credentials):
    """A new account: email, password and IANA time zone."""

    zone: str = Field(default="UTC", max_length=64)


class AccountPublic(BaseModel):
    """The logged-in account."""

    id: int
    email: str | None
    zone: str


class CsrfPublic(BaseModel):
    """The CSRF token to send as X-CSRF-Token on unsafe requests."""

    csrf_token: str


def _hosted_only(request: Request) -> None:
    if request.app.state.settings.mode != "hosted":
        raise HTTPException(404, "local mode has no accounts")


def _log_in(request: Request, response: Response, store: Store, user_id: int) -> None:
    # A new login row and its cookie. Any login this browser had before ends: its cookie is
    # replaced, and a key left behind would stay usable by whoever copied it.
    _end_login(request, store)
    key = logins.open_login(store, user_id=user_id)
    issue_session(request, response, request.app.state.secret, key)


def _end_login(request: Request, store: Store) -> None:
    key = read_session(request.app.state.secret, request.cookies.get(SESSION_COOKIE))
    if key is not None:
        logins.end_login(store, key)


def _log_out(request: Request, response: Response, store: Store) -> None:
    _end_login(request, store)
    clear_session(request, response)


def client_address(request: Request) -> str:
    """Return the client's address (behind a trusted proxy, the one it forwarded)."""
    # uvicorn's proxy-headers middleware has already put X-Forwarded-For here, but only for a
    # peer in RUNBACK_FORWARDED_ALLOW_IPS: a forged header from anyone else is ignored.
    return request.client.host if request.client else "unknown"


@router.get(f"{API}/csrf")
def get_csrf(request: Request) -> CsrfPublic:
    """Return this browser's CSRF token (for scripts and API clients)."""
    return CsrfPublic(csrf_token=request_csrf_token(request))


@router.get(f"{API}/me")
async def me(stamp: StampDep) -> AccountPublic:
    """Return the current account."""
    # The login check read all of it already.
    return AccountPublic(id=stamp.id, email=stamp.email, zone=stamp.zone)


@router.post(f"{API}/register", status_code=201)
def api_register(
    body: Registration, request: Request, response: Response, store: StoreDep, _: CsrfDep
) -> AccountPublic:
    """Create an account and log in."""
    _hosted_only(request)
    try:
        account = accounts.register(
            store, body.email, body.password, body.zone, ip=client_address(request)
        )
    except RateLimitedError as exc:
        raise HTTPException(429, str(exc), {"Retry-After": str(exc.retry_after_s)}) from None
    except AuthError as exc:
        raise HTTPException(409, str(exc)) from None
    _log_in(request, response, store, account.id)
    return AccountPublic(id=account.id, email=account.email, zone=account.zone)


@router.post(f"{API}/login")
def api_login(
    body: Credentials, request: Request, response: Response, store: StoreDep, _: CsrfDep
) -> AccountPublic:
    """Log in; 401 on wrong credentials, 429 after too many failures."""
    _hosted_only(request)
    try:
        account = accounts.authenticate(store, body.email, body.password, client_address(request))
    except RateLimitedError as exc:
        raise HTTPException(429, str(exc), {"Retry-After": str(exc.retry_after_s)}) from None
    except AuthError as exc:
        raise HTTPException(401, str(exc)) from None
    _log_in(request, response, store, account.id)
    return AccountPublic(id=account.id, email=account.email, zone=account.zone)


@router.post(f"{API}/logout", status_code=204)
def api_logout(request: Request, store: StoreDep, _: CsrfDep) -> Response:
    """Log out: this login ends for good, not only in this browser."""
    response = Response(status_code=204)
    _log_out(request, response, store)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    """Show the login form."""
    if request.app.state.settings.mode != "hosted":
        return RedirectResponse("/", 303)
    return render(request, "login.html", {"next": safe_next(next), "email": "", "error": None})


@router.post("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    store: StoreDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=passwords.MAX_PASSWORD)],
    _: CsrfDep,
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Log in from the form."""
    _hosted_only(request)
    context = {"next": safe_next(next), "email": email}
    try:
        account = accounts.authenticate(store, email, password, client_address(request))
    except RateLimitedError as exc:
        page = render(request, "login.html", {**context, "error": str(exc)}, 429)
        page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    except AuthError as exc:
        return render(request, "login.html", {**context, "error": str(exc)}, 401)
    response = RedirectResponse(safe_next(next), 303)
    _log_in(request, response, store, account.id)
    return response


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request) -> Response:
    """Show the sign-up form."""
    if request.app.state.settings.mode != "hosted":
        return RedirectResponse("/", 303)
    context = {"email": "", "zone": "", "error": None, "min_password": passwords.MIN_PASSWORD}
    return render(request, "register.html", context)


@router.post("/register", response_class=HTMLResponse)
def register_form(
    request: Request,
    store: StoreDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=passwords.MAX_PASSWORD)],
    _: CsrfDep,
    zone: Annotated[str, Form(max_length=64)] = "UTC",
) -> Response:
    """Create an account from the form and log in."""
    _hosted_only(request)
    context = {"email": email, "zone": zone, "min_password": passwords.MIN_PASSWORD}
    try:
        account = accounts.register(
            store, email, password, zone or "UTC", ip=client_address(request)
        )
    except ValidationError as exc:
        message = "; ".join(f"{exc.source}: {p}" for p in exc.problems)
        return render(request, "register.html", {**context, "error": message}, 422)
    except RateLimitedError as exc:
        page = render(request, "register.html", {**context, "error": str(exc)}, 429)
        page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    except AuthError as exc:
        return render(request, "register.html", {**context, "error": str(exc)}, 409)
    response = RedirectResponse("/", 303)
    _log_in(request, response, store, account.id)
    return response


@router.post("/logout")
def logout_form(request: Request, store: StoreDep, _: CsrfDep) -> Response:
    """Log out and go to the login page."""
    response = RedirectResponse("/login", 303)
    _log_out(request, response, store)
    return response


class PasswordChange(BaseModel):
    """The current password and the new one."""

    current_password: str = Field(max_length=passwords.MAX_PASSWORD)
    new_password: str = Field(max_length=passwords.MAX_PASSWORD)


class LoginsEnded(BaseModel):
    """How many other logins (browsers, devices) were ended."""

    ended_logins: int


def _login_key(request: Request) -> str | None:
    key: str | None = getattr(request.state, "login_key", None)
    return key


@router.post(f"{API}/password")
def api_change_password(
    body: PasswordChange, request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> LoginsEnded:
    """Change the password (403 if the current one is wrong, 429 after 5); other logins end."""
    _hosted_only(request)
    try:
        ended = logins.change_password(
            store,
            body.current_password,
            body.new_password,
            keep=_login_key(request),
            ip=client_address(request),
            user_id=user_id,
        )
    except RateLimitedError as exc:
        raise HTTPException(429, str(exc), {"Retry-After": str(exc.retry_after_s)}) from None
    return LoginsEnded(ended_logins=ended)


@router.post(f"{API}/logins/end-others")
def api_end_other_logins(
    request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> LoginsEnded:
    """Log out every other browser and device of this account."""
    _hosted_only(request)
    return LoginsEnded(
        ended_logins=logins.end_other_logins(store, _login_key(request), user_id=user_id)
    )


@router.post("/settings/password", response_class=HTMLResponse)
def password_form(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    current_password: Annotated[str, Form(max_length=passwords.MAX_PASSWORD)],
    new_password: Annotated[str, Form(max_length=passwords.MAX_PASSWORD)],
    _: CsrfDep,
) -> Response:
    """Change the password from the settings page."""
    _hosted_only(request)
    try:
        ended = logins.change_password(
            store,
            current_password,
            new_password,
            keep=_login_key(request),
            ip=client_address(request),
            user_id=user_id,
        )
    except ValidationError as exc:
        return _account_redirect("password-invalid", detail="; ".join(exc.problems))
    except RateLimitedError as exc:
        return _account_redirect("password-limited", detail=str(exc))
    except AuthError:
        return _account_redirect("password-wrong")
    return _account_redirect("password-changed", ended)


@router.post("/settings/logins/end-others", response_class=HTMLResponse)
def end_others_form(request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Log out every other browser and device from the settings page."""
    _hosted_only(request)
    ended = logins.end_other_logins(store, _login_key(request), user_id=user_id)
    return _account_redirect("logins-ended", ended)


def _account_redirect(outcome: str, ended: int = 0, detail: str = "") -> Response:
    from urllib.parse import urlencode

    query = {"account": outcome, "ended": str(ended)} | ({"detail": detail} if detail else {})
    return RedirectResponse(f"/settings?{urlencode(query)}#account", status_code=303)
