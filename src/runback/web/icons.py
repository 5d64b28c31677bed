"""The app icon as PNG, drawn with Pillow from the same shapes as static/icon.svg (first use)."""

from __future__ import annotations

import io
from functools import lru_cache

__all__ = ["ICON_SIZES", "icon_png"]

ICON_SIZES = (32, 180, 192, 512)
GREEN = "#1f6f4a"
WHITE = "#ffffff"
# static/icon.svg, on its 512 × 512 grid: (points, stroke width).
LINES = (
    (((290, 186), (236, 300), (300, 360), (270, 440)), 40),
    (((236, 300), (168, 360), (120, 336)), 40),
    (((272, 224), (350, 260), (396, 228)), 34),
)
HEAD = ((318, 118), 46)


@lru_cache(maxsize=len(ICON_SIZES) * 2)
def icon_png(size: int, *, maskable: bool = False) -> bytes:
    """Return the icon as a `size`-pixel square PNG (maskable: full bleed, figure inside 80 %)."""
    from PIL import Image, ImageDraw

    # Drawn 4× and scaled down, for smooth edges without an antialiasing renderer.
    big = size * 4
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=GREEN)
        scale, offset = big / 512 * 0.8, big * 0.1
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 112 // 512, fill=GREEN)
        scale, offset = big / 512, 0.0

    def at(x: float, y: float) -> tuple[float, float]:
        return (offset + x * scale, offset + y * scale)

    for points, width in LINES:
        w = width * scale
        pts = [at(x, y) for x, y in points]
        draw.line(pts, fill=WHITE, width=round(w), joint="curve")
        for x, y in (pts[0], pts[-1]):
            draw.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=WHITE)
    (hx, hy), r = HEAD
    cx, cy = at(hx, hy)
    rr = r * scale
    draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=WHITE)
    small = img.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
