"""Resume: an assessment whose ``result.json`` already exists for the same clips (by SHA-256),
the same software version and the same pose model is not screened again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from glutefire import __version__
from glutefire.batch.manifest import Assessment
from glutefire.batch.tasks import RESULT_FILE
from glutefire.io.video import sha256_of


def clip_checksums(assessment: Assessment) -> list[str]:
    """SHA-256 of each clip of ``assessment``, in order."""
    return [sha256_of(clip.path) for clip in assessment.clips]


def finished_result(out_dir: Path, checksums: list[str], *, model_complexity: int,
                    software_version: str = __version__) -> dict[str, Any] | None:
    """The stored result in ``out_dir`` if it is for these clips and this software, else None."""
    try:
        result = json.loads((out_dir / RESULT_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(result, dict) or not _matches(result, checksums, model_complexity,
                                                    software_version):
        return None
    return result


def _matches(result: dict[str, Any], checksums: list[str], model_complexity: int,
             software_version: str) -> bool:
    inputs = result.get("input") if isinstance(result.get("input"), list) else []
    stored = [entry.get("sha256") for entry in inputs if isinstance(entry, dict)]
    software = result.get("software") if isinstance(result.get("software"), dict) else {}
    model = result.get("model") if isinstance(result.get("model"), dict) else {}
    return (stored == checksums and software.get("version") == software_version
            and model.get("complexity") == model_complexity)
