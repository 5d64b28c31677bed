"""The Notifier seam: freedesktop notifications over D-Bus (jeepney), or the terminal.

D-Bus is spoken directly (org.freedesktop.Notifications.Notify) with the pure-Python jeepney
library: no notify-send/libnotify needed on a headless Debian, and the Start/Snooze/Skip
actions come back as ActionInvoked signals on the same connection.
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

__all__ = [
    "DbusNotifier",
    "FakeNotifier",
    "Notice",
    "Notifier",
    "TerminalNotifier",
    "choose_notifier",
]

Action = tuple[str, str]  # (key, label)


@dataclass(frozen=True)
class Notice:
    """What was shown to the user."""

    title: str
    body: str
    actions: tuple[Action, ...] = ()


class Notifier(Protocol):
    """Shows a notification and reports which action (if any) the user picked."""

    name: str

    def notify(self, notice: Notice) -> None:
        """Show the notice."""
        ...

    def wait_action(self, seconds: float) -> str | None:
        """Wait up to `seconds` (real) for an action on the last notice; None if none came."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...


@dataclass
class FakeNotifier:
    """Records notices and answers with scripted actions (tests)."""

    answers: Callable[[Notice], str | None] = field(default=lambda _n: None)
    name: str = "fake"
    sent: list[Notice] = field(default_factory=list)

    def notify(self, notice: Notice) -> None:
        """Record the notice."""
        self.sent.append(notice)

    def wait_action(self, seconds: float) -> str | None:
        """Return the scripted answer for the last notice."""
        return self.answers(self.sent[-1]) if self.sent else None

    def close(self) -> None:
        """Nothing to release."""


class TerminalNotifier:
    """Prints the notice; with an interactive stdin, reads one letter as the action."""

    name = "terminal"

    def __init__(self, out: TextIO | None = None, inp: TextIO | None = None) -> None:
        self._out = out or sys.stdout
        self._in = inp if inp is not None else sys.stdin
        self._actions: tuple[Action, ...] = ()

    def _interactive(self) -> bool:
        try:
            return self._in.isatty()
        except (ValueError, OSError):
            return False

    def notify(self, notice: Notice) -> None:
        """Print the notice and, when someone can answer, the keys for its actions."""
        self._actions = notice.actions if self._interactive() else ()
        keys = "  ".join(f"[{i}] {label}" for i, (_k, label) in enumerate(self._actions, 1))
        print(f"\n{notice.title} — {notice.body}", file=self._out)
        if keys:
            print(keys, file=self._out)
        self._out.flush()

    def wait_action(self, seconds: float) -> str | None:
        """Read one line (an action's number or name) until the timeout."""
        if not self._actions:
            return None
        ready, _, _ = select.select([self._in], [], [], max(0.0, seconds))
        if not ready:
            return None
        line = self._in.readline().strip().lower()
        for i, (key, _label) in enumerate(self._actions, 1):
            if line in (str(i), key):
                return key
        return None

    def close(self) -> None:
        """Nothing to release."""


_BUS = "org.freedesktop.Notifications"
_PATH = "/org/freedesktop/Notifications"


class DbusNotifier:
    """Desktop notifications through org.freedesktop.Notifications on the session bus."""

    name = "dbus"

    def __init__(self, app_name: str = "runback") -> None:
        from jeepney import DBusAddress, MatchRule
        from jeepney.io.blocking import open_dbus_connection

        self._app = app_name
        self._addr = DBusAddress(_PATH, bus_name=_BUS, interface=_BUS)
        self._conn: Any = open_dbus_connection(bus="SESSION")
        rule = MatchRule(type="signal", interface=_BUS, path=_PATH)
        self._conn.send_and_get_reply(_add_match(rule))
        self._signals = self._conn.filter(rule, bufsize=64).queue
        self._last_id = 0
        caps = self._call("GetCapabilities", "", ())
        self.supports_actions = "actions" in (caps[0] if caps else [])

    def _call(self, method: str, signature: str, body: tuple[Any, ...]) -> tuple[Any, ...]:
        from jeepney import new_method_call

        msg = new_method_call(self._addr, method, signature, body)
        reply = self._conn.send_and_get_reply(msg, timeout=5)
        if reply.header.message_type.name == "error":
            raise OSError(f"{_BUS}.{method} failed: {reply.body}")
        return tuple(reply.body)

    def notify(self, notice: Notice) -> None:
        """Send the notice; actions are offered only when the server supports them."""
        flat: list[str] = []
        if self.supports_actions:
            for key, label in notice.actions:
                flat += [key, label]
        hints = {"urgency": ("y", 1), "category": ("s", "presence")}
        body = (self._app, 0, "", notice.title, notice.body, flat, hints, -1)
        (self._last_id,) = self._call("Notify", "susssasa{sv}i", body)

    def wait_action(self, seconds: float) -> str | None:
        """Wait for ActionInvoked (or NotificationClosed) on the last notification."""
        import time

        from jeepney import HeaderFields

        member = HeaderFields.member
        end = time.monotonic() + max(0.0, seconds)
        while (left := end - time.monotonic()) > 0:
            try:
                msg = self._conn.recv_until_filtered(self._signals, timeout=left)
            except TimeoutError:
                return None
            if not msg.body or msg.body[0] != self._last_id:
                continue
            if msg.header.fields.get(member) == "ActionInvoked":
                return str(msg.body[1])
            if msg.header.fields.get(member) == "NotificationClosed":
                return None
        return None

    def close(self) -> None:
        """Close the bus connection."""
        self._conn.close()


def _add_match(rule: Any) -> Any:
    from jeepney import message_bus

    return message_bus.AddMatch(rule)


def choose_notifier(kind: str = "auto") -> tuple[Notifier, str | None]:
    """Return the best notifier for `kind` (auto|dbus|terminal) and a notice if it fell back."""
    if kind == "terminal":
        return TerminalNotifier(), None
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and kind == "auto":
        return TerminalNotifier(), "no D-Bus session bus: reminders print in this terminal"
    try:
        return DbusNotifier(), None
    except Exception as exc:  # any bus failure means: fall back, but say why
        if kind == "dbus":
            from runback.errors import ConfigError

            raise ConfigError(f"desktop notifications unavailable: {exc}") from exc
        return TerminalNotifier(), f"desktop notifications unavailable ({exc}): using the terminal"
