"""Runs: list, fix and delete the stored activities (importing them is services/run_import.py).

Every activity is stored with its sport; `list_runs` returns only runs (core.runs.is_run) unless
asked for another `sport` filter, so a ride never lands in a run count by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, computed_field
from sqlalchemy import func, select, update

from runback.core.model import Model
from runback.core.runs import (
    EARLIEST_START,
    SportFilter,
    is_run,
    pace_s_per_km,
    parse_sport,
    plausible,
    plausible_start,
)
from runback.core.vocab import SPORTS
from runback.errors import NotFoundError, ValidationError
from runback.services.store import Store
from runback.storage.models import PainEntryRow, RunRow

__all__ = [
    "MAX_NAME",
    "Run",
    "RunsPage",
    "delete_run",
    "edit_run",
    "get_run",
    "list_runs",
    "page_of_runs",
]

MAX_NAME = 300  # the column's length


class Run(Model):
    """A stored run, detached from the database (also the web API's run model)."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    start: datetime
    zone: str
    elapsed_s: float
    moving_s: float | None
    distance_m: float
    ascent_m: float | None
    avg_hr: int | None = None  # bpm; None: the file recorded none
    max_hr: int | None = None
    sport: str
    name: str | None
    source_format: str
    source_file: str
    device: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_run(self) -> bool:
        """Whether this activity is a run (running, trail, treadmill, track) or another sport."""
        return is_run(self.sport)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pace_s_per_km(self) -> float | None:
        """Seconds per km over the moving time (else the elapsed time); runs only."""
        return pace_s_per_km(self.sport, self.distance_m, self.moving_s or self.elapsed_s)

    @classmethod
    def from_row(cls, row: RunRow) -> Run:
        """Copy a RunRow, reading implausible numbers as missing (0 s, 0 m) rather than failing."""
        start = row.started_at if plausible_start(row.started_at) else row.imported_at
        return cls(
            id=row.id,
            start=start if plausible_start(start) else EARLIEST_START,
            zone=row.zone,
            elapsed_s=plausible(row.elapsed_s) or 0.0,
            moving_s=plausible(row.moving_s),
            distance_m=plausible(row.distance_m) or 0.0,
            ascent_m=plausible(row.ascent_m),
            avg_hr=row.avg_hr,
            max_hr=row.max_hr,
            sport=row.sport,
            name=row.name,
            source_format=row.source_format,
            source_file=row.source_file,
            device=row.device,
        )

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict (start as UTC ISO 8601)."""
        return {
            "id": self.id,
            "start": self.start.isoformat(),
            "zone": self.zone,
            "elapsed_s": self.elapsed_s,
            "moving_s": self.moving_s,
            "distance_m": self.distance_m,
            "ascent_m": self.ascent_m,
            "avg_hr": self.avg_hr,
            "max_hr": self.max_hr,
            "sport": self.sport,
            "name": self.name,
            "source_format": self.source_format,
            "source_file": self.source_file,
            "device": self.device,
            "is_run": self.is_run,
            "pace_s_per_km": self.pace_s_per_km,
        }


def _filtered(query: Any, sport: SportFilter) -> Any:
    if sport == "all":
        return query
    if sport == "runs":
        return query.where(RunRow.is_run)
    if sport == "other":
        return query.where(~RunRow.is_run)
    if sport not in SPORTS:
        choices = ", ".join(("all", "runs", "other", *SPORTS))
        raise ValidationError("sport", [f"must be one of {choices}; got {sport!r}"])
    return query.where(RunRow.sport == sport)


def list_runs(
    store: Store,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    user_id: int,
    sport: SportFilter = "runs",
) -> list[Run]:
    """Return the user's runs starting in [since, until), oldest first.

    `sport`: "runs" (the default: only runs, see core.runs.is_run), "all", "other" (every
    activity that is not a run) or one sport ("cycling").
    """
    query = _filtered(select(RunRow).where(RunRow.user_id == user_id), sport)
    if since is not None:
        query = query.where(RunRow.started_at >= since)
    if until is not None:
        query = query.where(RunRow.started_at < until)
    with store.factory() as session:
        return [
            Run.from_row(r) for r in session.scalars(query.order_by(RunRow.started_at, RunRow.id))
        ]


@dataclass(frozen=True)
class RunsPage:
    """One page of the runs list, newest first, with the totals the page heads it with."""

    runs: list[Run]
    shown_total: int  # activities the filter matches
    total: int  # runs (core.runs.is_run), whatever the filter
    total_km: float
    others: int  # activities that are not runs


def page_of_runs(
    store: Store,
    *,
    user_id: int,
    sport: SportFilter = "all",
    limit: int = 100,
    offset: int = 0,
) -> RunsPage:
    """Return `limit` activities from `offset`, newest first, and the list's totals, in SQL."""
    if limit < 1 or offset < 0:
        raise ValidationError(
            "page", [f"limit must be 1 or more and offset 0 or more, got {limit}, {offset}"]
        )
    mine = RunRow.user_id == user_id
    query = _filtered(select(RunRow).where(mine), sport)
    query = query.order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(limit).offset(offset)
    counted = _filtered(select(func.count()).select_from(RunRow).where(mine), sport)
    with store.factory() as session:
        rows = [Run.from_row(r) for r in session.scalars(query)]
        shown = session.execute(counted).scalar() or 0
        runs, km, every = session.execute(
            select(
                func.count().filter(RunRow.is_run),
                func.coalesce(func.sum(RunRow.distance_m).filter(RunRow.is_run), 0.0),
                func.count(),
            ).where(mine)
        ).one()
    return RunsPage(rows, shown, runs, float(km) / 1000, every - runs)


def _own(session: Any, user_id: int, run_id: int) -> RunRow:
    row = session.get(RunRow, run_id)
    if row is None or row.user_id != user_id:
        # Someone else's run is as absent as one that never was.
        # Plain words: the web shows this message too (no CLI commands on pages).
        raise NotFoundError(f"no run or activity with id {run_id}; it may have been deleted")
    return row  # type: ignore[no-any-return]


def get_run(store: Store, *, user_id: int, run_id: int) -> Run:
    """Return one of the user's activities (a run or not); NotFoundError otherwise."""
    with store.factory() as session:
        return Run.from_row(_own(session, user_id, run_id))


def delete_run(store: Store, *, user_id: int, run_id: int) -> Run:
    """Delete one of the user's activities; its pain entries stay, no longer linked to it."""
    with store.tx() as session:
        row = _own(session, user_id, run_id)
        gone = Run.from_row(row)
        # The foreign key says SET NULL too; doing it here keeps it true on any database.
        session.execute(
            update(PainEntryRow)
            .where(PainEntryRow.user_id == user_id, PainEntryRow.run_id == run_id)
            .values(run_id=None)
        )
        session.delete(row)
    return gone


def edit_run(
    store: Store,
    *,
    user_id: int,
    run_id: int,
    sport: str | None = None,
    name: str | None = None,
) -> Run:
    """Change an activity's sport (a wrongly detected one) and/or its name ("" clears it)."""
    problems = []
    chosen = None
    if sport is not None:
        try:
            chosen = parse_sport(sport)
        except ValueError as exc:
            problems.append(f"sport: {exc}")
    clean = None if name is None else " ".join(name.split())
    if clean is not None and len(clean) > MAX_NAME:
        problems.append(f"name: at most {MAX_NAME} characters, got {len(clean)}")
    if sport is None and name is None:
        problems.append("give a new sport or a new name")
    if problems:
        raise ValidationError("run", problems)
    with store.tx() as session:
        row = _own(session, user_id, run_id)
        if chosen is not None:
            row.sport = chosen
        if clean is not None:
            row.name = clean or None
        session.flush()
        return Run.from_row(row)
