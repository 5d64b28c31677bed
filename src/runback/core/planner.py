"""Plan a routine that fits the time you have, the place you are in, and what you enjoy.

The planner is pure: it takes a Catalog and a PlanRequest (with the user's ratings, recent
pain and recently used exercises filled in by the service) and returns a Plan whose guided
time, computed with the shared timing in core/catalog.py, equals the budget to the second.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ConfigDict, Field, field_validator

from runback.core.catalog import Catalog, Equipment, Exercise, ResolvedStep, Routine, RoutineStep
from runback.core.model import Model
from runback.core.profile import CONTRAINDICATION_LABELS, Contraindication, left_out_by
from runback.core.vocab import AREAS, PLACES, PainRegion, Place
from runback.errors import PlanError

__all__ = [
    "HOLD_MAX_S",
    "HOLD_MIN_S",
    "PLACES",
    "Place",
    "Plan",
    "PlanRequest",
    "PlannedStep",
    "allowed_equipment",
    "allowed_positions",
    "hold_bounds",
    "plan",
]

# Holds are stretched or shortened within these bounds; shorter does little, longer is tedious.
HOLD_MIN_S = 20
HOLD_MAX_S = 90
# Holds move in whole 5 s so the player shows round numbers; rest absorbs the last seconds.
_HOLD_STEP_S = 5
_REST_MAX_S = 300
# Rest per step the planner accepts before it prefers repeating an exercise instead.
_REPEAT_REST_S = 30
_NEUTRAL_RATING = 3.0
_FAVOURED_BONUS = 0.6
_POSITION_ORDER = {"standing": 0, "seated": 1, "floor": 2}

_POSITIONS: dict[str, frozenset[str]] = {
    # At a desk nobody gets on the floor; "anywhere" (a trailhead, a park) means standing.
    "desk": frozenset({"standing", "seated"}),
    "home": frozenset({"standing", "seated", "floor"}),
    "anywhere": frozenset({"standing"}),
}
_EQUIPMENT: dict[str, frozenset[str]] = {
    # A mat only matters on the floor, which a desk never offers.
    "desk": frozenset({"none", "chair", "table", "wall"}),
    "home": frozenset({"none", "chair", "table", "wall", "mat"}),
    "anywhere": frozenset({"none"}),
}


class PlanRequest(Model):
    """What to plan for: time, body areas, place, and what the user's history says."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minutes: float = Field(gt=0, le=60, description="time budget in minutes")
    areas: list[str] = Field(default_factory=list, description="areas to cover; empty: any")
    where: Place = "anywhere"
    # None: what the place usually has (a desk has a chair, table and wall; home adds a mat).
    equipment: list[Equipment] | None = None
    recent_pain: list[PainRegion] = Field(default_factory=list)
    ratings: dict[str, float] = Field(default_factory=dict, description="slug -> mean 1-5")
    recently_used: list[str] = Field(default_factory=list)
    # From the user's profile: exercises whose avoid_with names one of these are left out.
    contraindications: list[Contraindication] = Field(default_factory=list)
    # From personal patterns (core/patterns.py): exercise slug -> the name of a routine holding
    # it on whose days next-day pain was clearly lower in the user's own log (interval below 0).
    favoured: dict[str, str] = Field(default_factory=dict)
    seed: int = 0

    @field_validator("areas")
    @classmethod
    def _known_areas(cls, value: list[str]) -> list[str]:
        unknown = [a for a in value if a not in AREAS]
        if unknown:
            raise ValueError(f"unknown area(s) {', '.join(unknown)}; use: {', '.join(AREAS)}")
        return list(dict.fromkeys(value))

    @property
    def budget_s(self) -> int:
        """Return the budget in whole seconds."""
        return round(self.minutes * 60)


@dataclass(frozen=True)
class PlannedStep:
    """A chosen step and the one-line reason it was chosen."""

    step: ResolvedStep
    why: str


@dataclass(frozen=True)
class Plan:
    """A routine that fits the budget, with an explanation for every step."""

    routine: Routine
    steps: list[PlannedStep]
    budget_s: int
    uncovered: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> int:
        """Return the plan's guided time in seconds."""
        return sum(p.step.duration_s() for p in self.steps)


def allowed_positions(where: str) -> frozenset[str]:
    """Return the positions possible at a place."""
    return _POSITIONS[where]


def allowed_equipment(request: PlanRequest) -> frozenset[str]:
    """Return the equipment available for a request ("none" is always available)."""
    if request.equipment is None:
        return _EQUIPMENT[request.where]
    return frozenset(request.equipment) | {"none"}


def hold_bounds(ex: Exercise) -> tuple[int, int]:
    """Return the shortest and longest hold the planner may give an exercise."""
    if ex.kind == "movement":
        # A movement's hold is the pace of one rep: changing it changes the exercise.
        return ex.hold_s, ex.hold_s
    if ex.reps > 1:
        # Repeated holds (a side plank, 2 x 20 s) are a strength dose, not a stretch to lengthen.
        return ex.hold_s, ex.hold_s
    return min(HOLD_MIN_S, ex.hold_s), max(HOLD_MAX_S, ex.hold_s)


@dataclass
class _Pick:
    ex: Exercise
    hold_s: int
    rest_s: int = 0
    reason: str = ""

    def resolved(self) -> ResolvedStep:
        return ResolvedStep(
            self.ex, self.hold_s, self.ex.reps, self.ex.sides, self.rest_s, setup_s=self.ex.ready_s
        )

    def duration(self) -> int:
        return self.resolved().duration_s()

    def min_duration(self) -> int:
        return _duration_at(self.ex, hold_bounds(self.ex)[0])


def _duration_at(ex: Exercise, hold: int) -> int:
    return ResolvedStep(ex, hold, ex.reps, ex.sides, 0, setup_s=ex.ready_s).duration_s()


def _nominal(ex: Exercise) -> int:
    lo, hi = hold_bounds(ex)
    return min(max(ex.hold_s, lo), hi)


def plan(catalog: Catalog, request: PlanRequest) -> Plan:
    """Return a routine for the request whose guided time equals the budget exactly."""
    budget = request.budget_s
    positions = allowed_positions(request.where)
    equipment = allowed_equipment(request)
    pain = set(request.recent_pain)
    left_out: list[str] = []
    candidates: list[Exercise] = []
    for ex in sorted(catalog.exercises.values(), key=lambda e: e.slug):
        if ex.position not in positions or ex.equipment not in equipment:
            continue
        if pain & set(ex.avoid_with_pain):
            left_out.append(f"{ex.name}: left out while {', '.join(sorted(pain))} hurts")
            continue
        avoided = left_out_by(ex.avoid_with, request.contraindications)
        if avoided:
            named = " and ".join(CONTRAINDICATION_LABELS[c] for c in avoided)
            left_out.append(f"{ex.name}: left out because your profile mentions {named}")
            continue
        candidates.append(ex)
    wanted = list(request.areas)
    relevant = [e for e in candidates if not wanted or set(e.areas) & set(wanted)]
    if not relevant:
        raise PlanError(_nothing_fits_message(catalog, request))
    shortest = min(_duration_at(e, hold_bounds(e)[0]) for e in relevant)
    if shortest > budget:
        raise PlanError(
            f"{request.minutes:g} min is too short: the shortest exercise that fits takes "
            f"{_clock(shortest)}; ask for at least {-(-shortest // 60)} min"
        )

    rng = random.Random(request.seed)
    score = {e.slug: _score(e, request, rng) for e in candidates}
    picks = _cover(relevant, wanted, score, budget)
    _fill(picks, relevant, score, budget, request)
    # Standing first, then seated, then the floor: nobody gets up and down twice.
    picks.sort(key=lambda p: _POSITION_ORDER[p.ex.position])
    _fit(picks, budget)
    for p in picks:
        p.reason = _why(p.ex, wanted, request, p.reason)
    steps = [PlannedStep(p.resolved(), p.reason) for p in picks]
    routine = Routine(
        slug=_slug(request),
        name=_name(request),
        description="Planned by runback: " + "; ".join(f"{s.step.exercise.name}" for s in steps),
        origin="plan",
        steps=[
            RoutineStep(exercise=p.ex.slug, hold_s=p.hold_s, rest_s=p.rest_s, note=p.reason)
            for p in picks
        ],
    )
    covered = {a for p in picks for a in p.ex.areas}
    uncovered = [a for a in wanted if a not in covered]
    return Plan(routine, steps, budget, uncovered, left_out)


def _score(ex: Exercise, request: PlanRequest, rng: random.Random) -> float:
    overlap = len(set(ex.areas) & set(request.areas)) if request.areas else 1
    rating = request.ratings.get(ex.slug, _NEUTRAL_RATING)
    recent = 1.2 if ex.slug in request.recently_used else 0.0
    # A nudge, not a rule: about what one point of enjoyment is worth.
    favoured = _FAVOURED_BONUS if ex.slug in request.favoured else 0.0
    # The jitter rotates among equally good exercises; the seed makes it repeatable.
    return overlap + 0.6 * (rating - _NEUTRAL_RATING) - recent + favoured + rng.random() * 0.5


def _cover(
    relevant: Sequence[Exercise], wanted: list[str], score: dict[str, float], budget: int
) -> list[_Pick]:
    """Pick the best exercise for each wanted area, keeping room for the areas still open."""
    picks: list[_Pick] = []
    used = 0
    open_areas = list(wanted)

    def cheapest(area: str) -> int:
        costs = [_duration_at(e, hold_bounds(e)[0]) for e in relevant if area in e.areas]
        return min(costs) if costs else 0

    while open_areas:
        area = open_areas[0]
        options = [e for e in relevant if area in e.areas and e.slug not in _slugs(picks)]
        options.sort(key=lambda e: (-len(set(e.areas) & set(open_areas)), -score[e.slug], e.slug))
        chosen = None
        for ex in options:
            cost = _duration_at(ex, hold_bounds(ex)[0])
            rest = [a for a in open_areas if a not in ex.areas]
            if used + cost + sum(cheapest(a) for a in rest) <= budget:
                chosen = ex
                break
        if chosen is None:
            # Not every area fits: cover this one if it fits alone, the later ones may not.
            fits = [e for e in options if used + _duration_at(e, hold_bounds(e)[0]) <= budget]
            chosen = fits[0] if fits else None
        if chosen is None:
            open_areas.pop(0)
            continue
        picks.append(_Pick(chosen, _nominal(chosen), reason="cover"))
        used += _duration_at(chosen, hold_bounds(chosen)[0])
        open_areas = [a for a in open_areas if a not in chosen.areas]
    return picks


def _fill(
    picks: list[_Pick],
    relevant: Sequence[Exercise],
    score: dict[str, float],
    budget: int,
    request: PlanRequest,
) -> None:
    """Add the best remaining exercises until the plan's natural length reaches the budget."""
    ranked = sorted(relevant, key=lambda e: (-score[e.slug], e.slug))
    if not picks:
        # No areas asked for: start from the best exercise that fits at all.
        first = next(e for e in ranked if _duration_at(e, hold_bounds(e)[0]) <= budget)
        picks.append(_Pick(first, _nominal(first)))
    rounds = 0
    while sum(_duration_at(p.ex, p.hold_s) for p in picks) < budget and rounds < 60:
        added = False
        for ex in ranked:
            if rounds == 0 and ex.slug in _slugs(picks):
                continue
            natural = sum(_duration_at(p.ex, p.hold_s) for p in picks)
            if natural >= budget:
                break
            floor = sum(p.min_duration() for p in picks) + _duration_at(ex, hold_bounds(ex)[0])
            gap = budget - natural
            # A new exercise when the plan would otherwise be stretched well past nominal; a
            # repeat only when longer holds and short rests cannot fill the time.
            wanted = (
                gap * 2 >= _duration_at(ex, _nominal(ex))
                if rounds == 0
                else _stretch(picks) < budget
            )
            if floor <= budget and wanted:
                picks.append(_Pick(ex, _nominal(ex), reason="again" if rounds else ""))
                added = True
        if not added and rounds > 0:
            break
        rounds += 1


def _stretch(picks: list[_Pick]) -> int:
    """Return the longest the picks can last with maximum holds and a short rest between."""
    return sum(_duration_at(p.ex, hold_bounds(p.ex)[1]) + _REPEAT_REST_S for p in picks)


def _fit(picks: list[_Pick], budget: int) -> None:
    """Adjust holds, then rest, so the total equals the budget to the second."""
    while True:
        diff = budget - sum(p.duration() for p in picks)
        # Shrink in 5 s steps while over budget (possibly overshooting below it).
        while diff < 0 and _nudge(picks, -_HOLD_STEP_S, diff):
            diff = budget - sum(p.duration() for p in picks)
        while diff < 0 and _nudge(picks, -1, diff):
            diff = budget - sum(p.duration() for p in picks)
        if diff >= 0 or len(picks) == 1:
            break
        picks.pop()
    while diff > 0 and _nudge(picks, _HOLD_STEP_S, diff):
        diff = budget - sum(p.duration() for p in picks)
    # Rest goes after a step (not after the last one when there are several).
    order = picks[:-1] or picks
    for p in order:
        if diff <= 0:
            break
        extra = min(diff, _REST_MAX_S - p.rest_s)
        p.rest_s += extra
        diff -= extra
    while diff > 0 and _nudge(picks, 1, diff):
        diff = budget - sum(p.duration() for p in picks)
    if diff != 0:
        raise PlanError(f"could not fit the plan to {_clock(budget)} (off by {diff} s)")


def _nudge(picks: list[_Pick], delta: int, diff: int) -> bool:
    """Change one step's hold by delta (the one furthest from its nominal first)."""
    options = []
    for i, p in enumerate(picks):
        lo, hi = hold_bounds(p.ex)
        new = p.hold_s + delta
        step = p.ex.reps * (1 if p.ex.sides == "none" else 2) * abs(delta)
        if not lo <= new <= hi:
            continue
        # Growing never overshoots the budget; shrinking may, and rest fills the gap.
        if delta > 0 and step > diff:
            continue
        options.append(((p.hold_s - _nominal(p.ex)) * (1 if delta > 0 else -1), i))
    if not options:
        return False
    _, i = min(options)
    picks[i].hold_s += delta
    return True


def _slugs(picks: list[_Pick]) -> set[str]:
    return {p.ex.slug for p in picks}


def _why(ex: Exercise, wanted: list[str], request: PlanRequest, tag: str) -> str:
    parts = []
    hit = [a for a in ex.areas if a in wanted]
    if hit:
        parts.append("covers " + ", ".join(_label(a) for a in hit))
    else:
        parts.append("works " + ", ".join(_label(a) for a in ex.areas))
    if tag == "again":
        parts.append("repeated to use the time well")
    rating = request.ratings.get(ex.slug)
    if rating is not None:
        parts.append(f"you rated it {rating:.1f}/5")
    routine = request.favoured.get(ex.slug)
    if routine is not None:
        parts.append(
            f"in your own log, next-day pain was clearly lower on days with “{routine}”, "
            "which has it (a pattern, not proof)"
        )
    if ex.slug in request.recently_used:
        parts.append("used recently, but it fits best")
    elif request.recently_used:
        parts.append("not done lately, for variety")
    parts.append(f"{ex.position}" + ("" if ex.equipment == "none" else f", needs a {ex.equipment}"))
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _slug(request: PlanRequest) -> str:
    areas = "-".join(request.areas[:3]) or "any"
    return f"plan-{request.budget_s // 60}m-{request.where}-{areas}"[:80].rstrip("-")


def _name(request: PlanRequest) -> str:
    areas = ", ".join(_label(a) for a in request.areas) or "all areas"
    return f"{request.minutes:g}-minute plan ({request.where}): {areas}"


def _label(area: str) -> str:
    return "neck and shoulders" if area == "neck-shoulders" else area.replace("-", " ")


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _nothing_fits_message(catalog: Catalog, request: PlanRequest) -> str:
    where = {"desk": "at a desk (no floor work)", "home": "at home", "anywhere": "standing"}
    areas = ", ".join(request.areas) or "any area"
    pain = f", avoiding {', '.join(request.recent_pain)}" if request.recent_pain else ""
    hint = "try --where home"
    if request.where == "home":
        # At home only the equipment named (or the pain) can have ruled everything out.
        wanted = set(request.areas)
        needed = sorted(
            {
                e.equipment
                for e in catalog.exercises.values()
                if e.position in allowed_positions(request.where)
                and (not wanted or wanted & set(e.areas))
                and e.equipment not in allowed_equipment(request)
            }
        )
        hint = f"try adding {' or '.join(needed)} to the equipment" if needed else "try other areas"
    return f"no exercise for {areas} can be done {where[request.where]}{pain}: {hint}"
