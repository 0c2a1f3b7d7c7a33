"""``/healthz`` for load balancers and monitoring: no login, counts and ages only.

200 with ``"status": "ok"``, or ``"degraded"`` when jobs are queued but no screening worker has
beaten its heartbeat lately (pages still work; screenings wait); 503 when the database cannot
be reached. Nothing about accounts, clients, files or hosts is reported.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from glutefire.store.models import utcnow
from glutefire.store.queue import queue_health
from glutefire.store.repository import unit_of_work
from glutefire.web.deps import EngineDep, SettingsDep

router = APIRouter()
#: A worker counts as alive when seen within this many heartbeat (or poll) periods.
ALIVE_PERIODS = 3
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
def healthz(engine: EngineDep, settings: SettingsDep) -> JSONResponse:
    alive_within_s = ALIVE_PERIODS * max(settings.job_heartbeat_s, settings.job_poll_s)
    try:
        with unit_of_work(engine) as uow:
            health = queue_health(uow, now=utcnow(), alive_within_s=alive_within_s)
    except SQLAlchemyError:
        body: dict[str, object] = {"status": "error", "database": "unreachable"}
        return JSONResponse(body, status_code=503, headers=NO_STORE)
    waiting = health.queued > 0 and health.workers_seen == 0
    body = {
        "status": "degraded" if waiting else "ok",
        "database": "ok",
        "queue": {
            "queued": health.queued,
            "running": health.running,
            "oldest_queued_age_s": health.oldest_queued_age_s,
        },
        "workers": {
            "alive": health.workers_seen,
            "alive_within_s": alive_within_s,
            "newest_heartbeat_age_s": health.newest_heartbeat_age_s,
            "in_this_process": settings.screening_workers,
        },
    }
    return JSONResponse(body, headers=NO_STORE)
