"""Export, restore and backup: get everything out, put it back, copy a live database safely.

An export is a zip with `runback.json` (the whole data, with a format version and the schema
revision it came from; restore reads only this) and one CSV per table for spreadsheets (UTF-8
with BOM, ISO times in UTC). A backup is a consistent copy of a live SQLite file made with the
sqlite3 backup API, safe while other processes write.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Float,
    Integer,
    Table,
    func,
    select,
    text,
)
from sqlalchemy.engine import make_url

from runback.errors import ConfigError, RunbackError, SchemaVersionError, ValidationError
from runback.services.store import Store
from runback.storage.models import Base, UserRow
from runback.storage.types import UTCDateTime

__all__ = [
    "DOCUMENT_NAME",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "BackupResult",
    "RestoreResult",
    "backup_sqlite",
    "check_document",
    "export_document",
    "export_to_zip",
    "read_export",
    "restore_document",
    "restore_from_zip",
    "sqlite_path",
]

EXPORT_FORMAT = "runback-export"
# Bump when the document layout changes; restore refuses documents newer than this.
EXPORT_VERSION = 1
DOCUMENT_NAME = "runback.json"
# Transient or bookkeeping tables that are not the user's data.
# Logins are credentials of the moment, not data: after a restore everyone logs in again.
# Import jobs are work in passing: the runs they imported are the data.
# Share links are credentials too (a restored copy must not open old links); their views and the
# programmes sent through them go with them. day_rollups is derived from the rest: a restore
# rebuilds it.
_SKIPPED_TABLES = frozenset(
    {"login_attempts", "logins", "alembic_version", "jobs", "job_files", "day_rollups"}
    | {"share_links", "share_views", "share_uploads"}
)
# Bookkeeping, not data: the version caches key on is the database's own, never restored.
# A calendar's saved password (encrypted with this server's key) never leaves the database: after
# a restore the calendar asks for it again.
_SKIPPED_COLUMNS = frozenset({("users", "data_version"), ("calendar_sources", "secret")})
# Columns renamed by a migration, by their old name (0008: runs.start_at -> runs.started_at).
_RENAMED = {("runs", "start_at"): "started_at"}
# Secrets stay in the JSON (so a restore keeps logins and calendar links) but not in the CSVs
# that get opened, shared and mailed around.
_CSV_HIDDEN = frozenset(
    {
        ("users", "password_hash"),
        ("users", "calendar_token"),
        # A calendar's address can itself be secret (a "private address" with a token).
        ("calendar_sources", "location"),
    }
)
# A spreadsheet runs text cells starting with these as formulas: defuse them in the CSVs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A fixed zip entry time keeps two exports of the same data byte-identical.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# A restore reads the whole document into memory: real exports are a few MB and compress about
# 10:1, so a document over 512 MB or inflating over 100:1 (past 1 MB) is a bomb, not an export.
_MAX_DOCUMENT_BYTES = 512 * 1024**2


def _tables() -> list[Table]:
    """Return the data tables in foreign-key order (parents first)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in _SKIPPED_TABLES]


def _columns(table: Table) -> list[Column[Any]]:
    """Return the columns an export holds."""
    return [c for c in table.columns if (table.name, c.name) not in _SKIPPED_COLUMNS]


def _user_filter(table: Table, user_id: int | None) -> Any:
    if user_id is None:
        return None
    if table.name == UserRow.__tablename__:
        return table.c.id == user_id
    return table.c.user_id == user_id


# --- values ---------------------------------------------------------------------------------


def _to_json(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, UTCDateTime):
        assert isinstance(value, datetime)
        return value.astimezone(UTC).isoformat()
    return value


def _from_json(value: Any, column_type: Any, source: str, where: str) -> Any:
    if value is None:
        return None
    try:
        if isinstance(column_type, UTCDateTime):
            parsed = datetime.fromisoformat(str(value))
            if parsed.tzinfo is None:
                raise ValueError("no time zone")
            return parsed
        if isinstance(column_type, Boolean):
            if not isinstance(value, bool):
                raise ValueError("not true/false")
            return value
        if isinstance(column_type, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("not a whole number")
            return value
        if isinstance(column_type, Float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError("not a number")
            return float(value)
        if isinstance(column_type, JSON):
            return value
        if not isinstance(value, str):
            raise ValueError("not text")
        return value
    except ValueError as exc:
        raise ValidationError(source, [f"{where}: {value!r} is {exc}"]) from None


def _csv_cell(value: Any, column_type: Any) -> str:
    if value is None:
        return ""
    if isinstance(column_type, UTCDateTime):
        # "YYYY-MM-DD HH:MM:SS" (UTC) is ISO 8601 that spreadsheets read as a date-time.
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(column_type, JSON):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    text_value = str(value)
    if isinstance(value, str) and text_value.startswith(_FORMULA_START):
        return "'" + text_value
    return text_value


# --- export ---------------------------------------------------------------------------------


def export_document(
    store: Store, *, user_id: int | None, now: datetime | None = None
) -> dict[str, Any]:
    """Return every data table (or one user's rows, None: everyone's) as a JSON-ready document."""
    from runback.storage.migrate import current_revision

    engine = store.engine
    revision = current_revision(engine)
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for every table: a write between two SELECTs must not tear the export.
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            for table in _tables():
                query = select(table).order_by(*table.primary_key.columns)
                where = _user_filter(table, user_id)
                if where is not None:
                    query = query.where(where)
                tables[table.name] = [
                    {c.name: _to_json(row[c.name], c.type) for c in _columns(table)}
                    for row in conn.execute(query).mappings()
                ]
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "schema_revision": revision,
        "exported_at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(),
        "user_id": user_id,
        "tables": tables,
    }


def _csv_bytes(table: Table, rows: list[dict[str, Any]]) -> bytes:
    columns = [c for c in _columns(table) if (table.name, c.name) not in _CSV_HIDDEN]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(c.name), c.type) for c in columns])
    return out.getvalue().encode("utf-8-sig")


def _zip_write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def export_to_zip(
    store: Store,
    path: Path,
    *,
    user_id: int | None,
    now: datetime | None = None,
    overwrite: bool = False,
) -> dict[str, int]:
    """Write the export zip to `path` (atomically) and return the row count of each table."""
    if path.exists() and not overwrite:
        raise ConfigError(f"{path} already exists; choose another name or pass --force")
    document = export_document(store, user_id=user_id, now=now)
    by_name = {t.name: t for t in _tables()}
    path.parent.mkdir(parents=True, exist_ok=True)
    from runback.files import atomic_output

    with atomic_output(path) as out, zipfile.ZipFile(out, "w") as archive:
        body = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
        _zip_write(archive, DOCUMENT_NAME, body.encode("utf-8"))
        for name, rows in document["tables"].items():
            _zip_write(archive, f"{name}.csv", _csv_bytes(by_name[name], rows))
    return {name: len(rows) for name, rows in document["tables"].items()}


# --- restore --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    """What a restore put in the database."""

    counts: dict[str, int]
    schema_revision: str | None
    exported_at: str


def _check_document_size(info: zipfile.ZipInfo, source: str) -> None:
    from runback.importers.limits import MAX_GZIP_RATIO, RATIO_FLOOR_BYTES

    mb = info.file_size / 1024**2
    if info.file_size > _MAX_DOCUMENT_BYTES:
        raise ValidationError(
            source, [f"{DOCUMENT_NAME} would be {mb:,.0f} MB: over the 512 MB a restore reads"]
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_GZIP_RATIO:
        raise ValidationError(
            source,
            [
                f"{DOCUMENT_NAME} inflates {ratio:,.0f}:1 (to {mb:,.0f} MB): a runback export "
                "never does; this file is damaged or not an export"
            ],
        )


def read_export(path: Path) -> dict[str, Any]:
    """Read and check the JSON document of an export zip; refuse a newer or foreign file."""
    source = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo(DOCUMENT_NAME)
            except KeyError:
                raise ValidationError(
                    source, [f"no {DOCUMENT_NAME} inside: not a runback export"]
                ) from None
            _check_document_size(info, source)
            document = json.loads(archive.read(info).decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{source}: no such file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(source, [f"not a readable runback export ({exc})"]) from None
    check_document(document, source)
    return document  # type: ignore[no-any-return]


def check_document(document: Any, source: str) -> None:
    """Refuse a document that is not a runback export, or is from a newer runback."""
    from runback.storage.migrate import head_revision, known_revision

    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ValidationError(source, ["not a runback export (no 'format': 'runback-export')"])
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError(source, ["'version' must be a whole number"])
    revision = document.get("schema_revision")
    if version > EXPORT_VERSION or (revision is not None and not known_revision(str(revision))):
        raise SchemaVersionError(
            f"{source}: the export is from a newer runback (export format {version}, schema "
            f"{revision!r}; this runback reads format {EXPORT_VERSION}, schema "
            f"{head_revision()!r}); upgrade runback to restore it"
        )
    if not isinstance(document.get("tables"), dict):
        raise ValidationError(source, ["'tables' must be an object of table name → rows"])


def _is_placeholder_user(row: Any) -> bool:
    """Tell the local user that every runback start creates from a user who has set anything."""
    return bool(
        row["email"] is None
        and row["password_hash"] is None
        and row["calendar_token"] is None
        and not row["prefs"]
    )


def _check_empty(conn: Connection) -> list[int]:
    """Return placeholder user ids to replace; refuse a database that holds anyone's data."""
    held = []
    for table in _tables():
        count = conn.execute(select(func.count()).select_from(table)).scalar_one()
        if count and table.name != UserRow.__tablename__:
            held.append(f"{table.name}: {count}")
    users = Base.metadata.tables[UserRow.__tablename__]
    placeholders = []
    for row in conn.execute(select(users)).mappings():
        if _is_placeholder_user(row):
            placeholders.append(int(row["id"]))
        else:
            held.append("users: a user with settings")
    if held:
        raise ConfigError(
            "restore needs an empty database, and this one holds data ("
            + ", ".join(held)
            + "); point RUNBACK_DATABASE_URL at a new database file and restore there"
        )
    return placeholders


def _rows_for(table: Table, raw: Any, source: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise ValidationError(source, [f"tables.{table.name} must be a list of rows"])
    rows = []
    for i, item in enumerate(raw):
        where = f"tables.{table.name}[{i}]"
        if not isinstance(item, dict):
            raise ValidationError(source, [f"{where} must be an object"])
        # An export made before a column was renamed holds it under its old name.
        item = {_RENAMED.get((table.name, k), k): v for k, v in item.items()}
        unknown = set(item) - {c.name for c in _columns(table)}
        if unknown:
            raise ValidationError(source, [f"{where}: unknown column(s) {sorted(unknown)}"])
        rows.append(
            {
                c.name: _from_json(item[c.name], c.type, source, f"{where}.{c.name}")
                for c in _columns(table)
                if c.name in item
            }
        )
    return rows


def _reset_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """Move PostgreSQL id sequences past the restored ids so new rows do not collide."""
    for table in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def restore_document(store: Store, document: dict[str, Any], source: str) -> RestoreResult:
    """Put an export's rows into an empty database (migrated first), all in one transaction."""
    from runback.storage.migrate import upgrade
    from runback.storage.rollups import rebuild_all

    engine = store.engine
    check_document(document, source)
    upgrade(engine)
    raw_tables: dict[str, Any] = document["tables"]
    tables = _tables()
    unknown = set(raw_tables) - {t.name for t in tables}
    if unknown:
        raise ValidationError(source, [f"unknown table(s) {sorted(unknown)}"])
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        placeholders = _check_empty(conn)
        users = Base.metadata.tables[UserRow.__tablename__]
        # A process serving this database may hold views of a placeholder user keyed on its
        # data version: the restored users start past every version it had.
        newest = conn.execute(select(func.max(users.c.data_version))).scalar() or 0
        if placeholders:
            conn.execute(users.delete().where(users.c.id.in_(placeholders)))
        for table in tables:
            rows = _rows_for(table, raw_tables.get(table.name, []), source)
            for start in range(0, len(rows), 500):
                conn.execute(table.insert(), rows[start : start + 500])
            counts[table.name] = len(rows)
        conn.execute(users.update().values(data_version=newest + 1))
        rebuild_all(conn)  # the inserts above skip the ORM, which keeps rollups on each write
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, tables)
    return RestoreResult(counts, document.get("schema_revision"), str(document.get("exported_at")))


def restore_from_zip(store: Store, path: Path) -> RestoreResult:
    """Restore an export zip into an empty database."""
    try:
        return restore_document(store, read_export(path), str(path))
    except RunbackError:
        raise
    except Exception as exc:  # a constraint broken by a hand-edited export: say which file
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ValidationError(str(path), [f"the rows do not fit together: {reason}"]) from None


# --- backup ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupResult:
    """Where the copy went, how big it is, and that it checked out."""

    path: Path
    size_bytes: int
    integrity: str


def sqlite_path(url: str) -> Path:
    """Return the file of a SQLite URL; refuse other databases with the way to back them up."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise ConfigError(
            f"`runback backup` copies SQLite files; this database is {parsed.get_backend_name()}. "
            "Back PostgreSQL up with pg_dump (see docs/reliability.md), "
            "or use `runback export` for a portable copy"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise ConfigError("an in-memory database has nothing to back up")
    return Path(parsed.database)


def backup_sqlite(url: str, target: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy a live SQLite database to `target` with the backup API, then check the copy."""
    source = sqlite_path(url)
    if not source.is_file():
        raise ConfigError(f"{source}: no database there to back up")
    if target.exists() and not overwrite:
        raise ConfigError(f"{target} already exists; choose another name or pass --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _copy_sqlite(source, partial, target)
    except BaseException:
        # Nothing half-written stays behind: a failed copy (disk full) leaves no partial file.
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(target, target.stat().st_size, "ok")


def _copy_sqlite(source: Path, partial: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        dst = sqlite3.connect(partial)
        try:
            # pages=-1 copies everything in one step under one read snapshot: a consistent copy
            # even while other processes keep committing (WAL lets them go on meanwhile).
            src.backup(dst, pages=-1)
            # One self-contained file: no -wal beside it to forget when copying the backup away.
            dst.execute("PRAGMA journal_mode=DELETE")
            integrity = str(dst.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            dst.close()
    finally:
        src.close()
    if integrity != "ok":
        partial.unlink(missing_ok=True)
        raise RunbackError(f"the backup copy failed its integrity check: {integrity}")
    os.replace(partial, target)
