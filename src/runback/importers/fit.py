"""FIT files (Garmin and others) via fitdecode, with CRC checks on."""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime
from typing import Any

from runback.errors import DamagedFileError, NotAnActivityError, UnsafeFileError
from runback.importers.activity import (
    Activity,
    content_hash,
    map_sport,
    plausible_hr,
    weighted_hr,
)

__all__ = ["LENIENT_NOTE", "parse_fit"]

# fitdecode raises these plain errors, not a FitError, on some damaged files: struct.error on a
# header or record cut short, AssertionError on an impossible field definition, and the others
# on malformed field values.
_PLAIN_DECODE_ERRORS = (
    struct.error,
    AssertionError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
)


# fitdecode's message for a definition whose field size is not a multiple of its base type's
# size (some Coros watches write these); its lenient mode reads such a field as plain bytes.
_ODD_FIELD_SIZE = "invalid field size"
LENIENT_NOTE = (
    "read leniently: the file declares a field size that does not fit its type "
    "(as some Coros watches write them), so that field was read as raw bytes"
)


def _decode(
    data: bytes, source: str, check_crc: bool, lenient: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the file_id fields and every session's fields; raise fitdecode's errors."""
    import fitdecode

    from runback.importers.limits import MAX_FIT_RECORDS

    file_id: dict[str, Any] = {}
    sessions: list[dict[str, Any]] = []
    crc = fitdecode.CrcCheck.ENABLED if check_crc else fitdecode.CrcCheck.DISABLED
    handling = fitdecode.ErrorHandling.IGNORE if lenient else fitdecode.ErrorHandling.RAISE
    with fitdecode.FitReader(io.BytesIO(data), check_crc=crc, error_handling=handling) as reader:
        for count, frame in enumerate(reader):
            if count > MAX_FIT_RECORDS:
                raise UnsafeFileError(
                    source, f"refused: it holds more than {MAX_FIT_RECORDS:,} FIT records"
                )
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "file_id" and not file_id:
                file_id = {f.name: f.value for f in frame.fields}
            elif frame.name == "session":
                sessions.append({f.name: f.value for f in frame.fields})
    return file_id, sessions


def _damage_reason(exc: Exception) -> str:
    import fitdecode

    detail = str(exc)
    if isinstance(exc, fitdecode.FitCRCError):
        return f"damaged FIT file: the checksum does not match ({detail})"
    if isinstance(exc, fitdecode.FitHeaderError):
        return f"damaged FIT file: bad or missing FIT header ({detail})"
    if isinstance(exc, fitdecode.FitEOFError):
        return f"damaged FIT file: it ends too early, probably truncated ({detail})"
    if isinstance(exc, struct.error):
        return f"damaged FIT file: a header or record is cut short ({detail})"
    if isinstance(exc, AssertionError):
        # fitdecode's asserts carry no text: say what they guard.
        return "damaged FIT file: its records do not fit the structure its header declares" + (
            f" ({detail})" if detail else ""
        )
    return f"damaged FIT file: it cannot be decoded ({detail})"


def parse_fit(data: bytes, source: str) -> Activity:
    """Read a FIT activity from bytes; DamagedFileError or NotAnActivityError when it is not one."""
    import fitdecode

    from runback.importers.fit_repair import count_records, declared_length, repair_text_mode
    from runback.importers.limits import MAX_FIT_RECORDS

    # A record takes at least one byte, so only a file this long can hold too many; counting
    # them by their framing costs a fraction of decoding them.
    if (
        len(data) > MAX_FIT_RECORDS
        and declared_length(data) is not None
        and count_records(data, MAX_FIT_RECORDS) > MAX_FIT_RECORDS
    ):
        raise UnsafeFileError(
            source, f"refused: it holds more than {MAX_FIT_RECORDS:,} FIT records"
        )
    note = None
    from runback.importers.fit_fast import summary_messages

    # The summary-first pass decodes only file_id and sessions; None: it does not vouch for
    # this file, so fitdecode reads all of it (and says what is wrong, if anything).
    fast = summary_messages(data, MAX_FIT_RECORDS)
    try:
        if fast is not None:
            file_id, sessions = fast
        else:
            try:
                file_id, sessions = _decode(data, source, check_crc=True)
            except fitdecode.FitParseError as exc:
                if _ODD_FIELD_SIZE not in str(exc):
                    raise
                file_id, sessions = _decode(data, source, check_crc=True, lenient=True)
                note = LENIENT_NOTE
    except (fitdecode.FitError, *_PLAIN_DECODE_ERRORS) as exc:
        repaired = repair_text_mode(data)
        if repaired is None:
            raise DamagedFileError(source, _damage_reason(exc)) from exc
        fixed, restored, crc_ok = repaired
        try:
            file_id, sessions = _decode(fixed, source, check_crc=crc_ok)
        except (fitdecode.FitError, *_PLAIN_DECODE_ERRORS):
            raise DamagedFileError(source, _damage_reason(exc)) from exc
        note = f"repaired a text-mode copy of the file ({restored} lost CR bytes put back); " + (
            "the checksum confirms it" if crc_ok else "the checksum could not confirm it"
        )

    kind = file_id.get("type")
    if kind is not None and kind != "activity":
        raise NotAnActivityError(source, f"this is a FIT {kind} file, not a recorded activity")
    usable = [s for s in sessions if isinstance(s.get("start_time"), datetime)]
    if not usable:
        raise NotAnActivityError(source, "this FIT file has no session summary, so no activity")
    return Activity(
        start=min(s["start_time"] for s in usable).astimezone(UTC),
        elapsed_s=_total(usable, "total_elapsed_time") or 0.0,
        moving_s=_total(usable, "total_timer_time"),
        distance_m=_total(usable, "total_distance") or 0.0,
        ascent_m=_total(usable, "total_ascent"),
        sport=_sport(usable),
        name=None,
        device=_device(file_id),
        source_format="fit",
        content_hash=content_hash(data),
        note=note,
        avg_hr=_avg_hr(usable),
        max_hr=_max_hr(usable),
    )


def _avg_hr(sessions: list[dict[str, Any]]) -> int | None:
    # The sessions' own averages (records are not decoded), weighted by each session's time.
    return weighted_hr(
        (
            plausible_hr(s.get("avg_heart_rate")),
            _seconds(s.get("total_timer_time")) or _seconds(s.get("total_elapsed_time")),
        )
        for s in sessions
    )


def _max_hr(sessions: list[dict[str, Any]]) -> int | None:
    rates = [r for s in sessions if (r := plausible_hr(s.get("max_heart_rate"))) is not None]
    return round(max(rates)) if rates else None


def _seconds(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _total(sessions: list[dict[str, Any]], key: str) -> float | None:
    values = [float(s[key]) for s in sessions if isinstance(s.get(key), int | float)]
    return sum(values) if values else None


def _sport(sessions: list[dict[str, Any]]) -> Any:
    sports = {map_sport(s.get("sport"), s.get("sub_sport")) for s in sessions}
    # A multisport file (triathlon, brick) is not one sport.
    return sports.pop() if len(sports) == 1 else "other"


def _device(file_id: dict[str, Any]) -> str | None:
    maker = file_id.get("manufacturer")
    product = file_id.get("product_name") or file_id.get("garmin_product") or file_id.get("product")
    parts = [str(p) for p in (maker, product) if p is not None]
    return " ".join(parts) or None
