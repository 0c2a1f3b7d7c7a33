"""Resume: an assessment whose ``result.json`` already exists for the same clips (by SHA-256),
the same software version and the same pose model (by the SHA-256 of its bundle) is not screened
again."""

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


def finished_result(out_dir: Path, checksums: list[str], *, model_sha256: str,
                    software_version: str = __version__) -> dict[str, Any] | None:
    """The stored result in ``out_dir`` if it is for these clips, this software and the pose
    model whose bundle has ``model_sha256``, else None."""
    try:
        result = json.loads((out_dir / RESULT_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(result, dict) or not _matches(result, checksums, model_sha256,
                                                    software_version):
        return None
    return result


def _matches(result: dict[str, Any], checksums: list[str], model_sha256: str,
             software_version: str) -> bool:
    raw_inputs, raw_software, raw_model = (result.get(k) for k in ("input", "software", "model"))
    inputs = raw_inputs if isinstance(raw_inputs, list) else []
    stored = [entry.get("sha256") for entry in inputs if isinstance(entry, dict)]
    software = raw_software if isinstance(raw_software, dict) else {}
    model = raw_model if isinstance(raw_model, dict) else {}
    return (stored == checksums and software.get("version") == software_version
            and model.get("sha256") == model_sha256)
