"""The format registry: sniffing, names, the upload form's accept= and the docs follow one list."""

from __future__ import annotations

from pathlib import Path

import pytest

from runback.importers import formats

DOCS = Path(__file__).parents[2] / "docs" / "importing.md"


def test_docs_mention_every_registered_format() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for fmt in formats.FORMATS:
        for ext in fmt.extensions:
            assert f"`{ext}`" in text, f"docs/importing.md does not list {ext}"
        assert f"| {fmt.name.upper()} |" in text, f"docs/importing.md has no row for {fmt.name}"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.fit", "fit"), ("A.GPX", "gpx"), ("b.tcx.gz", "tcx"), ("c.csv", None), ("d.gz", None)],
)
def test_format_of_name(name: str, kind: str | None) -> None:
    assert formats.format_of_name(name) == kind


def test_sniff() -> None:
    assert formats.sniff(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT") == "fit"
    assert formats.sniff(b"<?xml?><TrainingCenterDatabase>") == "tcx"
    assert formats.sniff(b"<?xml?><gpx>") == "gpx"
    assert formats.sniff(b"hello") is None


def test_texts_for_people_and_forms() -> None:
    assert formats.extensions_text() == ".fit, .gpx and .tcx"
    assert formats.accept_attribute() == ".fit,.gpx,.tcx,.gz,.zip"
