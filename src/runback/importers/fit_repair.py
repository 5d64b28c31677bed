"""Undo a text-mode copy of a FIT file (every CR LF turned into LF).

Some apps (the Strava Android app 201.10 among them) hand out FIT files that went through a
text-mode copy: each 0x0D 0x0A pair lost its 0x0D, and decoders fail with "local message N not
defined". The header still says how long the data should be. We put CRs back in front of LFs
where the message framing breaks (depth-first, a bounded search) and accept the result only when
the framing then runs exactly to the declared end. The caller learns whether the file's CRC also
confirms the repair; truncated files (the framing runs out of bytes) are never "repaired".
"""

from __future__ import annotations

import struct

__all__ = ["count_records", "declared_length", "frame_error_offset", "repair_text_mode"]

_VALID_BASE_TYPES = frozenset(
    {0x00, 0x01, 0x02, 0x83, 0x84, 0x85, 0x86, 0x07, 0x88, 0x89, 0x0A, 0x8B, 0x8C, 0x0D}
    | {0x8E, 0x8F, 0x90}
)
_MAX_STEPS = 400  # framing passes before giving up; the real file needs about 20
# Each pass copies and frames the whole file, so passes alone do not bound the work: a 4 KB
# .fit.gz inflating to megabytes once took 96 s of CPU. limits.FIT_REPAIR_SCAN_BYTES bounds
# the bytes framed over all passes.
_WINDOW = 600  # how far back from a framing error a lost CR may be


def declared_length(data: bytes) -> int | None:
    """Return the length the FIT header announces (header + data + CRC), or None if no header."""
    if len(data) < 12 or data[8:12] != b".FIT":
        return None
    header_size = data[0]
    if header_size not in (12, 14):
        return None
    body = struct.unpack_from("<I", data, 4)[0]
    return int(header_size + body + 2)


def frame_error_offset(data: bytes | bytearray) -> int | None:
    """Return where the record framing breaks, or None when it runs exactly to the declared end."""
    return _frame(data, None)[0]


def count_records(data: bytes, stop_after: int) -> int:
    """Return how many records the framing holds, counting no further than stop_after + 1."""
    return _frame(data, stop_after)[1]


def _frame(data: bytes | bytearray, stop_after: int | None) -> tuple[int | None, int]:
    """Walk the record framing: (where it breaks or None, records seen)."""
    header_size = data[0]
    end = header_size + struct.unpack_from("<I", data, 4)[0]
    sizes: dict[int, int] = {}
    pos = header_size
    records = 0
    while pos < end:
        records += 1
        if stop_after is not None and records > stop_after:
            return pos, records
        if pos >= len(data):
            return pos, records
        head = data[pos]
        if head & 0x80:  # compressed timestamp header: data message of local type 0-3
            size = sizes.get((head >> 5) & 0x03)
            if size is None:
                return pos, records
            pos += 1 + size
        elif head & 0x40:
            if pos + 6 > len(data) or data[pos + 1] != 0 or data[pos + 2] > 1:
                return pos, records
            count = data[pos + 5]
            fields_end = pos + 6 + 3 * count
            if fields_end > len(data):
                return pos, records
            total = 0
            for i in range(pos + 6, fields_end, 3):
                if data[i + 2] not in _VALID_BASE_TYPES or data[i + 1] == 0:
                    return pos, records
                total += data[i + 1]
            pos = fields_end
            if head & 0x20:
                if pos >= len(data):
                    return pos, records
                dev_count = data[pos]
                dev_end = pos + 1 + 3 * dev_count
                if dev_end > len(data):
                    return pos, records
                total += sum(data[i + 1] for i in range(pos + 1, dev_end, 3))
                pos = dev_end
            sizes[head & 0x0F] = total
        else:
            size = sizes.get(head & 0x0F)
            if size is None:
                return pos, records
            pos += 1 + size
    return (None if pos == end else pos), records


def _crc(data: bytes | bytearray) -> int:
    from fitdecode.utils import compute_crc

    return int(compute_crc(data))


def repair_text_mode(data: bytes) -> tuple[bytes, int, bool] | None:
    """Restore CRs lost by a text-mode copy: (bytes, CRs restored, CRC confirmed), or None."""
    want = declared_length(data)
    if want is None or want <= len(data) or b"\r\n" in data:
        return None
    from runback.importers.limits import FIT_REPAIR_SCAN_BYTES

    header_size = data[0]
    steps = 0
    scanned = 0

    def spent() -> bool:
        return steps > _MAX_STEPS or scanned > FIT_REPAIR_SCAN_BYTES

    def search(buf: bytearray, last_insert: int) -> bytearray | None:
        nonlocal steps, scanned
        steps += 1
        scanned += len(buf)
        if scanned > FIT_REPAIR_SCAN_BYTES:
            return None
        broken = frame_error_offset(buf)
        if broken is None:
            # Framing reaches the declared end; after the CRC only a stray newline may follow.
            return buf if len(buf) >= want and not buf[want:].strip() else None
        if broken >= len(buf) or spent():
            return None  # ran out of bytes: truncated, not a text-mode copy
        low = max(last_insert + 1, header_size, broken - _WINDOW)
        for at in range(broken - 1, low - 1, -1):
            if buf[at] != 0x0A:
                continue
            fixed = bytearray(buf)
            fixed.insert(at, 0x0D)
            found = search(fixed, at + 1)
            if found is not None or spent():
                return found
        return None

    result = search(bytearray(data), header_size - 1)
    if result is None:
        return None
    stored = struct.unpack_from("<H", result, want - 2)[0]
    return bytes(result[:want]), len(result) - len(data), _crc(result[: want - 2]) == stored
