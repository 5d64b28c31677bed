"""Where a reminder's Start opens the guided Desk break: a terminal, else the web player.

In order: the daemon's own terminal (it waits for the session to end); a new terminal window
when there is a display and a terminal emulator; else the local web player in the browser.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from runback.settings import Settings

__all__ = ["SESSION_ARGS", "TERMINALS", "Launcher", "choose_launcher", "player_url"]

# `runback session ...` for the guided Desk break.
SESSION_ARGS = ("session", "desk-break", "--context", "desk-break")
# Terminal emulators that take `-e command...`, Debian's alternative first.
TERMINALS = ("x-terminal-emulator", "gnome-terminal", "konsole", "xfce4-terminal", "xterm")


def player_url(settings: Settings) -> str:
    """Return the local web player's address for the Desk break, counted as a desk break."""
    return f"http://{settings.host}:{settings.port}/player/desk-break?context=desk-break"


@dataclass
class Launcher:
    """Opens the guided break one way; `how` says which, for the daemon's log."""

    how: str
    command: list[str]
    env: Mapping[str, str] | None = None
    wait: bool = False
    url: str | None = None

    def __call__(self) -> bool:
        """Open the break; return False when that failed."""
        import subprocess

        try:
            if self.url is not None:
                import webbrowser

                return webbrowser.open(self.url)
            if self.wait:
                return subprocess.run(self.command, check=False, env=self.env).returncode == 0
            subprocess.Popen(self.command, env=self.env, start_new_session=True)
            return True
        except OSError:
            return False


def choose_launcher(
    settings: Settings,
    extra: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    *,
    web: bool = True,
    tty: bool | None = None,
    which: Callable[[str], str | None] = shutil.which,
    environ: Mapping[str, str] = os.environ,
) -> Launcher | None:
    """Return how Start opens the Desk break here (None: nowhere, the break is only logged)."""
    cmd = [sys.executable, "-m", "runback", *SESSION_ARGS, *extra]
    if tty is None:
        tty = sys.stdin.isatty() and sys.stdout.isatty()
    if tty:
        return Launcher("in this terminal", cmd, env, wait=True)
    display = environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")
    if display:
        for name in TERMINALS:
            path = which(name)
            if path is not None:
                # gnome-terminal wants `--`; the others take -e and the command.
                flag = "--" if name == "gnome-terminal" else "-e"
                return Launcher(f"in a new {name} window", [path, flag, *cmd], env)
    if not web:
        return None
    url = player_url(settings)
    return Launcher(f"in the web player, {url} (runback serve)", [], url=url)
