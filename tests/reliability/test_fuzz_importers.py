"""Fuzzing the importers: mutated bytes of real files give a run or the importer's own clear error.

Hypothesis mutates the real fixture files (flipped, cut, spliced, repeated bytes); every result
must be an Activity or an ActivityFileError (naming the file), never another exception. A bounded
run is in `make test`; `make check-all` runs many more examples, and atheris (coverage-guided)
for a fixed time when it is installed.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from runback.errors import ActivityFileError
from runback.importers.files import parse_activity
from runback.importers.strava import ZipLimits, open_zip
from runback.importers.strava_csv import parse_activities_csv
from tests.conftest import SHARED_FIXTURES

# A failing example is bytes of up to 60 kB: hypothesis warns that its repr is large.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 2 * 1024 * 1024
SEEDS = {
    "fit": ["fit/activity-small-fenix2-run.fit", "fit/garmin-fenix-5-run.fit"],
    "gpx": ["gpx/cerknicko-jezero.gpx", "gpx/unicode_with_bom.gpx", "gpx/route.gpx"],
    "tcx": ["tcx/test.tcx", "tcx/sup_activity_1.tcx"],
}
BOUNDED = 150
FULL = 3000


def _seed(path: str) -> bytes:
    data = (SHARED_FIXTURES / path).read_bytes()
    # Keep examples small enough to parse fast; the cut keeps headers and the first records.
    return data[:60_000]


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> bytes:
    """Return a fixture file of this kind with a few random mutations."""
    data = bytearray(_seed(draw(st.sampled_from(SEEDS[kind]))))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("flip", "cut", "insert", "delete", "repeat", "zero")))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 256))]
        elif op == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 512))] * draw(st.integers(2, 8))
        elif op == "zero":
            end = at + draw(st.integers(1, 64))
            data[at:end] = bytes(len(data[at:end]))
    return bytes(data)


# Failures already reported to the importers' owner: (exception type, a file in its traceback)
# mapped to the reason. Empty: every issue these fuzzers found is fixed (tests/importers/
# test_damaged.py holds a regression test for each).
KNOWN_ISSUES: dict[tuple[str, str], str] = {}
seen_known: set[str] = set()


def _known(exc: BaseException) -> str | None:
    """Return the reported issue this exception is, or None for a new failure."""
    files = []
    tb = exc.__traceback__
    while tb is not None:
        files.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    for (kind, origin), reason in KNOWN_ISSUES.items():
        if type(exc).__name__ == kind and any(origin in f for f in files):
            return reason
    return None


def _parse(name: str, data: bytes) -> None:
    try:
        activity = parse_activity(name, data, LIMIT)
    except ActivityFileError as exc:
        assert exc.source == name and exc.reason, exc
        return
    except Exception as exc:
        reason = _known(exc)
        if reason is None:
            raise
        seen_known.add(reason)
        return
    # A parsed run has every field it is stored with, and sane numbers.
    assert activity.start.tzinfo is not None
    assert activity.elapsed_s >= 0 and activity.distance_m >= 0
    assert len(activity.content_hash) == 64


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _fuzz_kind(kind: str, examples: int) -> None:
    seen_known.clear()

    @_settings(examples)
    @given(data=mutated(kind), gz=st.booleans())
    def run(data: bytes, gz: bool) -> None:
        if gz:
            _parse(f"fuzz.{kind}.gz", gzip.compress(data, mtime=0))
        else:
            _parse(f"fuzz.{kind}", data)

    run()


def _fuzz_zip(examples: int) -> None:
    seen_known.clear()
    export = (SHARED_FIXTURES / "strava-export.zip").read_bytes()
    csv = (SHARED_FIXTURES / "strava-export" / "activities.csv").read_bytes()

    @_settings(examples)
    @given(
        cut=st.integers(0, len(export)),
        flips=st.lists(st.tuples(st.integers(0, len(export) - 1), st.integers(0, 7)), max_size=8),
        csv_cut=st.integers(0, len(csv)),
        junk=st.binary(max_size=64),
    )
    def run(cut: int, flips: list[tuple[int, int]], csv_cut: int, junk: bytes) -> None:
        data = bytearray(export)
        for at, bit in flips:
            data[at] ^= 1 << bit
        data = data[: max(cut, len(data) - 4096)] if flips else data[:cut]
        try:
            with open_zip(
                io.BytesIO(bytes(data)), "fuzz.zip", ZipLimits.for_file_limit(LIMIT)
            ) as items:
                for item in items[:5]:
                    with contextlib.suppress(ActivityFileError):
                        item.load()
        except ActivityFileError:
            pass
        except Exception as exc:
            reason = _known(exc)
            if reason is None:
                raise
            seen_known.add(reason)
        with contextlib.suppress(ActivityFileError):
            parse_activities_csv(csv[:csv_cut] + junk, "activities.csv")
        # A well-formed zip holding a mutated CSV only.
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("activities.csv", csv[:csv_cut] + junk)
        try:
            with open_zip(
                io.BytesIO(buffer.getvalue()), "csv.zip", ZipLimits.for_file_limit(LIMIT)
            ):
                pass
        except ActivityFileError:
            pass

    run()


def _xfail_known() -> None:
    if seen_known:
        found = sorted(seen_known)
        seen_known.clear()
        pytest.xfail("known importer issues: " + "; ".join(found))


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_fuzz_importer_bounded(kind: str) -> None:
    _fuzz_kind(kind, BOUNDED)
    _xfail_known()


def test_fuzz_strava_export_bounded() -> None:
    _fuzz_zip(BOUNDED // 3)
    _xfail_known()


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_fuzz_importer_full(kind: str) -> None:
    _fuzz_kind(kind, FULL)
    _xfail_known()


@pytest.mark.slow
def test_fuzz_strava_export_full() -> None:
    _fuzz_zip(FULL // 3)
    _xfail_known()


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_atheris(kind: str, tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    seconds = os.environ.get("RUNBACK_ATHERIS_SECONDS", "20")
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.atheris_target", kind, seconds, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=int(seconds) + 120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    runs = re.findall(r"Done (\d+) runs in (\d+) second", done.stderr)
    print(f"\natheris {kind}: {runs[-1][0] if runs else '?'} inputs in {seconds} s")
    known = tmp_path / "known.txt"
    if known.exists():
        pytest.xfail(
            "known importer issues: " + "; ".join(sorted(set(known.read_text().splitlines())))
        )
