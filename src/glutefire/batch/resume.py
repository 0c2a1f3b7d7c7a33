"""Resume: an assessment whose ``result.json`` already exists for the same clips (by SHA-256),
the same software version and the same pose model (by the SHA-256 of its bundle) is not screened
again."""

from __future__ import annotations

from pathlib import Path

from glutefire import __version__
from glutefire.batch.manifest import Assessment
from glutefire.batch.tasks import RESULT_FILE
from glutefire.errors import FindingsError
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
