"""The pain log: the form with red-flag screening, the advice that follows, and the history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from runback.core.triage import Advice, RedFlagQuestion
from runback.core.vocab import PAIN_KIND_LABELS, PAIN_REGIONS
from runback.errors import NotFoundError, ValidationError
from runback.services.concerns import open_concern
from runback.services.pain import (
    MAX_NOTES,
    PainEntry,
    PainLogged,
    current_advice,
    delete_pain,
    get_pain,
    last_answers,
    log_pain,
    pain_history,
    red_flag_questions,
    update_pain,
)
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import MAX_ID, CsrfDep, IdPath, StoreDep, UserDep
from runback.web.routes._helpers import confirm_page, gone_page, local_time, page

__all__ = ["NOT_ANSWERED", "PainIn", "PainUpdate", "region_label", "router"]

router = APIRouter()

HISTORY_DAYS = 28


class PainIn(BaseModel):
    """A pain entry: where, how strong (0–10), the red-flag answers (ids answered yes), notes."""

    region: str = Field(examples=["lower-back"], description=f"one of {', '.join(PAIN_REGIONS)}")
    intensity: int = Field(description="0 (no pain) to 10 (worst imaginable)")
    red_flags: list[str] | None = Field(
        default=None,
        validation_alias=AliasChoices("red_flags", "flags"),
        description="question ids answered yes ([] when none is true); required unless "
        "same_as_last",
    )
    same_as_last: bool = Field(default=False, description="nothing changed since the last answers")
    stops_activities: bool = Field(default=False, description="it stops day-to-day activities")
    notes: str = ""
    run_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="the run this is about")
    link_run: bool = Field(default=True, description="link to the latest run within 24 h")


NOT_ANSWERED = (
    "red_flags: answer the safety questions: give red_flags (a list of the ids answered yes, "
    "[] when none is true) or same_as_last: true"
)


class PainUpdate(BaseModel):
    """Change a pain entry; a field left out stays as it is (red_flags replaces the list)."""

    model_config = ConfigDict(extra="forbid")

    region: str | None = Field(default=None, description=f"one of {', '.join(PAIN_REGIONS)}")
    intensity: int | None = Field(default=None, description="0 (no pain) to 10")
    red_flags: list[str] | None = Field(default=None, description="question ids answered yes")
    notes: str | None = None
    stops_activities: bool | None = Field(default=None, description="stops day-to-day life")


# What the Pain page says after a change (a key in the address, never text from it).
NOTICES = {
    "deleted": "Pain entry deleted. Your advice and charts no longer count it.",
    "checked": "Noted that you have been checked. The warning signs no longer show; answer the "
    "questions again if anything changes.",
}


def region_label(region: str) -> str:
    """Return a region slug as words ("lower-back" -> "Lower back")."""
    return region.replace("-", " ").replace("neck shoulders", "neck and shoulders").capitalize()


def _page(
    request: Request,
    store: Store,
    user_id: int,
    *,
    logged: PainLogged | None = None,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
    changed: bool = False,
    notice: str | None = None,
    checkin: str = "",
) -> HTMLResponse:
    from runback.services.checkins import QUESTIONS as CHECKIN_QUESTIONS

    advice = logged.advice if logged is not None else current_advice(store, user_id=user_id)
    return page(
        request,
        "pain.html",
        {
            "questions": red_flag_questions(),
            "regions": [(r, region_label(r)) for r in PAIN_REGIONS],
            "history": pain_history(store, days=HISTORY_DAYS, user_id=user_id),
            "history_days": HISTORY_DAYS,
            "advice": advice,
            "logged": logged,
            "errors": errors or [],
            "form": form or {"region": "lower-back", "intensity": None, "red_flags": []},
            "answers": (form or {}).get("answers", {}),
            "last": last_answers(store, user_id=user_id),
            "concern": open_concern(store, user_id=user_id),
            "max_notes": MAX_NOTES,
            "region_label": region_label,
            "changed": changed,
            "notice": notice,
            # A check-in asked for (Today's banner links here): its question, and the kind sent.
            "kind_labels": PAIN_KIND_LABELS,
            "checkin": checkin if checkin in CHECKIN_QUESTIONS else "",
            "checkin_question": CHECKIN_QUESTIONS.get(checkin, ""),
        },
        status_code,
    )


@router.get("/pain", response_class=HTMLResponse)
def pain_page(
    request: Request, store: StoreDep, user_id: UserDep, done: str = "", checkin: str = ""
) -> HTMLResponse:
    """Show the pain form (as a check-in's answer when asked), advice and the last four weeks."""
    return _page(request, store, user_id, notice=NOTICES.get(done), checkin=checkin)


async def _form_answers(request: Request) -> dict[str, str]:
    """Return the yes/no answers of the pain form (fields named q-ID), as given."""
    form = await request.form()
    return {
        k.removeprefix("q-"): str(v) for k, v in form.items() if k.startswith("q-") and len(k) < 80
    }


FormAnswers = Annotated[dict[str, str], Depends(_form_answers)]


def _flags_from(answers: dict[str, str], same: bool) -> tuple[list[str], list[str]]:
    """Return the ids answered yes and the problems (a question left unanswered, or both)."""
    if same:
        return [], []
    ids = [q.id for q in red_flag_questions()]
    missing = [i for i in ids if answers.get(i) not in ("yes", "no")]
    if missing:
        return [], [
            f"safety questions: answer yes or no to each ({len(missing)} not answered), "
            "or choose that nothing changed since last time"
        ]
    return [i for i in ids if answers[i] == "yes"], []


@router.post("/pain", response_class=HTMLResponse)
def pain_submit(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    answers: FormAnswers,
    region: Annotated[str, Form()] = "",
    intensity: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
    link_run: Annotated[bool, Form()] = False,
    same_as_last: Annotated[str, Form()] = "",
    stops_activities: Annotated[str, Form()] = "",
    checkin: Annotated[str, Form(max_length=16)] = "",
) -> HTMLResponse:
    """Log pain from the form and show the advice (emergency advice first and prominent)."""
    from runback.services.checkins import answer_checkin

    same = same_as_last == "yes"
    flags, problems = _flags_from(answers, same)
    form = {
        "region": region,
        "intensity": intensity,
        "red_flags": flags,
        "notes": notes,
        "answers": answers,
        "same_as_last": same,
        "stops_activities": stops_activities,
    }
    try:
        value = int(intensity)
    except ValueError:
        problems.append("intensity: choose a number from 0 (no pain) to 10 (worst imaginable)")
    if stops_activities not in ("yes", "no"):
        problems.append("day-to-day activities: answer yes or no")
    if problems:
        return _page(
            request, store, user_id, errors=problems, form=form, status_code=422, checkin=checkin
        )
    try:
        if checkin:
            logged = answer_checkin(
                store,
                user_id=user_id,
                kind=checkin,
                region=region,
                intensity=value,
                red_flags=flags,
                notes=notes,
                same_as_last=same,
                stops_activities=stops_activities == "yes",
            )
        else:
            logged = log_pain(
                store,
                region=region,
                intensity=value,
                red_flags=flags,
                notes=notes,
                link_run=link_run,
                same_as_last=same,
                stops_activities=stops_activities == "yes",
                user_id=user_id,
            )
    except ValidationError as exc:
        return _page(
            request,
            store,
            user_id,
            errors=exc.problems,
            form=form,
            status_code=422,
            checkin=checkin,
        )
    return _page(request, store, user_id, logged=logged)


def _edit_form(
    request: Request,
    entry: PainEntry,
    form: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "pain_edit.html",
        {
            "entry": entry,
            "form": form or entry.model_dump(),
            "questions": red_flag_questions(),
            "regions": [(r, region_label(r)) for r in PAIN_REGIONS],
            "errors": errors or [],
            "max_notes": MAX_NOTES,
        },
        status_code,
    )


@router.get("/pain/{entry_id}/edit", response_class=HTMLResponse)
def pain_edit_page(
    request: Request, entry_id: IdPath, store: StoreDep, user_id: UserDep
) -> HTMLResponse:
    """Show the form to change a pain entry."""
    try:
        return _edit_form(request, get_pain(store, entry_id, user_id=user_id))
    except NotFoundError:
        return gone_page(request, "pain entry")


@router.post("/pain/{entry_id}/edit", response_class=HTMLResponse)
def pain_edit(
    request: Request,
    entry_id: IdPath,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    region: Annotated[str, Form()] = "",
    intensity: Annotated[str, Form()] = "",
    red_flags: Annotated[list[str] | None, Form()] = None,
    notes: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Save the changed entry and show the advice again (the red flags may have changed)."""
    try:
        entry = get_pain(store, entry_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "pain entry")
    flags = red_flags or []
    form = {"region": region, "intensity": intensity, "red_flags": flags, "notes": notes}
    try:
        value = int(intensity)
    except ValueError:
        problems = ["intensity: choose a number from 0 (no pain) to 10 (worst imaginable)"]
        return _edit_form(request, entry, form, problems, 422)
    try:
        changed = update_pain(
            store,
            entry_id,
            user_id=user_id,
            region=region,
            intensity=value,
            red_flags=flags,
            notes=notes,
        )
    except ValidationError as exc:
        return _edit_form(request, entry, form, exc.problems, 422)
    return _page(request, store, user_id, logged=changed, changed=True)


@router.get("/pain/{entry_id}/delete", response_class=HTMLResponse)
def pain_delete_page(
    request: Request, entry_id: IdPath, store: StoreDep, user_id: UserDep
) -> HTMLResponse:
    """Ask before deleting a pain entry."""
    try:
        e = get_pain(store, entry_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "pain entry")
    return confirm_page(
        request,
        title="Delete this pain entry?",
        lines=[f"{region_label(e.region)}, {e.intensity}/10", local_time(e.at, e.zone)],
        note="Your advice and charts will no longer count it.",
        action=f"/pain/{e.id}/delete",
        back="/pain",
    )


@router.post("/pain/{entry_id}/delete", response_model=None)
def pain_delete(
    request: Request, entry_id: IdPath, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Response:
    """Delete the entry and go back to the Pain page."""
    try:
        delete_pain(store, entry_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "pain entry")
    return RedirectResponse("/pain?done=deleted", status_code=303)


@router.get(f"{API}/pain")
def api_history(
    store: StoreDep, user_id: UserDep, days: int = Query(HISTORY_DAYS, ge=1, le=3660)
) -> list[PainEntry]:
    """Return the pain entries of the last `days` local days, newest first."""
    return pain_history(store, days=days, user_id=user_id)


@router.post(f"{API}/pain", status_code=201)
def api_log(body: PainIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> PainLogged:
    """Log pain and return the entry with the advice (check `advice.level` first).

    The safety answers are required: `red_flags` (or `flags`), or `same_as_last: true`.
    """
    if body.red_flags is None and not body.same_as_last:
        raise HTTPException(status_code=422, detail=NOT_ANSWERED)
    return log_pain(
        store,
        region=body.region,
        intensity=body.intensity,
        red_flags=body.red_flags or [],
        notes=body.notes,
        run_id=body.run_id,
        link_run=body.link_run,
        same_as_last=body.same_as_last,
        stops_activities=body.stops_activities,
        user_id=user_id,
    )


@router.get(f"{API}/pain/questions")
def api_questions() -> list[RedFlagQuestion]:
    """Return the red-flag screening questions, most serious first."""
    return red_flag_questions()


@router.get(f"{API}/pain/advice")
def api_advice(
    store: StoreDep,
    user_id: UserDep,
    red_flags: Annotated[list[str] | None, Query()] = None,
) -> Advice:
    """Return today's advice from the pain log and any red-flag answers given now."""
    return current_advice(store, red_flags or [], user_id=user_id)


@router.patch(f"{API}/pain/{{entry_id}}")
def api_update(
    entry_id: IdPath, body: PainUpdate, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> PainLogged:
    """Change a pain entry and return it with the advice triaged again."""
    return update_pain(
        store,
        entry_id,
        user_id=user_id,
        region=body.region,
        intensity=body.intensity,
        red_flags=body.red_flags,
        notes=body.notes,
        stops_activities=body.stops_activities,
    )


@router.delete(f"{API}/pain/{{entry_id}}", status_code=204)
def api_delete(entry_id: IdPath, store: StoreDep, user_id: UserDep, _: CsrfDep) -> None:
    """Delete a pain entry."""
    delete_pain(store, entry_id, user_id=user_id)
