"""The IdleSource seam: how long the user has been away from keyboard and mouse."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

__all__ = [
    "FakeIdle",
    "IdleSource",
    "LogindIdle",
    "XprintidleIdle",
    "detect_idle_source",
]


class IdleSource(Protocol):
    """Reports idle time."""

    name: str

    def idle_seconds(self) -> float | None:
        """Return seconds since the last input, or None when it cannot be read right now."""
        ...


class FakeIdle:
    """Idle time from a function of the clock (tests)."""

    name = "fake"

    def __init__(self, fn: Callable[[], float]) -> None:
        self._fn = fn

    def idle_seconds(self) -> float | None:
        """Return the scripted idle time."""
        return self._fn()


class XprintidleIdle:
    """X11 idle time from `xprintidle` (milliseconds)."""

    name = "xprintidle"

    def idle_seconds(self) -> float | None:
        """Run xprintidle."""
        try:
            out = subprocess.run(
                ["xprintidle"], capture_output=True, text=True, timeout=5, check=True
            ).stdout
            return int(out.strip()) / 1000
        except (OSError, subprocess.SubprocessError, ValueError):
            return None


class LogindIdle:
    """systemd-logind's IdleHint / IdleSinceHint for this login session."""

    name = "logind"

    def __init__(self, session: str | None = None, now: Callable[[], datetime] | None = None):
        self._session = session or os.environ.get("XDG_SESSION_ID") or "auto"
        self._now = now or (lambda: datetime.now(UTC))

    def idle_seconds(self) -> float | None:
        """Ask loginctl; idle time is now minus IdleSinceHint while IdleHint is yes."""
        try:
            out = subprocess.run(
                [
                    "loginctl",
                    "show-session",
                    self._session,
                    "-p",
                    "IdleHint",
                    "-p",
                    "IdleSinceHint",
                ],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        return parse_logind(out, self._now())


def parse_logind(text: str, now: datetime) -> float | None:
    """Turn `loginctl show-session -p IdleHint -p IdleSinceHint` output into idle seconds."""
    props = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    if "IdleHint" not in props:
        return None
    if props["IdleHint"] != "yes":
        return 0.0
    try:
        since_us = int(props.get("IdleSinceHint", "0"))
    except ValueError:
        return None
    if since_us <= 0:
        return None
    since = datetime.fromtimestamp(since_us / 1e6, UTC)
    return max(0.0, (now - since).total_seconds())


def detect_idle_source() -> IdleSource | None:
    """Return a working idle source (xprintidle on X11, else logind), or None."""
    if os.environ.get("DISPLAY") and shutil.which("xprintidle"):
        x = XprintidleIdle()
        if x.idle_seconds() is not None:
            return x
    if shutil.which("loginctl"):
        logind = LogindIdle()
        if logind.idle_seconds() is not None:
            return logind
    return None
