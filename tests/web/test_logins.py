"""Logins are rows: logging out ends a cookie for good; a password change ends the others."""

from __future__ import annotations

import re
from collections.abc import Callable

from runback.services.store import Store
from tests.web.conftest import PASSWORD, HostedClient, signup

Make = Callable[..., HostedClient]
NEW = "a new password, long enough"


def _session_cookie(c: HostedClient) -> str:
    value = c.cookies.get("runback_session")
    assert isinstance(value, str) and value
    return value


def _second_browser(hosted_client: Make, c: HostedClient, email: str) -> HostedClient:
    """Log the same account in from another client of the same app."""
    other = HostedClient(c.app, base_url="https://testserver")
    other.__enter__()
    r = other.unsafe("POST", "/api/v1/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return other


def test_a_logged_out_cookie_stays_dead(any_db_url: str, hosted_client: Make) -> None:
    c = hosted_client(any_db_url)
    signup(c, "out@example.org")
    copied = _session_cookie(c)  # what someone who copied the cookie would hold
    assert c.unsafe("POST", "/api/v1/logout").status_code == 204
    r = c.get("/api/v1/me", headers={"cookie": f"runback_session={copied}"})
    assert r.status_code == 401
    r = c.get("/", headers={"cookie": f"runback_session={copied}"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_password_change_ends_the_other_logins_only(any_db_url: str, hosted_client: Make) -> None:
    c = hosted_client(any_db_url)
    signup(c, "pw@example.org")
    other = _second_browser(hosted_client, c, "pw@example.org")
    try:
        assert other.get("/api/v1/me").status_code == 200
        r = c.unsafe(
            "POST", "/api/v1/password", json={"current_password": PASSWORD, "new_password": NEW}
        )
        assert r.status_code == 200 and r.json() == {"ended_logins": 1}
        assert c.get("/api/v1/me").status_code == 200  # this browser stays logged in
        assert other.get("/api/v1/me").status_code == 401
        c.unsafe("POST", "/api/v1/logout")
        old = {"email": "pw@example.org", "password": PASSWORD}
        assert c.unsafe("POST", "/api/v1/login", json=old).status_code == 401
        new = {"email": "pw@example.org", "password": NEW}
        assert c.unsafe("POST", "/api/v1/login", json=new).status_code == 200
    finally:
        other.__exit__(None, None, None)


def test_a_wrong_current_password_changes_nothing(any_db_url: str, hosted_client: Make) -> None:
    c = hosted_client(any_db_url)
    signup(c, "wrong@example.org")
    other = _second_browser(hosted_client, c, "wrong@example.org")
    try:
        body = {"current_password": "not it at all", "new_password": NEW}
        r = c.unsafe("POST", "/api/v1/password", json=body)
        assert r.status_code == 403 and "current password is wrong" in r.json()["detail"]
        short = {"current_password": PASSWORD, "new_password": "short"}
        r = c.unsafe("POST", "/api/v1/password", json=short)
        assert r.status_code == 422 and "at least 10" in r.json()["detail"]
        assert other.get("/api/v1/me").status_code == 200  # nobody was logged out
    finally:
        other.__exit__(None, None, None)


def test_log_out_everywhere_else_from_the_settings_page(
    any_db_url: str, hosted_client: Make
) -> None:
    c = hosted_client(any_db_url)
    signup(c, "all@example.org")
    other = _second_browser(hosted_client, c, "all@example.org")
    try:
        page = c.get("/settings")
        assert 'id="account"' in page.text and "all@example.org" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = c.post("/settings/logins/end-others", data={"csrf_token": token.group(1)})
        assert r.status_code == 200 and "logged out (1)" in r.text
        assert other.get("/api/v1/me").status_code == 401
        assert c.get("/api/v1/me").status_code == 200
        r = c.post(
            "/settings/password",
            data={"csrf_token": token.group(1), "current_password": "nope", "new_password": NEW},
        )
        assert "current password is wrong" in r.text
    finally:
        other.__exit__(None, None, None)


def test_logging_in_again_ends_the_browsers_previous_login(
    any_db_url: str, hosted_client: Make
) -> None:
    c = hosted_client(any_db_url)
    signup(c, "again@example.org")
    before = _session_cookie(c)
    creds = {"email": "again@example.org", "password": PASSWORD}
    assert c.unsafe("POST", "/api/v1/login", json=creds).status_code == 200
    assert _session_cookie(c) != before
    r = c.get("/api/v1/me", headers={"cookie": f"runback_session={before}"})
    assert r.status_code == 401


def test_local_mode_has_no_password_to_change(client: object) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient)
    r = client.post("/api/v1/password", json={"current_password": "x", "new_password": NEW})
    assert r.status_code == 404


def test_logins_are_not_in_an_export(store: Store) -> None:
    from runback.services.backup import export_document
    from runback.services.logins import open_login

    open_login(store, user_id=1)
    assert "logins" not in export_document(store, user_id=None)["tables"]
