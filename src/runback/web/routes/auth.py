"""Log in, register, log out (hosted mode), as pages and as JSON; and the CSRF token for scripts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.errors import AuthError, RateLimitedError, ValidationError
from runback.services import accounts
from runback.web.auth import clear_session, issue_session, safe_next
from runback.web.deps import CsrfDep, StoreDep, UserDep, render, request_csrf_token

__all__ = ["router"]

router = APIRouter(tags=["auth"])


class Credentials(BaseModel):
    """Email and password."""

    email: str = Field(max_length=320)
    password: str = Field(max_length=accounts.MAX_PASSWORD)


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


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/api/v1/csrf")
def get_csrf(request: Request) -> CsrfPublic:
    """Return this browser's CSRF token (for scripts and API clients)."""
    return CsrfPublic(csrf_token=request_csrf_token(request))


@router.get("/api/v1/me")
def me(store: StoreDep, user_id: UserDep) -> AccountPublic:
    """Return the current account."""
    account = accounts.get_account(store, user_id)
    return AccountPublic(id=account.id, email=account.email, zone=account.zone)


@router.post("/api/v1/register", status_code=201)
def api_register(
    body: Registration, request: Request, response: Response, store: StoreDep, _: CsrfDep
) -> AccountPublic:
    """Create an account and log in."""
    _hosted_only(request)
    try:
        account = accounts.register(store, body.email, body.password, body.zone)
    except AuthError as exc:
        raise HTTPException(409, str(exc)) from None
    issue_session(request, response, request.app.state.secret, account.id, account.password_hash)
    return AccountPublic(id=account.id, email=account.email, zone=account.zone)


@router.post("/api/v1/login")
def api_login(
    body: Credentials, request: Request, response: Response, store: StoreDep, _: CsrfDep
) -> AccountPublic:
    """Log in; 401 on wrong credentials, 429 after too many failures."""
    _hosted_only(request)
    try:
        account = accounts.authenticate(store, body.email, body.password, _ip(request))
    except RateLimitedError as exc:
        raise HTTPException(429, str(exc), {"Retry-After": str(exc.retry_after_s)}) from None
    except AuthError as exc:
        raise HTTPException(401, str(exc)) from None
    issue_session(request, response, request.app.state.secret, account.id, account.password_hash)
    return AccountPublic(id=account.id, email=account.email, zone=account.zone)


@router.post("/api/v1/logout", status_code=204)
def api_logout(request: Request, _: CsrfDep) -> Response:
    """Log out."""
    response = Response(status_code=204)
    clear_session(request, response)
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
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD)],
    _: CsrfDep,
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Log in from the form."""
    _hosted_only(request)
    context = {"next": safe_next(next), "email": email}
    try:
        account = accounts.authenticate(store, email, password, _ip(request))
    except RateLimitedError as exc:
        page = render(request, "login.html", {**context, "error": str(exc)}, 429)
        page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    except AuthError as exc:
        return render(request, "login.html", {**context, "error": str(exc)}, 401)
    response = RedirectResponse(safe_next(next), 303)
    issue_session(request, response, request.app.state.secret, account.id, account.password_hash)
    return response


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request) -> Response:
    """Show the sign-up form."""
    if request.app.state.settings.mode != "hosted":
        return RedirectResponse("/", 303)
    context = {"email": "", "zone": "", "error": None, "min_password": accounts.MIN_PASSWORD}
    return render(request, "register.html", context)


@router.post("/register", response_class=HTMLResponse)
def register_form(
    request: Request,
    store: StoreDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD)],
    _: CsrfDep,
    zone: Annotated[str, Form(max_length=64)] = "UTC",
) -> Response:
    """Create an account from the form and log in."""
    _hosted_only(request)
    context = {"email": email, "zone": zone, "min_password": accounts.MIN_PASSWORD}
    try:
        account = accounts.register(store, email, password, zone or "UTC")
    except ValidationError as exc:
        message = "; ".join(f"{exc.source}: {p}" for p in exc.problems)
        return render(request, "register.html", {**context, "error": message}, 422)
    except AuthError as exc:
        return render(request, "register.html", {**context, "error": str(exc)}, 409)
    response = RedirectResponse("/", 303)
    issue_session(request, response, request.app.state.secret, account.id, account.password_hash)
    return response


@router.post("/logout")
def logout_form(request: Request, _: CsrfDep) -> Response:
    """Log out and go to the login page."""
    response = RedirectResponse("/login", 303)
    clear_session(request, response)
    return response
