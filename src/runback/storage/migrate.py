"""Apply Alembic migrations programmatically; the same path on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

from runback.errors import SchemaVersionError

__all__ = [
    "HEAD_REVISION",
    "current_revision",
    "head_revision",
    "known_revision",
    "stored_revision",
    "upgrade",
]

_HERE = Path(__file__).parent / "migrations"

HEAD_REVISION = "0016"
"""The newest migration's id, known without importing Alembic (a test checks it is the head)."""


def _config() -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    return cfg


def head_revision() -> str:
    """Return the newest migration this runback knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()  # type: ignore[arg-type]
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the database's migration revision, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _known(script: object, revision: str) -> bool:
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None  # type: ignore[attr-defined]
    except CommandError:
        return False


def known_revision(revision: str) -> bool:
    """Tell whether this runback knows a schema revision (False: it is from a newer one)."""
    from alembic.script import ScriptDirectory

    return _known(ScriptDirectory.from_config(_config()), revision)  # type: ignore[arg-type]


def stored_revision(engine: Engine) -> str | None:
    """Read alembic_version with one plain query (None: no table, no row, or several rows)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError as exc:
        if "alembic_version" in str(exc.orig).lower():
            return None  # an empty database: the table is not there yet
        raise
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision`; refuse a database from a newer runback."""
    # Every command opens the store: a database already at the head costs one small query,
    # and Alembic (~0.1 s to import, more to check) is loaded only when there is work to do.
    if revision in ("head", HEAD_REVISION) and stored_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = _config()
    current = current_revision(engine)
    script = ScriptDirectory.from_config(cfg)  # type: ignore[arg-type]
    if current is not None and not _known(script, current):
        raise SchemaVersionError(
            f"the database is at schema {current!r}, newer than this runback knows; "
            "upgrade runback to use it"
        )
    if current == head_revision() and "users" in inspect(engine).get_table_names():
        return
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn  # type: ignore[attr-defined]
        command.upgrade(cfg, revision)  # type: ignore[arg-type]
