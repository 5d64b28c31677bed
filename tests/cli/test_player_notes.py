"""Every note of a programme step and a routine step reaches the terminal player's screen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from runback.cli.player import Player
from runback.core.clock import FakeClock
from runback.core.engine import Engine
from runback.core.phases import expand
from runback.services.player import resolve_for_player
from runback.services.programmes import import_programme
from runback.services.routines import get_routine, user_catalog
from runback.services.store import LOCAL_USER_ID, Store

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/programme.toml"


class Silent:
    def beep(self, kind: str = "tick") -> None:
        pass

    def say(self, text: str) -> None:
        pass


def _screens(store: Store, slug: str) -> tuple[list[str], list[str]]:
    """Return the routine's step notes and the player's screen in each of its phases."""
    routine = get_routine(store, slug, user_id=LOCAL_USER_ID)
    steps, new = resolve_for_player(
        store, user_catalog(store, user_id=LOCAL_USER_ID), routine, user_id=LOCAL_USER_ID
    )
    phases = expand(steps)
    screens = []
    for i, phase in enumerate(phases):
        engine = Engine(phases, FakeClock())
        engine.restore({"phase_index": i, "remaining_s": phase.duration_s, "paused": True})
        out = Console(file=io.StringIO(), width=400)
        player = Player(engine, title=routine.name, console=out, cues=Silent(), new_exercises=new)
        out.print(player.render())
        screens.append(out.file.getvalue())  # type: ignore[attr-defined]
    return [s.note for s in steps], screens


@pytest.mark.parametrize("source", ["programme", "desk-break"])
def test_every_step_note_is_on_the_terminal_screen(store: Store, source: str) -> None:
    slug = "desk-break"
    if source == "programme":
        stored = import_programme(
            store, EXAMPLE.read_text(), "programme.toml", user_id=LOCAL_USER_ID
        )
        from runback.core.programme import programme_routine_slug

        slug = programme_routine_slug(stored.programme)
    notes, screens = _screens(store, slug)
    assert any(notes)
    routine = get_routine(store, slug, user_id=LOCAL_USER_ID)
    steps = user_catalog(store, user_id=LOCAL_USER_ID).resolve(routine)
    phases = expand(steps)
    for phase, screen in zip(phases, screens, strict=True):
        note = notes[phase.step_index]
        if note:
            assert f"Note: {note}" in screen
        else:
            assert "Note:" not in screen


def test_get_ready_shows_how_to_and_cautions_and_a_hold_rotates_its_cues(store: Store) -> None:
    _, screens = _screens(store, "back-up-basics")
    routine = get_routine(store, "back-up-basics", user_id=LOCAL_USER_ID)
    ex = user_catalog(store, user_id=LOCAL_USER_ID).resolve(routine)[0].exercise
    assert "New exercise" in screens[0]
    for n, line in enumerate(ex.instructions, 1):
        assert f"{n}. {line}" in screens[0]
    for caution in ex.cautions:
        assert caution in screens[0]
    assert f"» {ex.cues[0]}" in screens[1] and "Side: left knee up" in screens[1]
    assert "next right knee up" in screens[2]
