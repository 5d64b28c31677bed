"""`runback serve`: local mode stays on loopback; hosted mode needs a strong secret."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from runback.cli.app import _register, app


@pytest.fixture(scope="module", autouse=True)
def _commands() -> None:
    if not any(c.name == "serve" for c in app.registered_commands):
        _register()


def test_local_mode_refuses_to_listen_beyond_loopback(cli_env: dict[str, str]) -> None:
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 1
    assert "only listens on 127.0.0.1" in r.output


def test_hosted_mode_without_a_secret_is_a_clear_error(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNBACK_MODE", "hosted")
    monkeypatch.delenv("RUNBACK_SECRET_KEY", raising=False)
    r = CliRunner().invoke(app, ["serve"])
    assert r.exit_code == 1
    assert "RUNBACK_SECRET_KEY" in r.output


def _served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from runback.web import lan, server

    hosts: list[str] = []
    # serve hands its choices to workers through the environment: restore it afterwards.
    for name, value in [("RUNBACK_HOST", "127.0.0.1"), ("RUNBACK_PORT", "8765"),
                        ("RUNBACK_WORKERS", "1")]:  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(server, "run", lambda host, port, workers: hosts.append(host))
    monkeypatch.setattr(lan, "lan_address", lambda: "192.168.1.23")
    return hosts


def test_home_network_on_binds_all_interfaces_and_prints_the_lan_address(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hosts = _served(monkeypatch)
    assert CliRunner().invoke(app, ["calendar", "home-network", "on"]).exit_code == 0
    r = CliRunner().invoke(app, ["serve", "--port", "18901"])
    assert r.exit_code == 0, r.output
    assert hosts == ["0.0.0.0"]
    assert "http://127.0.0.1:18901/" in r.output
    assert "home network at http://192.168.1.23:18901/" in r.output


def test_home_network_off_stays_on_loopback(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hosts = _served(monkeypatch)
    r = CliRunner().invoke(app, ["serve", "--port", "18902"])
    assert r.exit_code == 0, r.output
    assert hosts == ["127.0.0.1"] and "192.168.1.23" not in r.output


def test_calendar_home_network_command(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["calendar", "home-network"])
    assert shown.exit_code == 0 and ": off" in shown.output
    on = runner.invoke(app, ["calendar", "home-network", "ON"])
    assert on.exit_code == 0 and ": on" in on.output and "next `runback serve`" in on.output
    bad = runner.invoke(app, ["calendar", "home-network", "maybe"])
    assert bad.exit_code != 0 and "home-network" in bad.output and "on or off" in bad.output
    assert "Traceback" not in bad.output
    assert ": on" in runner.invoke(app, ["calendar", "home-network"]).output
    assert ": off" in runner.invoke(app, ["calendar", "home-network", "off"]).output
