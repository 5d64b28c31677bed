"""An export made before migration 0008 (runs.start_at) restores into the renamed column."""

from __future__ import annotations

from pathlib import Path

from runback.core.clock import FakeClock
from runback.services.backup import export_document, restore_document
from runback.services.store import Store
from runback.storage.db import make_engine
from tests.services.test_backup import store_on
from tests.storage.make_fixture_db import populate


def test_an_export_holding_start_at_restores_as_started_at(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    populate(store, clock)
    document = export_document(store, user_id=None)
    runs = document["tables"]["runs"]
    assert runs and all("started_at" in r for r in runs)
    starts = [r["started_at"] for r in runs]
    document["schema_revision"] = "0007"  # before the column was renamed
    document["tables"]["runs"] = [
        {("start_at" if k == "started_at" else k): v for k, v in r.items()} for r in runs
    ]
    engine = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        restored = store_on(engine)
        restore_document(restored, document, "old.zip")
        again = export_document(restored, user_id=None)["tables"]["runs"]
    finally:
        engine.dispose()
    assert [r["started_at"] for r in again] == starts
