"""Local mode on the home network: only the calendar feed, with its token, and only when on."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from runback.services import accounts
from runback.services.home_network import set_feed_on_home_network
from runback.services.store import LOCAL_USER_ID, Store
from runback.settings import Settings
from runback.web import lan
from runback.web.app import create_app

LAN = "192.168.1.23"
PHONE = ("192.168.1.40", 5000)
Make = Callable[..., TestClient]


class FakeUdp:
    """A UDP socket seam: remembers where it was pointed, answers a fixed local address."""

    def __init__(self, local: str | None) -> None:
        self.local = local
        self.connected: tuple[str, int] | None = None
        self.closed = False

    def connect(self, address: tuple[str, int], /) -> None:
        if self.local is None:
            raise OSError(101, "Network is unreachable")
        self.connected = address

    def getsockname(self) -> tuple[str, int]:
        assert self.local is not None
        return (self.local, 40000)

    def close(self) -> None:
        self.closed = True


def test_lan_address_from_the_route_to_a_test_net_address() -> None:
    udp = FakeUdp(LAN)
    assert lan.lan_address(lambda: udp, lambda: "10.0.0.9") == LAN
    assert udp.connected == ("192.0.2.1", 9) and udp.closed


def test_lan_address_falls_back_to_the_host_name_then_none() -> None:
    assert lan.lan_address(lambda: FakeUdp(None), lambda: "10.0.0.9") == "10.0.0.9"
    assert lan.lan_address(lambda: FakeUdp("127.0.0.1"), lambda: "127.0.1.1") is None

    def no_name() -> str:
        raise OSError("no name")

    assert lan.lan_address(lambda: FakeUdp(None), no_name) is None


@pytest.mark.parametrize(
    ("mode", "host", "on", "bound"),
    [("local", "127.0.0.1", False, "127.0.0.1"), ("local", "127.0.0.1", True, "0.0.0.0"),
     ("local", "localhost", True, "0.0.0.0"), ("hosted", "127.0.0.1", True, "127.0.0.1"),
     ("hosted", "10.1.2.3", False, "10.1.2.3")],
)  # fmt: skip
def test_serve_binds_all_interfaces_only_when_on(
    mode: str, host: str, on: bool, bound: str
) -> None:
    assert lan.serve_host(mode, host, on) == bound


@pytest.fixture
def make(settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Make]:
    """Return a factory: a client (from `client`) of an app started with the setting on or off."""
    monkeypatch.setattr(lan, "lan_address", lambda: LAN)
    opened: list[TestClient] = []

    def build(*, on: bool, client: tuple[str, int] = PHONE, host: str = "0.0.0.0") -> TestClient:
        set_feed_on_home_network(store, on, user_id=LOCAL_USER_ID)
        app = create_app(settings.model_copy(update={"host": host}), store)
        c = TestClient(app, base_url="http://127.0.0.1:8765", client=client)
        c.__enter__()
        opened.append(c)
        return c

    yield build
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture
def token(store: Store) -> str:
    return accounts.new_calendar_token(store, user_id=LOCAL_USER_ID)


def test_this_computer_gets_everything(make: Make, token: str) -> None:
    c = make(on=True, client=("127.0.0.1", 5000))
    assert c.get("/settings").status_code == 200
    assert c.get("/api/v1/settings").status_code == 200
    assert c.get(f"/calendar/{token}.ics").status_code == 200


@pytest.mark.parametrize("on", [True, False])
def test_another_device_gets_no_page_and_no_api(make: Make, token: str, on: bool) -> None:
    c = make(on=on)
    for method, path in [("GET", "/"), ("GET", "/settings"), ("GET", "/api/v1/settings"),
                         ("PATCH", "/api/v1/settings"), ("POST", f"/calendar/{token}.ics"),
                         ("GET", "/static/app.css")]:  # fmt: skip
        r = c.request(method, path, headers={"Host": f"{LAN}:8765"})
        assert r.status_code == 403, (method, path)
        assert r.headers["content-type"].startswith("text/plain")
        assert "only on this computer" in r.text
        assert "set-cookie" not in r.headers


def test_another_device_reads_the_feed_only_when_on(make: Make, token: str) -> None:
    lan_host = {"Host": f"{LAN}:8765"}
    on = make(on=True)
    r = on.get(f"/calendar/{token}.ics", headers=lan_host)
    assert r.status_code == 200 and r.text.startswith("BEGIN:VCALENDAR")
    # HEAD passes the guard (the route itself answers GET only).
    assert on.head(f"/calendar/{token}.ics", headers=lan_host).status_code != 403
    assert on.get("/calendar/wrong-token.ics", headers=lan_host).status_code == 404
    # The LAN name is answered for the feed only; any other name still gets the rebinding 400.
    assert on.get(f"/calendar/{token}.ics", headers={"Host": "evil.example"}).status_code == 400
    off = make(on=False)
    assert off.get(f"/calendar/{token}.ics", headers=lan_host).status_code == 403


def test_on_in_the_setting_but_not_served_on_the_network(make: Make, token: str) -> None:
    # The setting applies at the next start: an app bound to 127.0.0.1 keeps refusing.
    c = make(on=True, host="127.0.0.1")
    assert c.get(f"/calendar/{token}.ics", headers={"Host": f"{LAN}:8765"}).status_code == 403


def test_the_page_shows_the_lan_address_and_explains(make: Make, token: str) -> None:
    c = make(on=True, client=("127.0.0.1", 5000))
    page = c.get("/settings").text
    assert f"http://{LAN}:8765/calendar/{token}.ics" in page
    assert f"webcal://{LAN}:8765/calendar/{token}.ics" in page
    assert 'id="calendar-qr"' in page and 'id="calendar-local"' not in page
    assert "same Wi-Fi" in page and "next time" in page
    assert "checked" in page.split('id="home-network-on"')[1][:40]
    assert c.get("/api/v1/settings").json()["calendar_url"].startswith(f"http://{LAN}:8765/")


def test_off_by_default_on_the_page(make: Make, token: str) -> None:
    c = make(on=False, client=("127.0.0.1", 5000), host="127.0.0.1")
    page = c.get("/settings").text
    assert "http://127.0.0.1:8765/calendar/" in page and 'id="calendar-local"' in page
    assert "checked" not in page.split('id="home-network-on"')[1][:40]


def test_the_form_turns_it_on_for_the_next_start(make: Make, store: Store) -> None:
    c = make(on=False, client=("127.0.0.1", 5000), host="127.0.0.1")
    csrf = c.get("/api/v1/csrf").json()["csrf_token"]
    r = c.post("/settings/home-network", data={"on": "on", "csrf_token": csrf},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    from runback.services.home_network import feed_on_home_network

    assert feed_on_home_network(store, user_id=LOCAL_USER_ID) is True
    assert 'id="home-network-pending"' in c.get("/settings").text
    c.post("/settings/home-network", data={"csrf_token": csrf})
    assert feed_on_home_network(store, user_id=LOCAL_USER_ID) is False
