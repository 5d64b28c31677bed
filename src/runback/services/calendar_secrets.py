"""A CalDAV calendar's user name and password: kept apart from the data, never shown or logged.

Local mode keeps them in a file of their own beside the database (only its owner may read it,
0600), so a backup copy of the database or an export never holds them. Hosted mode keeps them
in `calendar_sources.secret`, encrypted (Fernet) with a key derived from the server's secret key;
exports leave that column out too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runback.errors import CalendarError, ConfigError
from runback.settings import Settings

__all__ = ["Credentials", "forget", "load", "save", "secrets_path"]

_KEY_CONTEXT = b"runback calendar credentials\x00"


@dataclass(frozen=True)
class Credentials:
    """A user name and password; the password never appears in a repr."""

    username: str
    password: str = field(repr=False)


def secrets_path(settings: Settings) -> Path:
    """Return the local file of saved calendar passwords (beside a SQLite database)."""
    if settings.calendar_secrets_file is not None:
        return settings.calendar_secrets_file
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database)
        return db.with_name(db.name + ".calendar-secrets.json")
    from platformdirs import user_config_dir

    return Path(user_config_dir("runback", appauthor=False)) / "calendar-secrets.json"


def _fernet(settings: Settings) -> Any:
    from cryptography.fernet import Fernet

    if not settings.secret_key:
        raise ConfigError("hosted mode needs RUNBACK_SECRET_KEY to keep calendar passwords")
    digest = hashlib.sha256(_KEY_CONTEXT + settings.secret_key.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _read_file(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        raise CalendarError("the file of saved calendar passwords cannot be read") from None
    return raw if isinstance(raw, dict) else {}


def _write_file(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    # Created 0600 from the start: there is no moment at which others could read it.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(content, out, sort_keys=True)
    os.replace(partial, path)
    os.chmod(path, 0o600)


def save(settings: Settings, source_id: int, credentials: Credentials) -> bytes | None:
    """Keep the credentials; return what goes in the `secret` column (None in local mode)."""
    body = {"username": credentials.username, "password": credentials.password}
    if settings.mode == "hosted":
        token: bytes = _fernet(settings).encrypt(json.dumps(body).encode("utf-8"))
        return token
    path = secrets_path(settings)
    content = _read_file(path)
    content[str(source_id)] = body
    _write_file(path, content)
    return None


def load(settings: Settings, source_id: int, secret: bytes | None) -> Credentials:
    """Return the saved credentials of a calendar, or CalendarError saying to add it again."""
    from cryptography.fernet import InvalidToken

    again = "the saved password can no longer be read: remove the calendar and add it again"
    if settings.mode == "hosted":
        if secret is None:
            raise CalendarError(again)
        try:
            body = json.loads(_fernet(settings).decrypt(secret))
        except (InvalidToken, ValueError):
            raise CalendarError(again) from None
    else:
        body = _read_file(secrets_path(settings)).get(str(source_id))
    if not isinstance(body, dict):
        raise CalendarError(again)
    return Credentials(str(body.get("username", "")), str(body.get("password", "")))


def forget(settings: Settings, source_id: int) -> None:
    """Delete a removed calendar's local credentials (hosted ones go with the row)."""
    if settings.mode == "hosted":
        return
    path = secrets_path(settings)
    content = _read_file(path)
    if content.pop(str(source_id), None) is not None:
        _write_file(path, content)
