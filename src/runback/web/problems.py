"""Turn validation problems into one line a person can act on (pages and JSON alike)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from runback.errors import RunbackError, ValidationError

__all__ = [
    "field_path",
    "one_line",
    "page_value",
    "plain_problem",
    "plain_words",
    "validation_line",
]

# Pydantic's wording, said as what to change.
_REWRITES = [
    (re.compile(r"^Value error, ", re.I), ""),
    (re.compile(r"^Input should be ", re.I), "should be "),
    (re.compile(r"^Field required$", re.I), "is required"),
    (
        re.compile(r"^String should have at most (\d+) characters?$"),
        r"should be at most \1 characters",
    ),
    (
        re.compile(r"^String should have at least (\d+) characters?$"),
        r"should be at least \1 characters",
    ),
    (re.compile(r"^String should match pattern .*$"), "has characters that are not allowed"),
    (re.compile(r"^Extra inputs are not permitted$"), "is not a field this accepts"),
    (re.compile(r"^Assertion failed, ", re.I), ""),
]
_WHERE = {"body", "query", "path", "form", "header", "cookie"}


def field_path(loc: Iterable[Any]) -> str:
    """Return a problem's place as a dotted path (`body.state.phase_index`: `state.phase_index`)."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _WHERE and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


def plain_problem(problem: Mapping[str, Any]) -> str:
    """Return one pydantic problem as `field: what to change`."""
    msg = str(problem.get("msg", "is not valid")).strip()
    for pattern, to in _REWRITES:
        msg = pattern.sub(to, msg)
    where = field_path(problem.get("loc", ()))
    return f"{where}: {msg}" if where else msg


def validation_line(problems: Iterable[Mapping[str, Any]]) -> str:
    """Return every problem on one line, each with its field path."""
    return "; ".join(plain_problem(p) for p in problems) or "the request is not valid"


def one_line(exc: RunbackError) -> str:
    """Return an error's message on one line (a list of problems joined with semicolons)."""
    if isinstance(exc, ValidationError):
        return f"{exc.source}: " + "; ".join(exc.problems)
    return " ".join(str(exc).split())


# Wording shared with the command line, said as a page says it (CLI hints, internal names).
_PAGE_WORDS = [
    (re.compile(r";?\s*\(runback [^)]*\)"), ""),
    (re.compile(r"\s*\(see `?runback [^)]*\)"), ""),
    (re.compile(r"(?:as )?run #\d+ \(([^)]*)\)"), r"as \1"),
    (re.compile(r"\s*#(\d+)\b"), ""),
    (re.compile(r"\ban IANA (?:time zone )?name\b"), "a time zone name"),
    (re.compile(r"\bIANA\b\s*"), ""),
    (re.compile(r"\bslugs\b"), "short names"),
    (re.compile(r"\bslug\b"), "short name"),
    (re.compile(r"\bSlug\b"), "Short name"),
    (re.compile(r"\b1 minute\(s\)"), "1 minute"),
    (re.compile(r"minute\(s\)"), "minutes"),
    (re.compile(r"\b(\d+) problem\(s\)"), r"\1 problems"),
    (re.compile(r"\b1 problems\b"), "1 problem"),
    (re.compile(r"\b1 entries\b"), "1 entry"),
    (re.compile(r"\ba other\b"), "another"),
    (re.compile(r"\ba (activity|hour|exercise|easy|open|error)\b"), r"an \1"),
]


# Any of them at all: most text on a page has none, and one search costs less than sixteen.
_ANY_PAGE_WORD = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _PAGE_WORDS))


def plain_words(text: str) -> str:
    """Return a message with command-line hints and internal names said in a person's words."""
    if _ANY_PAGE_WORD.search(text) is None:
        return text  # no rewrite would change it (each only rewrites what it matches)
    for pattern, to in _PAGE_WORDS:
        text = pattern.sub(to, text)
    return text


def page_value(value: Any) -> Any:
    """Jinja `finalize`: say messages (text with spaces, not markup) in a person's words."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup) and " " in value:
        return plain_words(value)
    return value


def settings_field(path: str) -> str:
    """Return the settings form field a problem's path points at (`reminders.run_days.mon`)."""
    parts = path.split(".")
    if parts[0] == "settings" and len(parts) > 1:
        parts = parts[1:]
    if parts[0] in ("targets", "player") and len(parts) > 1:
        return parts[1]
    if parts[0] == "reminders" and len(parts) > 1:
        if parts[1] == "active_hours" and len(parts) > 2:
            return f"{parts[2]}_start"
        if parts[1] == "run_days" and len(parts) > 2:
            return f"run_{parts[2]}"
        return parts[1]
    return parts[0]


def field_errors(problems: Iterable[str]) -> dict[str, str]:
    """Return each problem (`path: message`) under its settings field, in plain words."""
    out: dict[str, str] = {}
    for problem in problems:
        path, sep, message = problem.partition(": ")
        if not sep or " " in path:
            out.setdefault("", plain_words(problem))
            continue
        text = plain_problem({"msg": message, "loc": ()})
        field = settings_field(path)
        out[field] = f"{out[field]}; {text}" if field in out else plain_words(text)
    return out
