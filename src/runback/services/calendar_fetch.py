"""Reading a calendar over the network: an ICS address (HTTP) or a CalDAV server.

`Fetcher` is the seam: the sync use case asks it for bytes and never opens a socket itself, so
tests of the daemon and the pages pass a fake one. `HttpFetcher` is the real one: a total time
limit, a size limit counted while the body streams in (the download stops at the limit), ETag
and If-Modified-Since, http and https only, and redirects followed only to http or https.
Its messages are one plain line and never hold the address's credentials.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from runback.errors import CalendarError
from runback.settings import Settings

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT_S",
    "Fetched",
    "Fetcher",
    "HttpFetcher",
    "check_web_address",
    "fetcher_for",
]

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """What an ICS address answered: new data with its validators, or "not modified"."""

    data: bytes | None  # None: not modified since the ETag / Last-Modified sent
    etag: str | None = None
    last_modified: str | None = None


class Fetcher(Protocol):
    """Where the sync gets a calendar's bytes from."""

    def fetch_ics(self, url: str, *, etag: str | None, last_modified: str | None) -> Fetched:
        """Download an ICS address (conditionally, given the validators of the last download)."""
        ...

    def fetch_caldav(
        self, url: str, *, username: str, password: str, start: datetime, end: datetime
    ) -> list[bytes]:
        """Return the iCalendar data of every event on a CalDAV calendar in [start, end)."""
        ...


def check_web_address(url: str) -> str:
    """Return the address if it is http(s) with a host, else CalendarError saying what to give."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() == "webcal":
        # Calendar apps hand out webcal:// for subscriptions: it is plain https underneath.
        parts = parts._replace(scheme="https")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CalendarError("the address must start with https:// (or http://)")
    return parts.geturl()


def _seconds(limit: float) -> str:
    return f"{limit:g} second" + ("" if limit == 1 else "s")


@dataclass
class HttpFetcher:
    """The real fetcher: httpx for ICS addresses, the caldav client for CalDAV."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_bytes: int = DEFAULT_MAX_BYTES
    # Hosted mode: a user's address must not reach the server's own network (loopback, private,
    # link-local): the server would read, on their behalf, what only it can reach.
    allow_private: bool = True

    def _check_host(self, url: str) -> None:
        if self.allow_private:
            return
        import ipaddress
        import socket

        host = urlsplit(url).hostname or ""
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except OSError:
            raise CalendarError("the address could not be reached; check it") from None
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if not ip.is_global:
                raise CalendarError("the address is on a private network this server cannot read")

    def _too_slow(self) -> CalendarError:
        return CalendarError(f"the address did not answer within {_seconds(self.timeout_s)}")

    def _too_big(self) -> CalendarError:
        mb = self.max_bytes / 1024**2
        return CalendarError(f"the calendar is larger than {mb:g} MB: not read")

    def fetch_ics(self, url: str, *, etag: str | None, last_modified: str | None) -> Fetched:
        """Download an ICS address within the time and size limits."""
        import httpx

        headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": "runback"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = time.monotonic() + self.timeout_s
        current = check_web_address(url)
        try:
            with httpx.Client(timeout=self.timeout_s, follow_redirects=False) as client:
                for _hop in range(_MAX_REDIRECTS + 1):
                    self._check_host(current)
                    with client.stream("GET", current, headers=headers) as response:
                        if response.status_code in (301, 302, 303, 307, 308):
                            target = urljoin(current, response.headers.get("location", ""))
                            try:
                                current = check_web_address(target)
                            except CalendarError:
                                raise CalendarError(
                                    "the address redirects somewhere that is not a web address"
                                ) from None
                            continue
                        return self._read(response, deadline)
                raise CalendarError("the address redirects too many times")
        except CalendarError:
            raise
        except httpx.TimeoutException:
            raise self._too_slow() from None
        except httpx.HTTPError as exc:
            raise CalendarError(_network_line(exc)) from None

    def _read(self, response: object, deadline: float) -> Fetched:
        import httpx

        assert isinstance(response, httpx.Response)
        if response.status_code == 304:
            return Fetched(
                None, response.headers.get("etag"), response.headers.get("last-modified")
            )
        if response.status_code in (401, 403):
            raise CalendarError("the address asks for a password or refused access")
        if response.status_code == 404:
            raise CalendarError("nothing is at this address (not found)")
        if response.status_code >= 400:
            raise CalendarError(f"the server answered with an error ({response.status_code})")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_big()
        body = bytearray()
        for chunk in response.iter_bytes(_CHUNK):
            body += chunk
            if len(body) > self.max_bytes:
                raise self._too_big()
            if time.monotonic() > deadline:
                raise self._too_slow()
        return Fetched(
            bytes(body), response.headers.get("etag"), response.headers.get("last-modified")
        )

    def fetch_caldav(
        self, url: str, *, username: str, password: str, start: datetime, end: datetime
    ) -> list[bytes]:
        """Search the CalDAV calendar at `url` (or every calendar of its account) for events."""
        from caldav.davclient import DAVClient
        from caldav.lib import error as dav_error

        address = check_web_address(url)
        self._check_host(address)
        client = DAVClient(
            url=address,
            username=username or None,
            password=password or None,
            timeout=max(1, round(self.timeout_s)),
        )
        out: list[bytes] = []
        try:
            with client:
                calendars = _caldav_calendars(client, address)
                for calendar in calendars:
                    for found in calendar.search(start=start, end=end, event=True, expand=False):
                        data = found.data
                        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
                        out.append(raw)
                        if sum(len(r) for r in out) > self.max_bytes:
                            raise self._too_big()
        except CalendarError:
            raise
        except dav_error.AuthorizationError:
            raise CalendarError("the server refused the user name or password") from None
        except dav_error.NotFoundError:
            raise CalendarError("no calendar at this address (not found)") from None
        except Exception as exc:
            raise CalendarError(_caldav_line(exc, self)) from None
        return out


def _validators(response: Any) -> tuple[str | None, str | None]:
    return response.headers.get("etag"), response.headers.get("last-modified")


def fetcher_for(settings: Settings) -> HttpFetcher:
    """Return the real fetcher with the settings' time and size limits."""
    return HttpFetcher(
        timeout_s=settings.calendar_timeout_s,
        max_bytes=settings.calendar_max_bytes,
        allow_private=settings.mode == "local" or settings.calendar_private_addresses,
    )


def _caldav_calendars(client: Any, address: str) -> list[Any]:
    """Return the calendar the address names, or every calendar of the account it belongs to."""
    principal = client.principal()
    calendars: list[Any] = list(principal.calendars())
    wanted = address.rstrip("/")
    chosen = [c for c in calendars if str(c.url).rstrip("/") == wanted]
    return chosen or calendars


def _caldav_line(exc: Exception, fetcher: HttpFetcher) -> str:
    name = type(exc).__name__.lower()
    text = str(exc).lower()
    if "timeout" in name or "timed out" in text:
        return fetcher._too_slow().args[0]  # type: ignore[no-any-return]
    if "connection" in name or "refused" in text or "resolve" in text:
        return "the calendar server could not be reached; check the address"
    if "401" in text or "unauthor" in text:
        return "the server refused the user name or password"
    return "the calendar server gave an answer runback could not read"


def _network_line(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.ConnectError):
        return "the address could not be reached; check it and your connection"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "the address must start with https:// (or http://)"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection before the calendar was read"
    return "the address could not be read; check it and your connection"
