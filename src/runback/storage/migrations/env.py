"""Alembic environment: runs with the connection handed over by runback.storage.migrate."""

from __future__ import annotations

from alembic import context

from runback.storage import web_models  # noqa: F401  (its tables join Base.metadata)
from runback.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through runback.storage.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
