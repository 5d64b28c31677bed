"""The report for the physio as a PDF download (from the Progress page, and under /api/v1/)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from runback.report.pdf import render
from runback.services.report import MAX_WEEKS, gather_report
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import StoreDep, UserDep

__all__ = ["DEFAULT_WEEKS", "WEEK_CHOICES", "report_response", "router"]

router = APIRouter()

DEFAULT_WEEKS = 4
WEEK_CHOICES = (2, 4, 6, 8, 12, 26, 52)

Weeks = Annotated[int, Query(ge=1, le=MAX_WEEKS, description="weeks to cover, up to today")]
_PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "the report as an A4 PDF"}
}


def report_response(store: Store, user_id: int, weeks: int) -> Response:
    """Return the user's report as a PDF download named after today's date."""
    from runback.core.timezones import local_date

    pdf = render(gather_report(store, weeks, user_id=user_id))
    today = local_date(store.clock.now(), store.user_zone(user_id=user_id))
    name = f"runback-report-{today.isoformat()}-{weeks}w.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/progress/report.pdf", response_class=Response, responses=_PDF)
def report_pdf(store: StoreDep, user_id: UserDep, weeks: Weeks = DEFAULT_WEEKS) -> Response:
    """Download the report for your physio: pain, red flags, runs and adherence."""
    return report_response(store, user_id, weeks)


@router.get(f"{API}/report.pdf", response_class=Response, responses=_PDF)
def api_report_pdf(store: StoreDep, user_id: UserDep, weeks: Weeks = DEFAULT_WEEKS) -> Response:
    """Return the physio report for the last `weeks` weeks as an A4 PDF."""
    return report_response(store, user_id, weeks)
