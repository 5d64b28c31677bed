"""Hostile inputs, generated here: entity bombs, external entities, zip/gzip bombs, traversal."""

from __future__ import annotations

import gzip
import io
import stat
import zipfile

import pytest

from runback.errors import ActivityFileError, UnsafeFileError
from runback.importers.files import parse_activity
from runback.importers.strava import ZipLimits, open_zip

from ..conftest import SHARED_FIXTURES

GOOD_GPX = (SHARED_FIXTURES / "gpx/track-with-empty-segment.gpx").read_bytes()
GOOD_FIT = (SHARED_FIXTURES / "fit/garmin-fenix-5-run.fit").read_bytes()
MB = 1024 * 1024

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<gpx version="1.1"><trk><name>&lol9;</name></trk></gpx>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>&secret;</Id>
</Activity></Activities></TrainingCenterDatabase>
"""


@pytest.mark.parametrize(
    ("name", "data"), [("bomb.gpx", BILLION_LAUGHS), ("xxe.tcx", EXTERNAL_ENTITY)]
)
def test_xml_with_entities_is_refused(name: str, data: bytes) -> None:
    with pytest.raises(UnsafeFileError, match="DTD or entities") as caught:
        parse_activity(name, data)
    assert caught.value.source == name


def test_leading_whitespace_before_xml_declaration_is_tolerated() -> None:
    activity = parse_activity("strava.gpx", b"\n   \n" + GOOD_GPX)
    assert activity.elapsed_s == pytest.approx(76.0)


def test_oversized_file_is_refused() -> None:
    with pytest.raises(UnsafeFileError, match="over the limit") as caught:
        parse_activity("big.gpx", GOOD_GPX + b" " * MB, max_bytes=MB)
    assert caught.value.source == "big.gpx"


def test_gzip_bomb_is_refused_without_inflating_it() -> None:
    bomb = gzip.compress(b"\0" * (8 * MB))
    assert len(bomb) < 20_000
    with pytest.raises(UnsafeFileError, match="decompresses to more than") as caught:
        parse_activity("bomb.fit.gz", bomb, max_bytes=MB)
    assert caught.value.source == "bomb.fit.gz"


def test_gzip_variants_parse() -> None:
    for name, data in (("a.fit.gz", GOOD_FIT), ("a.gpx.gz", GOOD_GPX)):
        plain = parse_activity(name[:-3], data)
        zipped = parse_activity(name, gzip.compress(data))
        assert zipped == plain  # same hash too: the hash is of the decompressed bytes
    tcx = (SHARED_FIXTURES / "tcx/sup_activity_1.tcx").read_bytes()
    assert parse_activity("s.tcx.gz", gzip.compress(tcx)).distance_m == pytest.approx(1157.51)


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    buffer.seek(0)
    return buffer


def _load_all(buffer: io.BytesIO, limits: ZipLimits) -> dict[str, str]:
    outcome: dict[str, str] = {}
    with open_zip(buffer, "upload.zip", limits) as items:
        for item in items:
            try:
                item.load()
                outcome[item.name] = "ok"
            except ActivityFileError as exc:
                assert exc.source == item.name
                outcome[item.name] = exc.reason
    return outcome


def test_zip_bomb_traversal_and_symlink_entries_are_refused_the_rest_imports() -> None:
    link = zipfile.ZipInfo("activities/link.gpx")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = _zip(
        [
            ("activities/good.fit", GOOD_FIT),
            ("../../evil.gpx", GOOD_GPX),
            ("activities/bomb.gpx", b" " * (4 * MB)),
            (link, b"/etc/passwd"),
        ]
    )
    outcome = _load_all(buffer, ZipLimits(max_entry_bytes=50 * MB, max_total_bytes=500 * MB))
    assert outcome["upload.zip:activities/good.fit"] == "ok"
    assert "path traversal" in outcome["upload.zip:../../evil.gpx"]
    assert "compressed more than 100:1" in outcome["upload.zip:activities/bomb.gpx"]
    assert "symbolic link" in outcome["upload.zip:activities/link.gpx"]


def test_zip_entry_over_the_file_limit_is_refused() -> None:
    buffer = _zip([("activities/big.gpx", GOOD_GPX + b" " * (2 * MB))])
    outcome = _load_all(buffer, ZipLimits(max_entry_bytes=MB, max_total_bytes=10 * MB))
    assert "over the file size limit" in outcome["upload.zip:activities/big.gpx"]


def test_zip_over_the_total_limit_is_refused_as_a_whole() -> None:
    buffer = _zip([(f"activities/{i}.gpx", GOOD_GPX) for i in range(10)])
    limits = ZipLimits(max_entry_bytes=MB, max_total_bytes=len(GOOD_GPX) * 5)
    with (
        pytest.raises(UnsafeFileError, match="over the limit") as caught,
        open_zip(buffer, "many.zip", limits),
    ):
        pass
    assert caught.value.source == "many.zip"


def test_zip_entry_lying_about_its_size_is_stopped_while_reading() -> None:
    buffer = _zip([("activities/liar.gpx", GOOD_GPX + b" " * 4096)])
    raw = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info = archive.getinfo("activities/liar.gpx")
        real = info.file_size
    # Shrink the declared size in both headers so the entry claims to be tiny.
    raw = raw.replace(real.to_bytes(4, "little"), (100).to_bytes(4, "little"))
    outcome = _load_all(io.BytesIO(bytes(raw)), ZipLimits(max_entry_bytes=2000, max_total_bytes=MB))
    # zipfile reads no more than the declared size, so the CRC check catches the lie.
    assert "damaged zip entry" in outcome["upload.zip:activities/liar.gpx"]
