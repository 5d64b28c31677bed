"""The physio report: a real A4 PDF whose pages, charts and numbers match the database."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runback.core.clock import FakeClock
from runback.errors import ValidationError
from runback.report.handout import PER_PAGE, figure_box
from runback.report.pdf import CHART_BOXES, HANDOUT_PAGE, PAGE_SIZE, render
from runback.services.programmes import import_programme
from runback.services.report import gather_report
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import PainEntryRow, RunRow, SessionRow

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils missing (.ci/system-deps.sh)"
)
PROGRAMME = """\
name = "Back, phase 1"
clinician = "J. Okafor"
start = 2026-01-19
times_per_day = 2
notes = "Pain-free range only."

[[prescription]]
exercise = "cat-cow"
"""
DPI = 40


def build_report(
    store: Store, weeks: int = 4, routine: str | None = None, *, user_id: int
) -> bytes:
    """Gather the report and render it, as the CLI and the web do."""
    return render(gather_report(store, weeks, routine, user_id=user_id))


def fill(store: Store, clock: FakeClock) -> None:
    """Four weeks of pain, runs and sessions ending Sunday 2026-02-01 (Berlin)."""
    clock.advance(27 * 86400)  # the fixture clock starts Monday 2026-01-05 08:00 UTC
    import_programme(store, PROGRAMME, "programme.toml", user_id=LOCAL_USER_ID)
    day0 = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    with store.tx() as s:
        for i in range(28):
            at = day0 + timedelta(days=i)
            if i % 2 == 0:
                s.add(
                    PainEntryRow(
                        user_id=1,
                        at=at,
                        zone="Europe/Berlin",
                        region="lower-back",
                        intensity=6 - i // 7,
                        red_flags=[],
                        notes="",
                    )
                )
            if i % 7 == 3:
                s.add(
                    PainEntryRow(
                        user_id=1,
                        at=at,
                        zone="Europe/Berlin",
                        region="hips",
                        intensity=2,
                        red_flags=[],
                        notes="",
                    )
                )
            if i % 3 == 0:
                s.add(
                    RunRow(
                        user_id=1,
                        started_at=at - timedelta(hours=10),
                        zone="Europe/Berlin",
                        elapsed_s=3000,
                        moving_s=2900,
                        distance_m=8000 + 100 * i,
                        ascent_m=20,
                        sport="running",
                        name=None,
                        source_format="gpx",
                        source_file=f"r{i}.gpx",
                        device=None,
                        content_hash=f"h{i}",
                        imported_at=at,
                    )
                )
            for n in range(2 if i >= 14 else 1 if i % 2 else 0):
                s.add(
                    SessionRow(
                        user_id=1,
                        routine_slug="physio-back-phase-1",
                        routine_name="Back",
                        started_at=at + timedelta(hours=n),
                        ended_at=at + timedelta(hours=n, minutes=5),
                        zone="Europe/Berlin",
                        steps_total=1,
                        steps_done=["cat-cow"],
                        completed=True,
                    )
                )
        s.add(
            PainEntryRow(
                user_id=1,
                at=day0 + timedelta(days=20),
                zone="Europe/Berlin",
                region="lower-back",
                intensity=7,
                red_flags=["both-legs"],
                notes="",
            )
        )


def pages(pdf: bytes, tmp_path: Path) -> list[tuple[int, int, bytes]]:
    """Render every page with pdftoppm to PPM and return (width, height, RGB bytes)."""
    src = tmp_path / "report.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), str(src), str(tmp_path / "page")], check=True)
    out = []
    for ppm in sorted(tmp_path.glob("page-*.ppm")):
        raw = ppm.read_bytes()
        # Binary PPM: "P6\n<w> <h>\n255\n" then RGB triplets.
        magic, w, h, maxval, body = raw.split(maxsplit=4)
        assert magic == b"P6" and maxval == b"255"
        out.append((int(w), int(h), body))
    return out


def ink(page: tuple[int, int, bytes], box: tuple[float, float, float, float]) -> float:
    """Return the share of non-white pixels inside a box given in PDF points."""
    w, h, rgb = page
    scale = DPI / 72
    x, y, bw, bh = box
    x0, x1 = int(x * scale), int((x + bw) * scale)
    top, bottom = int((PAGE_SIZE[1] - y - bh) * scale), int((PAGE_SIZE[1] - y) * scale)
    dark = total = 0
    for row in range(max(top, 0), min(bottom, h)):
        for col in range(max(x0, 0), min(x1, w)):
            i = 3 * (row * w + col)
            total += 1
            dark += min(rgb[i : i + 3]) < 230
    return dark / total


def test_report_pages_charts_and_numbers(store: Store, clock: FakeClock, tmp_path: Path) -> None:
    fill(store, clock)
    data = gather_report(store, weeks=4, user_id=LOCAL_USER_ID)
    pdf = build_report(store, weeks=4, user_id=LOCAL_USER_ID)
    assert pdf.startswith(b"%PDF")
    rendered = pages(pdf, tmp_path)
    assert data.handout  # the active programme's exercises
    assert len(rendered) == 3 + -(-len(data.handout) // PER_PAGE)
    # A4 portrait at the chosen resolution.
    assert abs(rendered[0][0] - PAGE_SIZE[0] * DPI / 72) <= 1
    for name, (page, *box) in CHART_BOXES.items():
        assert ink(rendered[page - 1], (box[0], box[1], box[2], box[3])) > 0.01, name
    # An empty band between the charts stays white: ink means charts, not noise.
    assert ink(rendered[2], (50, 290, 495, 10)) == 0

    txt = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # The numbers match the database.
    assert data.first.isoformat() == "2026-01-05" and data.last.isoformat() == "2026-02-01"
    runs = [i for i in range(28) if i % 3 == 0]
    km = sum(8000 + 100 * i for i in runs) / 1000
    assert f"Runs: {len(runs)}, total distance {km:.1f} km" in txt
    assert data.total_runs == len(runs)
    assert "Pain entries: 19" in txt
    # A day counts as its worst entry: day 20 has a 4 and the red-flag 7, so 7 (67 / 14 days).
    assert "lower-back: 15 entries on 14 days, mean 4.8/10, worst 7/10, last day 3/10" in txt
    assert "hips: 4 entries on 4 days, mean 2.0/10, worst 2/10, last day 2/10" in txt
    assert [v for _, v in data.daily_worst("lower-back")][9:11] == [4, 7]
    # No pain after runs: no pattern, only what is needed for one.
    assert data.patterns is not None and not data.patterns.shown
    words = " ".join(txt.split())
    assert "Patterns in your own log" in words
    assert "Not enough days yet to compare pain after the run with and without back-up" in words
    assert "at least 8 days with pain logged on both sides" in words
    assert "Red flags reported: 1" in txt
    assert "weakness or numbness in both legs" in txt
    assert "seek medical care" in txt
    practice = sum(1 for i in range(28) if i >= 14 or i % 2)
    assert f"Back-up work: {practice} of 24 target days" in txt
    # Programme from 19 Jan: weeks 3 and 4 prescribe 14 each; 2 a day were done.
    assert data.programme is not None
    assert data.programme.prescribed == [0, 0, 14, 14]
    assert data.programme.done == [0, 0, 14, 14]
    assert "Programme adherence: 28 of 28 prescribed sessions" in txt
    assert "Back, phase 1 by J. Okafor: 2×/day, every day" in txt
    for week in data.weeks:
        assert f"{week.distance_km:.1f}" in txt  # bar labels


def test_empty_report_still_renders(store: Store, tmp_path: Path) -> None:
    rendered = pages(build_report(store, weeks=1, user_id=LOCAL_USER_ID), tmp_path)
    assert len(rendered) == 3
    txt = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "No pain logged in this period." in txt
    assert "Red flags reported: 0" in txt
    assert "no programme imported" in txt


def test_weeks_out_of_range(store: Store) -> None:
    with pytest.raises(ValidationError, match="use 1 to 52"):
        build_report(store, weeks=0, user_id=LOCAL_USER_ID)


def test_same_data_same_bytes(store: Store, clock: FakeClock) -> None:
    fill(store, clock)
    assert build_report(store, weeks=4, user_id=LOCAL_USER_ID) == build_report(
        store, weeks=4, user_id=LOCAL_USER_ID
    )


def _figure_boxes_have_ink(pdf: bytes, n: int, tmp_path: Path) -> None:
    rendered = pages(pdf, tmp_path)
    assert len(rendered) == HANDOUT_PAGE - 1 + -(-n // PER_PAGE)
    for i in range(n):
        page, x, y, w, h = figure_box(i, HANDOUT_PAGE)
        # inside the frame, so the frame's own line does not count as a figure
        assert ink(rendered[page - 1], (x + 3, y + 3, w - 6, h - 6)) > 0.01, i


def test_handout_draws_each_programme_exercise_with_dose_and_cautions(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    fill(store, clock)
    data = gather_report(store, weeks=4, user_id=LOCAL_USER_ID)
    assert all(item.figure is not None for item in data.handout)
    pdf = build_report(store, weeks=4, user_id=LOCAL_USER_ID)
    _figure_boxes_have_ink(pdf, len(data.handout), tmp_path)
    txt = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Handout: Back, phase 1" in txt and "Dose:" in txt


def test_handout_of_a_routine_has_every_step_figure(store: Store, tmp_path: Path) -> None:
    data = gather_report(store, weeks=1, routine="back-up-basics", user_id=LOCAL_USER_ID)
    assert data.handout_title.startswith("Handout: ")
    assert {i.slug for i in data.handout} >= {"hip-table-stretch", "roll-down"}
    pdf = build_report(store, weeks=1, routine="back-up-basics", user_id=LOCAL_USER_ID)
    _figure_boxes_have_ink(pdf, len(data.handout), tmp_path)
    # The page with the seed stretches, as a PNG to look at.
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    src = tmp_path / "handout.pdf"
    src.write_bytes(pdf)
    # The handout starts on page 4 (after the three report pages); its first page has the seeds.
    name = str(out / "handout-back-up-basics")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "4", "-l", "4", "-singlefile", str(src), name],
        check=True,
    )


def test_an_open_concern_older_than_the_report_is_still_in_it(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    from runback.services.pain import log_pain

    log_pain(store, region="hips", intensity=3, red_flags=["back-shape"], user_id=LOCAL_USER_ID)
    clock.advance(20 * 86400)  # before the one-week report's first day
    pages(build_report(store, weeks=1, user_id=LOCAL_USER_ID), tmp_path)
    txt = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Still open (not yet checked), reported" in txt
    assert "a lump, swelling or change in the shape of the back" in " ".join(txt.split())


def test_report_shows_the_clearest_patterns_of_the_log(store: Store, tmp_path: Path) -> None:
    from runback.core.timezones import local_date
    from tests.simulated_runner import simulate_runner

    zone = store.user_zone(user_id=LOCAL_USER_ID)
    simulate_runner(store, local_date(store.clock.now(), zone), zone=zone)
    data = gather_report(store, weeks=4, user_id=LOCAL_USER_ID)
    assert data.patterns is not None and len(data.patterns.shown) > 4
    (tmp_path / "report.pdf").write_bytes(render(data))
    txt = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words = " ".join(txt.split())
    section = words.split("Patterns in your own log", 1)[1].split("Red flags", 1)[0]
    # Four at most, those whose interval leaves out 0 first; "Evening unwind" is one of them.
    assert section.count("In your own log") == 4 and section.count("This is not proof") == 4
    assert "“Evening unwind” than on days without" in section
    assert "about the same" not in section
