"""The hostile-file corpus through `runback import`: a clear line per file, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runback.services.runs import import_bytes
from runback.services.store import LOCAL_USER_ID, Store
from tests.conftest import Cli
from tests.importers.hostile_corpus import BAD_UPLOAD_NAMES, EXPECTED, good_fit, write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Write the corpus once for this module; return the activity files."""
    paths = write_corpus(tmp_path_factory.mktemp("hostile"))
    return [p for p in paths if p.name in EXPECTED]


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
    report = import_bytes(store, LOCAL_USER_ID, name, good_fit())
    (result,) = report.results
    assert result.status == "skipped"
    assert result.reason is not None and result.reason.startswith("refused: the file name")
