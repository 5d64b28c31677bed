"""Draw an exercise figure as inline SVG (animated between key poses) and as JSON for the player."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Literal

from markupsafe import Markup

from runback.core.figure import (
    Figure,
    Pose,
    Rect,
    Segment,
    mirror,
    mirror_props,
    pose_segments,
    prop_rects,
)

if TYPE_CHECKING:
    from runback.core.catalog import Exercise

__all__ = [
    "exercise_figure",
    "figure_payload",
    "figure_strip",
    "figure_svg",
    "text_alternative",
]

Side = Literal["left", "right"]
_S = 100.0  # SVG units per body height
_STEP_S = 2.0  # seconds between key poses in the looping animation
# The pages get these rules from static/app.css (the CSP forbids inline <style>); a figure saved
# on its own (standalone=True) carries them.
_STYLE = (
    "<style>"
    ".rb-fig{color:var(--fig-ink,currentColor)}"
    ".rb-fig .rb-still{display:none}"
    "@media (prefers-reduced-motion: reduce){"
    ".rb-fig .rb-still{display:inline}.rb-fig .rb-anim{display:none}}"
    "</style>"
)


def _sides(figure: Figure, side: Side) -> tuple[list[Pose], list[Rect], str]:
    """Return the key poses, prop rectangles and marked limb for the side asked for."""
    flip = side == "right"
    poses = [mirror(p, figure.view) for p in figure.poses] if flip else list(figure.poses)
    props = mirror_props(figure.props) if flip else list(figure.props)
    marked = figure.this_side
    if flip and marked != "none":
        marked = "r" if marked == "l" else "l"
    rects = [r for p in props for r in prop_rects(p)]
    return poses, rects, marked


def _frames(figure: Figure, poses: list[Pose]) -> list[list[Segment]]:
    return [pose_segments(p, figure.view) for p in poses]


def _bounds(frames: list[list[Segment]], rects: list[Rect]) -> tuple[float, float, float, float]:
    xs = [v for f in frames for s in f for v in (s.a[0], s.b[0])]
    ys = [v for f in frames for s in f for v in (s.a[1], s.b[1])]
    for r in rects:
        xs += [r.x, r.x + r.w]
        ys += [r.y, r.y + r.h]
    pad = 0.1
    return min(xs) - pad, min(min(ys), 0.0) - 0.04, max(xs) + pad, max(ys) + pad


def _n(v: float) -> str:
    return f"{v * _S:.1f}"


def _cls(seg: Segment, marked: str) -> str:
    if seg.name == "head":
        return "rb-head"
    if seg.side and seg.side == marked:
        return "rb-this"
    return (
        "rb-far"
        if (seg.side == "r" and marked != "r") or (seg.side == "l" and marked == "r")
        else ""
    )


def _body(frames: list[list[Segment]], marked: str, animate: bool) -> str:
    first = frames[0]
    seq = frames + frames[-2::-1] if animate and len(frames) > 1 else frames
    if seq[0] != seq[-1] and animate and len(frames) > 1:
        seq = [*seq, seq[0]]
    dur = f"{_STEP_S * (len(seq) - 1):.1f}s"
    out: list[str] = []
    for i, seg in enumerate(first):
        cls = _cls(seg, marked)
        if seg.name == "head":
            cx, cy = (seg.a[0] + seg.b[0]) / 2, (seg.a[1] + seg.b[1]) / 2
            kids = ""
            if animate and len(frames) > 1:
                xs = ";".join(_n((f[i].a[0] + f[i].b[0]) / 2) for f in seq)
                ys = ";".join(_n(-(f[i].a[1] + f[i].b[1]) / 2) for f in seq)
                kids = (
                    f'<animate attributeName="cx" values="{xs}" dur="{dur}" '
                    'repeatCount="indefinite"/>'
                    f'<animate attributeName="cy" values="{ys}" dur="{dur}" '
                    'repeatCount="indefinite"/>'
                )
            out.append(
                f'<circle class="{cls}" cx="{_n(cx)}" cy="{_n(-cy)}" r="{_n(seg.size / 2)}">'
                f"{kids}</circle>"
            )
            continue
        kids = ""
        if animate and len(frames) > 1:
            for attr, (end, axis, sign) in {
                "x1": ("a", 0, 1.0),
                "y1": ("a", 1, -1.0),
                "x2": ("b", 0, 1.0),
                "y2": ("b", 1, -1.0),
            }.items():
                vals = ";".join(_n(sign * getattr(f[i], end)[axis]) for f in seq)
                kids += (
                    f'<animate attributeName="{attr}" values="{vals}" dur="{dur}" '
                    'repeatCount="indefinite"/>'
                )
        out.append(
            f'<line class="{cls}" data-part="{seg.name}" x1="{_n(seg.a[0])}" y1="{_n(-seg.a[1])}" '
            f'x2="{_n(seg.b[0])}" y2="{_n(-seg.b[1])}">{kids}</line>'
        )
    return "".join(out)


def figure_svg(
    figure: Figure,
    *,
    side: Side = "left",
    animate: bool = True,
    title: str = "",
    pose_index: int | None = None,
    standalone: bool = False,
) -> str:
    """Return an inline SVG of the figure, animated between key poses, still when motion is off."""
    poses, rects, marked = _sides(figure, side)
    frames = _frames(figure, poses)
    if pose_index is not None:
        frames = [frames[max(0, min(pose_index, len(frames) - 1))]]
        animate = False
    x0, y0, x1, y1 = _bounds(frames, rects)
    label = title or f"Figure for {figure.slug}"
    props = "".join(
        f'<rect class="rb-prop rb-{r.kind}" x="{_n(r.x)}" y="{_n(-(r.y + r.h))}" '
        f'width="{_n(r.w)}" height="{_n(r.h)}"/>'
        for r in rects
    )
    floor = f'<line class="rb-floor" x1="{_n(x0)}" y1="0" x2="{_n(x1)}" y2="0"/>'
    still = _body(frames[:1], marked, animate=False)
    moving = _body(frames, marked, animate=True) if animate and len(frames) > 1 else ""
    body = (
        f'<g class="rb-anim">{moving}</g><g class="rb-still">{still}</g>'
        if moving
        else f"<g>{still}</g>"
    )
    return (
        f'<svg class="rb-fig" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(label)}" '
        f'viewBox="{_n(x0)} {_n(-y1)} {_n(x1 - x0)} {_n(y1 - y0)}" '
        f'data-view="{figure.view}" data-side="{side}">'
        f"<title>{escape(label)}</title>{_STYLE if standalone else ''}"
        '<g fill="none" stroke="currentColor" stroke-linecap="round" stroke-linejoin="round">'
        f'<g class="rb-props" fill="var(--fig-prop, currentColor)" fill-opacity="0.25" '
        f'stroke-width="1">{props}</g>'
        f'<g stroke-width="1.5" stroke-opacity="0.6">{floor}</g>'
        f'<g class="rb-body" stroke-width="4.5">{body}</g>'
        "</g></svg>"
    )


def figure_payload(figure: Figure, *, side: Side = "left") -> dict[str, Any]:
    """Return the figure as JSON-able data for the player.

    Shape: ``{"view": "side"|"front", "mirror": bool, "this_side": "l"|"r"|"none",
    "poses": [[[x1, y1, x2, y2], ...] per key pose], "parts": [segment names, in pose order],
    "head": index of the head segment (draw a circle on it), "props": [[kind, x, y, w, h], ...]}``
    in body heights, y up from the floor at 0; the side's limbs are already mirrored.
    """
    poses, rects, marked = _sides(figure, side)
    frames = _frames(figure, poses)
    return {
        "view": figure.view,
        "mirror": side == "right",
        "this_side": marked,
        "parts": [s.name for s in frames[0]],
        "head": [s.name for s in frames[0]].index("head"),
        "poses": [[[round(v, 4) for v in (*s.a, *s.b)] for s in frame] for frame in frames],
        "props": [
            [r.kind, round(r.x, 4), round(r.y, 4), round(r.w, 4), round(r.h, 4)] for r in rects
        ],
    }


def text_alternative(exercise: Exercise, side_label: str = "") -> str:
    """Return the words a screen reader reads for an exercise's figure: its name and how to."""
    from runback.services.figures import figure_for

    head = f"{exercise.name}{f' ({side_label})' if side_label else ''}: a figure showing how. "
    fig = figure_for(exercise.slug)
    note = f" {fig.note}" if fig is not None and fig.note else ""
    return head + " ".join(exercise.instructions) + note


def exercise_figure(
    exercise: Exercise, side: Side = "left", animate: bool = True, size: str = "md"
) -> Markup:
    """Return the exercise's figure as safe inline SVG markup, or nothing when it has none."""
    from runback.services.figures import figure_for

    fig = figure_for(exercise.slug)
    if fig is None:
        return Markup("")
    svg = figure_svg(fig, side=side, animate=animate, title=text_alternative(exercise))
    # the SVG is built from our own numbers and escaped text only
    return Markup(f'<div class="figure figure-{escape(size)}">{svg}</div>')


def figure_strip(slugs: list[str], names: dict[str, str] | None = None) -> Markup:
    """Return small still figures of a routine's exercises, each once, in step order."""
    from runback.services.figures import figure_for

    cells: list[str] = []
    for slug in dict.fromkeys(slugs):
        fig = figure_for(slug)
        if fig is None:
            continue
        label = (names or {}).get(slug, slug.replace("-", " "))
        cells.append(f"<li>{figure_svg(fig, animate=False, title=label)}</li>")
    if not cells:
        return Markup("")
    return Markup(f'<ul class="figure-strip">{"".join(cells)}</ul>')
