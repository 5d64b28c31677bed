"""Programme files: import, line-numbered errors, export round trip, adherence from sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from runback.core.clock import FakeClock
from runback.core.programme import programme_routine_slug
from runback.errors import NotFoundError, ValidationError
from runback.services.programmes import (
    active_programme,
    adherence,
    export_programme,
    import_programme,
    parse_programme,
    read_programme_file,
)
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import ProgrammeRow, RoutineRow, SessionRow

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "programme.toml"

GOOD = """\
name = "Back, phase 1"
start = 2026-01-05
times_per_day = 2

[[prescription]]
exercise = "pelvic-tilt"
sets = 2

[[prescription]]
exercise = "clam"
"""
CLAM = """
[[exercises]]
slug = "clam"
name = "Clam"
areas = ["hips"]
position = "floor"
hold_s = 5
summary = "Open the knee."
instructions = ["Open the top knee."]
"""


def test_example_file_imports_and_round_trips(store: Store) -> None:
    stored = import_programme(
        store, read_programme_file(EXAMPLE), str(EXAMPLE), user_id=LOCAL_USER_ID
    )
    assert stored.programme.times_per_day == 2
    exported = export_programme(store, user_id=LOCAL_USER_ID)
    again = parse_programme(exported, "exported.toml")
    assert again == stored.programme
    # Importing the export gives the same programme again.
    second = import_programme(store, exported, "exported.toml", user_id=LOCAL_USER_ID)
    assert second.programme == stored.programme
    assert export_programme(store, user_id=LOCAL_USER_ID) == exported


def test_import_stores_programme_and_playable_routine(store: Store) -> None:
    import_programme(store, GOOD + CLAM, "p.toml", user_id=LOCAL_USER_ID)
    import_programme(
        store, GOOD.replace("phase 1", "phase 2") + CLAM, "p2.toml", user_id=LOCAL_USER_ID
    )
    with store.factory() as s:
        rows = s.scalars(select(ProgrammeRow).order_by(ProgrammeRow.id)).all()
        assert [(r.name, r.active) for r in rows] == [
            ("Back, phase 1", False),
            ("Back, phase 2", True),
        ]
        slugs = set(s.scalars(select(RoutineRow.slug)))
    assert {"physio-back-phase-1", "physio-back-phase-2"} <= slugs
    active = active_programme(store, user_id=LOCAL_USER_ID)
    assert active is not None and active.programme.name == "Back, phase 2"


# One broken file per validation rule: (file text, the line, words from the message).
BROKEN = [
    ("syntax", GOOD.replace('"pelvic-tilt"', '"pelvic-tilt'), 6, "TOML syntax error"),
    ("format", "format = 2\n" + GOOD + CLAM, 1, "format 2 is not supported"),
    ("missing name", GOOD.replace('name = "Back, phase 1"\n', "") + CLAM, 1, "name is missing"),
    ("bad date", GOOD.replace("2026-01-05", '"next monday"') + CLAM, 2, "write a date like"),
    (
        "review",
        GOOD.replace("= 2\n", "= 2\nreview = 2025-12-01\n", 1) + CLAM,
        4,
        "before the start date",
    ),
    ("unknown top key", GOOD.replace("times_per_day", "time_per_day") + CLAM, 3, "did you mean"),
    ("times range", GOOD.replace("times_per_day = 2", "times_per_day = 9") + CLAM, 3, "1 to 6"),
    (
        "unknown exercise",
        GOOD.replace('"pelvic-tilt"', '"pelvic-tlit"') + CLAM,
        6,
        "'pelvic-tilt'?",
    ),
    ("sets range", GOOD.replace("sets = 2", "sets = 0") + CLAM, 7, "from 1 to 10"),
    ("hold range", GOOD.replace("sets = 2", "hold_s = 900") + CLAM, 7, "5 to 600 seconds"),
    ("sides", GOOD.replace("sets = 2", 'sides = "left"') + CLAM, 7, "use one of"),
    ("unknown item key", GOOD.replace("sets = 2", "set = 2") + CLAM, 7, "did you mean 'sets'"),
    ("no prescription", 'name = "x"\nstart = 2026-01-05\nprescription = []\n', 3, "is empty"),
    ("custom incomplete", GOOD + CLAM.replace('summary = "Open the knee."\n', ""), 12, "summary"),
    ("custom twice", GOOD + CLAM + CLAM, 22, "defined twice"),
    ("custom clash", GOOD + CLAM.replace('"clam"', '"cat-cow"'), 13, "already a catalog"),
]


@pytest.mark.parametrize(
    ("text", "line", "words"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_file_names_line_and_problem(store: Store, text: str, line: int, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        import_programme(store, text, "/tmp/physio.toml", user_id=LOCAL_USER_ID)
    assert info.value.source == "/tmp/physio.toml"
    assert any(
        p.startswith(f"physio.toml line {line}:") and words in p for p in info.value.problems
    ), info.value.problems
    # Nothing stored from a bad file.
    with store.factory() as s:
        assert s.scalar(select(func.count()).select_from(ProgrammeRow)) == 0
        assert s.scalar(select(func.count()).select_from(RoutineRow)) == 0


def test_all_problems_reported_at_once(store: Store) -> None:
    text = GOOD.replace("sets = 2", "sets = 0").replace('"clam"', '"nope"')
    with pytest.raises(ValidationError) as info:
        parse_programme(text, "p.toml")
    assert len(info.value.problems) == 2


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such file"):
        read_programme_file(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"name = '\xff'\n")
    with pytest.raises(ValidationError, match="UTF-8"):
        read_programme_file(bad)


def test_adherence_counts_completed_programme_sessions(store: Store, clock: FakeClock) -> None:
    stored = import_programme(store, GOOD + CLAM, "p.toml", user_id=LOCAL_USER_ID)
    slug = programme_routine_slug(stored.programme)
    # The fixture clock is Monday 2026-01-05 08:00 UTC; move to Wednesday evening.
    clock.advance(2 * 86400 + 10 * 3600)
    monday = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
    starts = [monday, monday + timedelta(hours=10), monday + timedelta(hours=11)]
    starts += [monday + timedelta(days=1, hours=2)]
    with store.tx() as s:
        for i, at in enumerate([*starts, monday + timedelta(days=2)]):
            s.add(
                SessionRow(
                    user_id=LOCAL_USER_ID,
                    routine_slug=slug if i < len(starts) else "desk-break",
                    routine_name="x",
                    started_at=at,
                    ended_at=at + timedelta(minutes=5),
                    zone="Europe/Berlin",
                    steps_total=3,
                    steps_done=[],
                    completed=True,
                )
            )
    programme, weeks = adherence(store, weeks=2, user_id=LOCAL_USER_ID)
    assert [w.prescribed for w in weeks] == [0, 14]
    assert weeks[-1].done == 3  # three on Monday count as two, plus Tuesday's one
    assert weeks[-1].summary(programme) == "prescribed 2×/day, every day, done 3 of 14"


def test_no_programme_says_how_to_import(store: Store) -> None:
    with pytest.raises(NotFoundError, match="runback programme import"):
        export_programme(store, user_id=LOCAL_USER_ID)
