"""Strava's activities.csv: repeated column names, translated headers, local date formats."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from runback.core.vocab import Sport
from runback.errors import ActivityFileError, DamagedFileError
from runback.importers.activity import Activity, content_hash, map_sport, plausible_hr

__all__ = ["CsvActivity", "parse_activities_csv", "parse_strava_date"]

# Header names by meaning, English first, then the German export. Where a name repeats, Strava
# puts the rounded display value first (Distance in km, Elapsed Time in whole seconds) and the
# precise value later (Distance in metres).
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("activity id", "aktivitäts-id", "aktivitäts id"),
    "date": ("activity date", "aktivitätsdatum", "datum der aktivität"),
    "name": ("activity name", "name der aktivität", "aktivitätsname"),
    "type": ("activity type", "aktivitätstyp", "aktivitätsart", "sportart"),
    "elapsed": ("elapsed time", "verstrichene zeit", "gesamtzeit"),
    "distance": ("distance", "distanz", "strecke"),
    "filename": ("filename", "dateiname"),
    "moving": ("moving time", "bewegungszeit", "zeit in bewegung"),
    "ascent": ("elevation gain", "höhenzunahme", "höhenmeter bergauf", "anstieg"),
    # Max Heart Rate repeats (after Elapsed Time, and again near Average Heart Rate); both
    # carry the same bpm when Strava has any, so the first one with a value is read.
    "avg_hr": ("average heart rate", "durchschnittliche herzfrequenz", "ø herzfrequenz"),
    "max_hr": ("max heart rate", "maximale herzfrequenz", "max. herzfrequenz"),
}
# Where the fields sit in the export layout of 2022-2024 (used when a header is unknown).
_POSITIONS = {"id": 0, "date": 1, "name": 2, "type": 3, "elapsed": 5, "moving": 16, "ascent": 20}
_DISTANCE_KM_POS, _DISTANCE_M_POS = 6, 17

_MONTHS_DE = {
    "januar": "Jan", "jan": "Jan", "februar": "Feb", "feb": "Feb", "märz": "Mar", "mär": "Mar",
    "april": "Apr", "apr": "Apr", "mai": "May", "juni": "Jun", "jun": "Jun", "juli": "Jul",
    "jul": "Jul", "august": "Aug", "aug": "Aug", "september": "Sep", "sept": "Sep", "sep": "Sep",
    "oktober": "Oct", "okt": "Oct", "november": "Nov", "nov": "Nov",
    "dezember": "Dec", "dez": "Dec",
}  # fmt: skip
_DATE_FORMATS = (
    "%b %d, %Y, %I:%M:%S %p",  # May 29, 2022, 3:53:35 PM (English export)
    "%d.%m.%Y, %H:%M:%S",  # 29.05.2022, 15:53:35 (German export)
    "%d.%m.%Y %H:%M:%S",
    "%d. %b %Y, %H:%M:%S",  # 29. Mai 2022, 15:53:35
    "%d %b %Y, %H:%M:%S",  # 29 May 2022, 15:53:35 (UK English)
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)


@dataclass(frozen=True)
class CsvActivity:
    """One row of activities.csv: what it says, and the file it points to (if any)."""

    row_number: int
    activity_id: str
    name: str | None
    sport: Sport | None  # None when the type is missing or unknown
    filename: str | None
    start: datetime | None
    elapsed_s: float | None
    moving_s: float | None
    distance_m: float | None
    ascent_m: float | None
    avg_hr: int | None = None  # bpm, what Strava shows (from the file, or a strap it knew)
    max_hr: int | None = None

    def to_activity(self, source: str) -> Activity:
        """Build an Activity from the row alone (a manual entry), or say what is missing."""
        if self.start is None:
            raise ActivityFileError(source, "manual entry without a readable date: not imported")
        if not self.elapsed_s:
            raise ActivityFileError(source, "manual entry without a duration: not imported")
        return Activity(
            start=self.start,
            elapsed_s=self.elapsed_s,
            moving_s=self.moving_s,
            distance_m=self.distance_m or 0.0,
            ascent_m=self.ascent_m,
            sport=self.sport or "other",
            name=self.name,
            device=None,
            source_format="strava-csv",
            content_hash=content_hash(f"strava-activity:{self.activity_id}".encode()),
            note="entered by hand on Strava: imported from activities.csv",
            avg_hr=self.avg_hr,
            max_hr=self.max_hr,
        )


def parse_strava_date(text: str) -> datetime | None:
    """Parse an Activity Date (UTC) in the English or German export format."""
    cleaned = " ".join(text.replace("\u202f", " ").split())
    for word, abbr in _MONTHS_DE.items():
        cleaned = re.sub(rf"\b{word}\b", abbr, cleaned, flags=re.IGNORECASE)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _number(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    value = text.strip()
    if "," in value and "." not in value:
        value = value.replace(",", ".")  # German decimal comma
    try:
        return float(value)
    except ValueError:
        return None


def parse_activities_csv(data: bytes, source: str) -> list[CsvActivity]:
    """Read activities.csv; DamagedFileError when it is not a Strava activities table."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DamagedFileError(source, "activities.csv is not UTF-8 text") from exc
    rows = list(csv.reader(io.StringIO(text, newline="")))  # quoted fields may hold newlines
    if not rows:
        raise DamagedFileError(source, "activities.csv is empty")
    header = [h.strip().lower() for h in rows[0]]
    positions: dict[str, list[int]] = {}
    for key, names in _ALIASES.items():
        positions[key] = [i for i, h in enumerate(header) if h in names]
    known_layout = len(header) > _DISTANCE_M_POS + 4
    for key, pos in _POSITIONS.items():
        if not positions[key] and known_layout:
            positions[key] = [pos]
    if not positions["distance"] and known_layout:
        positions["distance"] = [_DISTANCE_KM_POS, _DISTANCE_M_POS]
    if not positions["filename"]:
        positions["filename"] = _find_filename_column(rows)
    if not positions["id"] or not positions["date"]:
        raise DamagedFileError(source, "activities.csv has no Activity ID / Activity Date columns")

    def cell(row: list[str], key: str, occurrence: int = 0) -> str | None:
        found = positions[key]
        if len(found) <= occurrence or found[occurrence] >= len(row):
            return None
        value = row[found[occurrence]].strip()
        return value or None

    result: list[CsvActivity] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        metres = _number(cell(row, "distance", 1))
        km = _number(cell(row, "distance", 0))
        elapsed = _number(cell(row, "elapsed", 1)) or _number(cell(row, "elapsed", 0))
        kind = cell(row, "type")
        sport = map_sport(kind) if kind else None
        date = cell(row, "date")
        result.append(
            CsvActivity(
                row_number=number,
                activity_id=cell(row, "id") or f"row{number}",
                name=cell(row, "name"),
                sport=sport if sport != "other" else None,
                filename=cell(row, "filename"),
                start=parse_strava_date(date) if date else None,
                elapsed_s=elapsed,
                moving_s=_number(cell(row, "moving")),
                distance_m=metres
                if metres is not None
                else (km * 1000 if km is not None else None),
                ascent_m=_number(cell(row, "ascent")),
                avg_hr=_heart(cell(row, "avg_hr", 0), cell(row, "avg_hr", 1)),
                max_hr=_heart(cell(row, "max_hr", 0), cell(row, "max_hr", 1)),
            )
        )
    return result


def _heart(*cells: str | None) -> int | None:
    """Return the first plausible heart rate (bpm) among the cells, or None."""
    for text in cells:
        rate = plausible_hr(_number(text))
        if rate is not None:
            return round(rate)
    return None


def _find_filename_column(rows: list[list[str]]) -> list[int]:
    # Unknown language: the file column is the one whose values look like activities/….
    for row in rows[1:]:
        for i, value in enumerate(row):
            if value.strip().startswith("activities/"):
                return [i]
    return []
