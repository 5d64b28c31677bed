"""CSRF on every unsafe route, cross-site refusal, security headers, cookies, no inline code."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from runback.web.security import csrf_token, csrf_token_valid, sign, unsign
from tests.web.conftest import HostedClient, api_routes, signup

Make = Callable[..., HostedClient]
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _unsafe_routes(app: object) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for route in api_routes(app):
        path = re.sub(r"{[^}]+}", "1", route.path)
        out.extend((m, path) for m in sorted(route.methods or ()) if m in UNSAFE)
    return out


def test_every_unsafe_route_refuses_a_missing_or_wrong_csrf_token(
    db_url: str, hosted_client: Make
) -> None:
    c = hosted_client(db_url)
    signup(c, "csrf@example.org")
    routes = _unsafe_routes(c.app)
    assert len(routes) >= 8
    stranger = csrf_token("test-secret-key-0123456789abcdef0123456789", "someone-elses-nonce")
    for method, path in routes:
        for headers in ({}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": stranger}):
            r = c.request(method, path, headers=headers, data={"csrf_token": "forged"})
            assert r.status_code == 403, (method, path, headers, r.status_code)
            r = c.request(method, path, headers=headers, json={})
            assert r.status_code == 403, (method, path, headers, r.status_code)
    assert c.get("/api/v1/me").status_code == 200  # still logged in: nothing was done


def test_a_form_with_the_page_token_is_accepted(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    signup(c, "form@example.org")
    page = c.get("/settings").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert token and meta and token.group(1) == meta.group(1)
    r = c.post("/settings/calendar", data={"csrf_token": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    assert c.post("/settings/calendar", data={"action": "new"}).status_code == 403


def test_login_rotates_the_csrf_token(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    before = c.csrf
    signup(c, "rot@example.org")
    after = c.csrf
    assert before != after
    r = c.request("DELETE", "/api/v1/settings/calendar-token", headers={"X-CSRF-Token": before})
    assert r.status_code == 403


def test_cross_site_posts_are_refused_even_in_local_mode(client: TestClient) -> None:
    evil = {"Origin": "https://evil.example"}
    assert client.post("/api/v1/settings/calendar-token", headers=evil).status_code == 403
    fetch = {"Sec-Fetch-Site": "cross-site"}
    assert client.post("/api/v1/settings/calendar-token", headers=fetch).status_code == 403
    same = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/api/v1/settings/calendar-token", headers=same).status_code == 201


@pytest.mark.parametrize("path", ["/settings", "/api/v1/settings", "/static/app.css", "/nope"])
def test_security_headers_on_every_kind_of_response(client: TestClient, path: str) -> None:
    h = client.get(path).headers
    csp = h["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "same-origin"


def test_hosted_mode_adds_hsts_and_secure_cookies(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    r = c.get("/login")
    assert r.headers["strict-transport-security"].startswith("max-age=")
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith("runback_csrf=")
    assert {"httponly", "secure", "samesite=lax"} <= {p.strip() for p in cookie.split(";")}
    assert r.headers["cache-control"] == "no-store"


def test_pages_have_no_inline_scripts_styles_or_handlers(client: TestClient) -> None:
    # The CSP forbids them: a page using one would silently break in the browser.
    checked = 0
    for route in api_routes(client.app):
        if (
            "GET" not in (route.methods or ())
            or "{" in route.path
            or route.path.startswith("/api/")
        ):
            continue
        r = client.get(route.path)
        if "text/html" not in r.headers.get("content-type", "") or r.status_code >= 500:
            continue
        checked += 1
        html = r.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), route.path
        assert not re.search(r"\sstyle=", html), route.path
        assert not re.search(r"\son[a-z]+=", html), route.path
    assert checked >= 1


def test_docs_pages_that_need_a_cdn_are_off_and_openapi_is_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/settings" in spec["paths"]


def test_signed_tokens_refuse_tampering_and_age() -> None:
    token = sign("k" * 32, "session", "7:abc", now=1000)
    assert unsign("k" * 32, "session", token, 60, now=1030) == "7:abc"
    assert unsign("k" * 32, "session", token, 60, now=1100) is None  # expired
    assert unsign("k" * 32, "other", token, 60, now=1030) is None  # another purpose
    assert unsign("j" * 32, "session", token, 60, now=1030) is None  # another key
    assert unsign("k" * 32, "session", "8" + token[1:], 60, now=1030) is None
    assert unsign("k" * 32, "session", "é.1.x", 60, now=1030) is None
    assert not csrf_token_valid("k" * 32, "nonce", None)
    assert not csrf_token_valid("k" * 32, None, "t")
    assert csrf_token_valid("k" * 32, "nonce", csrf_token("k" * 32, "nonce"))
