"""The player: the page that plays a routine, and the routine's timed phases it plays.

The browser runs the countdown; the server keeps the session (routes/sessions.py, which the
player logs through). Progress carries the same snapshot as core/engine.py (`phase_index`,
`remaining_s`, `paused`, `done_steps`, `skipped_steps`), stored in the session's `state`, so
reloading the page resumes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from runback.core.catalog import Catalog, ResolvedStep, Routine
from runback.core.phases import CUE_EVERY_S, Phase, expand
from runback.core.vocab import Context
from runback.services.concerns import open_concern
from runback.services.figures import figure_for
from runback.services.player import resolve_for_player
from runback.services.profile import exercise_flags
from runback.services.routines import list_routines, user_catalog
from runback.services.sessions import (
    SessionPublic,
    list_sessions,
)
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import StoreDep, UserDep
from runback.web.figures import figure_payload
from runback.web.routes._care import exercise_care
from runback.web.routes._helpers import page

__all__ = [
    "PhaseOut",
    "PlayerOut",
    "Snapshot",
    "open_session",
    "player_data",
    "resolve_routine",
    "router",
]

router = APIRouter()

# A session left open longer than this is not offered for resuming (it stays partial).
RESUME_WINDOW = timedelta(hours=12)
MAX_SPEED = 1000.0

ContextName = Context


class PhaseOut(BaseModel):
    """One timed phase of a routine as the player shows it."""

    index: int
    kind: Literal["setup", "hold", "transition", "rest"]
    step: int = Field(description="index of the routine step this phase belongs to")
    exercise: str
    name: str
    title: str = Field(description="what to do now: Get ready, Hold, Switch sides, Again, Rest")
    side: str | None
    rep: int
    reps: int
    duration_s: float
    cue: str
    last_hold: bool
    figure: dict[str, Any] | None = Field(
        default=None,
        description=(
            "the exercise's figure for this phase, mirrored on the second side, or null: "
            '{"view": "side"|"front", "mirror": bool, "this_side": "l"|"r"|"none", '
            '"parts": [segment name, ...], "head": index of the head segment (a circle on it), '
            '"poses": [[[x1, y1, x2, y2] per part] per key pose], '
            '"props": [[kind, x, y, w, h], ...]}; body heights, y up from the floor at 0; '
            "interpolate the poses evenly over the phase (see web/figures.figure_payload)"
        ),
    )
    note: str = Field(default="", description="the routine step's note, shown all through it")
    instructions: list[str] = Field(default_factory=list, description="the full how-to")
    cues: list[str] = Field(default_factory=list, description="cues the hold rotates through")
    cautions: list[str] = Field(default_factory=list)
    side_text: str = Field(default="", description="the side in words, e.g. 'left knee up'")
    next_side: str | None = Field(default=None, description="on a switch: the side that follows")
    new_exercise: bool = Field(
        default=False, description="the first time the user does it: a longer get-ready"
    )


class Snapshot(BaseModel):
    """Where the player is (the engine's snapshot), stored so a reload resumes."""

    phase_index: int = Field(ge=0)
    remaining_s: float = Field(ge=0)
    paused: bool = False
    done_steps: list[int] = Field(default_factory=list)
    skipped_steps: list[int] = Field(default_factory=list)


class PlayerOut(BaseModel):
    """Everything the player needs for one routine, and the session to resume if any."""

    routine: Routine
    steps_total: int
    duration_s: int
    phases: list[PhaseOut]
    session: SessionPublic | None


def resolve_routine(store: Store, user_id: int, slug: str) -> tuple[Catalog, Routine]:
    """Return the user's catalog and one routine from it (NotFoundError names close slugs)."""
    from runback.services.routines import get_routine

    routine = get_routine(store, slug, user_id=user_id)
    return user_catalog(store, user_id=user_id), routine


def _title(phase: Phase) -> str:
    if phase.kind == "setup":
        return "Get ready"
    if phase.kind == "rest":
        return "Rest"
    if phase.kind == "transition":
        return "Switch sides" if phase.text == "switch sides" else "Again"
    verb = "Move" if phase.exercise.kind == "movement" else "Hold"
    return verb if phase.reps == 1 else f"{verb} · rep {phase.rep} of {phase.reps}"


def _cue(phase: Phase) -> str:
    ex = phase.exercise
    if phase.kind == "setup":
        return ex.instructions[0]
    if phase.kind == "hold" and ex.cues:
        # Rotate cues through the holds so a long step does not repeat one line.
        return ex.cues[(phase.rep - 1) % len(ex.cues)]
    return ex.summary if phase.kind == "hold" else ""


def _figure(phase: Phase) -> dict[str, Any] | None:
    fig = figure_for(phase.exercise.slug)
    if fig is None:
        return None
    labels = phase.exercise.side_labels
    second = phase.side is not None and len(labels) > 1 and phase.side == labels[1]
    return figure_payload(fig, side="right" if second else "left")


def side_text(phase: Phase) -> str:
    """Return the side in words: "left knee up" for a stretch whose sides are limbs."""
    if phase.side is None:
        return ""
    # The catalog's side labels say the limb ("left knee up"); the bare default gets "side".
    if phase.exercise.side_labels == ("left", "right"):
        return f"{phase.side} side"
    return phase.side


def phases_out(
    steps: list[ResolvedStep],
    *,
    new_slugs: frozenset[str] = frozenset(),
    flags: Mapping[str, str] | None = None,
) -> list[PhaseOut]:
    """Return the routine's timed phases for the player (new_slugs: exercises never done).

    flags: a "check with your physio first" line per exercise, shown first among its cautions.
    """
    flags = flags or {}
    expanded = expand(steps)
    seen: set[str] = set()
    out: list[PhaseOut] = []
    for i, p in enumerate(expanded):
        ex = p.exercise
        new = p.kind == "setup" and ex.slug in new_slugs and ex.slug not in seen
        if p.kind == "setup":
            seen.add(ex.slug)
        nxt = expanded[i + 1] if i + 1 < len(expanded) else None
        out.append(
            PhaseOut(
                index=i,
                kind=p.kind,
                step=p.step_index,
                exercise=ex.slug,
                name=ex.name,
                title=_title(p),
                side=p.side,
                rep=p.rep,
                reps=p.reps,
                cue=_cue(p),
                last_hold=p.last_hold,
                note=p.note,
                instructions=list(ex.instructions),
                cues=list(ex.cues),
                cautions=([flags[ex.slug]] if ex.slug in flags else []) + list(ex.cautions),
                side_text=side_text(p),
                next_side=side_text(nxt) if p.kind == "transition" and nxt is not None else None,
                new_exercise=new,
                duration_s=p.duration_s,
                figure=_figure(p),
            )
        )
    return out


def open_session(store: Store, user_id: int, slug: str) -> SessionPublic | None:
    """Return the latest unfinished session of this routine that can be resumed, if any."""
    since = store.clock.now() - RESUME_WINDOW
    open_ = [
        s
        for s in list_sessions(store, since=since, user_id=user_id)
        if s.routine_slug == slug and s.ended_at is None and s.state is not None
    ]
    return open_[-1] if open_ else None


def player_data(store: Store, user_id: int, slug: str) -> PlayerOut:
    """Return the phases of a routine and the session to resume."""
    catalog, routine = resolve_routine(store, user_id, slug)
    return _player_out(store, user_id, catalog, routine)


def _player_out(store: Store, user_id: int, catalog: Catalog, routine: Routine) -> PlayerOut:
    steps, new = resolve_for_player(store, catalog, routine, user_id=user_id)
    flags = exercise_flags(store, [s.exercise for s in steps], user_id=user_id)
    phases = phases_out(steps, new_slugs=new, flags=flags)
    return PlayerOut(
        routine=routine,
        steps_total=len(steps),
        duration_s=sum(s.duration_s() for s in steps),
        phases=phases,
        session=open_session(store, user_id, routine.slug),
    )


# ---- pages ---------------------------------------------------------------------------------


@router.get("/player", response_class=HTMLResponse)
def player_index(request: Request, store: StoreDep, user_id: UserDep) -> HTMLResponse:
    """Show the routines to start a session with."""
    routines = list_routines(store, user_id=user_id)
    return page(request, "player_index.html", {"routines": routines})


@router.get("/player/{slug}", response_class=HTMLResponse)
def player_page(
    request: Request,
    slug: str,
    store: StoreDep,
    user_id: UserDep,
    speed: Annotated[float, Query(gt=0, le=MAX_SPEED)] = 1.0,
    context: ContextName | None = None,
) -> HTMLResponse:
    """Show the player for a routine (speed > 1 runs the clock faster, for tests and demos)."""
    catalog, routine = resolve_routine(store, user_id, slug)
    data = _player_out(store, user_id, catalog, routine)
    steps = resolve_for_player(store, catalog, routine, user_id=user_id)[0]
    care = exercise_care(store, [s.exercise for s in steps], user_id=user_id)
    client = {
        **data.model_dump(mode="json", include={"steps_total", "phases", "session"}),
        "routine": {"slug": routine.slug, "name": routine.name},
        "speed": speed,
        "cue_every_s": CUE_EVERY_S,
        "context": context,
        "api": API,
    }
    return page(
        request,
        "player.html",
        {
            "data": data,
            "steps": steps,
            "client": client,
            **care,
            "speed": speed,
            # An open warning sign stays on show here too (services.concerns).
            "concern": open_concern(store, user_id=user_id),
        },
    )


# ---- JSON ----------------------------------------------------------------------------------


@router.get(f"{API}/routines/{{slug}}/player")
def api_player(slug: str, store: StoreDep, user_id: UserDep) -> PlayerOut:
    """Return a routine's timed phases and the unfinished session to resume, if any."""
    return player_data(store, user_id, slug)
