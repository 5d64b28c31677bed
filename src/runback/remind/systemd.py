"""Install `runback remind` as a systemd --user service."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from runback.files import write_atomic

__all__ = ["UNIT_NAME", "install_unit", "systemctl_usable", "unit_path", "unit_text"]

UNIT_NAME = "runback-remind.service"


def unit_path() -> Path:
    """Return where the user unit goes ($XDG_CONFIG_HOME/systemd/user/)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user" / UNIT_NAME


def unit_text(database_url: str | None = None, zone: str | None = None) -> str:
    """Return the unit file: run this Python's `runback remind`, restart on failure."""
    exec_start = _specifiers_escaped(shlex.join([sys.executable, "-m", "runback", "remind"]))
    env = []
    if database_url:
        env.append(f'Environment="RUNBACK_DATABASE_URL={_specifiers_escaped(database_url)}"')
    if zone:
        env.append(f'Environment="RUNBACK_ZONE={_specifiers_escaped(zone)}"')
    env_lines = "\n".join(env) + ("\n" if env else "")
    return (
        "[Unit]\n"
        "Description=runback movement-break reminders\n"
        "After=graphical-session.target\n"
        "PartOf=graphical-session.target\n\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={exec_start}\n"
        f"{env_lines}"
        "Restart=on-failure\n"
        "RestartSec=30\n\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def _specifiers_escaped(value: str) -> str:
    # systemd expands %h, %u, ... in unit values; a literal % (a URL-encoded password) is %%.
    return value.replace("%", "%%")


def systemctl_usable() -> bool:
    """Return True when a systemd user manager answers."""
    if shutil.which("systemctl") is None:
        return False
    try:
        done = subprocess.run(
            ["systemctl", "--user", "show-environment"], capture_output=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def install_unit(text: str, enable: bool = True) -> tuple[Path, str]:
    """Write the unit atomically, enable it when possible; return (path, what happened)."""
    path = unit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    if not enable:
        return path, "written (not enabled: --no-enable)"
    if not systemctl_usable():
        return (
            path,
            "written; no systemd user manager here: run `systemctl --user enable --now "
            f"{UNIT_NAME}` in your desktop session",
        )
    for cmd in (["daemon-reload"], ["enable", "--now", UNIT_NAME]):
        done = subprocess.run(
            ["systemctl", "--user", *cmd], capture_output=True, text=True, timeout=30
        )
        if done.returncode != 0:
            return (
                path,
                f"written; `systemctl --user {' '.join(cmd)}` failed: {done.stderr.strip()}",
            )
    return path, "written, enabled and started"
