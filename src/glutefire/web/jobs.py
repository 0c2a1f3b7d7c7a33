"""Background screening of uploaded clips in a thread pool; progress is kept in the database
(``upload_job``) so any page, worker or restart sees the same state."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

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
from glutefire.store.accounts import update_job
from glutefire.store.models import Client, UploadJob
from glutefire.store.repository import record_screening, unit_of_work

log = logging.getLogger(__name__)

#: Seconds between progress writes (the page polls about twice a second).
PROGRESS_EVERY_S = 0.3

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


class JobRunner:
    """Runs upload jobs one at a time per worker; call :meth:`shutdown` when the app stops."""

    def __init__(
        self,
        engine: Engine,
        *,
        upload_dir: Path,
        keyframe_dir: Path,
        workers: int = 1,
        screen: ScreenFn = screen_videos,
    ) -> None:
        self._engine = engine
        self._upload_dir = upload_dir
        self._keyframe_dir = keyframe_dir
        self._screen = screen
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="glutefire-job")
        self._idle = threading.Event()
        self._idle.set()

    def fail_interrupted(self) -> None:
        """Jobs left queued or running by a previous server process will never finish."""
        with unit_of_work(self._engine) as uow:
            for job in uow.scalars(
                select(UploadJob).where(UploadJob.status.in_(("queued", "running")))
            ):
                update_job(
                    uow,
                    job.id,
                    status="failed",
                    error="the server restarted during screening; upload the clip again",
                )

    def submit(self, job_id: int) -> None:
        self._pool.submit(self._run_logged, job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run_logged(self, job_id: int) -> None:
        try:
            self._run(job_id)
        except Exception:  # a bug: record it on the job instead of losing it in the pool
            log.exception("upload job %s failed", job_id)
            self._finish(job_id, status="failed", error="internal error while screening")

    def _finish(self, job_id: int, **values: Any) -> None:
        with unit_of_work(self._engine) as uow:
            update_job(uow, job_id, **values)

    def _run(self, job_id: int) -> None:
        with unit_of_work(self._engine) as uow:
            job = update_job(uow, job_id, status="running")
            person_name = uow.get_one(Client, job.client_id).person.name
            clips = [
                ClipInput(
                    path=self._upload_dir / c["stored_name"],
                    view=View(c["view"]) if c.get("view") else None,
                    heels_elevated=bool(c.get("heels_elevated")),
                )
                for c in job.clips
            ]
        last = [0.0]

        def on_frame(index: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                self._finish(job_id, frames_done=index + 1)

        staging = self._keyframe_dir / f"job-{job_id}"
        stored: list[int] = []

        def store(result: ScreeningResult) -> None:
            with unit_of_work(self._engine) as uow:
                stored.append(record_screening(uow, person_name, result).id)

        try:
            session = self._screen(clips, on_frame, staging, store)
        except GlutefireError as exc:
            self._finish(job_id, status="failed", error=str(exc))
            return
        if not stored:  # a bug in the screen function: nothing to link the job to
            raise RuntimeError(f"upload job {job_id}: the screening was not stored")
        screening_id = stored[0]
        if staging.is_dir():
            staging.replace(self._keyframe_dir / str(screening_id))
        warnings = session.result.warnings
        for warning in warnings:
            log.warning("upload job %s: %s", job_id, warning)
        with unit_of_work(self._engine) as uow:
            job = update_job(
                uow,
                job_id,
                status="done",
                screening_id=screening_id,
                error="; ".join(f"warning: {w}" for w in warnings) or None,
            )
            job.frames_done = job.frames_total
