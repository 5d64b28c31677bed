"""Settings: zone, reminders (active hours, break interval, idle threshold, run days), targets,
and the calendar feed's secret URL (the feed itself is served by routes/calendar.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.core.schedule import WEEKDAYS
from runback.errors import ValidationError
from runback.services import accounts, breaks
from runback.services.accounts import Targets
from runback.services.concerns import emergency_number
from runback.services.player import PlayerPrefs, get_player_prefs
from runback.services.store import Store
from runback.services.user_settings import settings_problems, update_settings
from runback.web.api import API
from runback.web.deps import CsrfDep, StoreDep, UserDep, render
from runback.web.routes.calendars import calendars_view
from runback.web.routes.home_network import home_network_view

__all__ = ["router"]

router = APIRouter(tags=["settings"])

DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
             "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}  # fmt: skip


class SettingsPublic(BaseModel):
    """Everything the settings page shows."""

    zone: str
    targets: Targets
    reminders: dict[str, Any] = Field(
        description="see ReminderPrefs: interval_min, active_hours..."
    )
    calendar_url: str | None = Field(description="subscribable .ics feed, or null when off")
    player: PlayerPrefs = Field(default_factory=PlayerPrefs)


class SettingsUpdate(BaseModel):
    """A change to settings: only the fields given change (reminders merge field by field)."""

    zone: str | None = Field(default=None, max_length=64)
    targets: Targets | None = None
    reminders: dict[str, Any] | None = None
    player: PlayerPrefs | None = None


class CalendarFeed(BaseModel):
    """The calendar feed's secret URL."""

    calendar_url: str


def _feed_url(request: Request, token: str | None) -> str | None:
    from runback.web.lan import feed_base

    return f"{feed_base(request)}/calendar/{token}.ics" if token else None


def _current(request: Request, store: Store, user_id: int) -> SettingsPublic:
    account = accounts.get_account(store, user_id=user_id)
    return SettingsPublic(
        zone=account.zone,
        targets=accounts.get_targets(store, user_id=user_id),
        reminders=breaks.get_prefs(store, user_id=user_id).model_dump(mode="json"),
        calendar_url=_feed_url(request, accounts.calendar_token(store, user_id=user_id)),
        player=get_player_prefs(store, user_id=user_id),
    )


def _apply(store: Store, user_id: int, change: SettingsUpdate) -> None:
    """Store the change (every part or, when any is wrong, none)."""
    update_settings(
        store,
        user_id=user_id,
        zone=change.zone,
        targets=change.targets,
        reminders=change.reminders,
        player=change.player,
    )


@router.get(f"{API}/settings")
def get_settings(request: Request, store: StoreDep, user_id: UserDep) -> SettingsPublic:
    """Return the user's settings."""
    return _current(request, store, user_id)


@router.patch(f"{API}/settings")
def patch_settings(
    change: SettingsUpdate, request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> SettingsPublic:
    """Change some settings; 422 naming every bad field, and nothing stored, if any is wrong."""
    _apply(store, user_id, change)
    return _current(request, store, user_id)


@router.post(f"{API}/settings/calendar-token", status_code=201)
def new_feed(request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep) -> CalendarFeed:
    """Make a new secret calendar feed URL (any old one stops working)."""
    url = _feed_url(request, accounts.new_calendar_token(store, user_id=user_id))
    assert url is not None
    return CalendarFeed(calendar_url=url)


@router.delete(f"{API}/settings/calendar-token", status_code=204)
def revoke_feed(store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Turn the calendar feed off."""
    accounts.revoke_calendar_token(store, user_id=user_id)
    return Response(status_code=204)


def _page(
    request: Request,
    store: Store,
    user_id: int,
    error: str | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
    problems: list[str] | None = None,
) -> HTMLResponse:
    from runback.web.problems import field_errors

    context = {
        # After a refused save: what was typed, and each problem beside its field.
        "typed": typed,
        "field_errors": field_errors(problems or []),
        "current": _current(request, store, user_id),
        "days": DAY_NAMES,
        "error": error,
        "saved": request.query_params.get("saved") == "1",
        "account": _account_notice(request),
        # Red flags (services.concerns): the number the emergency advice offers.
        "emergency_number": emergency_number(store, user_id=user_id),
        "home_network": home_network_view(request, store, user_id),
        "calendars": calendars_view(request, store, user_id, store.clock.now()),
    }
    return render(request, "settings.html", context, status)


_ACCOUNT_NOTICES = {
    "password-changed": (True, "Password changed; other browsers and devices logged out ({n})."),
    "password-wrong": (False, "Not changed: the current password is wrong."),
    "password-invalid": (False, "Not changed: the new password does not fit ({detail})."),
    "password-limited": (False, "Not changed: {detail}."),
    "logins-ended": (True, "Other browsers and devices were logged out ({n})."),
}


def _account_notice(request: Request) -> tuple[bool, str] | None:
    """Return (ok, message) for the outcome of an account form, from the redirect's query."""
    params = request.query_params
    found = _ACCOUNT_NOTICES.get(params.get("account", ""))
    if found is None:
        return None
    ended = params.get("ended", "0")
    n = int(ended) if ended.isdigit() and len(ended) < 7 else 0
    return found[0], found[1].format(n=n, detail=params.get("detail", "")[:200])


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, store: StoreDep, user_id: UserDep) -> HTMLResponse:
    """Show the settings form."""
    return _page(request, store, user_id)


def _from_form(form: dict[str, str]) -> SettingsUpdate:
    """Turn the settings form into an update (empty day fields mean "off that day")."""

    def number(name: str) -> Any:
        value = form.get(name, "").strip()
        return value if value else None

    reminders: dict[str, Any] = {
        "enabled": form.get("enabled") == "on",
        "focus": form.get("focus") == "on",
        "strict": form.get("strict") == "on",
        "active_hours": {
            d: {"start": form[f"{d}_start"], "end": form[f"{d}_end"]}
            for d in WEEKDAYS
            if form.get(f"{d}_start") and form.get(f"{d}_end")
        },
        "run_days": {d: form[f"run_{d}"] for d in WEEKDAYS if form.get(f"run_{d}")},
    }
    for name in ("interval_min", "idle_threshold_min"):
        if number(name) is not None:
            reminders[name] = number(name)
    targets = {k: number(k) for k in ("days_per_week", "minutes_per_day") if number(k)}
    try:
        parsed = Targets.model_validate(targets)
    except Exception as exc:
        raise ValidationError("settings", settings_problems(exc, "targets")) from None
    player = None
    if number("extra_ready_s") is not None:
        try:
            player = PlayerPrefs(extra_ready_s=number("extra_ready_s"))
        except Exception as exc:
            raise ValidationError("settings", settings_problems(exc, "player")) from None
    return SettingsUpdate(
        zone=form.get("zone") or None, targets=parsed, reminders=reminders, player=player
    )


@router.post("/settings", response_class=HTMLResponse)
async def settings_form(
    request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Response:
    """Save the settings form."""
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}

    def save() -> Response:
        try:
            _apply(store, user_id, _from_form(form))
        except ValidationError as exc:
            summary = "Not saved: please change what is marked below."
            return _page(request, store, user_id, summary, 422, form, exc.problems)
        return RedirectResponse("/settings?saved=1", 303)

    return await run_in_threadpool(save)


@router.post("/settings/calendar", response_class=HTMLResponse)
async def calendar_form(
    request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Response:
    """Make a new calendar feed URL, or turn the feed off (form field `action`)."""
    action = (await request.form()).get("action")

    def save() -> None:
        if action == "revoke":
            accounts.revoke_calendar_token(store, user_id=user_id)
        else:
            accounts.new_calendar_token(store, user_id=user_id)

    await run_in_threadpool(save)
    return RedirectResponse("/settings#calendar", 303)
