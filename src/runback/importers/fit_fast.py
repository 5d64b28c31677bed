"""A summary-first pass over a FIT file: frame every record, decode only the few the summary needs.

fitdecode decodes every field of every record in Python (about 0.5 MB/s); a summary needs the
file_id and the session messages, a handful of records. This pass walks the framing (header,
definition messages, data messages skipped by the size their definition declares), checks the
file CRC with a C-backed CRC-16, and hands fitdecode a small FIT stream holding only the
definitions and the messages the summary reads, so every value is decoded by the same code as
before. Anything unusual (compressed timestamp headers, a field size that does not fit its
type, chained files, bad framing, a CRC that does not match, too many records) returns None:
the caller then decodes the whole file with fitdecode, which also words the errors.
"""

from __future__ import annotations

import io
import struct
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["KEPT_MESSAGES", "fit_crc", "summary_messages"]

KEPT_MESSAGES = frozenset({0, 18, 206, 207})
"""Global message numbers decoded: file_id, session, and the developer field descriptions
(developer_data_id, field_description) that give a session's developer fields their names."""

# Base type number -> size in bytes (FIT profile); any other base type is not handled here.
_BASE_SIZES = {
    0x00: 1, 0x01: 1, 0x02: 1, 0x83: 2, 0x84: 2, 0x85: 4, 0x86: 4, 0x07: 1, 0x88: 4,
    0x89: 8, 0x0A: 1, 0x8B: 2, 0x8C: 4, 0x0D: 1, 0x8E: 8, 0x8F: 8, 0x90: 8,
}  # fmt: skip


@cache
def _crc_function() -> Callable[[bytes], int]:
    # The FIT CRC is CRC-16/ARC (reflected 0x8005, start 0): crcmod's predefined "crc-16".
    import crcmod.predefined

    return crcmod.predefined.mkCrcFun("crc-16")


def fit_crc(data: bytes | bytearray | memoryview) -> int:
    """Return the FIT CRC of `data` (the same value as fitdecode.utils.compute_crc)."""
    return int(_crc_function()(bytes(data)))


def _kept_stream(data: bytes, max_records: int) -> bytes | None:
    """Return a FIT stream of the definitions and kept messages, or None to decode it all."""
    size = len(data)
    if size < 14 or data[8:12] != b".FIT":
        return None
    header_size = data[0]
    if header_size not in (12, 14):
        return None
    end = header_size + struct.unpack_from("<I", data, 4)[0]
    if end + 2 != size:
        return None  # truncated, chained files or trailing bytes: fitdecode says what it is
    if header_size == 14:
        header_crc = struct.unpack_from("<H", data, 12)[0]
        if header_crc and header_crc != fit_crc(data[:12]):
            return None
    if fit_crc(memoryview(data)[:end]) != struct.unpack_from("<H", data, end)[0]:
        return None
    sizes: dict[int, int] = {}
    kept_local: dict[int, bool] = {}
    parts: list[bytes] = []
    pos = header_size
    records = 2  # fitdecode also counts the header and the CRC as frames
    while pos < end:
        records += 1
        if records > max_records:
            return None
        head = data[pos]
        if head & 0x80:
            return None  # compressed timestamp header: its time depends on earlier records
        local = head & 0x0F
        if head & 0x40:
            if head & 0x10 or pos + 6 > end or data[pos + 2] > 1:
                return None
            count = data[pos + 5]
            fields_end = pos + 6 + 3 * count
            if fields_end > end:
                return None
            total = 0
            for i in range(pos + 6, fields_end, 3):
                field_size = data[i + 1]
                base = _BASE_SIZES.get(data[i + 2])
                if base is None or field_size == 0 or field_size % base:
                    return None
                total += field_size
            def_end = fields_end
            if head & 0x20:
                if def_end >= end:
                    return None
                dev_end = def_end + 1 + 3 * data[def_end]
                if dev_end > end:
                    return None
                total += sum(data[i + 1] for i in range(def_end + 1, dev_end, 3))
                def_end = dev_end
            big_endian = data[pos + 2] == 1
            mesg = struct.unpack_from(">H" if big_endian else "<H", data, pos + 3)[0]
            sizes[local] = total
            kept_local[local] = mesg in KEPT_MESSAGES
            parts.append(data[pos:def_end])
            pos = def_end
            continue
        length = sizes.get(local)
        if length is None:
            return None
        record_end = pos + 1 + length
        if record_end > end:
            return None
        if kept_local[local]:
            parts.append(data[pos:record_end])
        pos = record_end
    if pos != end:
        return None
    body = b"".join(parts)
    # A plain 12-byte header and a zero CRC: the caller reads this stream with CRC checks off.
    header = bytes([12, data[1]]) + data[2:4] + struct.pack("<I", len(body)) + b".FIT"
    return header + body + b"\x00\x00"


def summary_messages(
    data: bytes, max_records: int
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """Return (first file_id's fields, every session's fields) as fitdecode reads them, or None.

    None means this pass does not vouch for the file: decode it whole with fitdecode.
    """
    stream = _kept_stream(data, max_records)
    if stream is None:
        return None
    import fitdecode

    file_id: dict[str, Any] = {}
    sessions: list[dict[str, Any]] = []
    try:
        with fitdecode.FitReader(
            io.BytesIO(stream),
            check_crc=fitdecode.CrcCheck.DISABLED,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "file_id" and not file_id:
                    file_id = {f.name: f.value for f in frame.fields}
                elif frame.name == "session":
                    sessions.append({f.name: f.value for f in frame.fields})
    except Exception:  # any doubt: the whole-file path decodes it and words the error
        return None
    return file_id, sessions
