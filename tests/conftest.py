"""Shared fixtures: a fresh real SQLite file per test, a fake clock, the shared real fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

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
