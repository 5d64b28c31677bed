"""The CSRF token is bound to the login: one from before login, or from another, is refused."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import PASSWORD, HostedClient, signup

Make = Callable[..., HostedClient]
WRITE = ("DELETE", "/api/v1/settings/calendar-token")


def test_a_token_from_before_login_is_refused_after_it(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    signup(c, "before@example.org")
    c.unsafe("POST", "/api/v1/logout")
    nonce = c.cookies["runback_csrf"]
    before = c.csrf
    body = {"email": "before@example.org", "password": PASSWORD}
    assert c.post("/api/v1/login", json=body, headers={"X-CSRF-Token": before}).status_code == 200
    # Even with the nonce cookie an attacker planted (kept across the login), the old token fails.
    c.cookies.delete("runback_csrf")
    c.cookies.set("runback_csrf", nonce)
    assert c.request(*WRITE, headers={"X-CSRF-Token": before}).status_code == 403
    assert c.request(*WRITE, headers={"X-CSRF-Token": c.csrf}).status_code == 204


def test_a_token_of_another_login_is_refused(db_url: str, hosted_client: Make) -> None:
    first, second = hosted_client(db_url), hosted_client(db_url)
    signup(first, "one@example.org")
    first_token = first.csrf
    signup(second, "two@example.org")
    # The same browser nonce under a different login: the token does not carry over.
    second.cookies.delete("runback_csrf")
    second.cookies.set("runback_csrf", first.cookies["runback_csrf"])
    assert second.request(*WRITE, headers={"X-CSRF-Token": first_token}).status_code == 403
    assert second.request(*WRITE, headers={"X-CSRF-Token": second.csrf}).status_code == 204
