"""The summary-first FIT pass against fitdecode (the oracle): same summary or same error, always."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from fitdecode.utils import compute_crc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runback.importers import fit_fast
from runback.importers.activity import Activity
from runback.importers.fit import _decode, parse_fit
from runback.importers.fit_fast import fit_crc, summary_messages

from ..conftest import SHARED_FIXTURES

FIT_FILES = sorted(SHARED_FIXTURES.rglob("*.fit"))
# Activities the fast pass must handle itself (not hand to fitdecode).
HANDLED = {
    "fit/Activity.fit",
    "fit/activity-small-fenix2-run.fit",
    "fit/garmin-edge-820-bike.fit",
    "fit/garmin-fenix-5-bike.fit",
    "fit/garmin-fenix-5-run.fit",
    "fit/garmin-fenix-5-walk.fit",
    "fit/sample-activity-indoor-trainer.fit",
    "fit/sample-activity.fit",
}


def _outcome(data: bytes, fast: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    """Return parse_fit's Activity, or its error's type and message."""
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(fit_fast, "summary_messages", lambda *_a: None)
        try:
            return parse_fit(data, "file.fit")
        except Exception as exc:
            return (type(exc).__name__, str(exc))


def test_the_crc_is_fitdecodes() -> None:
    for data in (b"\x00", b"123456789", bytes(range(256)) * 5):
        assert fit_crc(data) == compute_crc(data)


@pytest.mark.parametrize("path", FIT_FILES, ids=lambda p: str(p.relative_to(SHARED_FIXTURES)))
def test_every_fixture_matches_fitdecode(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    name = path.relative_to(SHARED_FIXTURES).as_posix()
    assert _outcome(data, True, monkeypatch) == _outcome(data, False, monkeypatch)
    fast = summary_messages(data, 10**6)
    if name in HANDLED:
        assert fast is not None, "the fast pass should read this file itself"
    if fast is not None:
        assert fast == _decode(data, name, check_crc=True)


# --- generated files ---------------------------------------------------------------------------

# (field number, base type, size) per message; values are drawn per field.
_FILE_ID = [(0, 0x00, 1), (1, 0x84, 2), (2, 0x84, 2), (4, 0x86, 4), (8, 0x07, 12)]
_SESSION = [
    (253, 0x86, 4), (2, 0x86, 4), (7, 0x86, 4), (8, 0x86, 4), (9, 0x86, 4), (22, 0x84, 2),
    (5, 0x00, 1), (6, 0x00, 1), (0, 0x00, 1), (16, 0x02, 1), (17, 0x02, 1),
]  # fmt: skip
_RECORD = [(253, 0x86, 4), (0, 0x85, 4), (1, 0x85, 4), (5, 0x86, 4), (3, 0x02, 1)]
_FORMATS = {1: "B", 2: "H", 4: "I"}


@st.composite
def _values(draw: st.DrawFn, fields: list[tuple[int, int, int]]) -> list[bytes | int]:
    out: list[bytes | int] = []
    for _num, base, size in fields:
        if base == 0x07:
            text = draw(st.text(st.characters(codec="utf-8"), max_size=4)).encode()[:size]
            out.append(text.ljust(size, b"\x00"))
        else:
            top = (1 << (8 * size)) - 1
            out.append(draw(st.one_of(st.just(top), st.integers(0, top))))
    return out


def _definition(local: int, mesg: int, fields: list[tuple[int, int, int]], big: bool) -> bytes:
    order = ">" if big else "<"
    head = bytes([0x40 | local, 0, int(big)]) + struct.pack(order + "H", mesg)
    return (
        head + bytes([len(fields)]) + b"".join(bytes([n, size, base]) for n, base, size in fields)
    )


def _data(
    local: int, fields: list[tuple[int, int, int]], values: list[bytes | int], big: bool
) -> bytes:
    order = ">" if big else "<"
    out = bytes([local])
    for (_num, _base, size), value in zip(fields, values, strict=True):
        out += value if isinstance(value, bytes) else struct.pack(order + _FORMATS[size], value)
    return out


@st.composite
def fit_files(draw: st.DrawFn) -> bytes:
    """A FIT activity: file_id, records, sessions, in random byte orders and field subsets."""

    def fields(table: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        return draw(st.lists(st.sampled_from(table), min_size=1, unique=True))

    body = b""
    big = draw(st.booleans())
    id_fields = fields(_FILE_ID)
    body += _definition(0, 0, id_fields, big)
    body += _data(0, id_fields, draw(_values(id_fields)), big)
    record_fields = fields(_RECORD)
    body += _definition(1, 20, record_fields, draw(st.booleans()))
    for _ in range(draw(st.integers(0, 20))):
        body += _data(1, record_fields, draw(_values(record_fields)), big)
    if draw(st.booleans()):
        body += bytes([0x80 | (1 << 5) | 3])  # compressed timestamp header: fitdecode's job
        body += b"\x00" * sum(s for _n, _b, s in record_fields)
    for _ in range(draw(st.integers(0, 3))):
        session_fields = fields(_SESSION)
        body += _definition(2, 18, session_fields, draw(st.booleans()))
        values = draw(_values(session_fields))
        # Mostly real times (after 1990 + 2^28 s), so most files are activities.
        values = [
            draw(st.integers(0x10000000, 0x7FFFFFFF)) if n == 2 and draw(st.booleans()) else v
            for (n, _b, _s), v in zip(session_fields, values, strict=True)
        ]
        body += _data(2, session_fields, values, big)
    header = bytes([14, 0x20]) + struct.pack("<H", 2132) + struct.pack("<I", len(body)) + b".FIT"
    header += struct.pack("<H", compute_crc(header))
    data = header + body
    data += struct.pack("<H", compute_crc(data))
    if draw(st.booleans()):  # sometimes damaged: a byte changed or the end cut off
        at = draw(st.integers(0, len(data) - 1))
        if draw(st.booleans()):
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        else:
            data = data[:at]
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=fit_files())
def test_generated_files_match_fitdecode(data: bytes) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _outcome(data, True, monkeypatch) == _outcome(data, False, monkeypatch)


def _small_fixtures() -> Iterator[bytes]:
    # Small ones only: a damaged file is decoded whole by fitdecode, twice per example.
    for name in sorted(HANDLED):
        data = (SHARED_FIXTURES / name).read_bytes()
        if len(data) < 10_000:
            yield data


SMALL = list(_small_fixtures())


@settings(max_examples=100, deadline=None)
@given(
    which=st.integers(0, len(SMALL) - 1),
    at=st.floats(0, 1, exclude_max=True),
    byte=st.integers(0, 255),
)
def test_a_changed_byte_in_a_real_file_matches_fitdecode(which: int, at: float, byte: int) -> None:
    data = SMALL[which]
    pos = int(at * len(data))
    changed = data[:pos] + bytes([byte]) + data[pos + 1 :]
    with pytest.MonkeyPatch.context() as monkeypatch:
        got = _outcome(changed, True, monkeypatch)
        assert got == _outcome(changed, False, monkeypatch)
    if isinstance(got, Activity):
        assert got.source_format == "fit"
