"""Runs: upload activity files or a Strava export zip, and list the runs."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from runback.services.runs import FileResult, ImportReport, Run, import_bytes, list_runs
from runback.services.store import Store
from runback.web.deps import CsrfDep, StoreDep, UserDep
from runback.web.routes._helpers import km, local_time, page

__all__ = ["FileResultOut", "ImportOut", "RunOut", "import_uploads", "router"]

router = APIRouter()

API = "/api/v1"
PAGE_RUNS = 100


# The API shows a run exactly as the service returns it.
RunOut = Run


class FileResultOut(BaseModel):
    """What happened to one uploaded file (or one activity inside a Strava export)."""

    file: str
    status: str
    reason: str | None
    run_id: int | None
    note: str | None
    message: str


class ImportOut(BaseModel):
    """Per-file results of an upload."""

    imported: int
    duplicates: int
    skipped: int
    ignored: list[str]
    files: list[FileResultOut]
    summary: str


def _message(result: FileResult, runs: dict[int, Run]) -> str:
    if result.status == "imported":
        run = runs.get(result.run_id) if result.run_id is not None else None
        text = "imported"
        if run is not None:
            kind = "a run" if run.sport == "running" else f"a {run.sport} activity"
            text += f" {kind} on {local_time(run.start, run.zone)}, {km(run.distance_m)}"
        return f"{text} ({result.note})" if result.note else text
    if result.status == "duplicate":
        return f"already imported: {result.reason}" if result.reason else "already imported"
    return f"not imported: {result.reason}" if result.reason else "not imported"


def _summary(report: ImportReport) -> str:
    parts = [f"{report.count('imported')} imported"]
    if report.count("duplicate"):
        parts.append(f"{report.count('duplicate')} already there")
    if report.count("skipped"):
        parts.append(f"{report.count('skipped')} not imported")
    if report.ignored:
        parts.append(f"{len(report.ignored)} other files ignored")
    return ", ".join(parts) + "."


def _out(store: Store, user_id: int, report: ImportReport) -> ImportOut:
    ids = {r.run_id for r in report.results if r.run_id is not None}
    runs = {r.id: r for r in list_runs(store, user_id) if r.id in ids} if ids else {}
    return ImportOut(
        imported=report.count("imported"),
        duplicates=report.count("duplicate"),
        skipped=report.count("skipped"),
        ignored=report.ignored,
        files=[
            FileResultOut(
                file=r.name,
                status=r.status,
                reason=r.reason,
                run_id=r.run_id,
                note=r.note,
                message=_message(r, runs),
            )
            for r in report.results
        ],
        summary=_summary(report),
    )


async def import_uploads(store: Store, user_id: int, files: list[UploadFile]) -> ImportReport:
    """Import every uploaded file through services/runs.py; one bad file never stops the rest."""
    report = ImportReport()
    limit = store.settings.max_upload_bytes
    for upload in files:
        name = upload.filename or "upload"
        if upload.size is not None and upload.size > limit:
            reason = f"refused: the file is {upload.size} bytes, over the limit of {limit}"
            report.results.append(FileResult(name, "skipped", reason))
            continue
        # Read one byte past the limit so an upload without a declared size is still refused.
        data = await upload.read(limit + 1)
        one = import_bytes(store, user_id, name, data)
        report.results.extend(one.results)
        report.ignored.extend(one.ignored)
    return report


def _page(
    request: Request, store: Store, user_id: int, result: ImportOut | None = None, status: int = 200
) -> HTMLResponse:
    runs = list_runs(store, user_id)
    runs.reverse()
    total_km = sum(r.distance_m for r in runs) / 1000
    return page(
        request,
        "runs.html",
        {
            "runs": runs[:PAGE_RUNS],
            "total": len(runs),
            "total_km": total_km,
            "result": result,
            "max_mb": store.settings.max_upload_bytes // (1024 * 1024),
        },
        status,
    )


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, store: StoreDep, user_id: UserDep) -> HTMLResponse:
    """Show the upload form and the runs, newest first."""
    return _page(request, store, user_id)


@router.post("/runs", response_class=HTMLResponse)
async def runs_upload(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    files: Annotated[list[UploadFile], File()],
) -> HTMLResponse:
    """Import uploaded files (the form without JavaScript) and show what happened to each."""
    report = await import_uploads(store, user_id, files)
    return _page(request, store, user_id, _out(store, user_id, report))


@router.get(f"{API}/runs")
def api_runs(
    store: StoreDep, user_id: UserDep, days: int | None = Query(None, ge=1, le=36600)
) -> list[RunOut]:
    """Return the runs (of the last `days` days when given), oldest first."""
    since = store.clock.now() - timedelta(days=days) if days is not None else None
    return [RunOut.model_validate(r) for r in list_runs(store, user_id, since=since)]


@router.post(f"{API}/runs/import")
async def api_import(
    store: StoreDep, user_id: UserDep, _: CsrfDep, files: Annotated[list[UploadFile], File()]
) -> ImportOut:
    """Import uploaded activity files (.fit, .gpx, .tcx, gzipped) or a Strava export zip."""
    report = await import_uploads(store, user_id, files)
    return _out(store, user_id, report)
