"""The sandbox: parsers in warm child processes, limits that hold, only plain data back."""

from __future__ import annotations

import pytest

from runback.errors import DamagedFileError, UnsafeFileError
from runback.importers import files, sandbox
from runback.importers.sandbox import Limits, SandboxPool, run_sandboxed
from tests.conftest import SHARED_FIXTURES

MB = 1024 * 1024
SAMPLES = [
    "fit/garmin-fenix-5-run.fit",
    "gpx/cerknicko-jezero.gpx",
    "tcx/sup_activity_1.tcx",
    "strava-export/activities/12866632127.fit.gz",
]


@pytest.mark.parametrize("name", SAMPLES)
def test_sandboxed_parse_equals_the_in_process_parse(name: str) -> None:
    data = (SHARED_FIXTURES / name).read_bytes()
    assert sandbox.parse_activity(name, data, 50 * MB) == files.parse_activity(name, data)


def test_errors_come_back_as_the_same_error() -> None:
    data = (SHARED_FIXTURES / "fit/invalid/activity-filecrc.fit").read_bytes()
    with pytest.raises(DamagedFileError, match="checksum") as caught:
        sandbox.parse_activity("crc.fit", data, 50 * MB)
    assert caught.value.source == "crc.fit"


def test_activity_travels_as_json() -> None:
    data = (SHARED_FIXTURES / "gpx/cerknicko-jezero.gpx").read_bytes()
    activity = files.parse_activity("c.gpx", data)
    assert sandbox.activity_from_json(sandbox.activity_to_json(activity)) == activity


def test_a_segfault_kills_only_the_worker_and_the_next_job_runs() -> None:
    with pytest.raises(UnsafeFileError, match="could not be read safely: the parser crashed"):
        run_sandboxed("probe", b"segfault", source="crash.gpx")
    assert run_sandboxed("probe", b"fine") == "fine"


def test_a_hang_is_stopped_at_the_wall_clock_deadline() -> None:
    limits = Limits(wall_s=0.5, cpu_s=30)
    with pytest.raises(UnsafeFileError, match=r"took more than 0.5 s") as caught:
        run_sandboxed("probe", b"spin", limits, source="hang.fit")
    assert caught.value.source == "hang.fit"
    assert run_sandboxed("probe", b"again", limits) == "again"


@pytest.mark.realtime  # a 20 ms limit on a real clock: run alone
def test_a_fresh_workers_start_is_not_counted_against_the_files_limit() -> None:
    # A new interpreter importing every parser takes longer than this limit on any machine;
    # the file's clock starts once the worker says it is ready, so the file still gets read.
    pool = SandboxPool(Limits(wall_s=0.02, cpu_s=30))
    try:
        assert pool.run("probe", b"fine", {"name": "f.gpx"}, "f.gpx") == "fine"
    finally:
        pool.close()


def test_cpu_time_is_limited_per_job() -> None:
    limits = Limits(wall_s=30, cpu_s=1)
    with pytest.raises(UnsafeFileError, match=r"took more than 1 s"):
        run_sandboxed("probe", b"spin", limits, source="spin.fit")


def test_memory_is_limited() -> None:
    limits = Limits(memory_bytes=300 * MB)
    with pytest.raises(UnsafeFileError, match="needs more than 300 MB"):
        run_sandboxed("probe", b"hoard", limits, source="hoard.gpx")
    assert run_sandboxed("probe", b"ok", limits) == "ok"


def test_workers_are_reused() -> None:
    pool = sandbox.SandboxPool()
    try:
        pool.run("probe", b"a", {}, "a")
        (worker,) = pool._idle
        pool.run("probe", b"b", {}, "b")
        assert pool._idle == [worker] and worker.tasks == 2
    finally:
        pool.close()


def test_only_named_jobs_run() -> None:
    with pytest.raises(ValueError, match="no sandbox job"):
        run_sandboxed("os.system", b"true")


def test_toml_is_parsed_in_the_sandbox_and_deep_nesting_refused() -> None:
    import tomllib

    from runback.errors import ValidationError
    from runback.importers.tomlsafe import load_toml

    assert load_toml("a = 1\nb = [[1], [2]]", "r.toml") == {"a": 1, "b": [[1], [2]]}
    with pytest.raises(ValidationError, match="nested too deeply") as caught:
        load_toml("x = " + "[" * 100_000 + "]" * 100_000, "deep.toml")
    assert caught.value.source == "deep.toml"
    with pytest.raises(tomllib.TOMLDecodeError, match=r"at line 2"):
        load_toml("a = 1\nb = = 1", "r.toml")
