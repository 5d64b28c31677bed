"""The pain form's safety answers, as a browser without JavaScript posts them."""

from __future__ import annotations

from collections.abc import Iterable

from runback.core.triage import QUESTIONS


def answers(yes: Iterable[str] = (), stops: bool = False) -> dict[str, str]:
    """Return every question answered (yes for these ids, no for the rest) and day-to-day."""
    wanted = set(yes)
    out = {f"q-{q.id}": "yes" if q.id in wanted else "no" for q in QUESTIONS}
    out["stops_activities"] = "yes" if stops else "no"
    return out
