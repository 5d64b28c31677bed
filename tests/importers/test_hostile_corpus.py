"""The hostile-file corpus through `runback import`: a clear line per file, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runback.services.run_import import import_bytes
from runback.services.store import LOCAL_USER_ID, Store
from tests.conftest import Cli
from tests.importers.hostile_corpus import BAD_UPLOAD_NAMES, EXPECTED, good_fit, write_corpus


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Write the corpus once for this module; return every file."""
    return write_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def corpus(written: list[Path]) -> list[Path]:
    """Return the corpus's activity files."""
    return [p for p in written if p.name in EXPECTED]


def _answer(cli: Cli, *paths: Path) -> tuple[int, dict[str, dict[str, str]], float]:
    began = time.monotonic()  # measuring the answer time, not app logic: a real clock is right
    result = cli("import", *map(str, paths), "--json")
    took = time.monotonic() - began
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    files = {Path(f["file"].split(":")[0]).name: f for f in json.loads(result.output)["files"]}
    return result.exit_code, files, took


def test_each_hostile_file_gets_its_own_clear_answer_within_10_s(
    cli: Cli, corpus: list[Path]
) -> None:
    for path in corpus:
        expected = EXPECTED[path.name]
        code, files, took = _answer(cli, path)
        assert took < 10, f"{path.name} took {took:.1f} s"
        assert code == (0 if expected.status == "imported" else 1), path.name
        got = files[path.name]
        assert got["status"] == expected.status, (path.name, got)
        if expected.reason:
            assert expected.reason in got["reason"], (path.name, got["reason"])
            assert "\n" not in got["reason"]


def test_the_batch_goes_on_past_every_hostile_file(cli: Cli, corpus: list[Path]) -> None:
    code, files, _took = _answer(cli, *corpus)
    assert code == 0
    imported = {name for name, f in files.items() if f["status"] == "imported"}
    assert imported == {n for n, e in EXPECTED.items() if e.status == "imported"}
    assert "read leniently" in files["lenient-coros.fit"]["note"]


def test_runback_import_in_a_real_process(cli_env: dict[str, str], corpus: list[Path]) -> None:
    folder = corpus[0].parent
    done = subprocess.run(
        [str(Path(sys.executable).parent / "runback"), "import", str(folder)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    good = sum(1 for e in EXPECTED.values() if e.status == "imported")
    assert f"{good} imported, 0 duplicates, {len(EXPECTED) - good} skipped" in done.stdout


@pytest.mark.parametrize("name", BAD_UPLOAD_NAMES)
def test_bad_upload_names_get_a_message_not_a_500(store: Store, name: str) -> None:
    report = import_bytes(store, name, good_fit(), user_id=LOCAL_USER_ID)
    (result,) = report.results
    assert result.status == "skipped"
    assert result.reason is not None and result.reason.startswith("refused: the file name")


def test_hostile_routine_files_get_a_message(cli: Cli, written: list[Path]) -> None:
    from tests.importers.hostile_corpus import TOML_EXPECTED

    paths = {p.name: p for p in written if p.name in TOML_EXPECTED}
    for name, expected in TOML_EXPECTED.items():
        result = cli("routine", "import", str(paths[name]))
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert name in result.output and expected.reason in result.output, result.output


def test_a_programme_keeps_its_dates_through_the_sandbox() -> None:
    from datetime import date

    from runback.importers.tomlsafe import load_toml

    data = load_toml("start = 2026-01-05\nat = 07:30:00\n[x]\nwhen = 2026-01-05T07:00:00Z", "p")
    assert data["start"] == date(2026, 1, 5)
    assert str(data["at"]) == "07:30:00" and data["x"]["when"].tzinfo is not None
