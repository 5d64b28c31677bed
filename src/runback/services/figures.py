"""Load the built-in exercise figures (key poses) from package data, validated once."""

from __future__ import annotations

import functools
import tomllib

import pydantic

from runback.core.figure import Figure
from runback.errors import ValidationError, from_pydantic

__all__ = ["figure_for", "load_figures"]


@functools.cache
def load_figures() -> dict[str, Figure]:
    """Return every built-in figure by exercise slug, validated once per process."""
    from importlib.resources import files

    out: dict[str, Figure] = {}
    folder = files("runback").joinpath("data").joinpath("figures")
    for res in sorted(folder.iterdir(), key=lambda r: r.name):
        if not res.name.endswith(".toml"):
            continue
        source = f"runback/data/figures/{res.name}"
        try:
            doc = tomllib.loads(res.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(source, [f"not valid TOML: {exc}"]) from exc
        for slug, body in doc.items():
            if slug in out:
                raise ValidationError(source, [f"figure {slug!r} is defined twice"])
            try:
                out[slug] = Figure.model_validate({"slug": slug, **body})
            except pydantic.ValidationError as exc:
                raise from_pydantic(exc, source, f"[{slug}]") from exc
    return out


def figure_for(slug: str) -> Figure | None:
    """Return the figure of a built-in exercise, or None when it has none."""
    return load_figures().get(slug)
