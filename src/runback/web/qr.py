"""QR codes for the page (segno, drawn as inline SVG: no image request, no CDN)."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

__all__ = ["qr_svg", "webcal"]


@lru_cache(maxsize=32)
def qr_svg(text: str) -> Markup:
    """Return `text` as a QR code in an inline SVG that a phone camera reads."""
    import segno

    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=4, border=2, dark="#000000", light="#ffffff", omitsize=False)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code of the address" ', 1))


def webcal(url: str) -> str:
    """Return the feed address as a `webcal://` link (phones open it in their calendar)."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url[len(scheme) :]
    return url
