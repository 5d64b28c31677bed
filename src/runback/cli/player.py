"""The terminal session player: a rich Live screen, single-key controls, cues on every event.

The player owns no timing: it asks the Engine how long until the next thing happens, waits that
long (or until a key arrives), then ticks. It never busy-polls.
"""

from __future__ import annotations

import os
import select
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from runback.core.engine import Engine
from runback.core.phases import Event, Phase, current_cue, whole_seconds

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from runback.sound import Cues

__all__ = ["KEY_HELP", "KeyReader", "Player", "big_digits"]

KEY_HELP = "space/p pause · s/n skip · b back · q quit"

# Our own 3x5 block font; each "pixel" is drawn two characters wide so digits look square.
_GLYPHS: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
}

# Below this many rows, the get-ready shows its countdown as one line instead of big digits.
_ROOMY_ROWS = 34
_FIGURE_ROWS = 8  # braille rows: 32 dots high, enough to read a pose
_KIND_TITLE = {"setup": "GET READY", "hold": "HOLD", "transition": "SWITCH", "rest": "REST"}
_KIND_STYLE = {"setup": "yellow", "hold": "bold green", "transition": "cyan", "rest": "blue"}


def big_digits(text: str) -> list[str]:
    """Return text (digits and ':') as five lines of large block characters."""
    rows = ["", "", "", "", ""]
    for ch in text:
        glyph = _GLYPHS.get(ch)
        if glyph is None:
            continue
        for i, line in enumerate(glyph):
            rows[i] += line.replace("#", "██").replace(".", "  ") + "  "
    return [r.rstrip() for r in rows]


def _clock_text(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else str(seconds)


class Keys(Protocol):
    """Anything the player can read key presses from (a terminal, or a script in tests)."""

    def read(self, timeout: float | None) -> str:
        """Return the keys pressed within timeout seconds (None waits forever), or ''."""
        ...


class KeyReader:
    """Single key presses from a terminal in cbreak mode (Ctrl-C still sends SIGINT)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._saved: list[Any] | None = None

    def __enter__(self) -> KeyReader:
        import termios
        import tty

        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def restore(self) -> None:
        """Put the terminal back the way it was (safe to call twice)."""
        import termios

        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout: float | None) -> str:
        """Return the keys pressed within timeout seconds (None waits forever), or ''."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return ""
        data = os.read(self.fd, 64)
        if not data:
            return ""
        return data.decode("utf-8", errors="ignore")


class Player:
    """Drive an Engine on a terminal: render, sound cues, react to keys, report progress."""

    def __init__(
        self,
        engine: Engine,
        *,
        title: str,
        console: Console,
        cues: Cues,
        keys: Keys | None = None,
        speed: float = 1.0,
        on_progress: Callable[[Engine], None] | None = None,
        new_exercises: Collection[str] = (),
        figures: bool = True,
        flags: Mapping[str, str] | None = None,
    ) -> None:
        self.engine = engine
        # "Check with your physio first" per exercise slug, from the user's profile.
        self.flags = dict(flags or {})
        self.figures = figures
        self.title = title
        self.console = console
        self.cues = cues
        self.keys = keys
        self.speed = speed
        self.on_progress = on_progress
        self.new_exercises = frozenset(new_exercises)
        self._reported: tuple[list[int], list[int]] = ([], [])

    def run(self) -> None:
        """Play the session until it finishes or the user quits."""
        from rich.live import Live

        engine = self.engine
        self._handle(engine.start())
        with Live(self.render(), console=self.console, auto_refresh=False, transient=False) as live:
            while not engine.over:
                wait = engine.seconds_until_next_event()
                if self.keys is not None:
                    pressed = self.keys.read(None if wait is None else wait / self.speed)
                    for key in self._split(pressed):
                        self._key(key)
                        if engine.over:
                            break
                elif wait is None:
                    engine.resume()  # paused with no keyboard: nothing could ever resume it
                else:
                    engine.clock.sleep(wait)
                self._handle(engine.tick())
                live.update(self.render(), refresh=True)

    # ---- input and events ----------------------------------------------------------------

    @staticmethod
    def _split(pressed: str) -> list[str]:
        # Arrow keys arrive as escape sequences: right skips, left goes back.
        pressed = pressed.replace("\x1b[C", "n").replace("\x1b[D", "b")
        return [ch for ch in pressed if ch != "\x1b"]

    def _key(self, key: str) -> None:
        engine = self.engine
        if key in (" ", "p", "P"):
            engine.toggle_pause()
        elif key in ("s", "S", "n", "N"):
            self._handle(engine.skip())
        elif key in ("b", "B"):
            self._handle(engine.back())
            self._report()
        elif key in ("q", "Q"):
            engine.quit()
            self._report()

    def _handle(self, events: list[Event]) -> None:
        report = False
        for event in events:
            if event.kind == "countdown":
                self.cues.beep("tick")
            elif event.kind == "phase":
                phase = self.engine.phases[event.phase_index]
                if phase.kind == "hold":
                    self.cues.beep("go")
                    self.cues.say(phase.side or "hold")
            elif event.kind == "cue":
                if event.text in ("switch sides", "again"):
                    self.cues.beep("switch")
                self.cues.say(event.text.replace("get ready:", "next:"))
            elif event.kind == "step_done":
                self.cues.beep("done")
                report = True
            elif event.kind == "step_skipped":
                report = True
            elif event.kind == "finished":
                self.cues.beep("finish")
                self.cues.say("well done")
                report = True
        if report:
            self._report()

    def _report(self) -> None:
        now = (self.engine.done_steps, self.engine.skipped_steps)
        if now != self._reported and self.on_progress is not None:
            self.on_progress(self.engine)
        self._reported = now

    # ---- screen -------------------------------------------------------------------------

    def render(self) -> RenderableType:
        """Return the current screen: exercise, instructions, countdown, next, progress."""
        from rich.align import Align
        from rich.console import Group
        from rich.panel import Panel
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        engine = self.engine
        phase = engine.phase
        if phase is None:
            word = "Done!" if engine.completed else "Stopped."
            return Panel(Text(word, style="bold green"), title=self.title)
        seconds = whole_seconds(engine.remaining_s)
        style = _KIND_STYLE[phase.kind]
        head = Text()
        head.append(_KIND_TITLE[phase.kind], style=style)
        head.append(f"  step {phase.step_index + 1}/{engine.steps_total}  ", style="dim")
        head.append(phase.exercise.name, style="bold")
        if engine.state == "paused":
            head.append("   ⏸ PAUSED", style="bold magenta")
        parts: list[RenderableType] = [head]
        if phase.kind == "setup" and phase.exercise.slug in self.new_exercises:
            parts.append(Text("New exercise: take your time to read the how-to", style="bold"))
        if phase.side:
            parts.append(Text(f"Side: {phase.side}", style="bold cyan"))
        if phase.reps > 1:
            parts.append(Text(f"Rep {phase.rep} of {phase.reps}", style="cyan"))
        if phase.kind == "transition":
            parts.append(Text(self._switch_text(phase), style="bold cyan"))
        # Slot for the exercise's figure (cli/figure_text.py braille_figure), drawn here.
        figure = self._figure(phase)
        if figure is not None:
            parts.append(figure)
        parts.extend(self._teaching(phase))
        if phase.note:
            parts.append(Text(f"Note: {phase.note}", style="italic magenta"))
        parts.append(Text(""))
        if phase.kind == "setup" and self.console.size.height < _ROOMY_ROWS:
            # A long how-to and the big digits do not both fit a small terminal: keep the how-to.
            parts.append(Align.center(Text(f"{_clock_text(seconds)} s", style=f"bold {style}")))
        else:
            digits = Text("\n".join(big_digits(_clock_text(seconds))), style=style)
            parts.append(Align.center(digits))
        parts.append(Text(""))
        parts.append(Text(f"Next: {self._next_text(phase)}", style="dim"))
        bar = Table.grid(padding=(0, 1))
        bar.add_row(
            ProgressBar(total=1.0, completed=engine.progress, width=40),
            Text(f"{round(engine.progress * 100)}%"),
        )
        parts.append(bar)
        if self.keys is not None:
            parts.append(Text(KEY_HELP, style="dim"))
        return Panel(Group(*parts), title=self.title, border_style=style)

    def _figure(self, phase: Phase) -> RenderableType | None:
        """Return the exercise's figure in braille, moving through its poses over the phase."""
        from rich.align import Align
        from rich.text import Text

        from runback.cli.figure_text import braille_figure, fits
        from runback.services.figures import figure_for

        # Only where it fits beside the how-to and the big digits (a tall terminal).
        if not self.figures or self.console.size.height < _ROOMY_ROWS:
            return None
        width, height = min(30, self.console.size.width - 8), _FIGURE_ROWS
        figure = figure_for(phase.exercise.slug)
        if figure is None or not fits(width, height):
            return None
        labels = phase.exercise.side_labels
        second = phase.side is not None and len(labels) > 1 and phase.side == labels[1]
        done = 1.0 - self.engine.remaining_s / phase.duration_s if phase.duration_s else 0.0
        t = max(0.0, min(1.0, done)) if phase.kind == "hold" else 0.0
        lines = braille_figure(figure, t, width, height, side="right" if second else "left")
        return Align.center(Text("\n".join(lines), style="cyan"))

    def _teaching(self, phase: Phase) -> list[RenderableType]:
        """Return the how-to and cautions while getting ready, the rotating cue while holding."""
        from rich.text import Text

        ex = phase.exercise
        if phase.kind == "setup":
            lines: list[RenderableType] = [
                Text(f"{n}. {line}") for n, line in enumerate(ex.instructions, 1)
            ]
            if ex.slug in self.flags:
                lines.append(Text(f"⚠ {self.flags[ex.slug]}", style="bold yellow"))
            lines.extend(Text(f"⚠ {c}", style="yellow") for c in ex.cautions)
            return lines
        if phase.kind == "hold":
            elapsed = phase.duration_s - self.engine.remaining_s
            return [Text(f"» {current_cue(phase, elapsed)}", style="bold")]
        return [Text(ex.summary, style="dim")]

    def _switch_text(self, phase: Phase) -> str:
        nxt = self.engine.next_phase
        word = phase.text.capitalize()
        if nxt is not None and nxt.side and nxt.step_index == phase.step_index:
            return f"{word}: next {nxt.side}"
        return word

    def _next_text(self, phase: Phase) -> str:
        nxt = self.engine.next_phase
        if nxt is None:
            return "finish"
        if nxt.step_index != phase.step_index or nxt.kind == "setup":
            return nxt.exercise.name
        if nxt.kind == "hold":
            return nxt.side or (f"rep {nxt.rep}" if nxt.reps > 1 else "hold")
        return nxt.text
