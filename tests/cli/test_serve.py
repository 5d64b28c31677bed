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
