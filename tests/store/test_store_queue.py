"""The screening queue in the database: claims are atomic across processes and threads, leases
expire into the queue again (bounded), and a worker that lost its lease can write nothing."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
import time

from sqlalchemy import select

from glutefire.store import accounts, queue
from glutefire.store.engine import open_database
from glutefire.store.models import UploadJob, WebWorker, utcnow
from glutefire.store.repository import unit_of_work

JOBS = 40
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)


def _queue_jobs(engine, n: int) -> list[int]:
    with unit_of_work(engine) as uow:
        trainer = accounts.create_account(
            uow, email="c@example.org", password_hash="x", role="trainer", display_name="C"
        )
        client = accounts.create_client(uow, trainer, "Ana")
        clip = {"stored_name": "a.mp4", "original_name": "a.mp4", "view": None, "frames": 10}
        return [accounts.create_job(uow, client, clips=[clip], size_bytes=1).id for _ in range(n)]


def _claim_all(url: str, name: str, start, out) -> None:
    """One process: three threads claim until the queue is empty; (process, claimed ids) go to
    ``out``. ``start``: a barrier both processes reach before they claim."""
    engine = open_database(url)
    start.wait(60)
    claimed: list[int] = []

    def claimer(worker: str) -> None:
        while True:
            with unit_of_work(engine) as uow:
                lease = queue.claim_job(uow, worker_id=worker, now=utcnow(), lease_s=600)
            if lease is None:
                return
            claimed.append(lease.job_id)
            time.sleep(0.05)  # "screens" the job, as a worker does before it claims again

    threads = [threading.Thread(target=claimer, args=(f"{name}/{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((name, claimed))
    engine.dispose()


def test_two_processes_never_claim_a_job_twice(db_url):
    engine = open_database(db_url)
    ids = _queue_jobs(engine, JOBS)
    context = multiprocessing.get_context("spawn")
    start, out = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_claim_all, args=(db_url, n, start, out)) for n in "ab"]
    for process in workers:
        process.start()
    by_process = dict([out.get(timeout=120), out.get(timeout=120)])
    claimed = by_process["a"] + by_process["b"]
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    assert sorted(claimed) == ids  # every job once, none twice
    with unit_of_work(engine) as uow:
        rows = uow.scalars(select(UploadJob)).all()
        assert {j.status for j in rows} == {"running"} and {j.attempts for j in rows} == {1}
        assert {j.worker_id for j in rows} <= {f"{p}/{i}" for p in "ab" for i in range(3)}
    assert by_process["a"] and by_process["b"]  # both processes took part
    engine.dispose()


def test_an_expired_lease_is_queued_again_then_failed_after_max_attempts(engine):
    [job_id] = _queue_jobs(engine, 1)
    for attempt in (1, 2):
        now = T0 + dt.timedelta(minutes=10 * attempt)
        with unit_of_work(engine) as uow:
            assert queue.requeue_expired(uow, now=now, max_attempts=2) == (
                [job_id] if attempt == 2 else []
            )
            lease = queue.claim_job(uow, worker_id=f"w{attempt}", now=now, lease_s=60)
            assert lease is not None and lease.attempt == attempt
    with unit_of_work(engine) as uow:  # second lease runs out too: two claims, no third
        assert queue.requeue_expired(uow, now=T0 + dt.timedelta(hours=1), max_attempts=2) == []
        job = uow.get_one(UploadJob, job_id)
        assert job.status == "failed" and "interrupted 2 times" in (job.error or "")
        assert job.finished_at == T0 + dt.timedelta(hours=1)


def test_a_worker_that_lost_its_lease_cannot_write(engine):
    [job_id] = _queue_jobs(engine, 1)
    with unit_of_work(engine) as uow:
        old = queue.claim_job(uow, worker_id="old", now=T0, lease_s=60)
    later = T0 + dt.timedelta(minutes=5)
    with unit_of_work(engine) as uow:
        assert queue.requeue_expired(uow, now=later, max_attempts=3) == [job_id]
        new = queue.claim_job(uow, worker_id="new", now=later, lease_s=60)
    assert old is not None and new is not None and new.attempt == 2
    with unit_of_work(engine) as uow:
        assert not queue.renew_lease(uow, old, now=later, lease_s=60, frames_done=5)
        assert not queue.finish_job(uow, old, now=later, status="done")
        assert not queue.release_job(uow, old, now=later)
        assert queue.renew_lease(uow, new, now=later, lease_s=60, frames_done=7)
    with unit_of_work(engine) as uow:
        job = uow.get_one(UploadJob, job_id)
        assert (job.status, job.worker_id, job.frames_done) == ("running", "new", 7)
        assert queue.finish_job(uow, new, now=later, status="done")
    with unit_of_work(engine) as uow:
        job = uow.get_one(UploadJob, job_id)
        assert (job.status, job.frames_done, job.worker_id) == ("done", 10, None)


def test_a_released_job_keeps_its_attempts(engine):
    [job_id] = _queue_jobs(engine, 1)
    with unit_of_work(engine) as uow:
        lease = queue.claim_job(uow, worker_id="w", now=T0, lease_s=60)
        assert lease is not None and queue.release_job(uow, lease, now=T0)
    with unit_of_work(engine) as uow:
        job = uow.get_one(UploadJob, job_id)
        assert (job.status, job.attempts, job.worker_id) == ("queued", 0, None)


def test_health_counts_and_heartbeat_age(engine):
    _queue_jobs(engine, 3)
    with unit_of_work(engine) as uow:
        queue.claim_job(uow, worker_id="w", now=T0, lease_s=60)
        queue.beat(uow, "w", now=T0)
        queue.beat(uow, "gone", now=T0 - dt.timedelta(days=2))
    with unit_of_work(engine) as uow:
        queue.beat(uow, "w", now=T0 + dt.timedelta(seconds=4))  # forgets "gone"
        assert uow.scalars(select(WebWorker.id)).all() == ["w"]
    with unit_of_work(engine) as uow:
        health = queue.queue_health(uow, now=T0 + dt.timedelta(seconds=10), alive_within_s=30)
    assert (health.queued, health.running, health.workers_seen) == (2, 1, 1)
    assert health.newest_heartbeat_age_s == 6.0
    assert health.oldest_queued_age_s is not None and health.oldest_queued_age_s >= 0
