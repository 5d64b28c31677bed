"""A second import finds the files it holds by their hash, in one query, without parsing them."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from sqlalchemy import event, update

from runback.importers.activity import Activity
from runback.importers.files import activity_key, parse_activity
from runback.importers.strava import Parser
from runback.services.run_import import import_bytes, import_paths
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import RunRow


def _counting(calls: list[str]) -> Parser:
    def parse(name: str, data: bytes, max_bytes: int) -> Activity:
        calls.append(name)
        return parse_activity(name, data, max_bytes)

    return parse


def test_the_key_is_the_parsed_activitys_hash(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "fit/garmin-fenix-5-run.fit").read_bytes()
    expected = parse_activity("run.fit", data).content_hash
    assert activity_key(data) == expected
    assert activity_key(gzip.compress(data)) == expected
    assert activity_key(data, max_bytes=10) is None


def test_a_second_import_parses_nothing_it_holds(store: Store, fixtures_dir: Path) -> None:
    first_calls: list[str] = []
    first = import_paths(
        store, [fixtures_dir], user_id=LOCAL_USER_ID, parser=_counting(first_calls)
    )
    calls: list[str] = []
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        if "FROM runs" in sql:
            statements.append(sql)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        second = import_paths(store, [fixtures_dir], user_id=LOCAL_USER_ID, parser=_counting(calls))
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    stored = {r.name for r in first.results if r.status == "imported"}
    # Read again: only what did not become a run of its own (damaged, not an activity, the same
    # run in other bytes) and manual CSV rows.
    assert not stored & set(calls)
    assert len(calls) < len(first_calls)
    assert second.count("imported") == 0
    assert [r.name for r in second.results] == [r.name for r in first.results]
    assert [r.status == "skipped" for r in second.results] == [
        r.status == "skipped" for r in first.results
    ]
    for before, after in zip(first.results, second.results, strict=True):
        if before.status == "imported":
            assert after.run_id == before.run_id
            assert after.reason is not None and f"run #{before.run_id}" in after.reason
    assert len([s for s in statements if "content_hash IN" in s]) == 1


def test_a_known_file_still_gets_its_strava_name(store: Store, fixtures_dir: Path) -> None:
    import_paths(store, [fixtures_dir / "strava-export"], user_id=LOCAL_USER_ID)
    with store.tx() as session:
        session.execute(update(RunRow).values(name=None))
    report = import_paths(store, [fixtures_dir / "strava-export"], user_id=LOCAL_USER_ID)
    assert report.count("duplicate") == 1
    with store.tx() as session:
        names = [r.name for r in session.query(RunRow)]
    assert names == ["Laufen Landal Park"]


def test_an_upload_of_a_known_file_is_a_duplicate_unparsed(
    store: Store, fixtures_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "run.gpx.gz"
    path.write_bytes(gzip.compress((fixtures_dir / "gpx/cerknicko-jezero.gpx").read_bytes()))
    shutil.copy(fixtures_dir / "gpx/cerknicko-jezero.gpx", tmp_path / "same.gpx")
    assert import_paths(store, [path], user_id=LOCAL_USER_ID).count("imported") == 1
    calls: list[str] = []
    data = (tmp_path / "same.gpx").read_bytes()
    report = import_bytes(store, "same.gpx", data, user_id=LOCAL_USER_ID, parser=_counting(calls))
    assert [r.status for r in report.results] == ["duplicate"]
    assert calls == []
