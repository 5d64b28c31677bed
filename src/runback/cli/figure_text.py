"""Draw an exercise figure in the terminal with Unicode braille (2 x 4 dots per character)."""

from __future__ import annotations

import math
from typing import Literal

from runback.core.figure import (
    Figure,
    Pose,
    Rect,
    mirror,
    mirror_props,
    pose_at,
    pose_segments,
    prop_rects,
)

__all__ = ["braille_figure", "fits"]

_BASE = 0x2800
# Bit of each dot in a braille cell, by (column, row).
_BITS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20}
_BITS |= {(0, 3): 0x40, (1, 3): 0x80}
MIN_WIDTH, MIN_HEIGHT = 12, 6


def fits(width: int, height: int) -> bool:
    """Tell whether a figure of this many characters is big enough to read."""
    return width >= MIN_WIDTH and height >= MIN_HEIGHT


class _Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.w, self.h = width * 2, height * 4
        self.cells = [[0] * width for _ in range(height)]

    def dot(self, x: float, y: float) -> None:
        ix, iy = round(x), round(y)
        if 0 <= ix < self.w and 0 <= iy < self.h:
            self.cells[iy // 4][ix // 2] |= _BITS[(ix % 2, iy % 4)]

    def line(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        n = max(1, math.ceil(max(abs(b[0] - a[0]), abs(b[1] - a[1])) * 2))
        for k in range(n + 1):
            f = k / n
            self.dot(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)

    def circle(self, c: tuple[float, float], r: float) -> None:
        n = max(8, int(r * 8))
        for k in range(n):
            t = 2 * math.pi * k / n
            self.dot(c[0] + r * math.cos(t), c[1] + r * math.sin(t))

    def rows(self) -> list[str]:
        return ["".join(chr(_BASE + v) for v in row) for row in self.cells]


def _pose(figure: Figure, at: int | float) -> Pose:
    if isinstance(at, int):
        return figure.poses[max(0, min(at, len(figure.poses) - 1))]
    return pose_at(list(figure.poses), at, figure.view)


def braille_figure(
    figure: Figure,
    pose_index_or_t: int | float,
    width: int,
    height: int,
    *,
    side: Literal["left", "right"] = "left",
) -> list[str]:
    """Return `height` lines of `width` braille characters drawing the figure.

    An int picks a key pose; a float t in 0..1 interpolates through them (for a phase's time).
    "right" draws the mirror image, for the second side.
    """
    pose = _pose(figure, pose_index_or_t)
    props = list(figure.props)
    if side == "right":
        pose, props = mirror(pose, figure.view), mirror_props(props)
    segs = pose_segments(pose, figure.view)
    rects: list[Rect] = [r for p in props for r in prop_rects(p)]
    # Frame every key pose and the props, so the figure does not jump as it moves.
    keys = [mirror(p, figure.view) if side == "right" else p for p in figure.poses]
    frame = [s for p in keys for s in pose_segments(p, figure.view)]
    xs = [v for s in frame for v in (s.a[0], s.b[0])] + [v for r in rects for v in (r.x, r.x + r.w)]
    ys = [v for s in frame for v in (s.a[1], s.b[1])] + [r.y + r.h for r in rects] + [0.0]
    x0, x1, y0, y1 = min(xs) - 0.05, max(xs) + 0.05, -0.02, max(ys) + 0.03
    canvas = _Canvas(width, height)
    scale = min((canvas.w - 1) / (x1 - x0), (canvas.h - 1) / (y1 - y0))
    left = (canvas.w - 1 - (x1 - x0) * scale) / 2

    def at(p: tuple[float, float]) -> tuple[float, float]:
        return (left + (p[0] - x0) * scale, (canvas.h - 1) - (p[1] - y0) * scale)

    canvas.line(at((x0, 0.0)), at((x1, 0.0)))
    for r in rects:
        if r.kind == "mat":
            continue
        corners = [(r.x, r.y), (r.x + r.w, r.y), (r.x + r.w, r.y + r.h), (r.x, r.y + r.h)]
        for i in range(4):
            canvas.line(at(corners[i]), at(corners[(i + 1) % 4]))
    for s in segs:
        if s.name == "head":
            mid = ((s.a[0] + s.b[0]) / 2, (s.a[1] + s.b[1]) / 2)
            canvas.circle(at(mid), s.size / 2 * scale)
        else:
            canvas.line(at(s.a), at(s.b))
    return canvas.rows()
