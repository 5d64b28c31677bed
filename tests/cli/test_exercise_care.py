"""The terminal shows the exercise disclaimer first, and the profile's "check first" flags."""

from __future__ import annotations

import io

from rich.console import Console

from runback.cli.player import Player
from runback.cli.session import _first_screen
from runback.core.clock import FakeClock
from runback.core.engine import Engine
from runback.core.phases import expand
from runback.core.profile import EXERCISE_DISCLAIMER, Profile
from runback.services.catalog import load_builtin
from runback.services.profile import save_profile
from runback.services.store import LOCAL_USER_ID, Store
from runback.sound import SilentSounder
from tests.conftest import Cli

FIRST_WORDS = EXERCISE_DISCLAIMER[:40]


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=100, color_system=None), buf


def test_player_first_screen_has_the_disclaimer_and_the_flags(store: Store) -> None:
    catalog = load_builtin()
    steps = catalog.resolve(catalog.routines["back-up-basics"])
    out, buf = _console()
    assert _first_screen(out, store, steps) == {}
    assert FIRST_WORDS in " ".join(buf.getvalue().split())
    assert "Check with your physio first" not in buf.getvalue()
    save_profile(
        store, Profile(contraindications=frozenset({"osteoporosis"})), user_id=LOCAL_USER_ID
    )
    out, buf = _console()
    flags = _first_screen(out, store, steps)
    flat = " ".join(buf.getvalue().split())
    assert flat.index(FIRST_WORDS) < flat.index("Standing roll-down: Check with your physio first")
    assert set(flags) == {"roll-down"}
    # While getting ready for it, the player shows the flag before the exercise's cautions.
    clock = FakeClock()
    engine = Engine(expand(steps), clock)
    player = Player(engine, title="t", console=out, cues=SilentSounder(), flags=flags)
    setup = next(p for p in engine.phases if p.kind == "setup" and p.exercise.slug == "roll-down")
    lines = [str(getattr(line, "plain", line)) for line in player._teaching(setup)]
    warnings = [line for line in lines if line.startswith("⚠")]
    assert warnings[0] == f"⚠ {flags['roll-down']}"


def test_routine_show_flags_and_disclaimer(cli: Cli) -> None:
    assert cli("setup", "--contraindications", "recent-surgery").exit_code == 0
    flat = " ".join(cli("routine", "show", "back-up-basics").output.split())
    assert FIRST_WORDS in flat
    assert "Check with your surgeon or physio first: your profile mentions recent surgery." in flat
