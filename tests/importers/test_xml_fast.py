"""The one-pass GPX and TCX readers against the careful path (defusedxml + gpxpy, the oracle)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runback.errors import UnsafeFileError
from runback.importers import gpx_fast, tcx, xmlsafe
from runback.importers.files import parse_activity
from runback.importers.gpx_fast import read_gpx

from ..conftest import SHARED_FIXTURES

XML_FILES = sorted(
    p for p in SHARED_FIXTURES.rglob("*") if p.suffix.lower() in (".gpx", ".tcx") and p.is_file()
)


def _outcome(name: str, data: bytes, fast: bool) -> object:
    """Return parse_activity's Activity, or its error's type and message."""
    with pytest.MonkeyPatch.context() as m:
        if not fast:
            m.setattr(gpx_fast, "read_gpx", lambda _data: None)
            m.setattr(xmlsafe, "_vetted_tree", lambda _data: None)
            m.setattr(tcx, "_stream", lambda _data, _source: None)
        try:
            # repr: a NaN read from the file equals itself there, not as a float.
            return repr(parse_activity(name, data))
        except Exception as exc:
            return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: str(p.relative_to(SHARED_FIXTURES)))
def test_every_fixture_matches_the_careful_path(path: Path) -> None:
    data = path.read_bytes()
    assert _outcome(path.name, data, True) == _outcome(path.name, data, False)
    if path.suffix == ".gpx":
        assert read_gpx(data) is not None, "the one-pass reader should read this file itself"
    else:
        assert tcx._stream(data, path.name) is not None, "the streaming pass should read it"


def test_a_dtd_anywhere_takes_the_careful_path_and_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa">]>'
        b'<gpx version="1.1"><trk><name>&a;</name></trk></gpx>'
    )
    assert read_gpx(bomb) is None
    assert xmlsafe._vetted_tree(bomb) is None
    with pytest.raises(UnsafeFileError, match="DTD"):
        parse_activity("bomb.gpx", bomb)


def test_depth_past_the_limit_is_refused() -> None:
    from runback.importers.limits import MAX_XML_DEPTH

    deep = b'<gpx version="1.1">' + b"<a>" * (MAX_XML_DEPTH + 5) + b"</a>" * (MAX_XML_DEPTH + 5)
    deep += b"</gpx>"
    assert read_gpx(deep) is None
    assert xmlsafe._vetted_tree(deep) is None
    with pytest.raises(UnsafeFileError, match="nested"):
        parse_activity("deep.gpx", deep)


def test_tcx_depth_past_the_limit_is_refused() -> None:
    from runback.importers.limits import MAX_XML_DEPTH

    deep = (
        b"<TrainingCenterDatabase><Activities><Activity><Lap><Track><Trackpoint>"
        + b"<a>" * MAX_XML_DEPTH
        + b"</a>" * MAX_XML_DEPTH
        + b"</Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    )
    assert tcx._stream(deep, "deep.tcx") is None
    with pytest.raises(UnsafeFileError, match="nested"):
        parse_activity("deep.tcx", deep)


def test_too_many_elements_stop_the_chunked_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    from runback.importers import limits

    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 50)
    flat = b'<gpx version="1.1">' + b"<a/>" * 100 + b"</gpx>"
    with pytest.raises(xmlsafe.TooManyElements):
        list(xmlsafe.event_chunks(flat))
    assert read_gpx(flat) is None
    tcd = b"<TrainingCenterDatabase>" + b"<a/>" * 100 + b"</TrainingCenterDatabase>"
    assert tcx._stream(tcd, "flat.tcx") is None
    with pytest.raises(UnsafeFileError, match="elements"):
        parse_activity("flat.tcx", tcd)


def _prefixed_tcx(points: int) -> bytes:
    ns = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
    track = "".join(
        f"<t:Trackpoint><t:Time>2026-05-03T07:00:{i:02d}Z</t:Time>"
        f"<t:DistanceMeters>{i * 3}</t:DistanceMeters></t:Trackpoint>"
        for i in range(points)
    )
    return (
        f'<?xml version="1.0"?><TrainingCenterDatabase xmlns="{ns}" xmlns:t="{ns}">'
        '<Activities><Activity Sport="Running"><Lap StartTime="2026-05-03T07:00:00Z"><Track>'
        f"{track}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def test_prefixed_track_points_are_counted_against_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The byte marks (`<Trackpoint`, `:Trackpoint`) bound the points; past the limit the pass
    # counts the elements themselves, so a prefixed point cannot slip by it.
    from runback.importers import limits

    monkeypatch.setattr(limits, "MAX_TRACK_POINTS", 5)
    few = _prefixed_tcx(4)  # 8 marks (start and end tags), 4 points: counted, and read
    assert tcx._stream(few, "few.tcx") is not None
    assert _outcome("few.tcx", few, True) == _outcome("few.tcx", few, False)
    many = _prefixed_tcx(6)
    assert tcx._stream(many, "many.tcx") is None
    with pytest.raises(UnsafeFileError, match="track points"):
        parse_activity("many.tcx", many)


# --- generated files ---------------------------------------------------------------------------

_NUMBER = st.one_of(
    st.floats(-200, 200, allow_nan=False).map(lambda f: f"{f:.6f}"),
    st.sampled_from(["", " 12.5 ", "abc", "1e3", "nan", "inf"]),
)
_GOOD_TIME = st.datetimes(
    min_value=datetime(2026, 5, 3, 7, 0), max_value=datetime(2026, 5, 3, 9, 0)
).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
_TIME = st.one_of(
    st.datetimes(
        min_value=datetime(1985, 1, 1),
        max_value=datetime(2030, 1, 1),
    ).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.sampled_from(["", "2026-05-03T07:00:00.123+02:00", "2026-05-03 07:00:00", "yesterday"]),
)
_METRES = st.floats(1, 9000).map(str)
_BAD_NUMBER = st.sampled_from(["", " 12.5 ", "abc", "1e3", "nan", "inf", "300"])


def _mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Good values nine times in ten: most files are activities, some are odd."""
    return st.sampled_from(range(10)).flatmap(lambda n: bad if n == 9 else good)


# Heart rates: mostly plausible, some that must be dropped (too low, too high, not a number).
_HR = _mostly(
    st.integers(30, 250).map(str) | st.floats(30, 250).map(lambda f: f"{f:.1f}"),
    st.sampled_from(["", "0", "29", "251", "255", "abc", "nan", " 140 ", "-5"]),
)


_TEXT = st.text(
    st.characters(categories=("L", "N", "Zs", "P")).filter(lambda c: c not in "<&"), max_size=6
)


@st.composite
def _point(draw: st.DrawFn, tag: str) -> str:
    # Now and then a point far from the last (gpxpy measures those by haversine).
    near_lat = st.floats(52, 52.01).map(lambda f: f"{f:.6f}")
    near_lon = st.floats(13, 13.01).map(lambda f: f"{f:.6f}")
    lat = draw(
        _mostly(st.one_of(near_lat, near_lat, near_lat, st.floats(-90, 90).map(str)), _BAD_NUMBER)
    )
    lon = draw(
        _mostly(st.one_of(near_lon, near_lon, near_lon, st.floats(-180, 180).map(str)), _BAD_NUMBER)
    )
    parts = []
    if draw(st.booleans()):
        # Zero heights too: gpxpy measures the moving time in 2-D next to one.
        height = st.one_of(st.floats(0, 300).map(str), st.sampled_from(["0", "0.0", "12"]))
        parts.append(f"<ele>{draw(_mostly(height, _BAD_NUMBER))}</ele>")
    if draw(st.integers(0, 19)):
        parts.append(f"<time>{draw(_mostly(_GOOD_TIME, _TIME))}</time>")
    if draw(st.integers(0, 9)) == 0:
        extra = draw(st.sampled_from(["speed", "hdop", "sat", "name", "fix", "course"]))
        parts.append(f"<{extra}>{draw(st.one_of(_NUMBER, _TEXT))}</{extra}>")
    kind = draw(st.integers(0, 5))
    if kind == 1:
        parts.append(f"<extensions><x:hr>{draw(_HR)}</x:hr></extensions>")
    elif kind in (2, 3, 4):
        parts.append(
            "<extensions><gpxtpx:TrackPointExtension><gpxtpx:cad>80</gpxtpx:cad>"
            f"<gpxtpx:hr>{draw(_HR)}</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions>"
        )
    elif kind == 5:
        parts.append("<extensions><x:power>200</x:power></extensions>")
    return f'<{tag} lat="{lat}" lon="{lon}">{"".join(parts)}</{tag}>'


@st.composite
def gpx_files(draw: st.DrawFn) -> bytes:
    """A GPX 1.0 or 1.1 file with tracks, maybe waypoints, a route, metadata and odd values."""
    version = draw(st.sampled_from(["1.0", "1.1", None]))
    ns = draw(
        st.sampled_from(
            ["http://www.topografix.com/GPX/1/1", "http://www.topografix.com/GPX/1/0", None]
        )
    )
    attrs = (f' version="{version}"' if version else "") + (f' xmlns="{ns}"' if ns else "")
    attrs += ' creator="gen" xmlns:x="urn:x"'
    attrs += ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
    body = []
    if draw(st.booleans()):
        body.append(f"<metadata><name>{draw(_TEXT)}</name><time>{draw(_TIME)}</time></metadata>")
    if draw(st.booleans()):
        body.append(f"<name>{draw(_TEXT)}</name><time>{draw(_TIME)}</time>")
    if draw(st.integers(0, 3)) == 0:
        minlat = draw(_mostly(st.just("52"), _BAD_NUMBER))
        body.append(f'<bounds minlat="{minlat}" maxlat="53" minlon="13" maxlon="14"/>')
    if draw(st.integers(0, 3)) == 0:
        body.append(draw(_point("wpt")))
    if draw(st.integers(0, 9)) == 0:
        body.append(f"<rte>{''.join(draw(st.lists(_point('rtept'), max_size=3)))}</rte>")
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 0]))):
        track = []
        if draw(st.booleans()):
            track.append(f"<name>{draw(_TEXT)}</name>")
        if draw(st.booleans()):
            track.append(f"<type>{draw(st.sampled_from(['running', 'Ride', '9', 'x']))}</type>")
        if draw(st.integers(0, 5)) == 0:
            track.append(f"<number>{draw(st.sampled_from(['1', 'one', ' 2 ']))}</number>")
        for _ in range(draw(st.sampled_from([1, 1, 2, 0]))):
            points = draw(
                st.lists(_point("trkpt"), min_size=draw(st.sampled_from([0, 2, 2, 2])), max_size=12)
            )
            track.append(f"<trkseg>{''.join(points)}</trkseg>")
        body.append(f"<trk>{''.join(track)}</trk>")
    if draw(st.integers(0, 9)) == 0:
        body.append("<!-- a <!DOCTYPE in a comment -->")
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx{attrs}>{"".join(body)}</gpx>'
    return text.encode()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=gpx_files())
def test_generated_gpx_matches_gpxpy(data: bytes) -> None:
    assert _outcome("gen.gpx", data, True) == _outcome("gen.gpx", data, False)


@st.composite
def tcx_files(draw: st.DrawFn) -> bytes:
    """A TCX with activities, laps and track points, some values odd."""
    laps = []
    for _ in range(draw(st.sampled_from([1, 1, 2, 0]))):
        start = draw(_mostly(_GOOD_TIME, _TIME))
        points = []
        for _ in range(draw(st.integers(0, 6))):
            heart = (
                f"<HeartRateBpm><Value>{draw(_HR)}</Value></HeartRateBpm>"
                if draw(st.booleans())
                else ""
            )
            points.append(
                f"<Trackpoint><Time>{draw(_mostly(_GOOD_TIME, _TIME))}</Time>"
                f"<AltitudeMeters>{draw(_mostly(_METRES, _NUMBER))}</AltitudeMeters>"
                f"<DistanceMeters>{draw(_mostly(_METRES, _NUMBER))}</DistanceMeters>"
                f"{heart}</Trackpoint>"
            )
        lap_hr = ""
        if draw(st.booleans()):
            lap_hr += f"<AverageHeartRateBpm><Value>{draw(_HR)}</Value></AverageHeartRateBpm>"
        if draw(st.booleans()):
            lap_hr += f"<MaximumHeartRateBpm><Value>{draw(_HR)}</Value></MaximumHeartRateBpm>"
        laps.append(
            f'<Lap StartTime="{start}"><TotalTimeSeconds>'
            f"{draw(_mostly(_METRES, _NUMBER))}</TotalTimeSeconds>"
            f"<DistanceMeters>{draw(_mostly(_METRES, _NUMBER))}</DistanceMeters>{lap_hr}"
            f"<Track>{''.join(points)}</Track></Lap>"
        )
    activity = (
        f'<Activity Sport="{draw(st.sampled_from(["Running", "Biking", "Other"]))}">'
        f"<Id>{draw(_TIME)}</Id>{''.join(laps)}"
        f"<Creator><Name>{draw(_TEXT)}</Name></Creator></Activity>"
    )
    activities = activity * draw(st.sampled_from([1, 1, 2, 0]))
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f"<Activities>{activities}</Activities></TrainingCenterDatabase>"
    )
    return text.encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tcx_files())
def test_generated_tcx_matches_the_careful_path(data: bytes) -> None:
    assert _outcome("gen.tcx", data, True) == _outcome("gen.tcx", data, False)


def test_a_watch_like_gpx_and_tcx_match_the_careful_path(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        from xml_import import make_gpx, make_tcx  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    for name, make in (("run.gpx", make_gpx), ("run.tcx", make_tcx)):
        make(tmp_path / name, 0.2)
        data = (tmp_path / name).read_bytes()
        fast = _outcome(name, data, True)
        assert fast == _outcome(name, data, False)
        assert isinstance(fast, str) and fast.startswith("Activity("), fast


_SHAPES = {
    "far points, zero and equal heights": (
        '<trkpt lat="52.0" lon="13.0"><ele>0</ele><time>2026-05-03T07:00:00Z</time></trkpt>'
        '<trkpt lat="52.5" lon="13.0"><ele>0</ele><time>2026-05-03T07:10:00Z</time></trkpt>'
        '<trkpt lat="52.5001" lon="13.0001"><ele>5</ele><time>2026-05-03T07:10:05Z</time></trkpt>'
        '<trkpt lat="52.5002" lon="13.0002"><ele>5</ele><time>2026-05-03T07:10:09Z</time></trkpt>'
        '<trkpt lat="52.5003" lon="13.0004"><ele>9</ele><time>2026-05-03T07:10:30Z</time></trkpt>'
    ),
    "zones, fractions and a missing time": (
        '<trkpt lat="52.0" lon="13.0"><time>2026-05-03T09:00:00.250+02:00</time></trkpt>'
        '<trkpt lat="52.0001" lon="13.0"><time>2026-05-03T07:00:04Z</time></trkpt>'
        '<trkpt lat="52.0002" lon="13.0"></trkpt>'
        '<trkpt lat="52.0003" lon="13.0"><time>2026-05-03 07:00:09</time></trkpt>'
    ),
    "a point with other children": (
        '<trkpt lat="52.0" lon="13.0"><ele>3</ele><time>2026-05-03T07:00:00Z</time>'
        "<speed>2.5</speed><sat>7</sat></trkpt>"
        '<trkpt lat="52.001" lon="13.0"><ele>4</ele><time>2026-05-03T07:01:00Z</time></trkpt>'
    ),
    "times that cannot be": (
        '<trkpt lat="52.0" lon="13.0"><time>2026-05-03T07:00:00Z</time></trkpt>'
        '<trkpt lat="52.001" lon="13.0"><time>2026-02-30T07:01:00Z</time></trkpt>'
        '<trkpt lat="52.002" lon="13.0"><time>2026-05-03T24:00:00Z</time></trkpt>'
        '<trkpt lat="52.003" lon="13.0"><time>2026-05-03T07:03:00Z</time></trkpt>'
    ),
}


@pytest.mark.parametrize("shape", sorted(_SHAPES))
def test_the_measuring_pass_equals_gpxpy(shape: str) -> None:
    points = _SHAPES[shape]
    half = points.count("<trkpt") // 2
    cut = [m.start() for m in re.finditer("<trkpt", points)][half]
    for body in (
        f"<trk><trkseg>{points}</trkseg></trk>",
        f"<trk><trkseg>{points[:cut]}</trkseg><trkseg>{points[cut:]}</trkseg></trk>",
        f"<trk><trkseg>{points[:cut]}</trkseg></trk><trk><trkseg>{points[cut:]}</trkseg></trk>",
    ):
        data = (
            '<?xml version="1.0"?>\n<gpx version="1.1" creator="t" '
            f'xmlns="http://www.topografix.com/GPX/1/1">{body}</gpx>'
        ).encode()
        fast = _outcome("shape.gpx", data, True)
        assert fast == _outcome("shape.gpx", data, False)
        assert read_gpx(data) is not None


def test_a_dtd_after_the_root_is_malformed_not_read() -> None:
    data = b'<gpx version="1.1"><trk><trkseg></trkseg></trk></gpx><!DOCTYPE x>'
    assert not xmlsafe.no_dtd(b"<!-- c --><?pi x?>\n<!DOCTYPE gpx><gpx/>")
    assert xmlsafe.no_dtd(b"<?xml version='1.0'?><!-- <!DOCTYPE --><gpx/>")
    assert read_gpx(data) is None


_TP = (
    "<Trackpoint><Time>{t}</Time><AltitudeMeters>{h}</AltitudeMeters>"
    "<DistanceMeters>{d}</DistanceMeters></Trackpoint>"
)
_TCX_SHAPES = {
    "an activity in a course is not one": (
        "<Courses><Activity><Id>2026-05-03T07:00:00Z</Id></Activity></Courses>"
        '<Activities><Activity Sport="Running"><Id>2026-05-03T08:00:00Z</Id><Lap><Track>'
        + _TP.format(t="2026-05-03T08:00:00Z", h="10", d="0")
        + _TP.format(t="2026-05-03T08:10:00Z", h="20", d="2000")
        + "</Track></Lap></Activity></Activities>"
    ),
    "two groups, later points ignored": (
        '<Activities><Activity Sport="Biking"><Lap StartTime="2026-05-03T07:00:00Z"><Track>'
        + _TP.format(t="2026-05-03T07:00:00Z", h="5", d="0")
        + _TP.format(t="2026-05-03T07:30:00Z", h=" 9 ", d="abc")
        + _TP.format(t="2026-05-03T07:20:00Z", h="1", d="900")
        + "</Track><Trackpoint><Time>yesterday</Time></Trackpoint></Lap></Activity>"
        "</Activities><Activities><Activity><Lap><Track>"
        + _TP.format(t="later", h="x", d="y")
        + "</Track></Lap></Activity></Activities>"
    ),
    "a bad time in the second lap": (
        '<Activities><Activity><Lap StartTime="2026-05-03T07:00:00Z"><TotalTimeSeconds>60'
        "</TotalTimeSeconds><Track>"
        + _TP.format(t="2026-05-03T07:00:00Z", h="5", d="10")
        + "</Track></Lap><Lap><Track>"
        + _TP.format(t="noon", h="5", d="10")
        + "</Track></Lap></Activity></Activities>"
    ),
}


@pytest.mark.parametrize("shape", sorted(_TCX_SHAPES))
def test_the_streaming_tcx_pass_equals_the_tree(shape: str) -> None:
    data = (
        '<?xml version="1.0"?>\n<TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f"{_TCX_SHAPES[shape]}</TrainingCenterDatabase>"
    ).encode()
    assert tcx._stream(data, "shape.tcx") is not None
    assert _outcome("shape.tcx", data, True) == _outcome("shape.tcx", data, False)
