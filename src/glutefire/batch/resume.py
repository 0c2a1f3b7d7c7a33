"""Resume: an assessment whose ``result.json`` already exists for the same clips (by SHA-256),
the same software version and the same pose model (by the SHA-256 of its bundle) is not screened
again. An exercise check's key also holds the exercise; its clip's pose model counts only when
the clip is a video (a keypoint CSV's check names the keypoints' source, not a model)."""

from __future__ import annotations

import json
from pathlib import Path

from glutefire import __version__
from glutefire.batch.manifest import Assessment
from glutefire.batch.tasks import RESULT_FILE
from glutefire.errors import FindingsError
from glutefire.exercise_result import ExerciseCheckResult, parse_check_result
from glutefire.io.video import sha256_of
from glutefire.result import ScreeningResult, parse_result_json


def clip_checksums(assessment: Assessment) -> list[str]:
    """SHA-256 of each clip of ``assessment``, in order."""
    return [sha256_of(clip.path) for clip in assessment.clips]


def finished_result(
    out_dir: Path, checksums: list[str], *, model_sha256: str, software_version: str = __version__
) -> ScreeningResult | None:
    """The stored result in ``out_dir`` if it is for these clips, this software and the pose
    model whose bundle has ``model_sha256``, else None (also when it is missing or does not
    parse: then the assessment is screened again)."""
    try:
        result = parse_result_json((out_dir / RESULT_FILE).read_bytes())
    except (OSError, FindingsError):
        return None
    if (
        result.checksums != checksums
        or result.software.version != software_version
        or result.model.sha256 != model_sha256
    ):
        return None
    return result


def finished_check(
    out_dir: Path,
    checksum: str,
    *,
    exercise: str,
    model_sha256: str,
    software_version: str = __version__,
) -> ExerciseCheckResult | None:
    """The stored exercise check in ``out_dir`` if it is of ``exercise``, for the clip with
    ``checksum``, by this software and (for a video) the pose model whose bundle has
    ``model_sha256``, else None (also when it is missing, not a check or does not parse)."""
    try:
        data = json.loads((out_dir / RESULT_FILE).read_bytes())
        result = parse_check_result(data, origin=str(out_dir / RESULT_FILE))
    except (OSError, ValueError, FindingsError):
        return None
    same_model = result.clip.kind != "video" or result.model.sha256 == model_sha256
    if (
        result.exercise != exercise
        or result.clip.sha256 != checksum
        or result.software.version != software_version
        or not same_model
    ):
        return None
    return result
