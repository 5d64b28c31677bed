"""The planner: a routine that fits the minutes you have, where you are; save it or play it now."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.core.catalog import Routine
from runback.core.planner import PLACES, Plan
from runback.core.vocab import AREAS, CONTEXTS
from runback.errors import PlanError, ValidationError
from runback.services.plans import make_plan, save_plan
from runback.services.routines import user_catalog
from runback.services.store import Store
from runback.web.api import API, moved
from runback.web.deps import CsrfDep, StoreDep, UserDep
from runback.web.routes._helpers import page

__all__ = ["PlanIn", "PlanOut", "PlanSaveIn", "PlannedStepOut", "plan_out", "router"]

router = APIRouter()

DEFAULT_MINUTES = 5


class PlanIn(BaseModel):
    """What to plan: minutes, body areas, place; the user's history is added by the planner."""

    minutes: float = Field(description="time budget in minutes (up to 60)", examples=[8])
    areas: list[str] = Field(default_factory=list, description=f"any of {', '.join(AREAS)}")
    where: str = Field(default="anywhere", description="desk (no floor work), home, or anywhere")
    equipment: list[str] | None = Field(default=None, description="chair, table, wall, mat")
    seed: int | None = Field(default=None, description="vary the mix (default: today's)")


class PlanSaveIn(PlanIn):
    """Plan, then store the plan as one of the user's routines under `slug`."""

    slug: str
    replace: bool = False


class PlannedStepOut(BaseModel):
    """One step of a plan, its exact time, and why the planner chose it."""

    exercise: str
    name: str
    position: str
    hold_s: int
    reps: int
    sides: str
    rest_s: int
    duration_s: int
    why: str


class PlanOut(BaseModel):
    """A plan: the routine, its steps with reasons, and its guided time (equal to the budget)."""

    routine: Routine
    steps: list[PlannedStepOut]
    duration_s: int
    budget_s: int
    uncovered: list[str]
    left_out: list[str]
    saved: str | None = Field(default=None, description="the slug it was saved under")


def plan_out(made: Plan, saved: str | None = None) -> PlanOut:
    """Return a plan as the API and the page show it."""
    routine = made.routine if saved is None else made.routine.model_copy(update={"slug": saved})
    return PlanOut(
        routine=routine,
        steps=[
            PlannedStepOut(
                exercise=p.step.exercise.slug,
                name=p.step.exercise.name,
                position=p.step.exercise.position,
                hold_s=p.step.hold_s,
                reps=p.step.reps,
                sides=p.step.sides,
                rest_s=p.step.rest_s,
                duration_s=p.step.duration_s(),
                why=p.why,
            )
            for p in made.steps
        ],
        duration_s=made.duration_s,
        budget_s=made.budget_s,
        uncovered=made.uncovered,
        left_out=made.left_out,
        saved=saved,
    )


def _make(store: Store, user_id: int, body: PlanIn) -> Plan:
    return make_plan(
        store, body.minutes, body.areas, body.where, body.equipment, body.seed, user_id=user_id
    )


def _api_make(store: Store, user_id: int, body: PlanIn) -> Plan:
    try:
        return _make(store, user_id, body)
    except PlanError as exc:
        # Nothing fits what was asked: the request is the problem (422), not the server.
        raise ValidationError("plan request", [str(exc)]) from None


def _is_plan_routine(store: Store, user_id: int, slug: str) -> bool:
    routine = user_catalog(store, user_id=user_id).routines.get(slug)
    return routine is not None and routine.origin == "plan"


def _whole_number(text: str) -> int | None:
    """Return the whole number typed, or None; never raises (unlike isdigit() then int())."""
    # str.isdigit() is true for "¹" and "①", which int() refuses: only int() itself can tell.
    try:
        return int(text)
    except ValueError:
        return None


class _FormPlan:
    """The planner form as typed: strings kept for redisplay, parsed for the planner."""

    def __init__(self, minutes: str, areas: list[str], where: str, seed: str, context: str) -> None:
        self.minutes = minutes.strip()
        self.areas = [a for a in areas if a]
        self.where = where if where in PLACES else "anywhere"
        self.seed = seed.strip()
        self.context = context if context in CONTEXTS else "other"

    def parsed(self) -> PlanIn:
        """Return the request, or raise ValidationError naming the field that is wrong."""
        problems = []
        try:
            minutes = float(self.minutes.replace(",", "."))
        except ValueError:
            problems.append(f"minutes: {self.minutes!r} is not a number; give e.g. 8")
            minutes = 0.0
        seed = None
        if self.seed:
            seed = _whole_number(self.seed)
            if seed is None:
                problems.append(f"seed: {self.seed!r} is not a whole number; leave it empty")
        if problems:
            raise ValidationError("plan request", problems)
        return PlanIn(minutes=minutes, areas=self.areas, where=self.where, seed=seed)

    def context_dict(self) -> dict[str, Any]:
        """Return what the template needs to redisplay the form."""
        query: list[tuple[str, str]] = [("minutes", self.minutes), ("where", self.where)]
        query += [("areas", a) for a in self.areas]
        if self.context != "other":
            query.append(("context", self.context))
        seed = _whole_number(self.seed)
        next_seed = "1" if seed is None else str(seed + 1)
        return {
            "minutes": self.minutes,
            "chosen_areas": self.areas,
            "where": self.where,
            "seed": self.seed,
            "context": self.context,
            "another_mix": [*query, ("seed", next_seed)],
            "areas": AREAS,
            "places": PLACES,
        }


def _plan_page(
    request: Request,
    form: _FormPlan,
    made: Plan | None,
    errors: list[str],
    *,
    slug: str = "",
    save_errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "plan.html",
        {
            **form.context_dict(),
            "plan": plan_out(made) if made is not None else None,
            "errors": errors,
            "slug": slug or (made.routine.slug if made is not None else ""),
            "save_errors": save_errors or [],
        },
        status,
    )


def _try_plan(store: Store, user_id: int, form: _FormPlan) -> tuple[Plan | None, list[str]]:
    try:
        return _make(store, user_id, form.parsed()), []
    except ValidationError as exc:
        return None, exc.problems
    except PlanError as exc:
        return None, [str(exc)]


# ---- pages ---------------------------------------------------------------------------------


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    minutes: str = "",
    areas: Annotated[list[str] | None, Query()] = None,
    where: str = "anywhere",
    seed: str = "",
    context: str = "other",
) -> HTMLResponse:
    """Show the planner form and, once minutes are given, the plan with a reason per step."""
    form = _FormPlan(minutes, areas or [], where, seed, context)
    if not form.minutes:
        form.minutes = str(DEFAULT_MINUTES)
        return _plan_page(request, form, None, [])
    made, errors = _try_plan(store, user_id, form)
    return _plan_page(request, form, made, errors, status=422 if errors else 200)


@router.post("/plan/save", response_class=HTMLResponse)
def plan_save(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    minutes: Annotated[str, Form()] = "",
    areas: Annotated[list[str] | None, Form()] = None,
    where: Annotated[str, Form()] = "anywhere",
    seed: Annotated[str, Form()] = "",
    context: Annotated[str, Form()] = "other",
    slug: Annotated[str, Form()] = "",
    replace: Annotated[bool, Form()] = False,
    action: Annotated[str, Form()] = "save",
) -> Response:
    """Save the plan as a routine, then open it (Save) or play it at once (Play now)."""
    form = _FormPlan(minutes, areas or [], where, seed, context)
    made, errors = _try_plan(store, user_id, form)
    if made is None:
        return _plan_page(request, form, None, errors, status=422)
    slug = slug.strip()
    # A plan saved to play right away replaces an earlier plan under the same slug (the
    # after-run plan is made afresh every day); a routine of another kind is never replaced.
    if action == "play" and not replace:
        replace = _is_plan_routine(store, user_id, slug)
    try:
        routine = save_plan(store, made, slug, replace, user_id=user_id)
    except ValidationError as exc:
        problems = [
            p.replace("choose another slug", "choose another slug or tick Replace")
            for p in exc.problems
        ]
        return _plan_page(request, form, made, [], slug=slug, save_errors=problems, status=422)
    if action == "play":
        target = f"/player/{quote(routine.slug)}"
        if form.context != "other":
            target += f"?context={form.context}"
        return RedirectResponse(target, status_code=303)
    return RedirectResponse(f"/routines/{quote(routine.slug)}?saved=1", status_code=303)


# ---- JSON ----------------------------------------------------------------------------------


@router.post(f"{API}/plan")
def api_plan(body: PlanIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> PlanOut:
    """Plan a routine that fits the minutes exactly, with a reason for every step (not stored)."""
    return plan_out(_api_make(store, user_id, body))


@router.post(f"{API}/plan/save", status_code=201)
def api_plan_save(body: PlanSaveIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> PlanOut:
    """Plan a routine and store it as one of the user's routines under `slug`."""
    made = _api_make(store, user_id, body)
    try:
        routine = save_plan(store, made, body.slug, body.replace, user_id=user_id)
    except ValidationError as exc:
        raise ValidationError("slug", exc.problems) from None
    return plan_out(made, saved=routine.slug)


# The old paths, for one release (docs/names.md): 308 keeps the method and the body.
@router.post(f"{API}/plans", include_in_schema=False)
@router.post(f"{API}/plans/save", include_in_schema=False)
def api_plans_moved(request: Request, _user: UserDep) -> RedirectResponse:
    """Send a logged-in request for an old plan path to its new one."""
    return moved(request, f"{API}/plans", f"{API}/plan")
