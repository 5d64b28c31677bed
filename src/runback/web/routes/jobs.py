"""Jobs: the progress and results of an upload that a worker imports (JSON, polled by pages)."""

from __future__ import annotations

from fastapi import APIRouter

from runback.services.jobs import get_job
from runback.web.api import API
from runback.web.deps import IdPath, StoreDep, UserDep
from runback.web.routes.runs import JobOut, job_out

__all__ = ["router"]

router = APIRouter()


@router.get(f"{API}/jobs/{{job_id}}")
def api_job(store: StoreDep, user_id: UserDep, job_id: IdPath) -> JobOut:
    """Return an upload's progress (files done of all) and what happened to each file so far."""
    return job_out(store, get_job(store, user_id=user_id, job_id=job_id))
