"""Routine use cases: list, show, create, replace, import, export, delete (for CLI and web)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from runback.core import toml_write
from runback.core.catalog import Catalog, Exercise, Routine, RoutineStep
from runback.core.desk_break import DESK_BREAK, brief, dose
from runback.core.model import Model
from runback.errors import InUseError, NotFoundError, RunbackError, ValidationError
from runback.services.catalog import (
    load_builtin,
    parse_routine,
    read_routine_file,
    routine_text,
    validate_routine,
)
from runback.services.store import Store
from runback.services.toml_locate import TomlLocator
from runback.storage.models import RoutineRow

__all__ = [
    "ImportResult",
    "RoutineSummary",
    "check_deletable",
    "create_routine",
    "delete_routine",
    "desk_break",
    "desk_break_brief",
    "export_routine",
    "get_routine",
    "import_routine",
    "import_routine_bytes",
    "import_routine_text",
    "list_routines",
    "routine_name",
    "routine_to_toml",
    "routine_uses",
    "save_routine",
    "slugify",
    "upsert_routine",
    "user_catalog",
]


class RoutineSummary(Model):
    """One line of the routine list."""

    slug: str
    name: str
    description: str
    origin: str
    builtin: bool
    steps: int
    duration_s: int
    # The steps' exercise slugs, in order (for the figure strip).
    exercises: list[str] = Field(default=[])


class ImportResult(Model):
    """What an import did."""

    routine: Routine
    action: Literal["created", "replaced"]
    duration_s: int


def _user_routines(session: Session, user_id: int) -> list[Routine]:
    rows = session.scalars(
        select(RoutineRow).where(RoutineRow.user_id == user_id).order_by(RoutineRow.name)
    )
    out = []
    for row in rows:
        try:
            out.append(Routine.model_validate(row.body))
        except ValueError:
            # Bodies are validated before they are stored; one that no longer fits the model
            # (an older format) is hidden rather than breaking every listing.
            continue
    return out


def user_catalog(store: Store, *, user_id: int) -> Catalog:
    """Return the built-in catalog plus the user's routines and their inline exercises."""
    builtin = load_builtin()
    with store.factory() as session:
        mine = _user_routines(session, user_id)
    exercises: dict[str, Exercise] = dict(builtin.exercises)
    for routine in mine:
        for ex in routine.exercises:
            exercises.setdefault(ex.slug, ex)  # built-ins always win; first user one next
    ours = [_for_user(store, r, user_id) for r in builtin.routines.values()]
    routines = [*ours, *(r for r in mine if r.slug not in builtin.routines)]
    return Catalog(list(exercises.values()), routines)


def _for_user(store: Store, routine: Routine, user_id: int) -> Routine:
    """Return a built-in routine as this user gets it: the Desk break dosed to their breaks."""
    if routine.slug != DESK_BREAK:
        return routine
    from runback.services.breaks import get_prefs

    try:
        break_min = get_prefs(store, user_id=user_id).break_min
    except RunbackError:
        return routine  # no such user, or settings that no longer validate: the routine as built
    return dose(routine, break_min)


def desk_break(store: Store, *, user_id: int) -> Routine:
    """Return the Desk break routine with its walk scaled to the user's break length."""
    return user_catalog(store, user_id=user_id).routines[DESK_BREAK]


def desk_break_brief(store: Store, *, user_id: int) -> str:
    """Return what the user's Desk break asks for, in one line (the reminder's text)."""
    catalog = user_catalog(store, user_id=user_id)
    routine = catalog.routines[DESK_BREAK]
    return brief(routine, catalog.resolve(routine))


def _summary(catalog: Catalog, routine: Routine) -> RoutineSummary:
    return RoutineSummary(
        slug=routine.slug,
        name=routine.name,
        description=routine.description,
        origin=routine.origin,
        builtin=routine.origin == "builtin",
        steps=len(routine.steps),
        duration_s=catalog.duration_s(routine),
        exercises=[s.exercise for s in routine.steps],
    )


def list_routines(store: Store, *, user_id: int) -> list[RoutineSummary]:
    """Return built-in routines, then the user's own, each with its full duration."""
    catalog = user_catalog(store, user_id=user_id)
    builtin = [r for r in catalog.routines.values() if r.origin == "builtin"]
    mine = [r for r in catalog.routines.values() if r.origin != "builtin"]
    ordered = sorted(builtin, key=lambda r: r.name.lower()) + sorted(
        mine, key=lambda r: r.name.lower()
    )
    return [_summary(catalog, r) for r in ordered]


def get_routine(store: Store, slug: str, *, user_id: int) -> Routine:
    """Return one routine (built-in or the user's own) by slug."""
    catalog = user_catalog(store, user_id=user_id)
    try:
        return catalog.routines[slug]
    except KeyError:
        close = difflib.get_close_matches(slug, list(catalog.routines), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise NotFoundError(f"no routine {slug!r}; {hint}(runback routine list)") from None


def routine_name(store: Store, slug: str, *, user_id: int) -> str:
    """Return a routine's display name (built-in or the user's own), or the slug if unknown."""
    builtin = load_builtin().routines.get(slug)
    if builtin is not None:
        return builtin.name
    with store.factory() as session:
        name = session.scalar(
            select(RoutineRow.name).where(RoutineRow.user_id == user_id, RoutineRow.slug == slug)
        )
    return name or slug


def upsert_routine(
    session: Session, routine: Routine, now: datetime, replace: bool, *, user_id: int
) -> Literal["created", "replaced", "exists"]:
    """Insert a validated routine, or update it when `replace`; "exists" means left alone."""
    body: dict[str, Any] = routine.model_dump(mode="json")
    row = session.scalars(
        select(RoutineRow).where(RoutineRow.user_id == user_id, RoutineRow.slug == routine.slug)
    ).one_or_none()
    if row is None:
        session.add(
            RoutineRow(
                user_id=user_id,
                slug=routine.slug,
                name=routine.name,
                origin=routine.origin,
                body=body,
                created_at=now,
                updated_at=now,
            )
        )
        return "created"
    if not replace:
        return "exists"
    row.name, row.origin, row.body, row.updated_at = routine.name, routine.origin, body, now
    return "replaced"


def _store_routine(
    store: Store, routine: Routine, source: str, slug_problem: str, replace: bool, user_id: int
) -> Literal["created", "replaced"]:
    """Insert or (with replace) update one validated routine in a single transaction."""
    with store.tx() as session:
        action = upsert_routine(session, routine, store.clock.now(), replace, user_id=user_id)
        if action == "exists":
            raise ValidationError(source, [slug_problem])
        return action


def import_routine_text(
    store: Store, text: str, source: str, *, replace: bool = False, user_id: int
) -> ImportResult:
    """Validate routine TOML fully, then store it; a bad file changes nothing."""
    catalog = load_builtin()
    routine = parse_routine(text, source, catalog)
    line = TomlLocator(text).line_of(("slug",)) or 1
    problem = (
        f"{Path(source).name} line {line}: you already have a routine {routine.slug!r}; "
        "import again with --replace to update it, or change its slug"
    )
    action = _store_routine(store, routine, source, problem, replace, user_id)
    return ImportResult(routine=routine, action=action, duration_s=catalog.duration_s(routine))


def import_routine(
    store: Store, path: Path, *, replace: bool = False, user_id: int
) -> ImportResult:
    """Import a routine TOML file (see docs/routine-format.md)."""
    text = read_routine_file(path)
    return import_routine_text(store, text, str(path), replace=replace, user_id=user_id)


def import_routine_bytes(
    store: Store, data: bytes, source: str, *, replace: bool = False, user_id: int
) -> ImportResult:
    """Import a routine file's bytes (an upload named `source`) as importing the file would."""
    text = routine_text(data, source)
    return import_routine_text(store, text, source, replace=replace, user_id=user_id)


def slugify(name: str) -> str:
    """Return a slug made from a name: lowercase words joined by hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80].strip("-")
    return slug or "my-routine"


def create_routine(
    store: Store,
    name: str,
    steps: Sequence[RoutineStep | Mapping[str, Any]],
    *,
    slug: str | None = None,
    description: str = "",
    user_id: int,
) -> Routine:
    """Create a user routine from built-in exercises; refuse an existing slug.

    Steps may be raw mappings (from a form or the command line) so that bad values are
    reported with the same messages as a bad file.
    """
    slug = slug or slugify(name)
    data: dict[str, Any] = {
        "slug": slug,
        "name": name,
        "description": description,
        "origin": "user",
        "steps": [
            s.model_dump(exclude_defaults=True) if isinstance(s, RoutineStep) else dict(s)
            for s in steps
        ],
    }
    source = "new routine"
    routine = validate_routine(data, source, load_builtin())
    problem = f"{source}: you already have a routine {slug!r}; choose another name or slug"
    _store_routine(store, routine, source, problem, False, user_id)
    return routine


def save_routine(
    store: Store,
    name: str,
    steps: Sequence[RoutineStep | Mapping[str, Any]],
    *,
    slug: str | None = None,
    description: str = "",
    replace_slug: str | None = None,
    user_id: int,
) -> Routine:
    """Create a routine, or (replace_slug) replace one of the user's own; built-ins stay."""
    if replace_slug is None:
        return create_routine(
            store, name, steps, slug=slug, description=description, user_id=user_id
        )
    old = get_routine(store, replace_slug, user_id=user_id)
    if old.origin == "builtin":
        raise ValidationError(
            "edited routine", [f"{replace_slug!r} is built-in: save your version under a new slug"]
        )
    data: dict[str, Any] = {
        "slug": replace_slug,
        "name": name,
        "description": description,
        "origin": old.origin,
        "steps": [
            s.model_dump(exclude_defaults=True) if isinstance(s, RoutineStep) else dict(s)
            for s in steps
        ],
        "exercises": [e.model_dump(mode="json") for e in old.exercises],
    }
    routine = validate_routine(data, "edited routine", load_builtin())
    # The import path stores with replace in one transaction, after the same validation.
    return import_routine_text(
        store, routine_to_toml(routine), "edited routine", replace=True, user_id=user_id
    ).routine


def export_routine(store: Store, slug: str, *, user_id: int) -> str:
    """Return a routine as TOML text that `import` accepts back."""
    return routine_to_toml(get_routine(store, slug, user_id=user_id))


def routine_uses(store: Store, slug: str, *, user_id: int) -> list[str]:
    """Return what uses a routine, in words: "Desk breaks slot", "your physio programme"."""
    from runback.core.programme import programme_routine_slug
    from runback.core.slots import slot_label
    from runback.services.programmes import active_programme
    from runback.services.slots import get_slots

    uses = [
        f"{slot_label(s.name)} slot" for s in get_slots(store, user_id=user_id) if s.routine == slug
    ]
    stored = active_programme(store, user_id=user_id)
    if stored is not None and programme_routine_slug(stored.programme) == slug:
        uses.append(f"your physio programme {stored.programme.name!r}")
    return uses


def check_deletable(store: Store, slug: str, *, user_id: int) -> None:
    """Raise unless the routine may go: built-ins and routines still in use stay."""
    if slug in load_builtin().routines:
        raise RunbackError(f"{slug!r} is a built-in routine and cannot be deleted")
    uses = routine_uses(store, slug, user_id=user_id)
    if not uses:
        return
    name = routine_name(store, slug, user_id=user_id)
    programme = [u for u in uses if u.startswith("your physio")]
    slots = [u.removesuffix(" slot") for u in uses if u not in programme]
    if slots:
        what = " and ".join(slots) + (" slots use" if len(slots) > 1 else " slot uses")
        them = "them" if len(slots) > 1 else "it"
        raise InUseError(f"{what} {name!r}: pick another routine for {them} first")
    raise InUseError(
        f"Y{programme[0][1:]} is played from {name!r}: it stays while that "
        "programme is active (import a new programme to replace it)"
    )


def delete_routine(
    store: Store, slug: str, *, user_id: int, reassign_to: str | None = None
) -> None:
    """Delete one of the user's routines; refuse built-ins and routines still in use.

    With `reassign_to`, the slots that use it get that routine first (the programme cannot).
    """
    if reassign_to is not None and reassign_to != slug:
        from runback.services.slots import get_slots, save_slots

        slots = get_slots(store, user_id=user_id)
        moved = [
            s.model_copy(update={"routine": reassign_to}) if s.routine == slug else s for s in slots
        ]
        if moved != slots:
            save_slots(store, moved, user_id=user_id)  # checks that the new routine exists
    check_deletable(store, slug, user_id=user_id)
    with store.tx() as session:
        row = session.scalars(
            select(RoutineRow).where(RoutineRow.user_id == user_id, RoutineRow.slug == slug)
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"no routine {slug!r} of yours; (runback routine list)")
        session.delete(row)


def routine_to_toml(routine: Routine) -> str:
    """Return the routine as TOML in the documented format."""
    comments = ["A runback routine (format: docs/routine-format.md)."]
    if routine.origin == "builtin":
        comments.append("Exported from a built-in routine: change the slug to import your version.")
    data: dict[str, Any] = {"slug": routine.slug, "name": routine.name}
    if routine.description:
        data["description"] = routine.description
    if routine.origin not in ("builtin", "user"):
        data["origin"] = routine.origin
    data["steps"] = [step.model_dump(exclude_defaults=True) for step in routine.steps]
    if routine.exercises:
        data["exercises"] = [
            ex.model_dump(mode="json", exclude_defaults=True) for ex in routine.exercises
        ]
    return toml_write.dumps(data, comments)
