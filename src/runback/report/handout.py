"""Draw the physio handout: each exercise's figure as vector lines, with its dose and cautions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runback.core.figure import Figure, pose_segments, prop_rects

if TYPE_CHECKING:
    from runback.services.report import HandoutItem

__all__ = [
    "PER_PAGE",
    "draw_figure",
    "draw_handout",
    "figure_box",
]

PER_PAGE = 4
_W, _H = 595.2756, 841.8898
_M = 50.0
_ROW = 175.0
_FIG = 150.0  # a figure's square box, in points


def figure_box(index: int, first_page: int) -> tuple[int, float, float, float, float]:
    """Return (page, x, y, width, height) of item `index`'s figure box, from the bottom left."""
    page = first_page + index // PER_PAGE
    y = _H - _M - 40 - (index % PER_PAGE + 1) * _ROW + (_ROW - _FIG) / 2
    return page, _M, y, _FIG, _FIG


def draw_figure(c: Any, figure: Figure, x: float, y: float, w: float, h: float) -> None:
    """Draw the figure's last key pose (the held position) to fit the box, as vector lines."""
    pose = figure.poses[len(figure.poses) // 2 if len(figure.poses) > 2 else -1]
    segs = pose_segments(pose, figure.view)
    rects = [r for p in figure.props for r in prop_rects(p)]
    xs = [v for s in segs for v in (s.a[0], s.b[0])] + [v for r in rects for v in (r.x, r.x + r.w)]
    ys = [v for s in segs for v in (s.a[1], s.b[1])] + [r.y + r.h for r in rects] + [0.0]
    x0, x1, y0, y1 = min(xs) - 0.06, max(xs) + 0.06, -0.03, max(ys) + 0.06
    k = min(w / (x1 - x0), h / (y1 - y0))
    ox = x + (w - (x1 - x0) * k) / 2

    def at(p: tuple[float, float]) -> tuple[float, float]:
        return ox + (p[0] - x0) * k, y + (p[1] - y0) * k

    c.saveState()
    c.setStrokeColorRGB(0.75, 0.75, 0.75)
    c.setLineWidth(0.5)
    c.rect(x, y, w, h)
    c.setFillColorRGB(0.82, 0.82, 0.8)
    c.setStrokeColorRGB(0.45, 0.45, 0.45)
    for r in rects:
        (ax, ay), (bx, by) = at((r.x, r.y)), at((r.x + r.w, r.y + r.h))
        c.rect(ax, ay, bx - ax, by - ay, stroke=1, fill=1)
    c.setLineWidth(1)
    c.line(*at((x0, 0.0)), *at((x1, 0.0)))
    c.setLineCap(1)
    c.setLineJoin(1)
    near = figure.this_side if figure.this_side != "none" else "l"
    for s in segs:
        if s.name == "head":
            mid = at(((s.a[0] + s.b[0]) / 2, (s.a[1] + s.b[1]) / 2))
            c.setStrokeColorRGB(0.1, 0.1, 0.1)
            c.setFillColorRGB(1, 1, 1)
            c.setLineWidth(0.025 * k)
            c.circle(mid[0], mid[1], s.size / 2 * k, stroke=1, fill=1)
            continue
        if s.side and s.side == figure.this_side:
            c.setStrokeColorRGB(0.12, 0.44, 0.29)
        elif s.side and s.side != near:
            c.setStrokeColorRGB(0.55, 0.55, 0.55)
        else:
            c.setStrokeColorRGB(0.1, 0.1, 0.1)
        c.setLineWidth(0.032 * k)
        c.line(*at(s.a), *at(s.b))
    c.restoreState()


def draw_handout(pages: Any, title: str, items: list[HandoutItem]) -> None:
    """Draw the handout pages on a report's page cursor (report.pdf._Pages), 4 items a page."""
    from reportlab.lib.utils import simpleSplit

    c = pages.c
    first = pages.page
    for i, item in enumerate(items):
        if i % PER_PAGE == 0:
            if i:
                pages.next_page()
            pages.header(title if i == 0 else f"{title} (continued)")
        _, x, y, w, h = figure_box(i, first)
        if item.figure is not None:
            draw_figure(c, item.figure, x, y, w, h)
        tx, ty, tw = x + w + 14, y + h - 10, _W - _M - (x + w + 14)
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica-Bold", 11)
        c.drawString(tx, ty, item.name)
        ty -= 14
        c.setFont("Helvetica", 9)
        c.drawString(tx, ty, f"Dose: {item.dose}")
        ty -= 12
        lines: list[tuple[str, str]] = []
        if item.notes:
            lines.append(("Helvetica-Oblique", item.notes))
        lines += [("Helvetica", f"{n}. {t}") for n, t in enumerate(item.instructions[:4], 1)]
        lines += [("Helvetica-Bold", f"Caution: {t}") for t in item.cautions[:2]]
        for font, text in lines:
            for part in simpleSplit(text, font, 8, tw):
                if ty < y - 10:
                    break
                c.setFont(font, 8)
                c.drawString(tx, ty, part)
                ty -= 10
