"""The terminal figure: braille lines of the asked size, with ink, mirrored for the other side."""

from __future__ import annotations

import pytest

from runback.cli.figure_text import braille_figure, fits
from runback.services.figures import figure_for, load_figures


@pytest.mark.parametrize("slug", sorted(load_figures()))
def test_every_figure_draws_in_braille_at_the_size_asked(slug: str) -> None:
    fig = figure_for(slug)
    assert fig is not None
    rows = braille_figure(fig, 0, 24, 10)
    assert len(rows) == 10 and all(len(r) == 24 for r in rows)
    assert all(0x2800 <= ord(c) <= 0x28FF for r in rows for c in r)
    assert sum(c != "\u2800" for r in rows for c in r) > 10


def test_a_time_between_key_poses_and_the_mirror() -> None:
    fig = figure_for("hip-table-stretch")
    assert fig is not None
    mid = braille_figure(fig, 0.5, 30, 12)
    assert mid != braille_figure(fig, 0, 30, 12)
    right = braille_figure(fig, 1, 30, 12, side="right")
    assert right != braille_figure(fig, 1, 30, 12)
    assert fits(30, 12) and not fits(8, 4)
