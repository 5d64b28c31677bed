"""The 13 places the CLI once printed a traceback: each is now one line and exit status 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import Result

from runback.core.clock import FakeClock
from runback.settings import Settings
from tests.conftest import Cli


def _one_line(result: Result, *needles: str, code: int = 1) -> str:
    """Assert a single error line holding every needle, no traceback; return the line."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return lines[0]


def _cli_on(url: str, clock: FakeClock) -> Cli:
    return Cli(Settings(database_url=url, zone="Europe/Berlin"), clock)


def test_report_to_a_missing_folder(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.pdf"
    _one_line(cli("report", "--out", str(target)), str(target), "does not exist", "mkdir -p")
    assert not (tmp_path / "missing").exists()


def test_report_to_a_folder_leaves_nothing_behind(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    _one_line(cli("report", "--out", str(folder)), str(folder), "is a folder")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("reports")) == ["reports"]
    assert list(folder.iterdir()) == []


def test_report_written_whole_and_no_temp_file_left(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.pdf"
    target.parent.mkdir()
    result = cli("report", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == ["report.pdf"]


def test_routine_export_to_a_bad_path(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "routine.toml"
    _one_line(cli("routine", "export", "pre-run-mobility", "--out", str(target)), str(target))


def test_programme_export_to_a_bad_path(cli: Cli, tmp_path: Path) -> None:
    from runback.services.programmes import import_programme
    from runback.services.store import LOCAL_USER_ID, open_store

    s = open_store(cli.settings, cli.clock)
    text = 'name = "Spring rehab"\nstart = 2026-01-05\n[[prescription]]\nexercise = "roll-down"\n'
    import_programme(s, text, "rehab.toml", user_id=LOCAL_USER_ID)
    s.close()
    file_in_the_way = tmp_path / "file"
    file_in_the_way.write_text("x")
    target = file_in_the_way / "programme.toml"
    _one_line(cli("programme", "export", "-o", str(target)), str(target), "is not a folder")


def test_pain_with_a_run_id_beyond_any_column(cli: Cli) -> None:
    args = ["pain", "--run", "99999999999999999999999", "--region", "lower-back"]
    result = cli(*args, "--intensity", "3")
    _one_line(result, "--run 99999999999999999999999", "runback runs")


def test_remind_pause_for_centuries(cli: Cli) -> None:
    _one_line(cli("remind", "pause", "9999999999h"), "remind pause", "30 days")


def test_remind_speed_beyond_reason(cli: Cli) -> None:
    _one_line(cli("remind", "--speed", "1e308"), "--speed", "at most 10000")


def test_remind_run_for_beyond_any_date(cli: Cli) -> None:
    _one_line(cli("remind", "--run-for", "99999999999999999999h"), "--run-for", "366 days")


def test_remind_refuses_an_unknown_notifier_naming_the_choices(cli: Cli) -> None:
    _one_line(cli("remind", "--notifier", "pigeon"), "pigeon", "auto, dbus, terminal")


def test_a_corrupt_database_file(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "runback.db"
    db.write_bytes(b"this is not SQLite at all, just some bytes " * 200)
    result = _cli_on(f"sqlite:///{db}", clock)("runs")
    _one_line(result, str(db), "restore a backup")


def test_an_unparsable_database_url(clock: FakeClock) -> None:
    result = _cli_on("not a url at all", clock)("runs")
    _one_line(result, "RUNBACK_DATABASE_URL", "is not a database URL")


def test_an_unsupported_database_url(clock: FakeClock) -> None:
    result = _cli_on("mysql://someone@localhost/runback", clock)("runs")
    _one_line(result, "RUNBACK_DATABASE_URL", "'mysql' databases are not supported")


def test_a_database_path_that_is_a_folder(tmp_path: Path, clock: FakeClock) -> None:
    result = _cli_on(f"sqlite:///{tmp_path}", clock)("runs")
    _one_line(result, str(tmp_path), "is a folder", "RUNBACK_DATABASE_URL")


def test_an_unexpected_error_names_the_report_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from runback.cli.common import exit_for

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    def broken() -> None:
        raise KeyError("no such thing")

    try:
        broken()
    except KeyError as exc:
        with pytest.raises(SystemExit) as done:
            exit_for(exc)
    assert done.value.code == 2
    line = capsys.readouterr().err.strip()
    assert "Traceback" not in line and "\n" not in line
    assert "unexpected KeyError" in line
    reports = list((tmp_path / "state").rglob("crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in line
    assert "Traceback" in reports[0].read_text() and "broken" in reports[0].read_text()


def test_the_real_command_prints_one_line(tmp_path: Path, cli_env: dict[str, str]) -> None:
    # The installed entry point (main()), not the test runner: the top-level handler holds.
    env = {**cli_env, "RUNBACK_DATABASE_URL": f"sqlite:///{tmp_path}"}
    done = subprocess.run(
        [sys.executable, "-c", "from runback.cli.app import main; main()", "runs"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "is a folder" in done.stderr


def test_a_device_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    import os
    import stat

    from runback.files import write_atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, b"hello")
        assert os.read(reader, 10) == b"hello"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe, not a renamed regular file


def test_disk_full_is_one_line_naming_the_path() -> None:
    import errno

    from runback.errors import os_error_line

    line = os_error_line(OSError(errno.ENOSPC, "No space left on device", "/data/report.pdf"))
    assert line == "/data/report.pdf: the disk is full; free some space and try again"


def test_a_database_full_mid_command_is_one_line(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from runback.cli.common import exit_for

    exc = OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
    with pytest.raises(SystemExit) as done:
        exit_for(exc)
    assert done.value.code == 1
    line = capsys.readouterr().err.strip()
    assert "\n" not in line and "the disk is full" in line and "runback.db" in line
