"""The first-day profile: the questions Today offers a new user, and their edit page."""

from __future__ import annotations

from datetime import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.core.profile import (
    CONTRAINDICATION_LABELS,
    CONTRAINDICATIONS,
    PHYSIO_ADVICE,
    Contraindication,
)
from runback.core.schedule import Weekday
from runback.errors import ValidationError
from runback.services import accounts
from runback.services.profile import (
    ProfileView,
    parse_answers,
    profile_view,
    run_days_from_form,
    save_profile,
    skip_profile,
    usual_time,
)
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import CsrfDep, StoreDep, UserDep
from runback.web.routes._helpers import page

__all__ = ["ProfileIn", "router"]

router = APIRouter(tags=["profile"])

DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri",
             "sat": "Sat", "sun": "Sun"}  # fmt: skip
_BOOLEANS = ("back_pain_history", "cancer_history", "steroids_or_immunosuppression")


class ProfileIn(BaseModel):
    """The profile's answers; run_days (weekday -> hh:mm) replace the usual runs when given."""

    sitting_hours: float | None = Field(default=None, ge=0, le=24)
    back_pain_history: bool = False
    birth_year: int | None = None
    cancer_history: bool = False
    steroids_or_immunosuppression: bool = False
    contraindications: list[Contraindication] = Field(default_factory=list)
    run_days: dict[Weekday, time] | None = None


def _this_year(store: Store, user_id: int) -> int:
    from runback.core.timezones import local_date

    return local_date(store.clock.now(), store.user_zone(user_id=user_id)).year


def _page(
    request: Request,
    store: Store,
    user_id: int,
    mode: str,
    error: str | None = None,
    status: int = 200,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    view = profile_view(store, user_id=user_id)
    usual = usual_time(view.run_days)
    return page(
        request,
        "profile.html",
        {
            "mode": mode,
            "view": view,
            "days": DAY_NAMES,
            "usual": f"{usual:%H:%M}" if usual else "",
            "labels": CONTRAINDICATION_LABELS,
            "contraindications": CONTRAINDICATIONS,
            "physio_advice": PHYSIO_ADVICE,
            "saved": request.query_params.get("saved") == "1",
            "error": error,
            "form": form,
        },
        status,
    )


async def _form(request: Request) -> tuple[dict[str, Any], list[str], list[str]]:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    days = [d for d in raw.getlist("run_days") if isinstance(d, str)]
    contra = [c for c in raw.getlist("contraindications") if isinstance(c, str)]
    return form, days, contra


def _save_form(
    store: Store, user_id: int, form: dict[str, Any], days: list[str], contra: list[str]
) -> None:
    answers: dict[str, Any] = {k: form.get(k, "no") for k in _BOOLEANS}
    answers["sitting_hours"] = form.get("sitting_hours", "")
    answers["birth_year"] = form.get("birth_year", "")
    answers["contraindications"] = contra
    profile = parse_answers(answers, this_year=_this_year(store, user_id))
    current = profile_view(store, user_id=user_id).run_days
    run_days = run_days_from_form(days, form.get("run_time", ""), current)
    save_profile(store, profile, user_id=user_id, run_days=run_days)


def _check_zone(zone: str) -> None:
    from runback.core.timezones import to_zone

    try:
        to_zone(zone)
    except Exception as exc:
        raise ValidationError("zone", [f"zone: {exc}"]) from None


@router.get("/welcome", response_class=HTMLResponse)
def welcome_page(request: Request, store: StoreDep, user_id: UserDep) -> HTMLResponse:
    """Show the first-day questions (every one may be left out, or all skipped)."""
    return _page(request, store, user_id, "welcome")


async def _save_then(
    request: Request, store: Store, user_id: int, where: str, done: str
) -> Response:
    """Save the posted answers and go to done, or show the form again with what to change."""
    form, days, contra = await _form(request)

    def save() -> Response:
        # The zone the browser filled in (if any); checked before anything is stored.
        zone = str(form.get("zone", "")).strip()
        try:
            if zone:
                _check_zone(zone)
            _save_form(store, user_id, form, days, contra)
            if zone and zone != store.user_zone(user_id=user_id):
                accounts.set_zone(store, zone, user_id=user_id)
        except ValidationError as exc:
            return _page(request, store, user_id, where, "; ".join(exc.problems), 422, form)
        return RedirectResponse(done, 303)

    return await run_in_threadpool(save)


@router.post("/welcome", response_class=HTMLResponse)
async def welcome_form(request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Save the first-day answers and go to Today."""
    return await _save_then(request, store, user_id, "welcome", "/")


@router.post("/welcome/skip", response_class=HTMLResponse)
def welcome_skip(store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Skip the first-day questions: Today stops offering them (Settings still has them)."""
    skip_profile(store, user_id=user_id)
    return RedirectResponse("/", 303)


@router.get("/settings/profile", response_class=HTMLResponse)
def profile_page(request: Request, store: StoreDep, user_id: UserDep) -> HTMLResponse:
    """Show the profile's answers to change."""
    return _page(request, store, user_id, "settings")


@router.post("/settings/profile", response_class=HTMLResponse)
async def profile_form(request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Save changed answers."""
    return await _save_then(request, store, user_id, "settings", "/settings/profile?saved=1")


@router.get(f"{API}/profile")
def api_profile(store: StoreDep, user_id: UserDep) -> ProfileView:
    """Return the profile, the usual runs, the age this year and whether it was answered."""
    return profile_view(store, user_id=user_id)


@router.post(f"{API}/profile")
def api_save_profile(body: ProfileIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> ProfileView:
    """Store the profile's answers (and the usual runs, when given) in one go."""
    answers = body.model_dump(exclude={"run_days"})
    profile = parse_answers(answers, this_year=_this_year(store, user_id))
    save_profile(store, profile, user_id=user_id, run_days=body.run_days)
    return profile_view(store, user_id=user_id)
