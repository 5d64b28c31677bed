"""Local mode on the home network: this computer's LAN address, the bind host, the client guard.

Only the calendar feed (`GET /calendar/<token>.ics`, which checks its secret token) is ever
answered to another device, and only when the user turned "reachable on my home network" on
before runback started; every other request from a non-loopback address gets 403.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from typing import Protocol

from starlette.requests import Request

from runback.web.security import ASGIApp, Receive, Scope, Send

__all__ = [
    "ALL_INTERFACES",
    "ClientGuardMiddleware",
    "feed_base",
    "is_feed_path",
    "lan_address",
    "serve_host",
]

ALL_INTERFACES = "0.0.0.0"
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
_FEED_PATH = re.compile(r"/calendar/[^/]+\.ics")
# TEST-NET-1 (RFC 5737): connecting a UDP socket only picks the outgoing route; nothing is sent.
_PROBE = ("192.0.2.1", 9)


class _Udp(Protocol):
    def connect(self, address: tuple[str, int], /) -> None: ...
    def getsockname(self) -> tuple[str, int]: ...
    def close(self) -> None: ...


def _udp() -> _Udp:
    return socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def _by_hostname() -> str:
    return socket.gethostbyname(socket.gethostname())


def lan_address(
    udp: Callable[[], _Udp] = _udp, by_hostname: Callable[[], str] = _by_hostname
) -> str | None:
    """Return this computer's address on the local network, or None if it has none."""
    for found in (_routed(udp), _or_none(by_hostname)):
        if found and not ipaddress.ip_address(found).is_loopback:
            return found
    return None


def _routed(udp: Callable[[], _Udp]) -> str | None:
    try:
        sock = udp()
    except OSError:
        return None
    try:
        sock.connect(_PROBE)
        return sock.getsockname()[0]
    except OSError:
        return None  # no route at all (offline): try the host name
    finally:
        sock.close()


def _or_none(by_hostname: Callable[[], str]) -> str | None:
    try:
        return by_hostname()
    except OSError:
        return None


def serve_host(mode: str, host: str, home_network: bool) -> str:
    """Return the address `runback serve` binds: all interfaces only for the opted-in feed."""
    if mode == "local" and home_network and host in _LOOPBACK:
        return ALL_INTERFACES
    return host


def feed_base(request: Request) -> str:
    """Return the address the feed is shown under: the LAN one when the home network is on."""
    lan: str | None = getattr(request.app.state, "lan_address", None)
    if lan is None:
        return str(request.base_url).rstrip("/")
    port = request.url.port or request.app.state.settings.port
    return f"http://{lan}:{port}"


def is_feed_path(method: str, path: str) -> bool:
    """Tell whether a request reads the calendar feed (the one thing the home network gets)."""
    return method in ("GET", "HEAD") and _FEED_PATH.fullmatch(path) is not None


def _from_network(client: tuple[str, int] | None) -> bool:
    if client is None:
        return False  # a Unix socket: this computer
    try:
        return not ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False  # not an address (an in-process test client): not from the network


class ClientGuardMiddleware:
    """Local mode: 403 to any request from another device, but the feed when `feed_open`."""

    def __init__(self, app: ASGIApp, *, feed_open: bool) -> None:
        self.app = app
        self.feed_open = feed_open

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] not in ("http", "websocket") or not _from_network(scope.get("client")):
            await self.app(scope, receive, send)
            return
        if (
            self.feed_open
            and scope["type"] == "http"
            and is_feed_path(scope["method"], scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = (
            b"refused: this runback has no login, so it answers only on this computer "
            b"(other devices may read only the calendar feed, when that is turned on)\n"
        )
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
