"""What routine and player pages say about care: the exercise disclaimer, "check first" flags."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runback.core.catalog import Exercise
from runback.core.profile import EXERCISE_DISCLAIMER
from runback.services.profile import exercise_flags
from runback.services.store import Store

__all__ = ["exercise_care"]


def exercise_care(store: Store, exercises: Iterable[Exercise], *, user_id: int) -> dict[str, Any]:
    """Return the template context for _exercise_care.html and the flags in _steps.html."""
    return {
        "exercise_disclaimer": EXERCISE_DISCLAIMER,
        "flags": exercise_flags(store, exercises, user_id=user_id),
    }
