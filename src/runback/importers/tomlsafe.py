"""TOML from users (routines, programmes), parsed in the sandbox and returned as plain data."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from runback import errors
from runback.importers.sandbox import run_sandboxed

__all__ = ["load_toml", "toml_job"]


def toml_job(data: bytes, args: dict[str, Any]) -> Any:
    """Parse TOML bytes in the child: {"data": ...}, {"syntax": message} or {"problem": ...}."""
    import tomllib

    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return {"problem": "not UTF-8 text; save it as UTF-8"}
    except tomllib.TOMLDecodeError as exc:
        return {"syntax": str(exc)}  # the parent raises it again, position and all
    except RecursionError:
        return {"problem": "it is nested too deeply (arrays or tables inside each other)"}
    # Dates and times travel tagged, so the parent gets them back as the same objects.
    return {"data": json.loads(json.dumps(parsed, default=_tag_time))}


def _tag_time(value: object) -> dict[str, str]:
    if isinstance(value, datetime | date | time):
        return {"$toml": type(value).__name__, "iso": value.isoformat()}
    raise TypeError(f"cannot send {type(value).__name__}")


def _untag_time(obj: dict[str, Any]) -> Any:
    kind = obj.get("$toml")
    if kind is not None and set(obj) == {"$toml", "iso"}:
        iso = str(obj["iso"])
        if kind == "datetime":
            return datetime.fromisoformat(iso)
        return date.fromisoformat(iso) if kind == "date" else time.fromisoformat(iso)
    return obj


def load_toml(text: str, source: str) -> dict[str, Any]:
    """Parse an untrusted TOML file in the sandbox, like tomllib.loads; ValidationError if unsafe.

    A syntax error is raised as tomllib.TOMLDecodeError with tomllib's own message, so callers
    keep reporting its line.
    """
    import tomllib

    try:
        reply = run_sandboxed("toml", text.encode("utf-8", "surrogatepass"), source=source)
    except errors.ActivityFileError as exc:
        raise errors.ValidationError(source, [exc.reason]) from None
    if "syntax" in reply:
        raise tomllib.TOMLDecodeError(str(reply["syntax"]))
    if "problem" in reply:
        raise errors.ValidationError(source, [str(reply["problem"])])
    data = json.loads(json.dumps(reply["data"]), object_hook=_untag_time)
    if not isinstance(data, dict):
        raise errors.ValidationError(source, ["not a TOML document"])
    return data
