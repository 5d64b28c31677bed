"""Web security primitives: HMAC signing, CSRF tokens, security headers and a body-size limit.

CSRF uses a signed double submit: every browser gets a random nonce in the `runback_csrf`
cookie (HttpOnly, SameSite=Lax) and pages carry `HMAC(secret, nonce, login)` as the token, in a
form field `csrf_token` or the `X-CSRF-Token` header, where `login` is the key of the login the
session cookie names (empty before login). A cross-site page can neither read the cookie nor
compute the token, and a token learnt before login (or under another login) is refused after it.

`HostCheckMiddleware` refuses, in local mode, any `Host` but the loopback names (and those in
RUNBACK_ALLOWED_HOSTS): a DNS-rebinding page on evil.example resolving to 127.0.0.1 is same-origin
for the browser, and only the `Host` it sends gives it away.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOOPBACK_HOSTS",
    "BodyLimitMiddleware",
    "BodyTooLarge",
    "HostCheckMiddleware",
    "SecurityMiddleware",
    "csrf_token",
    "csrf_token_valid",
    "host_name",
    "mac",
    "new_nonce",
    "sign",
    "unsign",
]

CSRF_COOKIE = "runback_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

# No inline scripts or styles anywhere: templates load /static/*.js and /static/app.css only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def mac(secret: str, purpose: str, payload: str) -> str:
    """Return a URL-safe HMAC-SHA256 of a payload for one purpose."""
    digest = hmac.new(secret.encode(), f"{purpose}\x00{payload}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def sign(secret: str, purpose: str, payload: str, now: float | None = None) -> str:
    """Return `payload.timestamp.mac`, bound to a purpose so tokens cannot be reused elsewhere."""
    issued = int(time.time() if now is None else now)
    body = f"{payload}.{issued}"
    return f"{body}.{mac(secret, purpose, body)}"


def unsign(
    secret: str, purpose: str, token: str, max_age_s: float, now: float | None = None
) -> str | None:
    """Return the payload of a token signed by `sign`, or None if forged, malformed or expired."""
    body, _, tag = token.rpartition(".")
    payload, _, issued = body.rpartition(".")
    if not body or not payload or not issued.isdigit():
        return None
    if not hmac.compare_digest(tag.encode(), mac(secret, purpose, body).encode()):
        return None
    age = (time.time() if now is None else now) - int(issued)
    if age < -60 or age > max_age_s:
        return None
    return payload


def new_nonce() -> str:
    """Return a fresh random CSRF nonce."""
    return secrets.token_urlsafe(24)


def csrf_token(secret: str, nonce: str, login: str = "") -> str:
    """Return the CSRF token pages embed for this browser's nonce and login key."""
    return mac(secret, "csrf", f"{nonce}\x00{login}")


def csrf_token_valid(secret: str, nonce: str | None, token: str | None, login: str = "") -> bool:
    """Tell whether a submitted token matches the browser's nonce and login key."""
    if not nonce or not token:
        return False
    return hmac.compare_digest(token.encode(), csrf_token(secret, nonce, login).encode())


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
"""The `Host` names (without port) local mode always answers."""


def host_name(header: str) -> str:
    """Return a `Host` header's name without the port, lower-cased ("[::1]" keeps brackets)."""
    value = header.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[: end + 1] if end > 0 else value
    return value.split(":", 1)[0]


class HostCheckMiddleware:
    """Answer 400 to a request whose `Host` is not in `allowed` (local mode: DNS rebinding)."""

    def __init__(
        self, app: ASGIApp, *, allowed: frozenset[str], feed_hosts: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.allowed = frozenset(host_name(h) for h in allowed)
        # The LAN address, for the calendar feed only (its token is the secret, not the name).
        self.feed_hosts = frozenset(host_name(h) for h in feed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = next((v for k, v in scope.get("headers", []) if k == b"host"), b"")
        name = host_name(raw.decode("latin-1"))
        if name in self.allowed or (name in self.feed_hosts and _reads_feed(scope)):
            await self.app(scope, receive, send)
            return
        shown = name[:100] or "(none)"
        body = (
            f"refused: this runback answers only to 127.0.0.1, localhost and [::1], not to "
            f"the host name {shown}; to reach it under another name, add that name to "
            "RUNBACK_ALLOWED_HOSTS\n"
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _reads_feed(scope: Scope) -> bool:
    from runback.web.lan import is_feed_path

    return is_feed_path(scope.get("method", ""), scope.get("path", ""))


def _cookie_value(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    prefix = f"{name}=".encode()
    for key, value in headers:
        if key != b"cookie":
            continue
        for part in value.split(b";"):
            part = part.strip()
            if part.startswith(prefix):
                return part[len(prefix) :].decode("latin-1")
    return None


class SecurityMiddleware:
    """Add security headers to every response and give each browser a CSRF nonce cookie.

    A plain ASGI middleware (not BaseHTTPMiddleware) so it adds no per-request task overhead.
    The nonce is put in `scope["state"]["csrf_nonce"]` for `render` and the CSRF check.
    """

    def __init__(self, app: ASGIApp, *, hosted: bool) -> None:
        self.app = app
        self.hosted = hosted
        headers = [
            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            # The calendar feed URL holds a secret token: never leak paths to other sites.
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if hosted:
            headers.append((b"strict-transport-security", b"max-age=31536000"))
        self._headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = _cookie_value(scope.get("headers", []), CSRF_COOKIE)
        fresh = nonce is None or len(nonce) > 64
        if fresh:
            nonce = new_nonce()
        scope.setdefault("state", {})["csrf_nonce"] = nonce
        cookie = None
        if fresh:
            attrs = f"{CSRF_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Lax"
            cookie = (attrs + ("; Secure" if self.hosted else "")).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = list(message.get("headers", []))
                present = {k.lower() for k, _ in out}
                out.extend(h for h in self._headers if h[0] not in present)
                if cookie is not None and not scope["state"].get("csrf_rotated"):
                    out.append((b"set-cookie", cookie))
                message["headers"] = out
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


class BodyTooLarge(HTTPException):
    """A request body over the size limit (413); the message says the limit and what to do."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        told = f"is {_mb(size)}, over" if size is not None else "is over"
        super().__init__(
            413,
            f"refused: the request {told} the upload limit of {_mb(limit)} "
            "(RUNBACK_MAX_UPLOAD_BYTES); send fewer or smaller files at a time",
        )


class BodyLimitMiddleware:
    """Refuse request bodies over `max_bytes` (plus `slack`) with 413, before holding them.

    A declared Content-Length over the limit is refused before the app runs (`refuse` makes the
    response, so pages get an error page and /api/ gets JSON). A body without one (chunked) is
    counted as it streams: the read that crosses the limit raises BodyTooLarge, which the app's
    HTTPException handler answers. Nothing past the limit is read. `slack` is room for framing
    (multipart headers and boundaries) so that one file of `max_bytes` still goes through.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        refuse: Callable[[Scope, BodyTooLarge], ASGIApp],
        slack: int = 0,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refuse = refuse
        self.slack = slack

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        shown, most = self.max_bytes, self.max_bytes + self.slack
        declared = _content_length(scope.get("headers", []))
        if declared is not None and declared > most:
            response = self.refuse(scope, BodyTooLarge(shown, declared))
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > most:
                    raise BodyTooLarge(shown)
            return message

        await self.app(scope, counted, send)


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for key, value in headers:
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server rejects a malformed length before we see it
    return None
