"""A physio's programme on the web: import the file, see it, follow it, and see adherence."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.core.programme import Programme, WeekAdherence, programme_routine_slug
from runback.errors import NotFoundError, ValidationError
from runback.services.programmes import (
    MAX_PROGRAMME_BYTES,
    StoredProgramme,
    active_programme,
    adherence,
    export_programme,
    import_programme_bytes,
)
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import CsrfDep, StoreDep, UserDep
from runback.web.routes._helpers import page

__all__ = ["ProgrammeOut", "import_programme_upload", "programme_out", "router"]

router = APIRouter()

PAGE_WEEKS = 4
_NONE = "no programme imported; import your physio's programme file first"


class ProgrammeOut(BaseModel):
    """The active programme, the routine that plays it, and this week's adherence."""

    programme: Programme
    routine_slug: str
    imported_at: datetime
    this_week: WeekAdherence
    summary: str = Field(examples=["prescribed 2×/day, every day, done 11 of 14 this week"])


def programme_out(store: Store, user_id: int, stored: StoredProgramme) -> ProgrammeOut:
    """Return the stored programme with this week's adherence."""
    programme, weeks = adherence(store, 1, user_id=user_id)
    week = weeks[-1]
    return ProgrammeOut(
        programme=stored.programme,
        routine_slug=programme_routine_slug(stored.programme),
        imported_at=stored.imported_at,
        this_week=week,
        summary=f"{week.summary(programme)} this week",
    )


def import_programme_upload(store: Store, user_id: int, upload: UploadFile) -> StoredProgramme:
    """Import an uploaded programme file exactly as `runback programme import FILE` would."""
    name = Path(upload.filename or "programme.toml").name or "programme.toml"
    data = upload.file.read(MAX_PROGRAMME_BYTES + 1)
    return import_programme_bytes(store, data, name, user_id=user_id)


def _required(store: Store, user_id: int) -> StoredProgramme:
    stored = active_programme(store, user_id=user_id)
    if stored is None:
        raise NotFoundError(_NONE)
    return stored


# ---- pages ---------------------------------------------------------------------------------


def _page_context(store: Store, user_id: int) -> dict[str, object]:
    stored = active_programme(store, user_id=user_id)
    context: dict[str, object] = {"stored": stored, "problems": [], "source": ""}
    if stored is not None:
        programme, weeks = adherence(store, PAGE_WEEKS, user_id=user_id)
        context.update(
            p=programme,
            weeks=weeks,
            summary=f"{weeks[-1].summary(programme)} this week",
            routine_slug=programme_routine_slug(programme),
        )
    return context


@router.get("/programme", response_class=HTMLResponse)
def programme_page(
    request: Request, store: StoreDep, user_id: UserDep, imported: str = ""
) -> HTMLResponse:
    """Show the active programme, its adherence week by week, and the import form."""
    context = _page_context(store, user_id)
    return page(request, "programme.html", {**context, "imported": bool(imported)})


@router.post("/programme/import", response_class=HTMLResponse)
def programme_import(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Import a programme file; show every problem, with its line, when it is refused."""
    try:
        import_programme_upload(store, user_id, file)
    except ValidationError as exc:
        context = {**_page_context(store, user_id), "source": exc.source, "problems": exc.problems}
        return page(request, "programme.html", context, 422)
    return RedirectResponse("/programme?imported=1", status_code=303)


@router.get("/programme.toml", response_class=PlainTextResponse)
def programme_export(store: StoreDep, user_id: UserDep) -> PlainTextResponse:
    """Download the active programme as a programme file."""
    return PlainTextResponse(
        export_programme(store, user_id=user_id),
        media_type="application/toml",
        headers={"content-disposition": 'attachment; filename="programme.toml"'},
    )


# ---- JSON ----------------------------------------------------------------------------------


@router.get(f"{API}/programme")
def api_programme(store: StoreDep, user_id: UserDep) -> ProgrammeOut:
    """Return the active programme and this week's adherence (404 when none is imported)."""
    return programme_out(store, user_id, _required(store, user_id))


@router.post(f"{API}/programme/import", status_code=201)
def api_programme_import(
    store: StoreDep, user_id: UserDep, _: CsrfDep, file: Annotated[UploadFile, File()]
) -> ProgrammeOut:
    """Import a programme TOML file as the active one (422 lists every problem with its line)."""
    stored = import_programme_upload(store, user_id, file)
    return programme_out(store, user_id, stored)


@router.get(f"{API}/programme/adherence")
def api_adherence(
    store: StoreDep, user_id: UserDep, weeks: Annotated[int, Query(ge=1, le=52)] = 1
) -> list[WeekAdherence]:
    """Return programme sessions done against prescribed, per week, oldest first."""
    return adherence(store, weeks, user_id=user_id)[1]
