"""Import, show, export a physio's programme and track adherence to it."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pydantic
from sqlalchemy import select

from runback.core.catalog import Catalog, Exercise
from runback.core.programme import (
    Prescribed,
    Programme,
    WeekAdherence,
    programme_routine_slug,
    to_routine,
    to_toml,
    week_adherence,
)
from runback.errors import NotFoundError, ValidationError
from runback.services.store import Store
from runback.services.toml_locate import Loc, TomlLocator
from runback.storage.models import ProgrammeRow, SessionRow

__all__ = [
    "MAX_PROGRAMME_BYTES",
    "StoredProgramme",
    "active_programme",
    "adherence",
    "done_per_day",
    "export_programme",
    "import_programme",
    "import_programme_bytes",
    "parse_programme",
    "programme_text",
    "read_programme_file",
]

MAX_PROGRAMME_BYTES = 256 * 1024
_LIST_HINT = "see `runback routine list --exercises`, or describe it in an [[exercises]] table"


@dataclass(frozen=True)
class StoredProgramme:
    """The user's imported programme and when it was imported."""

    id: int
    programme: Programme
    imported_at: datetime
    active: bool


def _catalog(catalog: Catalog | None) -> Catalog:
    if catalog is not None:
        return catalog
    from runback.services.catalog import load_builtin

    return load_builtin()


def read_programme_file(path: Path) -> str:
    """Return a programme file's text, refusing missing, huge or non-UTF-8 files."""
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file")
    if path.stat().st_size > MAX_PROGRAMME_BYTES:
        raise ValidationError(str(path), [f"larger than {MAX_PROGRAMME_BYTES // 1024} KiB"])
    return programme_text(path.read_bytes(), str(path))


def programme_text(data: bytes, source: str) -> str:
    """Return a programme file's text from its bytes (read or uploaded); refuse huge, non-UTF-8."""
    if len(data) > MAX_PROGRAMME_BYTES:
        raise ValidationError(source, [f"larger than {MAX_PROGRAMME_BYTES // 1024} KiB"])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(source, ["not UTF-8 text; save it as UTF-8"]) from None
    # As reading the file as text does: every line ending becomes "\n".
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_programme(text: str, source: str, catalog: Catalog | None = None) -> Programme:
    """Parse and validate a programme file; raise ValidationError naming each line and fix."""
    catalog = _catalog(catalog)
    name = Path(source).name
    from runback.importers.tomlsafe import load_toml

    try:
        data = load_toml(text, source)  # in the sandbox: a programme file is untrusted
    except tomllib.TOMLDecodeError as exc:
        msg, line = str(exc), 1
        if "(at line " in msg:
            line = int(msg.rsplit("(at line ", 1)[1].split(",", 1)[0].rstrip(")"))
            msg = msg.rsplit(" (at line ", 1)[0]
        elif "(at end of document)" in msg:
            line, msg = text.count("\n") + 1, msg.replace(" (at end of document)", "")
        raise ValidationError(
            source, [f"{name} line {line}: TOML syntax error: {msg}; check quotes and brackets"]
        ) from None
    where = TomlLocator(text)
    problems: list[tuple[int, str]] = []

    def at(loc: Loc, message: str) -> None:
        line = where.line_of(loc) or 1
        problems.append((line, f"{name} line {line}: {message}"))

    version = data.get("format", 1)
    if version != 1:
        at(("format",), f"format {version!r} is not supported; this runback reads format = 1")
        data = {**data, "format": 1}
    own: set[str] = set()
    for i, ex in enumerate(data.get("exercises") or []):
        slug = ex.get("slug") if isinstance(ex, dict) else None
        if isinstance(slug, str) and slug in own:
            at(
                ("exercises", i, "slug"),
                f"exercises[{i}].slug {slug!r} is defined twice; rename or remove one",
            )
        if isinstance(slug, str) and slug in catalog.exercises:
            at(
                ("exercises", i, "slug"),
                f"exercises[{i}].slug {slug!r} is already a catalog exercise; use it in "
                "[[prescription]] directly, or rename this one",
            )
        if isinstance(slug, str):
            own.add(slug)
    known = sorted(own | set(catalog.exercises))
    for i, item in enumerate(data.get("prescription") or []):
        slug = item.get("exercise") if isinstance(item, dict) else None
        if isinstance(slug, str) and slug not in known:
            close = difflib.get_close_matches(slug, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            at(
                ("prescription", i, "exercise"),
                f"prescription[{i}].exercise {slug!r} is not in the catalog; {hint}{_LIST_HINT}",
            )
    programme = None
    try:
        programme = Programme.model_validate(data)
    except pydantic.ValidationError as exc:
        for err in exc.errors():
            if "defined twice" in str(err.get("msg")):
                continue  # reported above, at the second definition
            loc = tuple(err["loc"])
            if not loc and "review date" in str(err.get("msg")):
                loc = ("review",)
            at(loc, _explain(err))
    if problems or programme is None:
        raise ValidationError(source, [p for _, p in sorted(problems, key=lambda p: p[0])])
    return programme


def _explain(err: Any) -> str:
    """Turn one pydantic error into "<field> <what is wrong>; <what to do>"."""
    loc: Loc = tuple(err["loc"])
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    path = path or "the file"
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    model: type[pydantic.BaseModel] = Programme
    if "prescription" in loc[:-1]:
        model = Prescribed
    elif "exercises" in loc[:-1]:
        model = Exercise
    if kind == "missing":
        return f"{path} is missing; add {field} = ..."
    if kind == "extra_forbidden":
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
        return f"{path}: unknown field {field!r}; {hint}"
    if kind in ("greater_than_equal", "less_than_equal"):
        info = model.model_fields.get(field)
        lo = hi = None
        for meta in info.metadata if info else []:
            lo, hi = getattr(meta, "ge", lo), getattr(meta, "le", hi)
        unit = " seconds" if field.endswith("_s") else ""
        return f"{path} is {value!r}; use a whole number from {lo} to {hi}{unit}"
    if kind == "literal_error":
        return f"{path} is {value!r}; use one of {ctx.get('expected')}"
    if kind.startswith("date"):
        return f"{path} is {value!r}; write a date like {field} = 2026-01-05 (no quotes)"
    if kind == "too_short" and field == "prescription":
        return f"{path} is empty; add at least one [[prescription]] table"
    if kind == "string_pattern_mismatch":
        return f"{path} {value!r} is not a slug; use lowercase letters, digits and hyphens"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg")))
    return f"{path}: {err.get('msg')}"


def import_programme_bytes(
    store: Store, data: bytes, source: str, *, user_id: int
) -> StoredProgramme:
    """Import a programme file's bytes (an upload named `source`) as importing the file would."""
    return import_programme(store, programme_text(data, source), source, user_id=user_id)


def import_programme(
    store: Store, text: str, source: str, catalog: Catalog | None = None, *, user_id: int
) -> StoredProgramme:
    """Validate and store a programme as the active one; earlier programmes are kept inactive."""
    # Imported here: Today reads the active programme, only an import writes its routine.
    from runback.services.routines import upsert_routine

    catalog = _catalog(catalog)
    programme = parse_programme(text, source, catalog)
    routine = to_routine(programme, catalog)
    now = store.clock.now()
    with store.tx() as s:
        for old in s.scalars(select(ProgrammeRow).where(ProgrammeRow.user_id == user_id)):
            old.active = False
        row = ProgrammeRow(
            user_id=user_id,
            name=programme.name,
            active=True,
            body=programme.model_dump(mode="json"),
            imported_at=now,
        )
        s.add(row)
        # Store the programme as a routine too, so every player (CLI, web) can run it.
        upsert_routine(
            s, routine.model_copy(update={"origin": "physio"}), now, True, user_id=user_id
        )
        s.flush()
        return StoredProgramme(row.id, programme, now, True)


def active_programme(store: Store, *, user_id: int) -> StoredProgramme | None:
    """Return the user's active programme, or None."""
    query = (
        select(ProgrammeRow)
        .where(ProgrammeRow.user_id == user_id, ProgrammeRow.active.is_(True))
        .order_by(ProgrammeRow.imported_at.desc(), ProgrammeRow.id.desc())
    )
    with store.factory() as s:
        row = s.scalars(query).first()
        if row is None:
            return None
        return StoredProgramme(
            row.id, Programme.model_validate(row.body), row.imported_at, row.active
        )


def export_programme(store: Store, *, user_id: int) -> str:
    """Return the active programme as a programme file."""
    stored = active_programme(store, user_id=user_id)
    if stored is None:
        raise NotFoundError("no programme imported; use `runback programme import FILE`")
    return to_toml(stored.programme)


def done_per_day(
    store: Store, programme: Programme, first: date, last: date, zone: str, *, user_id: int
) -> dict[date, int]:
    """Return completed programme sessions per local day in [first, last]."""
    from runback.core.timezones import day_bounds_utc, local_date

    since, _ = day_bounds_utc(first, zone)
    _, until = day_bounds_utc(last, zone)
    query = select(SessionRow.started_at).where(
        SessionRow.user_id == user_id,
        SessionRow.routine_slug == programme_routine_slug(programme),
        SessionRow.completed.is_(True),
        SessionRow.started_at >= since,
        SessionRow.started_at < until,
    )
    out: dict[date, int] = {}
    with store.factory() as s:
        for started in s.scalars(query):
            day = local_date(started, zone)
            out[day] = out.get(day, 0) + 1
    return out


def adherence(
    store: Store, weeks: int = 1, *, user_id: int
) -> tuple[Programme, list[WeekAdherence]]:
    """Return the active programme and its adherence for the last `weeks` weeks, oldest first."""
    from runback.core.timezones import local_date

    stored = active_programme(store, user_id=user_id)
    if stored is None:
        raise NotFoundError("no programme imported; use `runback programme import FILE`")
    zone = store.user_zone(user_id=user_id)
    today = local_date(store.clock.now(), zone)
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    counts = done_per_day(store, stored.programme, first, today, zone, user_id=user_id)
    out = []
    for n in range(weeks):
        monday = first + timedelta(weeks=n)
        out.append(week_adherence(stored.programme, monday, counts))
    return stored.programme, out
