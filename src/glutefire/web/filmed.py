"""Filmed sets on the session form: an uploaded clip per planned exercise that has a check.

Each clip goes through the screening upload's checks (type, size, frames, pixels:
:func:`glutefire.web.clip_uploads.check_clip`), is then checked with the one entry point
:func:`glutefire.exercises.check.check_exercise` (as ``glutefire log --clip``) and deleted: only
the result (with the clip's SHA-256 and original name) is stored, with the session.

The check runs while the request waits (in a worker thread, so other requests are served): a
filmed set is short (``max_filmed_clip_s``, 60 s by default) and the person wants to see the
measured reps next to the target at once; a screening can take minutes and goes through the job
queue instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from starlette.datastructures import FormData, UploadFile

from glutefire.errors import GlutefireError, InputFileError, RecordError
from glutefire.exercise_result import ExerciseCheckResult
from glutefire.exercises.spec import ExerciseSpec, check_for_library_exercise
from glutefire.tracking.filmed import refuse_unfit
from glutefire.web.clip_uploads import check_clip, store_upload
from glutefire.web.settings import WebSettings

#: The form field of an exercise's clip: ``clip_<exercise id>``.
CLIP_FIELD = "clip_{exercise_id}"


@dataclass(frozen=True)
class FilmedUpload:
    """One clip chosen on the form: the session's exercise, its check, the upload."""

    exercise_id: str
    name: str
    spec: ExerciseSpec
    upload: UploadFile


def filmable(exercises: Sequence[Mapping[str, Any]]) -> dict[str, ExerciseSpec]:
    """Planned exercise id -> the check that films it (the library's link), for those that
    have one."""
    out = {}
    for x in exercises:
        spec = check_for_library_exercise(str(x["exercise_id"]))
        if spec is not None:
            out[str(x["exercise_id"])] = spec
    return out


def chosen_clips(form: FormData, exercises: Sequence[Mapping[str, Any]]) -> list[FilmedUpload]:
    """The clips chosen on the form, for the planned exercises that can be filmed (a file field
    left empty is no clip; a field for another exercise is ignored)."""
    out = []
    for exercise_id, spec in filmable(exercises).items():
        upload = form.get(CLIP_FIELD.format(exercise_id=exercise_id))
        if isinstance(upload, UploadFile) and upload.filename:
            row = next(x for x in exercises if x["exercise_id"] == exercise_id)
            name = str(row.get("name") or exercise_id)
            out.append(FilmedUpload(exercise_id, name, spec, upload))
    return out


async def check_uploads(
    clips: Sequence[FilmedUpload], settings: WebSettings
) -> list[tuple[str, ExerciseCheckResult]]:
    """``(exercise id, result)`` per clip; a clip that cannot stand for the set raises
    :class:`RecordError` naming the exercise. Every stored file is deleted before returning."""
    budget_bytes = settings.max_upload_bytes
    measured = []
    for clip in clips:
        result, size = await _check_one(clip, settings, budget_bytes)
        budget_bytes -= size
        measured.append((clip.exercise_id, result))
    return measured


async def _check_one(
    clip: FilmedUpload, settings: WebSettings, budget_bytes: int
) -> tuple[ExerciseCheckResult, int]:
    original = Path(clip.upload.filename or "clip").name[:120]
    try:
        part, size = await store_upload(clip.upload, settings, budget_bytes)
    except HTTPException as exc:
        raise RecordError(f"{clip.name}: {exc.detail}") from None
    stored = part.with_suffix("")  # the video's own extension, as the screening upload does
    try:
        part.rename(stored)
        result = await asyncio.to_thread(_check_stored, stored, clip.spec, settings)
    except GlutefireError as exc:
        message = str(exc).replace(str(stored), original).replace(stored.name, original)
        raise RecordError(f"{clip.name}: {message}") from None
    finally:
        part.unlink(missing_ok=True)
        stored.unlink(missing_ok=True)
    refuse_unfit(result, clip.name)
    named = result.clip.model_copy(update={"path": original})
    return result.model_copy(update={"clip": named}), size


def _check_stored(path: Path, spec: ExerciseSpec, settings: WebSettings) -> ExerciseCheckResult:
    """The upload's content checks, the filmed-set length limit, then the exercise check."""
    from glutefire.exercises.check import check_exercise
    from glutefire.screening.pipeline import ClipInput

    info = check_clip(path, settings)
    if info.duration_s > settings.max_filmed_clip_s:
        raise InputFileError(
            f"expected a filmed set of at most {settings.max_filmed_clip_s:g} s, but got "
            f"{info.duration_s:.0f} s (trim the clip to the set)"
        )
    return check_exercise(spec.id, ClipInput(path)).result
