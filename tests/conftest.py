"""Shared fixtures: a fresh real SQLite file per test, a fake clock, the shared real fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.services.store import Store, open_store
from runback.settings import Settings


def _shared_fixtures() -> Path:
    """Find ../shared/fixtures beside the checkout (RUNBACK_SHARED_FIXTURES overrides)."""
    import os

    if os.environ.get("RUNBACK_SHARED_FIXTURES"):
        return Path(os.environ["RUNBACK_SHARED_FIXTURES"])
    here = Path(__file__).resolve()
    # The workplace keeps shared/ beside the checkout; /work/shared when cloned elsewhere.
    for parent in [*here.parents[1:], Path("/work")]:
        candidate = parent / "shared" / "fixtures"
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "shared" / "fixtures"


SHARED_FIXTURES = _shared_fixtures()


@pytest.fixture
def fixtures_dir() -> Path:
    """Return ../shared/fixtures (real files from other programs)."""
    if not SHARED_FIXTURES.is_dir():
        pytest.fail(f"shared fixtures not found at {SHARED_FIXTURES}")
    return SHARED_FIXTURES


def pytest_configure(config: pytest.Config) -> None:
    """Let local mode answer the name TestClient sends (`testserver`), besides the loopback."""
    import os

    # Session-wide (module-scoped fixtures build apps too); a test of the check sets its own.
    os.environ["RUNBACK_ALLOWED_HOSTS"] = "testserver"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/reliability `reliability` (a conftest pytestmark misses them)."""
    folder = Path(__file__).parent / "reliability"
    for item in items:
        if item.path.is_relative_to(folder):
            item.add_marker(pytest.mark.reliability)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Return the URL of a fresh SQLite file for this test."""
    return f"sqlite:///{tmp_path / 'runback.db'}"


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Return settings pointing at the per-test database, in a fixed zone."""
    return Settings(database_url=db_url, zone="Europe/Berlin")


@pytest.fixture
def clock() -> FakeClock:
    """Return a fake clock at Monday 2026-01-05 08:00 UTC."""
    return FakeClock(datetime(2026, 1, 5, 8, 0, tzinfo=UTC))


@pytest.fixture
def store(settings: Settings, clock: FakeClock) -> Iterator[Store]:
    """Return a migrated store on a real SQLite file, driven by the fake clock."""
    s = open_store(settings, clock)
    yield s
    s.close()


@pytest.fixture
def cli_env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point the CLI at the per-test database; return the environment for subprocesses."""
    import os

    monkeypatch.setenv("RUNBACK_DATABASE_URL", db_url)
    monkeypatch.setenv("RUNBACK_ZONE", "Europe/Berlin")
    return {**os.environ, "RUNBACK_DATABASE_URL": db_url, "RUNBACK_ZONE": "Europe/Berlin"}


class Cli:
    """Invoke a typer app as `runback` would, on this test's database and fake clock."""

    def __init__(self, settings: Settings, clock: FakeClock) -> None:
        self.settings = settings
        self.clock = clock
        self.runner = CliRunner()

    def invoke(self, app: typer.Typer, args: list[str], **kw: object) -> Result:
        """Run `args` with the test's Settings and Clock on the context (no real clock)."""
        state = CliState(self.settings, self.clock)
        return self.runner.invoke(app, args, obj=state, **kw)  # type: ignore[arg-type]

    def __call__(self, *args: str, **kw: object) -> Result:
        """Run the whole `runback` app with these arguments."""
        from runback.cli.app import _register, app

        _register()
        return self.invoke(app, list(args), **kw)


def app_with(settings: Settings, clock: FakeClock, *modules: object) -> typer.Typer:
    """Return an app holding only these command modules, on the test's Settings and Clock."""
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(settings, clock)

    for module in modules:
        module.register(app)  # type: ignore[attr-defined]
    return app


@pytest.fixture
def cli(settings: Settings, clock: FakeClock, cli_env: dict[str, str]) -> Cli:
    """Return a runner of the real CLI on the per-test database, driven by the fake clock."""
    return Cli(settings, clock)
