"""Runs: upload activity files or a Strava export zip, list the runs and other activities, fix a
sport or delete one (pages and API)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from runback.core.format import km
from runback.core.runs import SPORT_FILTERS, SPORT_LABELS
from runback.core.vocab import SPORTS, Sport
from runback.errors import NotFoundError, ValidationError
from runback.importers.formats import accept_attribute
from runback.services.job_thread import JobThread
from runback.services.jobs import Job, Upload, enqueue_import, get_job
from runback.services.run_import import FileResult, ImportReport
from runback.services.runs import (
    Run,
    delete_run,
    edit_run,
    get_run,
    list_runs,
    page_of_runs,
)
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import MAX_ID, CsrfDep, IdPath, StoreDep, UserDep
from runback.web.routes._helpers import local_time, page

__all__ = [
    "FileResultOut",
    "ImportOut",
    "JobOut",
    "RunOut",
    "RunUpdate",
    "import_out",
    "job_out",
    "read_uploads",
    "router",
    "start_import",
]

router = APIRouter()

PAGE_RUNS = 100


# The API shows a run exactly as the service returns it.
RunOut = Run

# What the sport filter offers on the page, in plain words.
_FILTER_LABELS: dict[str, str] = {
    "all": "Everything",
    "runs": "All runs",
    "other": "Other activities",
    **{s: SPORT_LABELS[s] + "s" for s in SPORTS if s != "other"},
    "running": "Runs (not trail, treadmill or track)",
}


class RunUpdate(BaseModel):
    """A fix to a run: its sport (when detected wrongly) and/or its name ("" clears it)."""

    model_config = ConfigDict(extra="forbid")

    sport: Sport | None = None
    name: str | None = Field(None, max_length=300)


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


class JobOut(BaseModel):
    """An upload being imported: its progress, and what happened to each file so far."""

    id: int
    status: Literal["queued", "running", "done", "failed"]
    files_done: int
    files_total: int
    message: str = Field(description="the progress or the outcome, in plain words")
    result: ImportOut


def _progress(job: Job) -> str:
    if job.status == "queued":
        return f"Waiting to import {_files(job.files_total)}…"
    if job.status == "running":
        text = f"Importing… {job.files_done} of {_files(job.files_total)} done."
        return f"{text} Now: {job.current}." if job.current else text
    if job.status == "failed":
        return f"Not imported: {job.error or 'the import stopped'}."
    return "Imported."


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def job_out(store: Store, job: Job) -> JobOut:
    """Return a job's progress and its per-file results, in plain words."""
    return JobOut(
        id=job.id,
        status=job.status,
        files_done=job.files_done,
        files_total=job.files_total,
        message=_progress(job),
        result=import_out(store, job.user_id, job.report),
    )


def _message(result: FileResult, runs: dict[int, Run]) -> str:
    if result.status == "imported":
        run = runs.get(result.run_id) if result.run_id is not None else None
        text = "imported"
        if run is not None:
            kind = "a run" if run.is_run else f"another activity ({SPORT_LABELS[run.sport]})"
            text += f" {kind} on {local_time(run.start, run.zone)}, {km(run.distance_m)}"
        return f"{text} ({result.note})" if result.note else text
    if result.status == "duplicate":
        # The reason names the run's id for the terminal; the page names the file instead.
        found = re.search(r"\(([^()]*)\)$", result.reason or "")
        source = found.group(1) if found else ""
        if "same run" in (result.reason or "") and source:
            return f"already imported: the same run as {source}"
        return f"already imported ({source})" if source else "already imported"
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


def import_out(store: Store, user_id: int, report: ImportReport) -> ImportOut:
    """Return the per-file results of an import, in plain words."""
    ids = {r.run_id for r in report.results if r.run_id is not None}
    everything = list_runs(store, sport="all", user_id=user_id) if ids else []
    runs = {r.id: r for r in everything if r.id in ids}
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


def read_uploads(store: Store, files: list[UploadFile]) -> list[Upload]:
    """Read the uploaded files for an import job; a file over the size limit is refused unread."""
    uploads = []
    limit = store.settings.max_upload_bytes
    for upload in files:
        name = upload.filename or "upload"
        if upload.size is not None and upload.size > limit:
            reason = f"refused: the file is {upload.size} bytes, over the limit of {limit}"
            uploads.append(Upload(name, refused=reason))
            continue
        # Read one byte past the limit so an upload without a declared size is still refused.
        uploads.append(Upload(name, upload.file.read(limit + 1)))
    return uploads


def start_import(request: Request, store: Store, user_id: int, files: list[UploadFile]) -> Job:
    """Store the uploaded files as an import job and wake this process's job thread, if any."""
    job = enqueue_import(store, user_id=user_id, uploads=read_uploads(store, files))
    runner: JobThread | None = request.app.state.jobs
    if runner is not None:
        runner.wake()
    return job


def _sport_label(sport: str) -> str:
    return SPORT_LABELS.get(sport, SPORT_LABELS["other"])


def _page(
    request: Request,
    store: Store,
    user_id: int,
    result: ImportOut | None = None,
    status: int = 200,
    sport: str = "all",
    notice: str | None = None,
    job: JobOut | None = None,
) -> HTMLResponse:
    if sport not in SPORT_FILTERS:
        sport = "all"  # an old or hand-made link: show everything rather than an error
    # One page and the totals, counted in SQL: the page costs the same at 50 runs and 5,000.
    found = page_of_runs(store, sport=sport, limit=PAGE_RUNS, user_id=user_id)
    return page(
        request,
        "runs.html",
        {
            "runs": found.runs,
            "upload_accept": accept_attribute(),
            "shown_total": found.shown_total,
            "total": found.total,
            "total_km": found.total_km,
            "others": found.others,
            "sport": sport,
            "filters": _FILTER_LABELS,
            "sport_label": _sport_label,
            "result": result,
            "notice": notice,
            "job": job,
            "max_mb": store.settings.max_upload_bytes // (1024 * 1024),
        },
        status,
    )


_NOTICES = {"deleted": "Deleted. Its pain entries are kept.", "saved": "Saved."}


@router.get("/runs", response_class=HTMLResponse)
def runs_page(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    sport: str = "all",
    done: str = "",
    job: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    """Show the upload form and the runs and other activities, newest first."""
    shown: JobOut | None = None
    notice = _NOTICES.get(done)
    if job is not None:
        try:
            shown = job_out(store, get_job(store, user_id=user_id, job_id=job))
        except NotFoundError:
            notice = "That upload is not known (any more): upload the files again if needed."
    result = shown.result if shown is not None and shown.status in ("done", "failed") else None
    return _page(request, store, user_id, result, sport=sport, notice=notice, job=shown)


@router.post("/runs", response_class=RedirectResponse, status_code=303)
def runs_upload(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    files: Annotated[list[UploadFile], File()],
) -> RedirectResponse:
    """Start importing uploaded files (the form without JavaScript), then show their progress."""
    job = start_import(request, store, user_id, files)
    return RedirectResponse(f"/runs?job={job.id}#upload-form", status_code=303)


def _run_page(
    request: Request, store: Store, user_id: int, run_id: int, template: str, **extra: object
) -> HTMLResponse:
    run = get_run(store, user_id=user_id, run_id=run_id)
    sports = [(s, SPORT_LABELS[s]) for s in SPORTS]
    context = {"run": run, "sports": sports, "sport_label": _sport_label}
    return page(request, template, {**context, **extra}, 422 if extra.get("problems") else 200)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, store: StoreDep, user_id: UserDep, run_id: IdPath) -> HTMLResponse:
    """Show one run or other activity, with a form to fix its sport or name."""
    return _run_page(request, store, user_id, run_id, "run.html")


@router.post("/runs/{run_id}", response_class=HTMLResponse, response_model=None)
def run_save(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    run_id: IdPath,
    sport: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Save a run's sport and name (the form), then go back to the list."""
    try:
        edit_run(store, user_id=user_id, run_id=run_id, sport=sport, name=name)
    except ValidationError as exc:
        return _run_page(request, store, user_id, run_id, "run.html", problems=exc.problems)
    return RedirectResponse("/runs?done=saved", status_code=303)


@router.get("/runs/{run_id}/delete", response_class=HTMLResponse)
def run_delete_page(
    request: Request, store: StoreDep, user_id: UserDep, run_id: IdPath
) -> HTMLResponse:
    """Ask whether to delete this run (the confirmation step)."""
    return _run_page(request, store, user_id, run_id, "run_delete.html")


@router.post("/runs/{run_id}/delete")
def run_delete(store: StoreDep, user_id: UserDep, _: CsrfDep, run_id: IdPath) -> RedirectResponse:
    """Delete the run (after the confirmation page), keeping its pain entries."""
    delete_run(store, user_id=user_id, run_id=run_id)
    return RedirectResponse("/runs?done=deleted", status_code=303)


@router.get(f"{API}/runs")
def api_runs(
    store: StoreDep,
    user_id: UserDep,
    days: int | None = Query(None, ge=1, le=36600),
    sport: Annotated[
        str,
        Query(description="all, runs, other (every activity that is not a run) or one sport"),
    ] = "all",
) -> list[RunOut]:
    """Return the runs and other activities (of the last `days` days when given), oldest first."""
    since = store.clock.now() - timedelta(days=days) if days is not None else None
    return [
        RunOut.model_validate(r)
        for r in list_runs(store, since=since, sport=sport, user_id=user_id)
    ]


@router.get(f"{API}/runs/{{run_id}}")
def api_run(store: StoreDep, user_id: UserDep, run_id: IdPath) -> RunOut:
    """Return one run or other activity."""
    return get_run(store, user_id=user_id, run_id=run_id)


@router.patch(f"{API}/runs/{{run_id}}")
def api_edit_run(
    store: StoreDep, user_id: UserDep, _: CsrfDep, run_id: IdPath, body: RunUpdate
) -> RunOut:
    """Fix a run's sport or name; run counts and statistics follow."""
    return edit_run(store, user_id=user_id, run_id=run_id, sport=body.sport, name=body.name)


@router.delete(f"{API}/runs/{{run_id}}", status_code=204)
def api_delete_run(store: StoreDep, user_id: UserDep, _: CsrfDep, run_id: IdPath) -> Response:
    """Delete a run or other activity; its pain entries stay, no longer linked to it."""
    delete_run(store, user_id=user_id, run_id=run_id)
    return Response(status_code=204)


@router.post(f"{API}/runs/import", status_code=202)
def api_import(
    request: Request,
    response: Response,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    files: Annotated[list[UploadFile], File()],
) -> JobOut:
    """Start importing activity files (.fit, .gpx, .tcx, gzipped) or a Strava export zip.

    The files are imported by a worker: poll `GET /api/v1/jobs/{id}` until its status is
    done or failed.
    """
    job = start_import(request, store, user_id, files)
    response.headers["location"] = f"{API}/jobs/{job.id}"
    return job_out(store, job)
