"""What every route module codes against: the store, the user, CSRF, and `render`.

How a route module looks (one `router` holding its HTML pages and its JSON under `web.api.API`)::

    router = APIRouter()

    @router.get("/runs", response_class=HTMLResponse)
    def runs_page(request: Request, store: StoreDep, user_id: UserDep) -> HTMLResponse:
        \"\"\"Show the runs.\"\"\"
        return render(request, "runs.html", {"runs": list_runs(store, user_id)})

    @router.post(f"{API}/runs/{{run_id}}/delete")
    def delete_run(run_id: int, store: StoreDep, user_id: UserDep, _: CsrfDep) -> None: ...

Rules:
- Every route that shows or changes a user's data takes `UserDep` and passes that id to the
  service; never read a user id from the path, query or body.
- Unsafe methods (POST/PUT/PATCH/DELETE) are CSRF-checked for every router that `create_app`
  includes; add `CsrfDep` too to make it visible. HTML forms carry
  `<input type="hidden" name="csrf_token" value="{{ csrf_token }}">`; our JS reads
  `<meta name="csrf-token">` and sends the `X-CSRF-Token` header.
- The Content-Security-Policy forbids inline scripts, inline `style=` attributes and event
  handler attributes: put JS in web/static/*.js and CSS in web/static/app.css.
- A `runback.errors.NotFoundError` raised by a service becomes 404 (JSON under /api/, an error
  page otherwise); `ValidationError`/`ConfigError` become 422 with the message.
- A database id in a path is `IdPath` (`session_id: IdPath`), in a body `Field(ge=1, le=MAX_ID)`:
  a number the id columns cannot hold is a 422, never a 500 from the database.
- No text may hold a NUL character (PostgreSQL cannot store one): `refuse_nul`, run for every
  router like the CSRF check, answers 422 naming the field for any path, query, form or JSON
  string that has one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from runback.services.store import LOCAL_USER_ID, Store, UserStamp
from runback.web.auth import SESSION_COOKIE, LoginRequired, read_session
from runback.web.security import CSRF_FIELD, CSRF_HEADER, csrf_token, csrf_token_valid

__all__ = [
    "ERROR_RESPONSES",
    "MAX_ID",
    "CsrfDep",
    "ErrorOut",
    "FieldProblem",
    "IdPath",
    "NulDep",
    "StampDep",
    "StoreDep",
    "UserDep",
    "current_user_id",
    "get_store",
    "is_api",
    "make_templates",
    "nul_problem",
    "refuse_nul",
    "render",
    "request_csrf_token",
    "user_stamp",
    "verify_csrf",
]

# Id columns are INTEGER: signed 32-bit on PostgreSQL (SQLite holds more, but no row of ours
# gets past this), so a larger id cannot exist and must not reach a query.
MAX_ID = 2**31 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="the id runback gave it")]
"""A database id in the path; out of range is a 422 before any query."""


class FieldProblem(BaseModel):
    """One problem with a request that could not be read: where it is and what is wrong."""

    loc: list[str | int] = Field(description='where, e.g. ["body", "intensity"]')
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None


class ErrorOut(BaseModel):
    """An error: `detail` names the field and the fix, or lists a malformed request's problems."""

    detail: str | list[FieldProblem]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "The request is invalid; `detail` says why."}
}
"""The 422 every route may answer (schema checks and the services' ValidationError)."""

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def make_templates() -> Jinja2Templates:
    """Return the Jinja2 environment over the package's web/templates (autoescaped)."""
    from importlib.resources import files

    from runback.web.figures import exercise_figure, figure_strip
    from runback.web.problems import page_value
    from runback.web.qr import qr_svg, webcal

    folder = files("runback.web") / "templates"
    templates = Jinja2Templates(directory=str(folder))
    # The templates ship in the package: no stat() of each one on every render to see whether
    # it changed (a changed install is a restart).
    templates.env.auto_reload = False
    templates.env.globals["figure"] = exercise_figure
    templates.env.globals["figure_strip"] = figure_strip
    templates.env.globals["qr_svg"] = qr_svg
    templates.env.globals["webcal"] = webcal
    # Messages shared with the command line lose its hints on a page (web/problems.py).
    templates.env.finalize = page_value
    return templates


async def get_store(request: Request) -> Store:
    """Return the app's Store, as a copy for this request (see `Store.for_request`)."""
    # async: it does no I/O, so it need not cost a hop through the thread pool.
    store: Store = request.app.state.store
    return store.for_request()


StoreDep = Annotated[Store, Depends(get_store)]
"""The Store of this request (engine, session factory, clock); use `store.tx()` for writes."""


def is_api(request: Request) -> bool:
    """Tell whether the request is for the JSON API (rather than an HTML page)."""
    return request.url.path.startswith("/api/")


async def user_stamp(request: Request, store: StoreDep) -> UserStamp:
    """Return the current user's stamp: id, email, zone, password hash and data version.

    Local mode: the local user, no login. Hosted mode: the user of the login that the signed
    session cookie names (its key is then `request.state.login_key`); without a valid cookie,
    or once that login ended, JSON routes get 401 and HTML pages redirect to /login. The row
    it read becomes the request's (`Store.knows_user`): the route's reads do not repeat it.
    """
    known: UserStamp | None = getattr(request.state, "stamp", None)
    if known is not None:
        return known
    # On the event loop, not in the thread pool: one indexed read on a connection of this
    # thread's own costs less than the hop to a thread and back (docs/benchmarks.md, round 3),
    # and in the pool every one of its threads would keep a connection of its own.
    stamps = request.app.state.store.stamps()
    if request.app.state.settings.mode == "local":
        stamp = stamps.read(LOCAL_USER_ID) or UserStamp(LOCAL_USER_ID, None, "UTC", None, 0)
        return _logged_in(request, store, stamp)
    key = read_session(request.app.state.secret, request.cookies.get(SESSION_COOKIE))
    if key is not None:
        user = stamps.read_login(key)
        if user is not None:
            request.state.login_key = key
            return _logged_in(request, store, user)
    if is_api(request):
        raise HTTPException(401, "log in first", headers={"WWW-Authenticate": "Cookie"})
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise LoginRequired(path)


def _logged_in(request: Request, store: Store, stamp: UserStamp) -> UserStamp:
    request.state.stamp = stamp
    request.state.user = {"id": stamp.id, "email": stamp.email}
    store.knows_user(stamp)
    return stamp


async def current_user_id(request: Request, store: StoreDep) -> int:
    """Return the id of the user making the request (see `user_stamp`)."""
    if request.app.state.settings.mode == "local":
        # No login, so nothing to read.
        request.state.user = {"id": LOCAL_USER_ID, "email": None}
        return LOCAL_USER_ID
    return (await user_stamp(request, store)).id


StampDep = Annotated[UserStamp, Depends(user_stamp)]
"""The current user's stamp, for routes that key a cached view on its `data_version`."""

UserDep = Annotated[int, Depends(current_user_id)]
"""The id of the current user: pass it to every service call."""


def _login_binding(request: Request) -> str:
    # The login key the session cookie names ("" when none): a token is valid for one login.
    key = read_session(request.app.state.secret, request.cookies.get(SESSION_COOKIE))
    return key or ""


def request_csrf_token(request: Request) -> str:
    """Return the CSRF token for this browser and login (what forms and the meta tag carry)."""
    nonce: str = request.scope.get("state", {}).get("csrf_nonce", "")
    return csrf_token(request.app.state.secret, nonce, _login_binding(request))


def _cross_site(request: Request) -> bool:
    # Browsers send these on cross-site requests; a page on another site must not drive ours,
    # even in local mode (any web page can post to 127.0.0.1).
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin == "null"
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] != host


async def verify_csrf(request: Request) -> None:
    """Refuse (403) an unsafe request that is cross-site or, in hosted mode, lacks the token."""
    if request.method not in _UNSAFE:
        return
    if _cross_site(request):
        raise HTTPException(403, "cross-site request refused")
    if request.app.state.settings.mode != "hosted":
        return
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        form = await request.form()
        field = form.get(CSRF_FIELD)
        token = field if isinstance(field, str) else None
    nonce = request.scope.get("state", {}).get("csrf_nonce")
    if not csrf_token_valid(request.app.state.secret, nonce, token, _login_binding(request)):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


CsrfDep = Annotated[None, Depends(verify_csrf)]
"""Checks the CSRF token of unsafe requests (`_: CsrfDep` in the signature)."""


def nul_problem(value: Any, where: str) -> str | None:
    """Return where in `value` (text, or JSON lists and objects of it) a NUL is, or None."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = nul_problem(key, where) or nul_problem(item, f"{where}.{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = nul_problem(item, f"{where}[{i}]")
            if found:
                return found
    return None


def _first_nul(pairs: list[tuple[str, Any]], where: str) -> str | None:
    for key, value in pairs:
        if isinstance(value, str) and ("\x00" in key or "\x00" in value):
            return f"{where}.{key.replace(chr(0), '')}"
    return None


async def refuse_nul(request: Request) -> None:
    """Refuse (422) a request with a NUL character in any path, query, form or JSON text."""
    import json

    found = _first_nul(list(request.path_params.items()), "path") or _first_nul(
        request.query_params.multi_items(), "query"
    )
    kind = request.headers.get("content-type", "")
    if found is None and request.method in _UNSAFE:
        if kind.startswith("application/x-www-form-urlencoded"):
            form = await request.form()  # cached: the route reads this same parse
            found = _first_nul(form.multi_items(), "form")
        elif kind.startswith("multipart/form-data"):
            # Only a form FastAPI already read for the route's own Form/File fields: reading it
            # here would parse uploads before, and with other limits than, the route's own.
            parsed = getattr(request, "_form", None)
            if parsed is not None:
                found = _first_nul(parsed.multi_items(), "form")
        elif kind.startswith("application/json"):
            body = await request.body()  # cached, like the form
            # JSON can only carry a NUL escaped; parse only when one may be there.
            if b"\\u0000" in body.lower():
                try:
                    found = nul_problem(json.loads(body), "body")
                except ValueError:
                    found = None  # malformed JSON: the route's own 422 says so
    if found is not None:
        raise HTTPException(
            422,
            f"{found}: text must not contain a NUL character (\\0); remove it and send again",
        )


NulDep = Annotated[None, Depends(refuse_nul)]
"""Refuses NUL characters in text (run for every router by `create_app`)."""


def render(
    request: Request,
    template_name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a template, adding `csrf_token`, `user`, `mode` and `settings` to its context.

    `user` is `{"id", "email"}` or None (hosted mode, not logged in); `settings` hides secrets.
    """
    app_state = request.app.state
    mode = app_state.settings.mode
    user = getattr(request.state, "user", None)
    if user is None and mode == "local":
        user = {"id": LOCAL_USER_ID, "email": None}
    full = {
        "csrf_token": request_csrf_token(request),
        "user": user,
        "mode": mode,
        "settings": app_state.public_settings,
        **(context or {}),
    }
    templates: Jinja2Templates = app_state.templates
    response: HTMLResponse = templates.TemplateResponse(
        request, template_name, full, status_code=status_code
    )
    # Pages show one person's data: never let a shared cache keep them.
    response.headers.setdefault("cache-control", "no-store")
    return response
