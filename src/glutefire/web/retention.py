"""Retention of uploaded clips: the raw video files are deleted, the screening stays.

What is deleted: the files under ``<data dir>/uploads`` named by a job's ``clips``. What stays:
the job row (marked ``clips_deleted_at``), the screening result with its per-rep metrics and
findings, and the annotated keyframes. Two ways in:

- :func:`purge_expired_clips`: clips of jobs that finished (done or failed) more than
  ``retention_days`` ago; run by the worker loop every ``retention_every_s`` and by
  ``glutefire web purge-clips``.
- :func:`delete_client_clips`: every clip of one client now (the trainer's button and
  ``glutefire web delete-clips``); clips of a job still queued or running are kept and counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from glutefire.store.models import UploadJob
from glutefire.store.queue import jobs_with_clips, jobs_with_expired_clips
from glutefire.store.repository import unit_of_work

BUSY = ("queued", "running")


@dataclass(frozen=True)
class ClipDeletion:
    """What a deletion did: jobs whose clips went, files removed, their bytes, and jobs kept
    because they are still queued or being screened."""

    jobs: int = 0
    files: int = 0
    bytes: int = 0
    kept_busy: int = 0

    def __add__(self, other: ClipDeletion) -> ClipDeletion:
        return ClipDeletion(
            self.jobs + other.jobs,
            self.files + other.files,
            self.bytes + other.bytes,
            self.kept_busy + other.kept_busy,
        )

    def describe(self) -> str:
        text = (
            f"deleted {self.files} clip file(s) ({self.bytes / 1e6:.1f} MB) "
            f"of {self.jobs} upload(s)"
        )
        if self.kept_busy:
            text += f"; kept the clips of {self.kept_busy} upload(s) still being screened"
        return text


def _clip_files(upload_dir: Path, job: UploadJob) -> list[Path]:
    """The job's clip files that exist; only plain names (as the upload route makes them)."""
    names = [str(clip.get("stored_name", "")) for clip in job.clips]
    paths = [upload_dir / n for n in names if n and Path(n).name == n]
    return [p for p in paths if p.is_file()]


def _delete_files(upload_dir: Path, job: UploadJob, now: dt.datetime) -> ClipDeletion:
    files = _clip_files(upload_dir, job)
    size = sum(p.stat().st_size for p in files)
    for path in files:
        path.unlink(missing_ok=True)
    job.clips_deleted_at = now
    return ClipDeletion(jobs=1, files=len(files), bytes=size)


def purge_expired_clips(
    engine: Engine, upload_dir: Path, *, retention_days: float, now: dt.datetime
) -> ClipDeletion:
    """Delete the clips of jobs finished at least ``retention_days`` before ``now``."""
    if retention_days < 0:
        raise ValueError(f"expected retention_days >= 0, but got {retention_days}")
    cutoff = now - dt.timedelta(days=retention_days)
    total = ClipDeletion()
    with unit_of_work(engine) as uow:
        for job in jobs_with_expired_clips(uow, cutoff=cutoff):
            total += _delete_files(upload_dir, job, now)
    return total


def delete_client_clips(
    engine: Engine, upload_dir: Path, client_id: int, *, now: dt.datetime
) -> ClipDeletion:
    """Delete every kept clip of one client, except those of jobs still queued or running."""
    total = ClipDeletion()
    with unit_of_work(engine) as uow:
        for job in jobs_with_clips(uow, client_id):
            if job.status in BUSY:
                total += ClipDeletion(kept_busy=1)
                continue
            total += _delete_files(upload_dir, job, now)
    return total


def kept_clips(engine: Engine, upload_dir: Path, client_id: int) -> ClipDeletion:
    """What :func:`delete_client_clips` would delete now (nothing is deleted)."""
    total = ClipDeletion()
    with unit_of_work(engine) as uow:
        for job in jobs_with_clips(uow, client_id):
            if job.status in BUSY:
                total += ClipDeletion(kept_busy=1)
                continue
            files = _clip_files(upload_dir, job)
            total += ClipDeletion(1, len(files), sum(p.stat().st_size for p in files))
    return total
