"""The terminal player with a fake clock, scripted keys and recorded cues (no tty, no sleep)."""

from __future__ import annotations

import io

from rich.console import Console

from runback.cli.player import Player, big_digits
from runback.core.clock import FakeClock
from runback.core.engine import Engine
from runback.core.phases import expand
from runback.services.catalog import load_builtin


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def beep(self, kind: str = "tick") -> None:
        self.calls.append(("beep", kind))

    def say(self, text: str) -> None:
        self.calls.append(("say", text))


class ScriptedKeys:
    """Press keys at given clock times; otherwise let the wait pass on the fake clock."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, str]]) -> None:
        self.clock = clock
        self.script = script
        self.t0 = clock.monotonic()
        self.waits: list[float | None] = []

    def read(self, timeout: float | None) -> str:
        self.waits.append(timeout)
        if self.script:
            at, key = self.script[0]
            due = self.t0 + at
            if timeout is None or self.clock.monotonic() + timeout >= due:
                self.clock.advance(max(0.0, due - self.clock.monotonic()))
                self.script.pop(0)
                return key
        assert timeout is not None, "waiting forever with no key scripted"
        self.clock.advance(timeout)
        return ""


def _player(clock: FakeClock, keys: ScriptedKeys | None, cues: Recorder) -> Player:
    catalog = load_builtin()
    steps = catalog.resolve(catalog.routines["back-up-basics"])
    engine = Engine(expand(steps), clock)
    out = Console(file=io.StringIO(), width=100, force_terminal=False)
    return Player(engine, title="Back-up basics", console=out, cues=cues, keys=keys)


def test_big_digits() -> None:
    assert big_digits("1:05") == [
        "  ██        ██████  ██████",
        "████    ██  ██  ██  ██",
        "  ██        ██  ██  ██████",
        "  ██    ██  ██  ██      ██",
        "██████      ██████  ██████",
    ]
    assert big_digits("x") == ["", "", "", "", ""]


def test_plays_to_the_end_with_cues_and_progress_reports() -> None:
    clock = FakeClock()
    cues = Recorder()
    player = _player(clock, None, cues)
    reports: list[list[str]] = []
    player.on_progress = lambda e: reports.append(e.steps_done)
    start = clock.monotonic()
    player.run()
    # 12 s to get a knee onto the table, 8 s to sit, 5 s to stand ready: 25 s of getting ready.
    assert player.engine.completed and clock.monotonic() - start == 285
    assert reports == [
        ["hip-table-stretch"],
        ["hip-table-stretch", "seated-upper-back-stretch"],
        ["hip-table-stretch", "seated-upper-back-stretch", "roll-down"],
    ]
    beeps = [k for c, k in cues.calls if c == "beep"]
    assert beeps.count("tick") == 21 and beeps.count("go") == 7 and beeps[-1] == "finish"
    said = [t for c, t in cues.calls if c == "say"]
    assert "left knee up" in said and "switch sides" in said and said[-1] == "well done"


def test_keys_pause_skip_back_quit() -> None:
    clock = FakeClock()
    cues = Recorder()
    keys = ScriptedKeys(clock, [(1, " "), (50, "p"), (52, "s"), (53, "\x1b[D"), (60, "q")])
    player = _player(clock, keys, cues)
    player.run()
    engine = player.engine
    assert engine.state == "quit"
    # While paused, the player waits for a key with no timeout (no polling).
    assert None in keys.waits
    # 1 s running before the pause, 2 + 1 after resuming, then 7 s of the restarted step 1.
    assert engine.active_s == 1 + 2 + 1 + 7
    assert engine.steps_skipped == [] and engine.steps_done == []


def test_render_shows_side_next_and_keys() -> None:
    clock = FakeClock()
    keys = ScriptedKeys(clock, [])
    player = _player(clock, keys, Recorder())
    player.engine.start()
    clock.advance(13)
    player.engine.tick()
    out = Console(file=io.StringIO(), width=100)
    out.print(player.render())
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert "HOLD" in text and "Side: left knee up" in text
    assert "Next: switch sides" in text and "space/p pause" in text
