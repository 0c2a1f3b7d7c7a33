"""Screening of uploaded clips by workers that share one queue in the database.

The queue is the ``upload_job`` table (:mod:`glutefire.store.queue`), so every page, worker and
process sees the same state and a restart loses no job. Each app process starts
``screening_workers`` worker threads (0: it only serves pages); ``glutefire web worker`` runs
workers without serving pages. A worker loop: record its heartbeat, queue again the jobs whose
lease expired, claim the oldest queued job and screen it while a keeper thread renews the
lease; progress, the result and the end of the job are written only while the worker still
holds the lease. The first worker of a process also deletes expired clips
(:mod:`glutefire.web.retention`) every ``retention_every_s``.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from glutefire.errors import GlutefireError
from glutefire.kinematics.view import View
from glutefire.pose.estimate import ProgressFn
from glutefire.reports.outputs import web_outputs
from glutefire.result import ScreeningResult
from glutefire.screening.pipeline import ClipInput
from glutefire.screening.session import (
    ScreenedSession,
    SessionOptions,
    StoreFn,
    screen_session,
)
from glutefire.store import queue
from glutefire.store.models import Client, UploadJob, utcnow
from glutefire.store.repository import record_screening, unit_of_work
from glutefire.web.retention import ClipDeletion, purge_expired_clips
from glutefire.web.settings import WebSettings

log = logging.getLogger(__name__)

#: Seconds between progress writes (the page polls about twice a second).
PROGRESS_EVERY_S = 0.3
#: Shown on a job whose result was stored but whose keyframes were not all drawn.
KEYFRAMES_INTERRUPTED = (
    "the keyframes were not all drawn (the server stopped after storing the result)"
)

#: Screens and saves a job's clips: (clips, progress over all clips' frames, keyframe folder,
#: store) -> session. It must call ``store`` with the result before writing the keyframes.
ScreenFn = Callable[[list[ClipInput], ProgressFn, Path, StoreFn], ScreenedSession]


def screen_videos(
    clips: list[ClipInput], on_frame: ProgressFn, keyframes: Path, store: StoreFn
) -> ScreenedSession:
    """The one session screen (as ``glutefire screen``): the result is stored with ``store``,
    then keyframes and annotated H.264 videos are written into ``keyframes`` (a file that fails
    is a warning in the session's result). ``on_frame`` gets the frame index counted over all
    clips."""
    done_before: dict[int, int] = {}

    def on_progress(clip: int, done: int, total: int) -> None:
        offset = sum(n for i, n in done_before.items() if i < clip)
        on_frame(offset + done - 1)
        if done == total:
            done_before[clip] = total

    return screen_session(
        clips,
        options=SessionOptions(previews=True),  # the annotated video is drawn from the preview
        on_progress=on_progress,
        store=store,
        outputs=[web_outputs(keyframes)],
    )


class LeaseLost(Exception):
    """This worker no longer holds the job (its lease expired and it was queued again)."""


class WorkerStopping(Exception):
    """The process is shutting down: the job goes back to the queue."""


class _Keeper:
    """Renews one job's lease (and the worker's heartbeat) every ``job_heartbeat_s`` on its
    own thread, so a job keeps its lease while no frame moves (model loading, keyframes)."""

    def __init__(self, runner: JobRunner, lease: queue.Lease) -> None:
        self.runner = runner
        self.lease = lease
        self.lost = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="glutefire-lease", daemon=True)

    def __enter__(self) -> _Keeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self.runner.settings.job_heartbeat_s):
            try:
                if not self.runner.renew(self.lease):
                    self.lost.set()
                    return
            except SQLAlchemyError:  # the database is away: the lease may run out, say so
                log.exception("upload job %s: could not renew the lease", self.lease.job_id)

    def check(self) -> None:
        """Raise when the job must stop (called from the screening thread)."""
        if self.lost.is_set():
            raise LeaseLost(self.lease.job_id)
        if self.runner.stopping:
            raise WorkerStopping(self.lease.job_id)


class JobRunner:
    """A process's screening workers (threads); :meth:`start` them, :meth:`shutdown` at the end.

    ``screen`` is read at each job, so a test can swap it while the app runs."""

    def __init__(
        self, engine: Engine, settings: WebSettings, *, screen: ScreenFn = screen_videos
    ) -> None:
        self._engine = engine
        self.settings = settings
        self._screen = screen
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self.name = f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self, workers: int | None = None) -> None:
        """Start ``workers`` worker threads (default: the ``screening_workers`` setting)."""
        count = self.settings.screening_workers if workers is None else workers
        for n in range(count):
            thread = threading.Thread(
                target=self._loop,
                args=(f"{self.name}/{n}", n == 0),
                name=f"glutefire-worker-{n}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def submit(self, job_id: int) -> None:
        """A job was queued: wake this process's idle workers (others find it by polling)."""
        self._wake.set()

    def shutdown(self, timeout_s: float = 10.0) -> None:
        """Stop the workers; a job being screened goes back to the queue at its next frame."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout_s)

    # --- the loop ---

    def _loop(self, worker_id: str, housekeeping: bool) -> None:
        next_purge_s = next_beat_s = time.monotonic()
        while not self._stop.is_set():
            ran = False
            try:
                if time.monotonic() >= next_beat_s:  # a busy worker's keeper beats for it
                    next_beat_s = time.monotonic() + self.settings.job_heartbeat_s
                    self._tx(queue.beat, worker_id, now=utcnow())
                if housekeeping and time.monotonic() >= next_purge_s:
                    next_purge_s = time.monotonic() + self.settings.retention_every_s
                    self.purge_clips()
                ran = self.run_one(worker_id)
            except (SQLAlchemyError, OSError):  # database or disk away: log, wait, try again
                log.exception("screening worker %s", worker_id)
            if not ran:
                self._wake.wait(self.settings.job_poll_s)
                self._wake.clear()
        try:
            self._tx(queue.forget_worker, worker_id)
        except SQLAlchemyError:
            log.exception("screening worker %s: could not remove its heartbeat", worker_id)

    def purge_clips(self) -> ClipDeletion | None:
        """Apply the clip retention setting now (None when clips are kept forever)."""
        days = self.settings.clip_retention_days
        if days is None:
            return None
        done = purge_expired_clips(
            self._engine, self.settings.upload_dir, retention_days=days, now=utcnow()
        )
        if done.jobs:
            log.info("clip retention (%g days): %s", days, done.describe())
        return done

    def run_one(self, worker_id: str) -> bool:
        """Claim the oldest queued job and screen it; False when the queue was empty."""
        with unit_of_work(self._engine) as uow:
            queue.requeue_expired(uow, now=utcnow(), max_attempts=self.settings.job_max_attempts)
            lease = queue.claim_job(
                uow, worker_id=worker_id, now=utcnow(), lease_s=self.settings.job_lease_s
            )
        if lease is None:
            return False
        with _Keeper(self, lease) as keeper:
            self._run_logged(lease, keeper)
        return True

    # --- one job ---

    def _tx(self, fn: Callable[..., object], *args: object, **kwargs: object) -> object:
        with unit_of_work(self._engine) as uow:
            return fn(uow, *args, **kwargs)

    def renew(self, lease: queue.Lease, frames_done: int | None = None) -> bool:
        """Renew ``lease`` (and record progress); False when it was lost."""
        with unit_of_work(self._engine) as uow:
            queue.beat(uow, lease.worker_id, now=utcnow())
            return queue.renew_lease(
                uow,
                lease,
                now=utcnow(),
                lease_s=self.settings.job_lease_s,
                frames_done=frames_done,
            )

    def _end(self, lease: queue.Lease, status: str, error: str | None) -> None:
        if not self._tx(queue.finish_job, lease, now=utcnow(), status=status, error=error):
            log.warning("upload job %s: lost its lease before it could end", lease.job_id)

    def _run_logged(self, lease: queue.Lease, keeper: _Keeper) -> None:
        try:
            self._run(lease, keeper)
        except LeaseLost:
            log.warning("upload job %s: lease lost; left to the worker holding it", lease.job_id)
        except WorkerStopping:
            self._tx(queue.release_job, lease, now=utcnow())
            log.info("upload job %s: queued again (this worker is stopping)", lease.job_id)
        except Exception:  # a bug: record it on the job instead of losing it in a thread
            log.exception("upload job %s failed", lease.job_id)
            self._end(lease, "failed", "internal error while screening")

    def _load(self, job_id: int) -> tuple[str, list[ClipInput], int | None]:
        """The person's name, the clips, and a screening already stored by an earlier claim."""
        upload_dir = self.settings.upload_dir
        with unit_of_work(self._engine) as uow:
            job = uow.get_one(UploadJob, job_id)
            person_name = uow.get_one(Client, job.client_id).person.name
            clips = [
                ClipInput(
                    path=upload_dir / c["stored_name"],
                    view=View(c["view"]) if c.get("view") else None,
                    heels_elevated=bool(c.get("heels_elevated")),
                )
                for c in job.clips
            ]
            return person_name, clips, job.screening_id

    def _run(self, lease: queue.Lease, keeper: _Keeper) -> None:
        person_name, clips, stored_before = self._load(lease.job_id)
        staging = self.settings.keyframe_dir / f"job-{lease.job_id}"
        if stored_before is not None:  # an earlier claim stored the result, then stopped
            self._complete(lease, stored_before, staging, [], resumed=True)
            return
        shutil.rmtree(staging, ignore_errors=True)  # half-drawn keyframes of an earlier claim
        last = [0.0]

        def on_frame(index: int) -> None:
            keeper.check()
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                if not self.renew(lease, frames_done=index + 1):
                    raise LeaseLost(lease.job_id)

        stored: list[int] = []

        def store(result: ScreeningResult) -> None:
            with unit_of_work(self._engine) as uow:  # stored and linked to the job at once
                if not queue.renew_lease(
                    uow, lease, now=utcnow(), lease_s=self.settings.job_lease_s
                ):
                    raise LeaseLost(lease.job_id)
                screening_id = record_screening(uow, person_name, result).id
                uow.get_one(UploadJob, lease.job_id).screening_id = screening_id
                stored.append(screening_id)

        try:
            session = self._screen(clips, on_frame, staging, store)
        except GlutefireError as exc:
            self._end(lease, "failed", str(exc))
            return
        if not stored:  # a bug in the screen function: nothing to link the job to
            raise RuntimeError(f"upload job {lease.job_id}: the screening was not stored")
        self._complete(lease, stored[0], staging, session.result.warnings)

    def _complete(
        self,
        lease: queue.Lease,
        screening_id: int,
        staging: Path,
        warnings: list[str],
        *,
        resumed: bool = False,
    ) -> None:
        """Move the keyframes into the screening's folder and end the job as done. ``resumed``:
        an earlier claim stored the result and stopped before this (keyframes may be missing)."""
        target = self.settings.keyframe_dir / str(screening_id)
        if resumed and not target.exists():
            warnings = [*warnings, KEYFRAMES_INTERRUPTED]
        if staging.is_dir() and not target.exists():
            staging.replace(target)
        for warning in warnings:
            log.warning("upload job %s: %s", lease.job_id, warning)
        self._end(lease, "done", "; ".join(f"warning: {w}" for w in warnings) or None)
