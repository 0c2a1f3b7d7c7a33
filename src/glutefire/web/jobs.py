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
from glutefire.screening.pipeline import ClipInput, ClipScreen
from glutefire.store.accounts import update_job
from glutefire.store.models import Client, UploadJob
from glutefire.store.repository import record_screening, unit_of_work

log = logging.getLogger(__name__)

#: Seconds between progress writes (the page polls about twice a second).
PROGRESS_EVERY_S = 0.3

Screened = tuple[dict[str, Any], list[ClipScreen]]
ScreenFn = Callable[[list[ClipInput], ProgressFn], Screened]


def model_info() -> dict[str, Any]:
    """The ``model`` entry of web results: the default pose model, as ``glutefire screen``."""
    from glutefire.pose.mediapipe_backend import model_info as pose_model_info

    return pose_model_info()


def _shifted(on_frame: ProgressFn, offset: int) -> ProgressFn:
    """``on_frame`` with the frame index counted from ``offset``."""
    return lambda i: on_frame(offset + i)


def screen_videos(clips: list[ClipInput], on_frame: ProgressFn) -> Screened:
    """The real pipeline: the same ``screen_clip`` + ``build_result`` as ``glutefire screen``
    (several clips of one session, e.g. front and side, become one merged result).
    ``on_frame`` gets the frame index counted over all clips."""
    from glutefire.io.video import probe_video
    from glutefire.reports.result import build_result
    from glutefire.screening.pipeline import screen_clip

    screens, offset = [], 0
    for clip in clips:
        screens.append(screen_clip(clip, on_frame=_shifted(on_frame, offset)))
        offset += probe_video(clip.path).n_frames
    return build_result(screens, model=model_info()), screens


def write_keyframes(screens: list[ClipScreen], result: dict[str, Any], folder: Path) -> None:
    """One annotated PNG per present finding: ``<folder>/<code>.png``."""
    from glutefire.reports.annotate import write_keyframe

    folder.mkdir(parents=True, exist_ok=True)
    for finding in result.get("findings", []):
        if finding.get("status") == "present" and finding.get("evidence_frame") is not None:
            path = folder / f"{finding['code']}.png"
            write_keyframe(screens[finding.get("clip", 0)], finding, path)


class JobRunner:
    """Runs upload jobs one at a time per worker; call :meth:`shutdown` when the app stops."""

    def __init__(self, engine: Engine, *, upload_dir: Path, keyframe_dir: Path, workers: int = 1,
                 screen: ScreenFn = screen_videos) -> None:
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
            for job in uow.scalars(select(UploadJob).where(UploadJob.status.in_(("queued",
                                                                                "running")))):
                update_job(uow, job.id, status="failed",
                           error="the server restarted during screening; upload the clip again")

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
            clips = [ClipInput(path=self._upload_dir / c["stored_name"],
                               view=View(c["view"]) if c.get("view") else None,
                               heels_elevated=bool(c.get("heels_elevated")))
                     for c in job.clips]
        last = [0.0]

        def on_frame(index: int) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                self._finish(job_id, frames_done=index + 1)

        try:
            result, screens = self._screen(clips, on_frame)
        except GlutefireError as exc:
            self._finish(job_id, status="failed", error=str(exc))
            return
        with unit_of_work(self._engine) as uow:
            screening = record_screening(uow, person_name, result)
            screening_id = screening.id
        write_keyframes(screens, result, self._keyframe_dir / str(screening_id))
        with unit_of_work(self._engine) as uow:
            job = update_job(uow, job_id, status="done", screening_id=screening_id)
            job.frames_done = job.frames_total
