"""Export, restore and backup: round trips exactly, refuses what it must, copies a live file."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from runback.cli import backup as backup_cli
from runback.cli.common import CliState
from runback.core.clock import FakeClock
from runback.errors import ConfigError, SchemaVersionError, ValidationError
from runback.services.accounts import register
from runback.services.backup import (
    DOCUMENT_NAME,
    EXPORT_VERSION,
    backup_sqlite,
    export_document,
    export_to_zip,
    read_export,
    restore_from_zip,
)
from runback.services.pain import log_pain, pain_history
from runback.services.store import LOCAL_USER_ID, Store, open_store
from runback.settings import Settings
from runback.storage.db import make_engine, make_sessionmaker
from runback.storage.migrate import head_revision
from runback.storage.models import PainEntryRow
from tests.pg import PgServer, pg_server_or_skip
from tests.storage.make_fixture_db import populate

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def store_on(engine: Engine) -> Store:
    """Return a Store over `engine` as it is: not migrated, no local user (what restore needs)."""
    url = engine.url.render_as_string(hide_password=False)
    return Store(Settings(database_url=url), engine, make_sessionmaker(engine), FakeClock())


@pytest.fixture
def full(store: Store, clock: FakeClock) -> Store:
    """Return the per-test store filled with a week of realistic data."""
    populate(store, clock)
    return store


def _zip_bytes(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _restore_into_new(tmp_path: Path, export: Path, name: str) -> str:
    url = f"sqlite:///{tmp_path / name}"
    engine = make_engine(url)
    try:
        restore_from_zip(store_on(engine), export)
    finally:
        engine.dispose()
    return url


def test_round_trip_is_byte_identical(full: Store, tmp_path: Path) -> None:
    first = tmp_path / "first.zip"
    counts = export_to_zip(full, first, now=NOW, user_id=None)
    assert counts["runs"] == 4 and counts["sessions"] == 7 and counts["breaks"] == 18
    assert counts["pain_entries"] == 6 and counts["routines"] == 2 and counts["programmes"] == 1
    url = _restore_into_new(tmp_path, first, "restored.db")
    engine = make_engine(url)
    second = tmp_path / "second.zip"
    export_to_zip(store_on(engine), second, now=NOW, user_id=None)
    engine.dispose()
    assert first.read_bytes() == second.read_bytes()
    # The restored database is a working one: services read it and new rows get new ids.
    restored = open_store(Settings(database_url=url, zone="Europe/Berlin"), FakeClock(NOW))
    try:
        assert len(pain_history(restored, days=None, user_id=LOCAL_USER_ID)) == 6
        new = log_pain(restored, region="neck-shoulders", intensity=2, user_id=LOCAL_USER_ID).entry
        assert new.id == 7
    finally:
        restored.close()


def test_export_document_and_csvs(full: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.zip"
    export_to_zip(full, path, now=NOW, user_id=None)
    files = _zip_bytes(path)
    tables: tuple[str, ...] = (
        "users",
        "routines",
        "programmes",
        "runs",
        "sessions",
        "pain_entries",
        "breaks",
    )
    tables += ("concerns", "profiles")  # open concerns and the first-day profile are user data
    tables += ("calendar_sources", "busy_blocks")  # your calendars: busy times, never titles
    assert set(files) == {DOCUMENT_NAME, *(f"{t}.csv" for t in tables)}
    document = json.loads(files[DOCUMENT_NAME])
    assert document["format"] == "runback-export" and document["version"] == EXPORT_VERSION
    assert document["schema_revision"] == head_revision()
    assert document["exported_at"] == "2026-02-01T12:00:00+00:00"
    session = document["tables"]["sessions"][0]
    assert session["started_at"] == "2026-01-05T07:30:00+00:00"
    assert isinstance(session["steps_done"], list)
    for name, data in files.items():
        if not name.endswith(".csv"):
            continue
        assert data.startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) == len(document["tables"][name[:-4]]), name
    users = list(csv.DictReader(io.StringIO(files["users.csv"].decode("utf-8-sig"))))
    assert "password_hash" not in users[0] and "calendar_token" not in users[0]
    assert document["tables"]["users"][0]["calendar_token"]  # kept for restore
    pains = list(csv.DictReader(io.StringIO(files["pain_entries.csv"].decode("utf-8-sig"))))
    assert pains[1]["at"] == "2026-01-06 18:30:00"
    assert pains[1]["notes"] == "Tag 1: leicht 😐, after hills"
    routines = list(csv.DictReader(io.StringIO(files["routines.csv"].decode("utf-8-sig"))))
    assert all(not r["name"].startswith("=") for r in routines)
    body = json.loads(next(r["body"] for r in routines if r["origin"] == "user"))
    assert body["description"] == "Zwei Übungen; =not a formula"


def test_formula_cells_are_defused(store: Store, tmp_path: Path) -> None:
    log_pain(
        store,
        region="lower-back",
        intensity=3,
        notes='=HYPERLINK("http://x","y")',
        user_id=LOCAL_USER_ID,
    )
    log_pain(store, region="lower-back", intensity=3, notes="@SUM(A1)", user_id=LOCAL_USER_ID)
    path = tmp_path / "out.zip"
    export_to_zip(store, path, now=NOW, user_id=None)
    rows = list(
        csv.DictReader(io.StringIO(_zip_bytes(path)["pain_entries.csv"].decode("utf-8-sig")))
    )
    assert [r["notes"] for r in rows] == ['\'=HYPERLINK("http://x","y")', "'@SUM(A1)"]
    # The JSON, which restore reads, keeps the exact text.
    assert read_export(path)["tables"]["pain_entries"][0]["notes"].startswith("=HYPERLINK")


def test_restore_refuses_a_database_with_data(full: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.zip"
    export_to_zip(full, path, now=NOW, user_id=None)
    with pytest.raises(ConfigError, match=r"needs an empty database.*runs: 4"):
        restore_from_zip(full, path)
    with full.factory() as s:
        assert s.scalar(select(func.count()).select_from(PainEntryRow)) == 6


def test_restore_replaces_the_untouched_local_user(full: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.zip"
    export_to_zip(full, path, now=NOW, user_id=None)
    url = f"sqlite:///{tmp_path / 'opened.db'}"
    open_store(Settings(database_url=url, zone="UTC")).close()  # runback ran once, nothing more
    engine = make_engine(url)
    restore_from_zip(store_on(engine), path)
    assert export_document(store_on(engine), now=NOW, user_id=None) == read_export(path)
    engine.dispose()


def _rewrite(path: Path, target: Path, change: dict[str, object]) -> Path:
    document = read_export(path)
    document.update(change)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(DOCUMENT_NAME, json.dumps(document))
    return target


def test_newer_export_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.zip"
    export_to_zip(store, path, now=NOW, user_id=None)
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    newer = _rewrite(path, tmp_path / "newer.zip", {"version": EXPORT_VERSION + 1})
    with pytest.raises(SchemaVersionError, match=r"newer\.zip: the export is from a newer runback"):
        restore_from_zip(store_on(engine), newer)
    future = _rewrite(path, tmp_path / "future.zip", {"schema_revision": "9999_future"})
    with pytest.raises(SchemaVersionError, match="9999_future"):
        restore_from_zip(store_on(engine), future)
    engine.dispose()


def test_a_restore_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # 1 GiB of JSON in a ~1 MB zip: refused from the zip's directory, nothing inflated.
    path = tmp_path / "bomb.zip"
    chunk = b" " * (16 * 1024**2)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open(DOCUMENT_NAME, "w", force_zip64=True) as member,
    ):
        member.write(b'{"format": "runback-export", "pad": "')
        for _ in range(64):
            member.write(chunk)
        member.write(b'"}')
    assert path.stat().st_size < 2 * 1024**2
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    with pytest.raises(ValidationError, match=r"bomb\.zip") as info:
        restore_from_zip(store_on(engine), path)
    assert "over the 512 MB a restore reads" in str(info.value)
    engine.dispose()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not a readable runback export"),
        (None, "no runback.json inside"),
        (b'{"format": "something-else"}', "not a runback export"),
        (b'{"format": "runback-export", "version": 1, "tables": {"runs": [{"id": "x"}]}}', "id"),
        (b'{"format": "runback-export", "version": 1, "tables": {"nope": []}}', "unknown table"),
    ],
)
def test_bad_exports_are_refused_by_name(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.zip"
    if content == b"not a zip":
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("other.json" if content is None else DOCUMENT_NAME, content or b"{}")
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    with pytest.raises(ValidationError, match=r"bad\.zip") as info:
        restore_from_zip(store_on(engine), path)
    assert message in str(info.value)
    engine.dispose()


def test_rows_that_break_constraints_roll_back(store: Store, tmp_path: Path) -> None:
    log_pain(store, region="lower-back", intensity=3, user_id=LOCAL_USER_ID)
    path = tmp_path / "out.zip"
    export_to_zip(store, path, now=NOW, user_id=None)
    document = read_export(path)
    document["tables"]["pain_entries"][0]["user_id"] = 42  # no such user
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr(DOCUMENT_NAME, json.dumps(document))
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    with pytest.raises(
        ValidationError,
        match=r"(?s)broken.zip: .*do not fit together: FOREIGN KEY constraint failed",
    ):
        restore_from_zip(store_on(engine), broken)
    with engine.connect() as conn:  # nothing half-restored
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 0
    engine.dispose()


def test_export_of_one_user(store: Store, tmp_path: Path) -> None:
    alice = register(store, "alice@example.org", "correct horse battery", "Europe/Berlin")
    bob = register(store, "bob@example.org", "another long passphrase", "UTC")
    log_pain(store, region="neck-shoulders", intensity=2, user_id=alice.id)
    log_pain(store, region="lower-back", intensity=5, notes="bob's", user_id=bob.id)
    document = export_document(store, user_id=bob.id, now=NOW)
    assert [u["email"] for u in document["tables"]["users"]] == ["bob@example.org"]
    assert [p["notes"] for p in document["tables"]["pain_entries"]] == ["bob's"]
    # Bob's export restores on its own into a new database, login and all.
    path = tmp_path / "bob.zip"
    export_to_zip(store, path, user_id=bob.id, now=NOW)
    url = _restore_into_new(tmp_path, path, "bob.db")
    other = open_store(Settings(database_url=url, mode="hosted"))
    try:
        from runback.services.accounts import authenticate

        assert authenticate(other, "bob@example.org", "another long passphrase", "::1").id == bob.id
    finally:
        other.close()


def test_export_refuses_to_overwrite(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.zip"
    path.write_text("keep me")
    with pytest.raises(ConfigError, match="already exists"):
        export_to_zip(store, path, user_id=None)
    assert path.read_text() == "keep me"


# --- backup --------------------------------------------------------------------------------

WRITER = """
import sys
from runback.services.pain import log_pain
from runback.services.store import open_store
from runback.settings import Settings
store = open_store(Settings(database_url=sys.argv[1], zone="UTC"))
print("ready", flush=True)
for i in range(int(sys.argv[2])):
    log_pain(store, user_id=1, region="lower-back", intensity=i % 11, notes=f"write {i}")
store.close()
"""


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM pain_entries").fetchone()[0])
    finally:
        conn.close()


def test_backup_while_another_process_writes(store: Store, db_url: str, tmp_path: Path) -> None:
    writes = 400
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url, str(writes)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    counts = []
    for i in range(6):
        result = backup_sqlite(db_url, tmp_path / "backups" / f"b{i}.db")
        assert result.integrity == "ok"
        counts.append(_count(result.path))
    assert writer.wait(timeout=120) == 0
    assert counts[0] < writes  # the first copy was taken mid-write
    assert counts == sorted(counts)  # each copy is a consistent snapshot, later ones hold more
    final = backup_sqlite(db_url, tmp_path / "final.db")
    assert _count(final.path) == writes
    assert not Path(f"{final.path}-wal").exists()
    # The copy is a runback database of its own.
    copy = open_store(Settings(database_url=f"sqlite:///{final.path}", zone="UTC"))
    try:
        assert len(pain_history(copy, days=None, user_id=LOCAL_USER_ID)) == writes
    finally:
        copy.close()


def test_backup_refuses_what_it_cannot_do(store: Store, db_url: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pg_dump"):
        backup_sqlite("postgresql+psycopg://runback@127.0.0.1/x", tmp_path / "x.db")
    with pytest.raises(ConfigError, match="no database there"):
        backup_sqlite(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "x.db")
    (tmp_path / "taken.db").write_text("keep")
    with pytest.raises(ConfigError, match="already exists"):
        backup_sqlite(db_url, tmp_path / "taken.db")
    assert (tmp_path / "taken.db").read_text() == "keep"


# --- CLI -----------------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Test root."""
        ctx.obj = CliState(Settings(), FakeClock())

    backup_cli.register(app)
    return app


def test_cli_export_restore_backup(full: Store, db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"RUNBACK_DATABASE_URL": db_url, "RUNBACK_ZONE": "Europe/Berlin"}
    path = tmp_path / "me.zip"
    done = runner.invoke(_app(), ["export", str(path), "--json"], env=env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["rows"]["runs"] == 4
    refused = runner.invoke(_app(), ["restore", str(path)], env=env)
    assert refused.exit_code == 1 and "needs an empty database" in refused.output
    new_env = {**env, "RUNBACK_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    restored = runner.invoke(_app(), ["restore", str(path)], env=new_env)
    assert restored.exit_code == 0, restored.output
    said = " ".join(restored.output.split())  # the console wraps long lines
    assert "4 runs" in said and "6 pain entries" in said
    backed = runner.invoke(_app(), ["backup", "--json"], env=env)
    assert backed.exit_code == 0, backed.output
    copy = Path(json.loads(backed.stdout)["file"])
    assert copy.parent == tmp_path / "backups" and _count(copy) == 6


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    """Start one PostgreSQL server for this module."""
    yield from pg_server_or_skip()


@pytest.mark.postgres
def test_round_trip_through_postgresql(full: Store, tmp_path: Path, pg: PgServer) -> None:
    path = tmp_path / "sqlite.zip"
    export_to_zip(full, path, now=NOW, user_id=None)
    url = pg.create_database(migrated=False)
    engine = make_engine(url)
    try:
        restore_from_zip(store_on(engine), path)
        again = tmp_path / "pg.zip"
        export_to_zip(store_on(engine), again, now=NOW, user_id=None)
        assert again.read_bytes() == path.read_bytes()
    finally:
        engine.dispose()
    # Sequences moved past the restored ids: new rows insert fine.
    restored = open_store(Settings(database_url=url, zone="Europe/Berlin"), FakeClock(NOW))
    try:
        assert (
            log_pain(restored, region="neck-shoulders", intensity=1, user_id=LOCAL_USER_ID).entry.id
            == 7
        )
    finally:
        restored.close()
        pg.drop_database(url)
