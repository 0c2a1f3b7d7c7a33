"""The screening queue, kept in ``upload_job`` and shared by every worker of every process.

A worker **claims** a queued job with a conditional ``UPDATE ... WHERE id = :id AND status =
'queued'`` and checks that exactly one row changed: on SQLite the write lock (``BEGIN
IMMEDIATE``) serialises claims; on PostgreSQL a second claimer waits for the first one's row
lock, re-checks the condition on the committed row and changes nothing. The claim holds a
**lease** (``lease_expires_at``) that the worker renews while it runs; every later write of the
worker (progress, the result, the end) is conditional on still holding it, so a worker that
lost its lease stops instead of running a job twice at once. A job whose lease has expired (its
worker died or was killed) is queued again, at most ``max_attempts`` claims in all, then failed
with a message that says so.

Workers also keep a heartbeat row in ``web_worker`` (read by the health endpoint).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Update, delete, func, or_, select, update
from sqlalchemy.orm import Session

from glutefire.store.models import UploadJob, WebWorker

#: Claims looked at per try; another worker may take some of them first.
CLAIM_CANDIDATES = 8
#: Heartbeat rows of workers not seen for this long are removed.
FORGET_WORKER_AFTER = dt.timedelta(days=1)
FINISHED = ("done", "failed")


@dataclass(frozen=True)
class Lease:
    """A claimed job: who holds it and which claim of the job this is (1 = first)."""

    job_id: int
    worker_id: str
    attempt: int


@dataclass(frozen=True)
class QueueHealth:
    """What ``/healthz`` reports: counts and ages only, nothing about people."""

    queued: int
    running: int
    workers_seen: int
    newest_heartbeat_age_s: float | None
    oldest_queued_age_s: float | None


def _rows_changed(uow: Session, statement: Update) -> int:
    """Run an UPDATE and return how many rows it changed (the atomic test of a claim)."""
    result = cast(CursorResult[Any], uow.execute(statement))
    return result.rowcount


def interrupted_message(attempts: int) -> str:
    return (
        f"the screening was interrupted {attempts} times (its server process stopped while "
        "screening); upload the clip again, and ask the administrator to check the server log "
        "if it happens again"
    )


def requeue_expired(uow: Session, *, now: dt.datetime, max_attempts: int) -> list[int]:
    """Queue again the running jobs whose lease expired before ``now``; fail those that have
    had ``max_attempts`` claims already. Returns the ids queued again."""
    expired = uow.execute(
        select(UploadJob.id, UploadJob.attempts).where(UploadJob.status == "running", _expired(now))
    ).all()
    requeued = []
    for job_id, attempts in expired:
        still_expired = (UploadJob.id == job_id, UploadJob.status == "running", _expired(now))
        if attempts >= max_attempts:
            values = {
                "status": "failed",
                "error": interrupted_message(attempts),
                "finished_at": now,
            }
        else:
            values = {"status": "queued", "frames_done": 0}
        changed = _rows_changed(
            uow,
            update(UploadJob)
            .where(*still_expired)
            .values(worker_id=None, lease_expires_at=None, updated_at=now, **values)
            .execution_options(synchronize_session=False),
        )
        if changed == 1 and values["status"] == "queued":
            requeued.append(job_id)
    return requeued


def _expired(now: dt.datetime) -> ColumnElement[bool]:
    """The lease ran out; a running job without a lease was left by a release before 0005."""
    return or_(UploadJob.lease_expires_at.is_(None), UploadJob.lease_expires_at < now)


def claim_job(uow: Session, *, worker_id: str, now: dt.datetime, lease_s: float) -> Lease | None:
    """Claim the oldest queued job for ``worker_id`` (None when the queue is empty)."""
    candidates = uow.scalars(
        select(UploadJob.id)
        .where(UploadJob.status == "queued")
        .order_by(UploadJob.id)
        .limit(CLAIM_CANDIDATES)
    ).all()
    for job_id in candidates:
        changed = _rows_changed(
            uow,
            update(UploadJob)
            .where(UploadJob.id == job_id, UploadJob.status == "queued")
            .values(
                status="running",
                worker_id=worker_id,
                lease_expires_at=now + dt.timedelta(seconds=lease_s),
                attempts=UploadJob.attempts + 1,
                frames_done=0,
                updated_at=now,
            )
            .execution_options(synchronize_session=False),
        )
        if changed == 1:
            attempt = uow.scalar(select(UploadJob.attempts).where(UploadJob.id == job_id))
            return Lease(job_id, worker_id, int(attempt or 1))
    return None


def _held(lease: Lease) -> tuple:
    return (
        UploadJob.id == lease.job_id,
        UploadJob.worker_id == lease.worker_id,
        UploadJob.status == "running",
    )


def renew_lease(
    uow: Session,
    lease: Lease,
    *,
    now: dt.datetime,
    lease_s: float,
    frames_done: int | None = None,
) -> bool:
    """Extend the lease (and record progress); False when the worker no longer holds it."""
    values: dict[str, object] = {
        "lease_expires_at": now + dt.timedelta(seconds=lease_s),
        "updated_at": now,
    }
    if frames_done is not None:
        values["frames_done"] = frames_done
    changed = _rows_changed(
        uow,
        update(UploadJob)
        .where(*_held(lease))
        .values(**values)
        .execution_options(synchronize_session=False),
    )
    return changed == 1


def finish_job(
    uow: Session,
    lease: Lease,
    *,
    now: dt.datetime,
    status: str,
    error: str | None = None,
) -> bool:
    """End a held job as ``done`` or ``failed``; False when the lease was lost."""
    if status not in FINISHED:
        raise ValueError(f"expected a final status in {FINISHED}, but got {status!r}")
    values: dict[str, object] = {
        "status": status,
        "error": error,
        "worker_id": None,
        "lease_expires_at": None,
        "finished_at": now,
        "updated_at": now,
    }
    if status == "done":
        values["frames_done"] = UploadJob.frames_total
    changed = _rows_changed(
        uow,
        update(UploadJob)
        .where(*_held(lease))
        .values(**values)
        .execution_options(synchronize_session=False),
    )
    return changed == 1


def release_job(uow: Session, lease: Lease, *, now: dt.datetime) -> bool:
    """Give a held job back to the queue without counting the claim (a worker stopping)."""
    changed = _rows_changed(
        uow,
        update(UploadJob)
        .where(*_held(lease))
        .values(
            status="queued",
            worker_id=None,
            lease_expires_at=None,
            attempts=UploadJob.attempts - 1,
            frames_done=0,
            updated_at=now,
        )
        .execution_options(synchronize_session=False),
    )
    return changed == 1


# --- worker heartbeats ---


def beat(uow: Session, worker_id: str, *, now: dt.datetime) -> None:
    """Record that ``worker_id`` is alive; forget workers silent for a day."""
    changed = _rows_changed(
        uow,
        update(WebWorker)
        .where(WebWorker.id == worker_id)
        .values(seen_at=now)
        .execution_options(synchronize_session=False),
    )
    if changed == 0:
        uow.add(WebWorker(id=worker_id, started_at=now, seen_at=now))
    uow.execute(delete(WebWorker).where(WebWorker.seen_at < now - FORGET_WORKER_AFTER))


def forget_worker(uow: Session, worker_id: str) -> None:
    uow.execute(delete(WebWorker).where(WebWorker.id == worker_id))


def queue_health(uow: Session, *, now: dt.datetime, alive_within_s: float) -> QueueHealth:
    """Queue length, running jobs, workers seen within ``alive_within_s`` and the age of the
    newest worker heartbeat and of the oldest queued job (seconds; None when there is none)."""
    counts = dict(
        uow.execute(
            select(UploadJob.status, func.count())
            .where(UploadJob.status.in_(("queued", "running")))
            .group_by(UploadJob.status)
        ).all()
    )
    newest = uow.scalar(select(func.max(WebWorker.seen_at)))
    alive = uow.scalar(
        select(func.count())
        .select_from(WebWorker)
        .where(WebWorker.seen_at >= now - dt.timedelta(seconds=alive_within_s))
    )
    oldest = uow.scalar(
        select(UploadJob.created_at)
        .where(UploadJob.status == "queued")
        .order_by(UploadJob.created_at)
        .limit(1)
    )
    return QueueHealth(
        queued=int(counts.get("queued", 0)),
        running=int(counts.get("running", 0)),
        workers_seen=int(alive or 0),
        newest_heartbeat_age_s=_age_s(now, newest),
        oldest_queued_age_s=_age_s(now, oldest),
    )


def _age_s(now: dt.datetime, then: dt.datetime | None) -> float | None:
    if then is None:
        return None
    if then.tzinfo is None:  # func.max bypasses the column type on SQLite
        then = then.replace(tzinfo=dt.timezone.utc)
    return round(max((now - then).total_seconds(), 0.0), 1)


# --- clips of finished jobs (retention) ---


def jobs_with_expired_clips(uow: Session, *, cutoff: dt.datetime) -> list[UploadJob]:
    """Finished jobs (done or failed) whose clips are still kept and that ended before
    ``cutoff``."""
    return list(
        uow.scalars(
            select(UploadJob)
            .where(
                UploadJob.status.in_(FINISHED),
                UploadJob.clips_deleted_at.is_(None),
                UploadJob.finished_at <= cutoff,
            )
            .order_by(UploadJob.id)
        )
    )


def jobs_with_clips(uow: Session, client_id: int) -> list[UploadJob]:
    """A client's jobs whose clips are still kept (any status), oldest first."""
    return list(
        uow.scalars(
            select(UploadJob)
            .where(UploadJob.client_id == client_id, UploadJob.clips_deleted_at.is_(None))
            .order_by(UploadJob.id)
        )
    )
