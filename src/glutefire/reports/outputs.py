"""The optional files of one screening in an output folder: per-rep CSV, keypoint CSVs, annotated
videos and one keyframe PNG per present finding (``result.json`` is written before them, by
:func:`glutefire.screening.session.screen_session`)."""

from __future__ import annotations

from pathlib import Path

from glutefire.io.keypoint_files import write_landmark_csv
from glutefire.reports.result import rep_table_csv
from glutefire.result import ScreeningResult, Status
from glutefire.screening.pipeline import ClipScreen
from glutefire.screening.session import OutputWriter


def write_outputs(screens: list[ClipScreen], result: ScreeningResult, out: Path,
                  video: bool) -> list[Path]:
    """Write reps.csv, clip keypoints, optional annotated videos and keyframes into ``out``."""
    from glutefire.reports.annotate import render_video

    out.mkdir(parents=True, exist_ok=True)
    written = [out / "reps.csv"]
    rep_table_csv(screens, written[0])
    for i, s in enumerate(screens):
        kp = out / f"clip{i}_keypoints.csv"
        write_landmark_csv(s.analysis.keypoints, kp)
        written.append(kp)
        if video and s.video is not None:
            clip_findings = result.findings_by_clip[i]
            written.append(render_video(s, clip_findings, out / f"clip{i}_annotated.mp4"))
    written += write_keyframes(screens, result, out, prefix="keyframe_")
    return written


def write_keyframes(screens: list[ClipScreen], result: ScreeningResult, folder: Path, *,
                    prefix: str = "") -> list[Path]:
    """One annotated PNG per present finding: ``<folder>/<prefix><code>.png``."""
    from glutefire.reports.annotate import write_keyframe

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for f in result.findings:
        if f.status is Status.PRESENT and f.evidence_frame is not None:
            path = folder / f"{prefix}{f.code.value}.png"
            written.append(write_keyframe(screens[f.clip], f, path))
    return written


def folder_outputs(out: Path, *, video: bool) -> OutputWriter:
    """The ``--out`` folder's files as an output writer for ``screen_session``."""
    return lambda screens, result: write_outputs(screens, result, out, video)


def keyframe_outputs(folder: Path) -> OutputWriter:
    """Keyframes only (the web app's report page), as an output writer."""
    return lambda screens, result: write_keyframes(screens, result, folder)
