"""The files of one screening in an output folder: per-rep CSV, keypoint CSVs, annotated videos
and one keyframe PNG per present finding (``result.json`` is written by the caller, last)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.reports.result import rep_table_csv
from glutefire.screening.pipeline import ClipScreen


def write_outputs(screens: list[ClipScreen], result: dict[str, Any], out: Path,
                  video: bool) -> list[Path]:
    """Write reps.csv, clip keypoints, optional annotated videos and keyframes into ``out``."""
    from glutefire.reports.annotate import render_video, write_keyframe

    out.mkdir(parents=True, exist_ok=True)
    written = [out / "reps.csv"]
    rep_table_csv(screens, written[0])
    for i, s in enumerate(screens):
        kp = out / f"clip{i}_keypoints.csv"
        write_landmark_csv(s.analysis.keypoints, kp)
        written.append(kp)
        if video and s.video is not None:
            clip_findings = result["findings_by_clip"][i]
            written.append(render_video(s, clip_findings, out / f"clip{i}_annotated.mp4"))
    for f in result["findings"]:
        if f["status"] == "present":
            path = out / f"keyframe_{f['code']}.png"
            written.append(write_keyframe(screens[f["clip"]], f, path))
    return written
