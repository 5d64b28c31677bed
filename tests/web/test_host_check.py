"""Local mode answers only the loopback `Host` names and RUNBACK_ALLOWED_HOSTS (DNS rebinding)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from runback.services.store import Store
from runback.settings import Settings
from runback.web.app import create_app
from tests.web.conftest import HostedClient

Make = Callable[..., HostedClient]


@pytest.fixture
def strict(settings: Settings, store: Store) -> Iterator[TestClient]:
    """Return a local-mode client of an app with no extra allowed names."""
    app = create_app(settings.model_copy(update={"allowed_hosts": "runback.lan"}), store)
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        yield c


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:8765", "localhost", "LOCALHOST:1", "[::1]", "[::1]:8765",
     "runback.lan", "runback.lan:8765"],
)  # fmt: skip
def test_loopback_and_allowed_names_are_answered(strict: TestClient, host: str) -> None:
    assert strict.get("/api/v1/settings", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "localhost.evil.example",
     "127.0.0.2", "0.0.0.0", "[::2]", "", "runback.lan.evil.example"],
)  # fmt: skip
def test_any_other_host_is_refused_before_reading_or_writing(strict: TestClient, host: str) -> None:
    r = strict.get("/api/v1/settings", headers={"Host": host})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert "RUNBACK_ALLOWED_HOSTS" in r.text and "127.0.0.1" in r.text
    assert "set-cookie" not in r.headers  # not even a CSRF nonce to work with
    # A rebinding page's fetch is same-origin for the browser: no Origin check saves us here.
    same = {"Host": host, "Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"}
    write = strict.patch("/api/v1/settings", json={"zone": "Asia/Tokyo"}, headers=same)
    assert write.status_code == 400
    assert strict.get("/api/v1/settings").json()["zone"] != "Asia/Tokyo"


def test_allowed_hosts_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNBACK_ALLOWED_HOSTS", " desk.lan , other.lan ")
    names = Settings().allowed_host_names()
    assert names == {"127.0.0.1", "localhost", "[::1]", "desk.lan", "other.lan"}


def test_hosted_mode_leaves_host_to_the_proxy(db_url: str, hosted_client: Make) -> None:
    c = hosted_client(db_url)
    assert c.get("/login", headers={"Host": "runback.example.org"}).status_code == 200
