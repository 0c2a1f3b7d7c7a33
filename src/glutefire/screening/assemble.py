"""Assemble the typed screening result of a session from its screened clips (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from glutefire import __version__
from glutefire.result import (
    DISCLAIMER,
    SCHEMA_VERSION,
    ClipEntry,
    ModelInfo,
    RepRecord,
    ScreeningResult,
    Software,
    Subject,
    ViewSegmentEntry,
    finite_or_none,
    summarise,
)
from glutefire.screening.merge import merge_findings, tag_clip, to_result
from glutefire.screening.pipeline import ClipScreen


def _metrics(row: pd.Series) -> dict[str, float | None]:
    return {str(k): finite_or_none(v) for k, v in row.items()}


def _input_entry(index: int, screen: ClipScreen) -> ClipEntry:
    a = screen.analysis
    attrs = a.keypoints.attrs
    time_s = a.keypoints.coords["time"].values
    subject = None
    if screen.subject is not None:
        subject = Subject(
            people_seen=screen.subject.people_seen,
            reason=screen.subject.reason,
            warnings=list(screen.subject.warnings),
        )
    return ClipEntry(
        clip=index,
        path=str(screen.clip.path),
        sha256=screen.sha256,
        kind="video" if screen.video else "keypoints",
        view=a.view.view.value,
        view_forced=a.view_forced,
        view_width_ratio=finite_or_none(a.view.width_ratio),
        heels_elevated=screen.clip.heels_elevated,
        fps=round(float(attrs["sampling_rate_hz"]), 3),
        n_frames=len(time_s),
        duration_s=round(float(time_s[-1] - time_s[0]) + 1.0 / attrs["sampling_rate_hz"], 3),
        width_px=int(attrs["image_width_px"]),
        height_px=int(attrs["image_height_px"]),
        keypoint_source=str(attrs["source_software"]),
        spikes_removed=int(sum(a.cleaning.spikes_removed.values())),
        rep_detection={k: finite_or_none(v) for k, v in vars(a.segmentation).items()},
        legs_used=list(a.sides.sides) if a.sides is not None else None,
        view_segments=[
            ViewSegmentEntry(
                start_s=round(seg.start_s, 3), end_s=round(seg.end_s, 3), view=seg.view.value
            )
            for seg in a.segments
        ],
        notes=list(a.notes),
        subject=subject,
    )


def _reps(index: int, table: pd.DataFrame) -> list[RepRecord]:
    timing = ["start_s", "bottom_s", "end_s", "complete", "bottom_frame"]
    return [
        RepRecord(
            clip=index,
            index=int(rep),
            start_s=round(float(row["start_s"]), 3),
            bottom_s=round(float(row["bottom_s"]), 3),
            end_s=round(float(row["end_s"]), 3),
            complete=bool(row["complete"]),
            bottom_frame=int(row["bottom_frame"]),
            metrics=_metrics(row.drop(timing)),
        )
        for rep, row in table.iterrows()
    ]


def build_result(screens: list[ClipScreen], *, model: ModelInfo) -> ScreeningResult:
    """The whole result document for one screening session (one or more clips)."""
    per_clip = [tag_clip(s.analysis.findings, i) for i, s in enumerate(screens)]
    findings = merge_findings(per_clip, [s.clip.heels_elevated for s in screens])
    views = [v.value for s in screens for v in s.analysis.screened_views()]
    reps = [r for i, s in enumerate(screens) for r in _reps(i, s.analysis.rep_table)]
    return ScreeningResult(
        schema_version=SCHEMA_VERSION,
        software=Software(name="glutefire", version=__version__),
        model=model,
        created_at=datetime.now(timezone.utc).replace(microsecond=0),
        input=[_input_entry(i, s) for i, s in enumerate(screens)],
        view="+".join(dict.fromkeys(views)),
        reps=reps,
        findings=findings,
        findings_by_clip=[[to_result(f) for f in fs] for fs in per_clip],
        summary=summarise(findings, reps),
        warnings=[note for s in screens for note in s.notes],
        disclaimer=DISCLAIMER,
    )
