"""Build the FastAPI app: store, templates, static files, security, and every route module."""

from __future__ import annotations

import errno
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import ModuleType

    from fastapi import FastAPI, Request
    from starlette.responses import Response
    from starlette.types import Scope

    from runback.services.store import Store
    from runback.settings import Settings

__all__ = [
    "MULTIPART_ALLOWANCE",
    "app_secret",
    "create_app",
    "create_app_from_env",
]

MIN_SECRET_LEN = 32


def app_secret(settings: Settings) -> str:
    """Return the signing secret, or ConfigError if hosted mode lacks a strong one."""
    import secrets

    from runback.errors import ConfigError

    if settings.mode == "hosted":
        if not settings.secret_key or len(settings.secret_key) < MIN_SECRET_LEN:
            raise ConfigError(
                f"hosted mode needs RUNBACK_SECRET_KEY of at least {MIN_SECRET_LEN} characters "
                "(shared by every worker); make one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return settings.secret_key
    # Local mode has no login; a per-process secret only protects the CSRF token.
    return settings.secret_key or secrets.token_urlsafe(48)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Return the web app for these settings, opening (and migrating) the store if none given."""
    from importlib.resources import files
    from urllib.parse import quote

    from fastapi import Depends, FastAPI, Request
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, RedirectResponse
    from fastapi.staticfiles import StaticFiles
    from sqlalchemy.exc import SQLAlchemyError
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException

    from runback.errors import (
        RateLimitedError,
        RunbackError,
    )
    from runback.services.job_thread import JobThread
    from runback.services.store import database_trouble, open_store
    from runback.web.api import API
    from runback.web.auth import LoginRequired, safe_next
    from runback.web.deps import (
        ERROR_RESPONSES,
        is_api,
        make_templates,
        refuse_nul,
        render,
        verify_csrf,
    )
    from runback.web.lan import ClientGuardMiddleware
    from runback.web.problems import one_line, plain_words, validation_line
    from runback.web.security import (
        BodyLimitMiddleware,
        BodyTooLarge,
        HostCheckMiddleware,
        SecurityMiddleware,
    )
    from runback.web.view_cache import ViewCache

    secret = app_secret(settings)
    local = settings.mode == "local"
    owns_store = store is None
    the_store = store if store is not None else open_store(settings)

    in_thread = settings.job_thread
    jobs = JobThread(the_store) if (in_thread or (in_thread is None and local)) else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if jobs is not None:
            jobs.start()
        yield
        if jobs is not None:
            # In the thread pool: it waits for the file being imported to finish.
            await run_in_threadpool(jobs.stop)
        if owns_store:
            the_store.close()

    app = FastAPI(
        title="runback",
        version="1",
        summary="Back-care companion for runners who sit all day.",
        openapi_url=f"{API}/openapi.json",
        # The interactive docs pages load scripts from a CDN: we serve nothing from one.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.public_settings = settings.model_copy(
        update={"secret_key": None, "database_url": settings.database_url.split(":", 1)[0]}
    )
    app.state.store = the_store
    the_store.stamps()  # made once here, so every request's copy of the store shares it
    app.state.views = ViewCache(settings.view_cache_entries)
    app.state.jobs = jobs  # None: `runback worker` imports the uploads
    app.state.secret = secret
    app.state.templates = make_templates()
    # Read once at start, like the address `runback serve` binds: a change applies next start.
    # Only when served on all interfaces (`runback serve` does so just for this setting).
    on_all = local and settings.host == "0.0.0.0"
    app.state.lan_address = _home_network_address(the_store) if on_all else None
    app.mount("/static", StaticFiles(directory=str(files("runback.web") / "static")), "static")

    for module in _route_modules():
        app.include_router(
            module.router,
            dependencies=[Depends(verify_csrf), Depends(refuse_nul)],
            responses=ERROR_RESPONSES,
        )

    def _error(request: Request, status: int, message: str) -> Response:
        if is_api(request):
            return JSONResponse({"detail": message}, status_code=status)
        return render(request, "error.html", {"status": status, "message": message}, status)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = quote(safe_next(exc.next_path), safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(RunbackError)
    async def runback_error(request: Request, exc: RunbackError) -> Response:
        answer = _error(request, exc.http_status, plain_words(one_line(exc)))
        if isinstance(exc, RateLimitedError):
            answer.headers["Retry-After"] = str(exc.retry_after_s)
        return answer

    @app.exception_handler(SQLAlchemyError)
    async def database_error(request: Request, exc: SQLAlchemyError) -> Response:
        # A full disk or an unreachable server is the database's state, not a bug: 503.
        found = database_trouble(exc, settings.database_url)
        if found is None:
            raise exc
        return _error(request, found.http_status, str(found))

    @app.exception_handler(OSError)
    async def os_error(request: Request, exc: OSError) -> Response:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            raise exc
        return _error(request, 503, "the server's disk is full or read-only; try again later")

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's list of problems, made JSON-safe: the input it echoes may be a number JSON
        # cannot hold (`1e309` parses as inf), which would turn this 422 into a 500.
        problems = _json_safe(jsonable_encoder(exc.errors()))
        line = validation_line(problems)
        if not is_api(request):
            # A page address with a bad query (`/player/x?speed=0`): a page, in plain words.
            message = (
                f"This address has a value that does not work ({line}). Go back and try again."
            )
            return render(request, "error.html", {"status": 422, "message": message}, 422)
        # One line to show, and the list with field paths for programs.
        return JSONResponse({"detail": line, "problems": problems}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if is_api(request) or request.url.path.startswith("/static/"):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        response = _error(request, exc.status_code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    def too_large(scope: Scope, exc: BodyTooLarge) -> Response:
        return _error(Request(scope), exc.status_code, str(exc.detail))

    # Added first, so it runs inside SecurityMiddleware: a 413 gets the security headers too.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_upload_bytes,
        slack=MULTIPART_ALLOWANCE,
        refuse=too_large,
    )
    app.add_middleware(SecurityMiddleware, hosted=settings.mode == "hosted")
    if settings.mode == "local":
        # Outermost: a rebinding page gets nothing, not even a CSRF cookie.
        lan = app.state.lan_address
        app.add_middleware(
            HostCheckMiddleware,
            allowed=settings.allowed_host_names(),
            feed_hosts=frozenset({lan} if lan else ()),
        )
        # Outermost of all: another device gets only the feed, and only when turned on.
        app.add_middleware(ClientGuardMiddleware, feed_open=lan is not None)
    return app


def _home_network_address(store: Store) -> str | None:
    """Return the LAN address the feed is offered on, or None when that setting is off."""
    from runback.services.home_network import feed_on_home_network
    from runback.services.store import LOCAL_USER_ID
    from runback.web import lan

    if not feed_on_home_network(store, user_id=LOCAL_USER_ID):
        return None
    return lan.lan_address()


# A multipart upload of one file of max_upload_bytes carries its part headers and boundaries
# on top; this allowance lets such a file through while still refusing anything much larger.
MULTIPART_ALLOWANCE = 64 * 1024


def _json_safe(value: Any) -> Any:
    """Return `value` with the floats JSON cannot encode (inf, -inf, nan) as their text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def _route_modules() -> list[ModuleType]:
    """Return every route module (each exposes `router`: its HTML pages and its JSON API)."""
    # Imported by name: a module that is missing or broken is an error, never skipped.
    from runback.web.routes import (
        auth,
        breaks,
        calendar,
        calendars,
        concerns,
        health,
        history,
        home_network,
        jobs,
        pain,
        plans,
        played,
        player,
        profile,
        programme,
        progress,
        report,
        routines,
        runs,
        sessions,
        settings,
        share,
        shell,
        slots,
        today,
    )

    # In this order: a path two modules could match goes to the first.
    return [
        health, auth, share, settings, home_network, calendars, calendar, profile, today, breaks,
        player,
        played, sessions, shell, routines, runs, jobs, pain, concerns, progress, history, report,
        plans, programme, slots,
    ]  # fmt: skip


def create_app_from_env() -> FastAPI:
    """Build the app from RUNBACK_* environment variables (uvicorn factory for each worker)."""
    from runback.settings import Settings

    return create_app(Settings())
