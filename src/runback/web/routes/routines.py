"""Routines: browse the catalog by area and position, build or edit a routine, import a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.core.catalog import Exercise, Routine
from runback.core.vocab import AREAS
from runback.errors import InUseError, ValidationError
from runback.services.catalog import MAX_ROUTINE_BYTES, load_builtin
from runback.services.routines import (
    ImportResult,
    RoutineSummary,
    delete_routine,
    export_routine,
    get_routine,
    import_routine_bytes,
    list_routines,
    routine_uses,
    save_routine,
    user_catalog,
)
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import CsrfDep, StoreDep, UserDep
from runback.web.routes._care import exercise_care
from runback.web.routes._helpers import page
from runback.web.routes._routine_rows import (
    MAX_ROWS,
    UnknownAction,
    apply_action,
    form_rows,
    rows_to_steps,
)

__all__ = ["RoutineIn", "import_upload", "router"]

router = APIRouter()

POSITIONS = ("standing", "seated", "floor")
SIDES = ("", "none", "both", "alternate")
# One empty row to type into; "Add a step" makes more.
BLANK_ROWS = 1


class RoutineIn(BaseModel):
    """A routine to create or replace: steps use built-in exercises (or the routine's own)."""

    name: str
    slug: str | None = None
    description: str = ""
    steps: list[dict[str, Any]] = Field(
        description="each {exercise, hold_s?, reps?, sides?, rest_s?, note?}",
        examples=[[{"exercise": "cat-cow", "hold_s": 30}]],
    )


def _save(
    store: Store, user_id: int, body: RoutineIn, *, replace_slug: str | None = None
) -> Routine:
    return save_routine(
        store,
        body.name,
        body.steps,
        slug=body.slug,
        description=body.description,
        replace_slug=replace_slug,
        user_id=user_id,
    )


def import_upload(store: Store, user_id: int, upload: UploadFile, *, replace: bool) -> ImportResult:
    """Import an uploaded routine file exactly as `runback routine import FILE` would."""
    name = Path(upload.filename or "routine.toml").name or "routine.toml"
    data = upload.file.read(MAX_ROUTINE_BYTES + 1)
    return import_routine_bytes(store, data, name, replace=replace, user_id=user_id)


def _exercises(area: str | None, position: str | None) -> list[Exercise]:
    out = [
        e
        for e in load_builtin().exercises.values()
        if (not area or area in e.areas) and (not position or e.position == position)
    ]
    return sorted(out, key=lambda e: e.name.lower())


def _steps_form(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*steps, *({} for _ in range(BLANK_ROWS))]


def _form_page(
    request: Request,
    *,
    routine: dict[str, Any],
    editing: str | None,
    errors: list[str] | None = None,
    status: int = 200,
    rows: list[dict[str, Any]] | None = None,
    focus: int | None = None,
    notice: str = "",
) -> HTMLResponse:
    # `rows` (after a row button) are shown exactly as typed; otherwise blank rows are added.
    return page(
        request,
        "routine_form.html",
        {
            "routine": routine,
            "rows": rows if rows is not None else _steps_form(routine.get("steps", [])),
            "focus": focus,
            "notice": notice,
            "max_rows": MAX_ROWS,
            "editing": editing,
            "errors": errors or [],
            "exercises": sorted(load_builtin().exercises.values(), key=lambda e: e.name.lower()),
            "sides": SIDES,
        },
        status,
    )


# ---- pages ---------------------------------------------------------------------------------


@router.get("/routines", response_class=HTMLResponse)
def routines_page(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    area: str | None = None,
    position: str | None = None,
) -> HTMLResponse:
    """Show the routines and the exercise catalog, filtered by body area and position."""
    area = area if area in AREAS else None
    position = position if position in POSITIONS else None
    return page(
        request,
        "routines.html",
        {
            "routines": list_routines(store, user_id=user_id),
            "exercises": _exercises(area, position),
            "areas": AREAS,
            "positions": POSITIONS,
            "area": area,
            "position": position,
        },
    )


@router.get("/routines/new", response_class=HTMLResponse)
def routine_new(
    request: Request, store: StoreDep, user_id: UserDep, copy: str = ""
) -> HTMLResponse:
    """Show an empty routine form, or a copy of a routine to change."""
    routine: dict[str, Any] = {"name": "", "slug": "", "description": "", "steps": []}
    if copy:
        src = get_routine(store, copy, user_id=user_id)
        routine = {
            "name": f"My {src.name}",
            "slug": f"my-{src.slug}"[:80],
            "description": src.description,
            "steps": [s.model_dump(exclude_defaults=True) for s in src.steps],
        }
    return _form_page(request, routine=routine, editing=None)


@router.get("/routines/{slug}/edit", response_class=HTMLResponse)
def routine_edit(request: Request, slug: str, store: StoreDep, user_id: UserDep) -> Response:
    """Show the form for one of the user's routines (built-ins open as a copy)."""
    routine = get_routine(store, slug, user_id=user_id)
    if routine.origin == "builtin":
        return RedirectResponse(f"/routines/new?copy={slug}", status_code=303)
    data = routine.model_dump(mode="json", exclude_defaults=False)
    data["steps"] = [s.model_dump(exclude_defaults=True) for s in routine.steps]
    return _form_page(request, routine=data, editing=slug)


@router.post("/routines/save", response_class=HTMLResponse)
def routine_save(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    name: Annotated[str, Form()] = "",
    slug: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    editing: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "",
    step_exercise: Annotated[list[str] | None, Form()] = None,
    step_hold_s: Annotated[list[str] | None, Form()] = None,
    step_reps: Annotated[list[str] | None, Form()] = None,
    step_sides: Annotated[list[str] | None, Form()] = None,
    step_rest_s: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the routine from the form, or apply a row button (add/move/remove) without saving."""
    rows = form_rows(
        {
            "exercise": step_exercise or [],
            "hold_s": step_hold_s or [],
            "reps": step_reps or [],
            "sides": step_sides or [],
            "rest_s": step_rest_s or [],
        }
    )
    steps = rows_to_steps(rows)
    form = {"name": name, "slug": slug, "description": description, "steps": steps}
    if action not in ("", "save"):
        try:
            change = apply_action(rows, action)
        except UnknownAction:
            problem = f"The button {action[:40]!r} is not known; nothing was changed or saved."
            return _form_page(
                request,
                routine=form,
                editing=editing or None,
                rows=rows or None,
                errors=[problem],
                status=400,
            )
        return _form_page(
            request,
            routine=form,
            editing=editing or None,
            rows=change.rows,
            focus=change.focus,
            notice=change.message,
        )
    body = RoutineIn(
        name=name.strip(), slug=slug.strip() or None, description=description.strip(), steps=steps
    )
    try:
        routine = _save(store, user_id, body, replace_slug=editing or None)
    except ValidationError as exc:
        return _form_page(
            request, routine=form, editing=editing or None, errors=exc.problems, status=422
        )
    return RedirectResponse(f"/routines/{routine.slug}?saved=1", status_code=303)


@router.post("/routines/import", response_class=HTMLResponse)
def routine_import(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    file: Annotated[UploadFile, File()],
    replace: Annotated[bool, Form()] = False,
) -> Response:
    """Import a routine file; show every problem in it when it is refused."""
    try:
        result = import_upload(store, user_id, file, replace=replace)
    except ValidationError as exc:
        return page(
            request,
            "routine_import_error.html",
            {"source": exc.source, "problems": exc.problems},
            422,
        )
    return RedirectResponse(
        f"/routines/{result.routine.slug}?imported={result.action}", status_code=303
    )


@router.get("/routines/{slug}.toml", response_class=PlainTextResponse)
def routine_export(slug: str, store: StoreDep, user_id: UserDep) -> PlainTextResponse:
    """Download a routine as a TOML file that import accepts back."""
    return PlainTextResponse(
        export_routine(store, slug, user_id=user_id),
        media_type="application/toml",
        headers={"content-disposition": f'attachment; filename="{slug}.toml"'},
    )


@router.post("/routines/{slug}/delete", response_model=None)
def routine_delete(
    request: Request,
    slug: str,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    reassign_to: Annotated[str, Form()] = "",
) -> Response:
    """Delete one of the user's routines, first giving its slots another one if asked."""
    try:
        delete_routine(store, slug, reassign_to=reassign_to or None, user_id=user_id)
    except InUseError as exc:
        return _routine_page(request, store, user_id, slug, refused=str(exc), status_code=409)
    return RedirectResponse("/routines", status_code=303)


def _routine_page(
    request: Request,
    store: Store,
    user_id: int,
    slug: str,
    *,
    saved: bool = False,
    imported: str = "",
    refused: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    catalog = user_catalog(store, user_id=user_id)
    routine = get_routine(store, slug, user_id=user_id)
    uses = routine_uses(store, slug, user_id=user_id) if refused else []
    steps = catalog.resolve(routine)
    return page(
        request,
        "routine.html",
        {
            "routine": routine,
            "steps": steps,
            **exercise_care(store, [s.exercise for s in steps], user_id=user_id),
            "duration_s": catalog.duration_s(routine),
            "saved": saved,
            "imported": imported,
            "refused": refused,
            # Only slots can move to another routine; a programme keeps its own.
            "can_reassign": bool(uses) and all(u.endswith(" slot") for u in uses),
            "others": [r for r in list_routines(store, user_id=user_id) if r.slug != slug],
        },
        status_code,
    )


@router.get("/routines/{slug}", response_class=HTMLResponse)
def routine_page(
    request: Request,
    slug: str,
    store: StoreDep,
    user_id: UserDep,
    saved: str = "",
    imported: str = "",
) -> HTMLResponse:
    """Show a routine's steps with links to start, edit, export or delete it."""
    return _routine_page(request, store, user_id, slug, saved=bool(saved), imported=imported)


# ---- JSON ----------------------------------------------------------------------------------


@router.get(f"{API}/routines")
def api_routines(store: StoreDep, user_id: UserDep) -> list[RoutineSummary]:
    """Return the built-in routines, then the user's own."""
    return list_routines(store, user_id=user_id)


@router.get(f"{API}/routines/{{slug}}")
def api_routine(slug: str, store: StoreDep, user_id: UserDep) -> Routine:
    """Return one routine."""
    return get_routine(store, slug, user_id=user_id)


@router.get(f"{API}/exercises")
def api_exercises(
    area: Annotated[str | None, Query(description=f"one of {', '.join(AREAS)}")] = None,
    position: Annotated[str | None, Query(description="standing, seated or floor")] = None,
) -> list[Exercise]:
    """Return the built-in exercises, filtered by body area and position."""
    return _exercises(area, position)


@router.post(f"{API}/routines", status_code=201)
def api_create(body: RoutineIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> Routine:
    """Create a routine from built-in exercises."""
    return _save(store, user_id, body)


@router.put(f"{API}/routines/{{slug}}")
def api_replace(
    slug: str, body: RoutineIn, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Routine:
    """Replace the name, description and steps of one of the user's routines."""
    return _save(store, user_id, body, replace_slug=slug)


@router.post(f"{API}/routines/import")
def api_import(
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    file: Annotated[UploadFile, File()],
    replace: Annotated[bool, Form()] = False,
) -> ImportResult:
    """Import a routine TOML file (422 lists every problem with its line)."""
    return import_upload(store, user_id, file, replace=replace)


@router.delete(f"{API}/routines/{{slug}}", status_code=204)
def api_delete(slug: str, store: StoreDep, user_id: UserDep, _: CsrfDep) -> None:
    """Delete one of the user's routines."""
    delete_routine(store, slug, user_id=user_id)
