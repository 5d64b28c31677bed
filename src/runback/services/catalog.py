"""Load the built-in catalog from package data and validate routine TOML files line by line."""

from __future__ import annotations

import difflib
import functools
import tomllib
from pathlib import Path
from typing import Any, NoReturn

import pydantic
from pydantic import BaseModel

from runback.core.catalog import Catalog, Exercise, Routine, RoutineStep
from runback.errors import NotFoundError, ValidationError
from runback.services.toml_locate import Loc, TomlLocator

__all__ = [
    "MAX_ROUTINE_BYTES",
    "load_builtin",
    "parse_routine",
    "read_routine_file",
    "routine_text",
    "validate_routine",
]

# A routine file is a few kilobytes; anything far bigger is a mistake (or worse).
MAX_ROUTINE_BYTES = 256 * 1024

_LIST_HINT = "(runback routine list --exercises)"
_EXAMPLES = {
    "slug": '"my-routine"',
    "name": '"My routine"',
    "exercise": '"cat-cow" (runback routine list --exercises)',
    "areas": '["lower-back"]',
    "position": '"standing"',
    "hold_s": "30",
    "summary": '"..."',
    "instructions": '["..."]',
}


@functools.cache
def load_builtin() -> Catalog:
    """Return the built-in exercises and routines, validated once per process."""
    from importlib.resources import files

    data = files("runback").joinpath("data")
    exercises: list[Exercise] = []
    seen: dict[str, str] = {}
    for res in sorted(data.joinpath("exercises").iterdir(), key=lambda r: r.name):
        if not res.name.endswith(".toml"):
            continue
        source = f"runback/data/exercises/{res.name}"
        for ex in _parse_exercise_file(res.read_text(encoding="utf-8"), source):
            if ex.slug in seen:
                raise ValidationError(
                    source, [f"exercise {ex.slug!r} is already defined in {seen[ex.slug]}"]
                )
            seen[ex.slug] = source
            exercises.append(ex)
    base = Catalog(exercises, [])
    routines: list[Routine] = []
    for res in sorted(data.joinpath("routines").iterdir(), key=lambda r: r.name):
        if not res.name.endswith(".toml"):
            continue
        source = f"runback/data/routines/{res.name}"
        routine = parse_routine(res.read_text(encoding="utf-8"), source, base, builtin=True)
        if routine.slug in base.routines:
            raise ValidationError(source, [f"routine {routine.slug!r} is defined twice"])
        base.routines[routine.slug] = routine
        routines.append(routine)
    return Catalog(exercises, routines)


def read_routine_file(path: Path) -> str:
    """Return a routine file's text, refusing missing, huge or non-UTF-8 files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file") from None
    if path.is_dir():
        raise ValidationError(str(path), [f"{path.name} is a folder; give a .toml file"])
    if size > MAX_ROUTINE_BYTES:
        raise ValidationError(
            str(path),
            [f"{path.name} is {size} bytes; a routine file must be under {MAX_ROUTINE_BYTES}"],
        )
    return routine_text(path.read_bytes(), str(path))


def routine_text(data: bytes, source: str) -> str:
    """Return a routine file's text from its bytes (read or uploaded); refuse huge or non-UTF-8."""
    name = Path(source).name
    if len(data) > MAX_ROUTINE_BYTES:
        raise ValidationError(
            source,
            [f"{name} is {len(data)} bytes; a routine file must be under {MAX_ROUTINE_BYTES}"],
        )
    try:
        # utf-8-sig: editors on Windows like to add a byte-order mark TOML does not allow.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            source, [f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from None


def parse_routine(
    text: str, source: str, catalog: Catalog | None = None, *, builtin: bool = False
) -> Routine:
    """Parse and fully validate routine TOML; raise ValidationError naming file, line and fix."""
    data = _load_toml(text, source, Path(source).name, trusted=builtin)
    return validate_routine(data, source, catalog, text=text, builtin=builtin)


def validate_routine(
    data: dict[str, Any],
    source: str,
    catalog: Catalog | None = None,
    *,
    text: str | None = None,
    builtin: bool = False,
) -> Routine:
    """Validate a routine document, reporting every problem at once (with lines if text given).

    Steps must use exercises from the built-in catalog or ones defined in the routine itself, so
    a stored routine never depends on another user routine.
    """
    catalog = catalog if catalog is not None else load_builtin()
    name = Path(source).name
    where = TomlLocator(text) if text is not None else None

    def at(loc: Loc, message: str) -> tuple[int, str]:
        if where is None:
            return (0, f"{name}: {message}")
        line = where.line_of(loc) or 1
        return (line, f"{name} line {line}: {message}")

    if builtin:
        if data.get("origin") not in (None, "builtin"):
            _fail(source, [at(("origin",), "built-in routines must not set origin")])
        data = {**data, "origin": "builtin"}
    problems = [at(loc, msg) for loc, msg in _semantic_problems(data, catalog, builtin)]
    routine: Routine | None = None
    try:
        routine = Routine.model_validate(data)
    except pydantic.ValidationError as exc:
        for err in exc.errors():
            if err["type"] == "value_error" and "defined twice" in str(err.get("msg")):
                continue  # reported by _semantic_problems, with its line
            problems.append(at(err["loc"], _explain(err, Routine)))
    if problems or routine is None:
        _fail(source, problems)
    return routine


def _fail(source: str, problems: list[tuple[int, str]]) -> NoReturn:
    raise ValidationError(source, [p for _, p in sorted(problems, key=lambda p: p[0])])


def _semantic_problems(
    data: dict[str, Any], catalog: Catalog, builtin: bool
) -> list[tuple[Loc, str]]:
    """Return what the models cannot know: clashes with built-ins and unknown exercises."""
    problems: list[tuple[Loc, str]] = []
    if not builtin and data.get("origin") == "builtin":
        problems.append((("origin",), "origin 'builtin' is reserved; use 'user' or 'physio'"))
    slug = data.get("slug")
    if not builtin and isinstance(slug, str) and slug in catalog.routines:
        problems.append(
            (
                ("slug",),
                f"slug {slug!r} is already a built-in routine; choose another slug, "
                f"e.g. 'my-{slug}'",
            )
        )
    own: dict[str, int] = {}
    inline = data.get("exercises")
    for i, ex in enumerate(inline if isinstance(inline, list) else []):
        ex_slug = ex.get("slug") if isinstance(ex, dict) else None
        if not isinstance(ex_slug, str):
            continue
        loc: Loc = ("exercises", i, "slug")
        if ex_slug in own:
            problems.append(
                (
                    loc,
                    f"exercises[{i}].slug {ex_slug!r} is defined twice (also exercises"
                    f"[{own[ex_slug]}]); rename or remove one",
                )
            )
        elif ex_slug in catalog.exercises:
            problems.append(
                (
                    loc,
                    f"exercises[{i}].slug {ex_slug!r} is already a built-in exercise; rename "
                    f"it (e.g. 'my-{ex_slug}') or drop this table to use the built-in one",
                )
            )
        own.setdefault(ex_slug, i)
    steps = data.get("steps")
    known = sorted(set(own) | set(catalog.exercises))
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        ex_slug = step.get("exercise") if isinstance(step, dict) else None
        if isinstance(ex_slug, str) and ex_slug not in known:
            close = difflib.get_close_matches(ex_slug, known, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.append(
                (
                    ("steps", i, "exercise"),
                    f"steps[{i}].exercise {ex_slug!r} is not in the catalog; {hint}{_LIST_HINT}",
                )
            )
    return problems


def _load_toml(text: str, source: str, name: str, *, trusted: bool = True) -> dict[str, Any]:
    try:
        if not trusted:
            # A user's file is parsed in the sandbox: deep nesting ends in a clear message.
            from runback.importers.tomlsafe import load_toml

            return load_toml(text, source)
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts the position in its message: "... (at line 7, column 3)".
        msg = str(exc)
        line = 1
        if "(at line " in msg:
            tail = msg.rsplit("(at line ", 1)[1]
            line = int(tail.split(",", 1)[0].rstrip(")"))
            msg = msg.rsplit(" (at line ", 1)[0]
        elif "(at end of document)" in msg:
            line = text.count("\n") + 1
            msg = msg.replace(" (at end of document)", "")
        raise ValidationError(
            source,
            [f"{name} line {line}: TOML syntax error: {msg}; check quotes, brackets and '='"],
        ) from None


def _parse_exercise_file(text: str, source: str) -> list[Exercise]:
    name = Path(source).name
    data = _load_toml(text, source, name)
    where = TomlLocator(text)
    problems: list[str] = []
    extra = sorted(set(data) - {"exercises"})
    if extra:
        problems.append(f"{name}: unknown top-level keys {extra}; use [[exercises]] tables")
    out: list[Exercise] = []
    for i, raw in enumerate(data.get("exercises", [])):
        try:
            out.append(Exercise.model_validate(raw))
        except pydantic.ValidationError as exc:
            for err in exc.errors():
                loc: Loc = ("exercises", i, *err["loc"])
                err = {**err, "loc": loc}
                problems.append(f"{name} line {where.line_of(loc) or 1}: {_explain(err, None)}")
    if problems:
        raise ValidationError(source, problems)
    return out


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "the file"


def _model_for(loc: Loc, root: type[BaseModel] | None) -> type[BaseModel]:
    if "steps" in loc[:-1]:
        return RoutineStep
    if "exercises" in loc[:-1]:
        return Exercise
    return root or Routine


def _bounds(model: type[BaseModel], field: str) -> tuple[Any, Any]:
    info = model.model_fields.get(field)
    ge = le = None
    for meta in info.metadata if info else []:
        ge = getattr(meta, "ge", ge)
        le = getattr(meta, "le", le)
    return ge, le


def _explain(err: Any, root: type[BaseModel] | None) -> str:
    """Turn one pydantic error into "<field> <what is wrong>; <what to do>"."""
    loc: Loc = tuple(err["loc"])
    path = _dotted(loc)
    kind: str = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    model = _model_for(loc, root)
    if kind == "missing":
        if isinstance(loc[-1], int):
            return f"{_dotted(loc[:-1])} needs exactly two items, e.g. {field} = ['left', 'right']"
        return f"{path} is missing; add {field} = {_EXAMPLES.get(field, '...')}"
    if kind == "extra_forbidden":
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(allowed)}"
        return f"{path}: unknown field {field!r}; {hint}"
    if kind in ("greater_than_equal", "less_than_equal", "int_parsing", "int_type"):
        ge, le = _bounds(model, field)
        unit = " seconds" if field.endswith("_s") else ""
        what = "a whole number" if ge is None else f"a whole number from {ge} to {le}{unit}"
        return f"{path} is {value!r}; use {what}"
    if kind == "int_from_float":
        return f"{path} is {value!r}; use a whole number (no decimals)"
    if kind == "literal_error":
        return f"{path} is {value!r}; use one of {ctx.get('expected')}"
    if kind == "string_pattern_mismatch":
        return (
            f"{path} {value!r} is not a valid slug; use lowercase letters, digits and "
            "single hyphens, e.g. 'my-routine'"
        )
    if kind == "too_short":
        if field == "steps":
            return f"{path} is empty; add at least one [[steps]] table"
        return f"{path} is empty; add at least one item"
    if kind == "too_long" and field == "side_labels":
        return f"{path} must have exactly two labels, e.g. ['left', 'right']"
    if kind == "string_too_short":
        return f"{path} is empty; write some text"
    if kind == "string_too_long":
        return f"{path} is too long; use at most {ctx.get('max_length')} characters"
    if kind in ("list_type", "tuple_type"):
        return f"{path} should be a list, e.g. {field} = [...]"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{path} should be a table, e.g. [[{field}]] with keys below it"
    if kind == "string_type":
        return f'{path} is {value!r}; use text in quotes, e.g. {field} = "..."'
    return f"{path}: {err.get('msg', 'invalid value')}"
