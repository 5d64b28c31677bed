"""The routine form's step rows: read them as typed, and apply its add/move/remove buttons.

Without JavaScript each button submits the form with `action` = "add", "up:N", "down:N" or
"remove:N" (N counts from 1, as the page numbers the steps); the server re-renders the form with
the change applied and saves nothing. routine_form.js does the same in the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_ROWS",
    "ROW_FIELDS",
    "RowChange",
    "UnknownAction",
    "apply_action",
    "blank_row",
    "form_rows",
    "rows_to_steps",
]

ROW_FIELDS = ("exercise", "hold_s", "reps", "sides", "rest_s")
# A generous bound so a replayed "add" cannot grow a page without limit.
MAX_ROWS = 100
_ROW_ACTION = re.compile(r"(up|down|remove):([0-9]{1,4})")


class UnknownAction(ValueError):
    """A form button value that is not add, up:N, down:N or remove:N for an existing row."""


@dataclass(frozen=True)
class RowChange:
    """The rows after a button, the row to focus (0-based) and a sentence saying what changed."""

    rows: list[dict[str, str]]
    focus: int | None
    message: str


def blank_row() -> dict[str, str]:
    """Return an empty step row."""
    return dict.fromkeys(ROW_FIELDS, "")


def form_rows(columns: dict[str, list[str]]) -> list[dict[str, str]]:
    """Zip the form's parallel step columns into rows, blank rows included, in page order."""
    exercises = columns.get("exercise", [])
    return [
        {
            key: (columns.get(key, [])[i] if i < len(columns.get(key, [])) else "")
            for key in ROW_FIELDS
        }
        for i in range(len(exercises))
    ]


def rows_to_steps(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Turn rows into step mappings; rows without an exercise are dropped."""
    steps: list[dict[str, Any]] = []
    for row in rows:
        exercise = row.get("exercise", "").strip()
        if not exercise:
            continue
        step: dict[str, Any] = {"exercise": exercise}
        for key in ROW_FIELDS[1:]:
            value = row.get(key, "").strip()
            if value:
                step[key] = value
        steps.append(step)
    return steps


def apply_action(rows: list[dict[str, str]], action: str) -> RowChange:
    """Apply one add/up/down/remove button to a copy of the rows; raise UnknownAction if bad."""
    rows = [dict(r) for r in rows]
    if action == "add":
        if len(rows) >= MAX_ROWS:
            return RowChange(rows, len(rows) - 1, f"A routine holds at most {MAX_ROWS} rows.")
        rows.append(blank_row())
        return RowChange(rows, len(rows) - 1, f"Step {len(rows)} added.")
    match = _ROW_ACTION.fullmatch(action)
    if match is None or not 1 <= int(match.group(2)) <= len(rows):
        raise UnknownAction(action)
    verb, n = match.group(1), int(match.group(2))
    i = n - 1
    if verb == "remove":
        del rows[i]
        if not rows:  # the form always keeps one row to type into
            rows.append(blank_row())
        return RowChange(rows, min(i, len(rows) - 1), f"Step {n} removed.")
    j = i - 1 if verb == "up" else i + 1
    if not 0 <= j < len(rows):
        return RowChange(rows, i, f"Step {n} is already {'first' if verb == 'up' else 'last'}.")
    rows[i], rows[j] = rows[j], rows[i]
    return RowChange(rows, j, f"Step {n} moved {verb} to step {j + 1}.")
