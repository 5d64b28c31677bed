"""Hosted mode behind a real nginx with the config of docs/hosting.md, over TLS, two workers.

Clients connect from different loopback addresses (127.0.0.3, 127.0.0.4: real distinct peers
to nginx), so the address the login limit keys on can be told apart from nginx's own.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import PASSWORD
from tests.web.live import hosted_env, serve_hosted, stop
from tests.web.nginx import NginxProxy, find_nginx, nginx_proxy

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(find_nginx() is None, reason="nginx is not installed (make system-deps)"),
]

ALICE_IP, BOB_IP = "127.0.0.3", "127.0.0.4"
WRONG = "not the password at all"


@pytest.fixture
def stack(pg_db_url: str, tmp_path: Path) -> Iterator[tuple[NginxProxy, str]]:
    """Start `runback serve --workers 2` (hosted, PostgreSQL) and nginx in front of it."""
    env = hosted_env(pg_db_url, RUNBACK_FORWARDED_ALLOW_IPS="127.0.0.1")
    server, base = serve_hosted(env, tmp_path / "serve.log", workers=2)
    try:
        with nginx_proxy(int(base.rsplit(":", 1)[1])) as proxy:
            yield proxy, base
    finally:
        stop(server)


def _via(proxy: NginxProxy, ip: str) -> httpx.Client:
    """Return an https client of the proxy that connects from loopback address `ip`."""
    trust = ssl.create_default_context(cafile=str(proxy.cert))
    transport = httpx.HTTPTransport(local_address=ip, verify=trust)
    return httpx.Client(base_url=proxy.base, transport=transport, timeout=30)


def _direct(base: str, ip: str, cookies: dict[str, str]) -> httpx.Client:
    """Return a plain-http client of a worker itself, from `ip`, carrying these cookies."""
    transport = httpx.HTTPTransport(local_address=ip)
    return httpx.Client(base_url=base, transport=transport, cookies=cookies, timeout=30)


def _login(c: httpx.Client, password: str, **headers: str) -> int:
    token = c.get("/api/v1/csrf").json()["csrf_token"]
    body = {"email": "alice@example.org", "password": password}
    r = c.post("/api/v1/login", json=body, headers={"X-CSRF-Token": token, **headers})
    return r.status_code


def test_login_and_a_csrf_protected_write_through_nginx(stack: tuple[NginxProxy, str]) -> None:
    proxy, _ = stack
    with _via(proxy, ALICE_IP) as c:
        token = c.get("/api/v1/csrf").json()["csrf_token"]
        body = {"email": "alice@example.org", "password": PASSWORD}
        assert c.post("/api/v1/register", json=body, headers={"X-CSRF-Token": token}).is_success
        assert (
            c.post(
                "/api/v1/logout",
                headers={"X-CSRF-Token": c.get("/api/v1/csrf").json()["csrf_token"]},
            ).status_code
            == 204
        )
        assert _login(c, PASSWORD) == 200
        assert c.get("/api/v1/me").json()["email"] == "alice@example.org"
        # A write needs the token of this login; its answer shows Host and scheme came through.
        r = c.post("/api/v1/settings/calendar-token")
        assert r.status_code == 403
        token = c.get("/api/v1/csrf").json()["csrf_token"]
        r = c.post("/api/v1/settings/calendar-token", headers={"X-CSRF-Token": token})
        assert r.status_code == 201, r.text
        assert r.json()["calendar_url"].startswith(f"{proxy.base}/calendar/")
        # A browser form post: Origin matches the Host nginx passed on (port included).
        r = c.post(
            "/settings/calendar",
            data={"csrf_token": token, "action": "revoke"},
            headers={"Origin": proxy.base},
        )
        assert r.status_code == 303


def test_the_limiter_sees_the_real_client_and_ignores_forged_forwarding(
    stack: tuple[NginxProxy, str],
) -> None:
    proxy, worker = stack
    with _via(proxy, ALICE_IP) as c:
        token = c.get("/api/v1/csrf").json()["csrf_token"]
        body = {"email": "alice@example.org", "password": PASSWORD}
        assert c.post("/api/v1/register", json=body, headers={"X-CSRF-Token": token}).is_success
    with _via(proxy, ALICE_IP) as alice:
        # A new forged address each time: nginx replaces the header, so all count for Alice.
        statuses = [
            _login(alice, WRONG, **{"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(6)
        ]
        assert statuses == [401] * 5 + [429]
        cookies = dict(alice.cookies)
    with _via(proxy, BOB_IP) as bob:
        # Another client through the same nginx is not limited: the key is not nginx's address.
        assert _login(bob, WRONG) == 401
    # Straight to a worker, not from the proxy: the forwarded header is ignored either way.
    with _direct(worker, BOB_IP, cookies) as c:
        assert _login(c, WRONG, **{"X-Forwarded-For": ALICE_IP}) == 401
    with _direct(worker, ALICE_IP, cookies) as c:
        assert _login(c, PASSWORD, **{"X-Forwarded-For": "198.51.100.77"}) == 429
