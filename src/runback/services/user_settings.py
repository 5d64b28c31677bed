"""Change a user's settings (zone, targets, reminders, player): one use case, one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runback.core.schedule import ReminderPrefs
from runback.errors import ValidationError, pydantic_problems
from runback.services.accounts import TARGETS_KEY, Targets
from runback.services.breaks import PREFS_KEY, get_prefs
from runback.services.player import PLAYER_KEY, PlayerPrefs
from runback.services.store import get_user

if TYPE_CHECKING:
    from runback.services.store import Store

__all__ = ["settings_problems", "update_settings"]


def update_settings(
    store: Store,
    *,
    user_id: int,
    zone: str | None = None,
    targets: Targets | None = None,
    reminders: dict[str, Any] | None = None,
    player: PlayerPrefs | None = None,
) -> None:
    """Validate every part given, then store them all in one transaction (reminders merge)."""
    from runback.core.timezones import to_zone

    problems: list[str] = []
    if zone is not None:
        try:
            to_zone(zone)
        except Exception as exc:
            problems.append(f"zone: {exc}")
    prefs: ReminderPrefs | None = None
    if reminders is not None:
        current = get_prefs(store, user_id=user_id).model_dump(mode="json")
        try:
            prefs = ReminderPrefs.model_validate({**current, **reminders})
        except Exception as exc:
            problems.extend(settings_problems(exc, "reminders"))
    if problems:
        raise ValidationError("settings", problems)
    with store.tx() as session:
        row = get_user(session, user_id=user_id)
        changed = dict(row.prefs or {})
        if zone is not None:
            row.zone = zone
        if targets is not None:
            changed[TARGETS_KEY] = targets.model_dump(mode="json")
        if prefs is not None:
            changed[PREFS_KEY] = prefs.model_dump(mode="json")
        if player is not None:
            changed[PLAYER_KEY] = player.model_dump(mode="json")
        # Reassign the dict so SQLAlchemy sees the JSON change; other preferences are kept.
        row.prefs = changed


def settings_problems(exc: Exception, prefix: str) -> list[str]:
    """Return one "prefix.field: message" line per problem in `exc` (or the error itself)."""
    import pydantic

    if not isinstance(exc, pydantic.ValidationError):
        return [f"{prefix}: {exc}"]
    return [p.rstrip(".:") for p in pydantic_problems(exc, prefix)]
