"""Accounts in hosted mode: register, log in and out, sessions, rate limits; local mode has none."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from runback.services import accounts
from runback.services.store import LOCAL_USER_ID
from tests.web.conftest import PASSWORD, HostedClient, signup

Make = Callable[..., HostedClient]


def _page_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def test_register_login_me_logout_over_the_api(any_db_url: str, hosted_client: Make) -> None:
    c = hosted_client(any_db_url)
    uid = signup(c, "Ann@Example.org ")
    assert c.get("/api/v1/me").json() == {"id": uid, "email": "ann@example.org", "zone": "UTC"}
    assert c.unsafe("POST", "/api/v1/logout").status_code == 204
    assert c.get("/api/v1/me").status_code == 401
    r = c.unsafe("POST", "/api/v1/login", json={"email": "ann@example.org", "password": PASSWORD})
    assert r.status_code == 200
    assert c.get("/api/v1/me").json()["id"] == uid


def test_login_form_sets_a_secure_session_cookie_and_follows_next(
    db_url: str, hosted_client: Make
) -> None:
    c = hosted_client(db_url)
    signup(c, "bo@example.org")
    c.cookies.clear()
    page = c.get("/login?next=/settings")
    assert page.status_code == 200
    form = {
        "csrf_token": _page_token(page.text),
        "email": "bo@example.org",
        "password": PASSWORD,
        "next": "/settings",
    }
    r = c.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/settings"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("runback_session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    assert c.get("/settings").status_code == 200


def test_next_never_leaves_the_site(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    signup(c, "cy@example.org")
    c.cookies.clear()
    token = _page_token(c.get("/login").text)
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        form = {"csrf_token": token, "email": "cy@example.org", "password": PASSWORD, "next": evil}
        r = c.post("/login", data=form, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/", evil
        c.cookies.delete("runback_session")
        token = _page_token(c.get("/login").text)


def test_register_form_creates_the_account_and_logs_in(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    token = _page_token(c.get("/register").text)
    form = {"csrf_token": token, "email": "di@example.org", "password": PASSWORD}
    r = c.post("/register", data={**form, "zone": "Europe/Berlin"}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/api/v1/me").json()["zone"] == "Europe/Berlin"


@pytest.mark.parametrize(
    ("email", "password", "zone", "says"),
    [
        ("not-an-email", PASSWORD, "UTC", "not an email address"),
        ("ed@example.org", "short", "UTC", "at least 10 characters"),
        ("ed@example.org", PASSWORD, "Mars/Olympus", "unknown time zone"),
    ],
)
def test_bad_registrations_say_what_is_wrong(
    db_url: str, hosted_client: Make, email: str, password: str, zone: str, says: str
) -> None:
    c = hosted_client(db_url)
    token = _page_token(c.get("/register").text)
    form = {"csrf_token": token, "email": email, "password": password, "zone": zone}
    r = c.post("/register", data=form)
    assert r.status_code == 422
    assert says in r.text
    r = c.unsafe(
        "POST", "/api/v1/register", json={"email": email, "password": password, "zone": zone}
    )
    assert r.status_code == 422
    assert says in r.json()["detail"]


def test_an_email_registers_once(any_db_url: str, hosted_client: Make) -> None:
    c = hosted_client(any_db_url)
    signup(c, "fay@example.org")
    r = c.unsafe(
        "POST", "/api/v1/register", json={"email": "FAY@example.org", "password": PASSWORD}
    )
    assert r.status_code == 409
    assert "exists already" in r.json()["detail"]


def test_pages_redirect_to_login_and_api_says_401(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    r = c.get("/settings?tab=x", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/settings%3Ftab%3Dx"
    assert c.get("/api/v1/settings").status_code == 401


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # forged mac
        lambda v: ("3" if v.startswith("2") else "2") + v[1:],  # another id, the old mac
        lambda v: "garbage",
        lambda v: "",
    ],
)
def test_forged_session_cookies_are_refused(
    db_url: str, hosted_client: Make, tamper: Callable[[str], str]
) -> None:
    c = hosted_client(db_url)
    signup(c, "gus@example.org")
    value = c.cookies["runback_session"]
    assert c.get("/api/v1/me", headers={"cookie": f"runback_session={value}"}).status_code == 200
    c.cookies.clear()
    forged = {"cookie": f"runback_session={tamper(value)}"}
    assert c.get("/api/v1/me", headers=forged).status_code == 401


def test_a_session_from_another_secret_is_refused(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    signup(c, "hal@example.org")
    other = hosted_client(db_url, secret_key="another-secret-another-secret-1234")
    stolen = {"cookie": f"runback_session={c.cookies['runback_session']}"}
    assert other.get("/api/v1/me", headers=stolen).status_code == 401


def test_wrong_passwords_are_rate_limited_across_workers(
    any_db_url: str, hosted_client: Make, clock: FakeClock
) -> None:
    # Two apps (as two uvicorn workers would be) sharing only the database.
    first, second = hosted_client(any_db_url), hosted_client(any_db_url)
    signup(first, "ivy@example.org")
    bad = {"email": "ivy@example.org", "password": "wrong password!"}
    for i in range(accounts.MAX_PER_EMAIL_IP):
        r = (first if i % 2 else second).unsafe("POST", "/api/v1/login", json=bad)
        assert r.status_code == 401
        assert r.json()["detail"] == "wrong email or password"
    good = {"email": "ivy@example.org", "password": PASSWORD}
    r = first.unsafe("POST", "/api/v1/login", json=good)
    assert r.status_code == 429
    assert 0 < int(r.headers["retry-after"]) <= 15 * 60
    assert "too many failed logins" in r.json()["detail"]
    assert second.unsafe("POST", "/api/v1/login", json=good).status_code == 429
    clock.advance(15 * 60 + 1)
    assert second.unsafe("POST", "/api/v1/login", json=good).status_code == 200


def test_login_form_shows_the_rate_limit(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    signup(c, "jo@example.org")
    for _ in range(accounts.MAX_PER_EMAIL_IP + 1):
        token = _page_token(c.get("/login").text)
        r = c.post("/login", data={"csrf_token": token, "email": "jo@example.org", "password": "x"})
    assert r.status_code == 429
    assert "too many failed logins" in r.text


def test_unknown_email_fails_like_a_wrong_password(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    r = c.unsafe(
        "POST", "/api/v1/login", json={"email": "nobody@example.org", "password": "x" * 12}
    )
    assert r.status_code == 401
    assert r.json()["detail"] == "wrong email or password"


def test_hosted_mode_needs_a_strong_secret(db_url: str) -> None:
    from runback.errors import ConfigError
    from runback.settings import Settings
    from runback.web.app import create_app

    for secret in (None, "short"):
        with pytest.raises(ConfigError, match="RUNBACK_SECRET_KEY"):
            create_app(Settings(database_url=db_url, mode="hosted", secret_key=secret))


def test_local_mode_has_no_login(client: TestClient) -> None:
    assert client.get("/api/v1/me").json()["id"] == LOCAL_USER_ID
    r = client.get("/login", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/")
    assert client.get("/settings").status_code == 200
    r = client.post("/api/v1/register", json={"email": "a@example.org", "password": PASSWORD})
    assert r.status_code == 404
