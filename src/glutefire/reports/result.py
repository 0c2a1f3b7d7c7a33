"""The JSON result of ``glutefire screen`` (schema documented in docs/result-format.md)."""

from __future__ import annotations

import json
import math
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from glutefire import __version__
from glutefire.screening.merge import merge_findings, tag_clip
from glutefire.screening.pipeline import ClipScreen

SCHEMA_VERSION = 1
DISCLAIMER = (
    "glutefire is a screening aid. It describes movement patterns seen in 2D video; it does not "
    "diagnose any condition, and 'gluteal amnesia' is a lay term, not a diagnosis. Frontal-plane "
    "knee measures from one camera are only moderately valid. See a clinician for pain, numbness "
    "or injury."
)


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf -> None, numpy scalars -> Python, floats rounded to 3 decimals."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 3) if math.isfinite(value) else None
    return value


def _input_entry(index: int, screen: ClipScreen) -> dict[str, Any]:
    a = screen.analysis
    time_s = a.keypoints.coords["time"].values
    entry: dict[str, Any] = {
        "clip": index, "path": str(screen.clip.path), "sha256": screen.sha256,
        "kind": "video" if screen.video else "keypoints",
        "view": a.view.view.value, "view_forced": a.view_forced,
        "view_width_ratio": a.view.width_ratio, "heels_elevated": screen.clip.heels_elevated,
        "fps": a.keypoints.attrs["sampling_rate_hz"], "n_frames": len(time_s),
        "duration_s": float(time_s[-1] - time_s[0]) + 1.0 / a.keypoints.attrs["sampling_rate_hz"],
        "width_px": a.keypoints.attrs["image_width_px"],
        "height_px": a.keypoints.attrs["image_height_px"],
        "keypoint_source": a.keypoints.attrs["source_software"],
        "spikes_removed": int(sum(a.cleaning.spikes_removed.values())),
        "rep_detection": vars(a.segmentation),
    }
    if screen.subject is not None:
        entry["subject"] = {"people_seen": screen.subject.people_seen,
                            "reason": screen.subject.reason,
                            "warnings": list(screen.subject.warnings)}
    return entry


def _reps(index: int, table: pd.DataFrame) -> list[dict[str, Any]]:
    timing = {"start_s", "bottom_s", "end_s", "complete", "bottom_frame"}
    out = []
    for rep, row in table.iterrows():
        out.append({
            "clip": index, "index": int(rep), "start_s": row["start_s"],
            "bottom_s": row["bottom_s"], "end_s": row["end_s"], "complete": bool(row["complete"]),
            "bottom_frame": int(row["bottom_frame"]),
            "metrics": {k: v for k, v in row.items() if k not in timing},
        })
    return out


def build_result(screens: list[ClipScreen], *, model: dict[str, Any]) -> dict[str, Any]:
    """The whole result document for one screening session (one or more clips)."""
    per_clip = [tag_clip(s.analysis.findings, i) for i, s in enumerate(screens)]
    findings = merge_findings(per_clip, [s.clip.heels_elevated for s in screens])
    views = [s.analysis.view.view.value for s in screens]
    result = {
        "schema_version": SCHEMA_VERSION,
        "software": {"name": "glutefire", "version": __version__},
        "model": model,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "input": [_input_entry(i, s) for i, s in enumerate(screens)],
        "view": "+".join(dict.fromkeys(views)),
        "reps": [r for i, s in enumerate(screens) for r in _reps(i, s.analysis.rep_table)],
        "findings": findings,
        "findings_by_clip": [[f.as_dict() for f in fs] for fs in per_clip],
        "summary": {
            "present": [f["code"] for f in findings if f["status"] == "present"],
            "not_assessable": [f["code"] for f in findings if f["status"] == "not_assessable"],
            "complete_reps": sum(int(s.analysis.rep_table["complete"].sum()) for s in screens),
        },
        "disclaimer": DISCLAIMER,
    }
    return _clean(result)


def write_json_atomic(document: dict[str, Any], path: str | Path) -> None:
    """Write JSON to ``path`` via a temporary file and rename, so a crash never leaves half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "w") as fh:
            json.dump(document, fh, indent=2, allow_nan=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def rep_table_csv(screens: list[ClipScreen], path: str | Path) -> None:
    """All clips' per-rep tables as one CSV (columns: clip, rep, timing, metrics)."""
    frames = []
    for i, s in enumerate(screens):
        table = s.analysis.rep_table.reset_index()
        table.insert(0, "clip", i)
        table.insert(1, "view", s.analysis.view.view.value)
        frames.append(table)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    pd.concat(frames, ignore_index=True).round(3).to_csv(tmp, index=False)
    tmp.replace(path)
