"""Screening results for tests, built only through the result model (glutefire.result), so every
fixture is a result the pipeline could write: nine findings in report order, consistent summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from glutefire.result import (
    DISCLAIMER,
    SCHEMA_VERSION,
    ClipEntry,
    Finding,
    FindingCode,
    ModelInfo,
    RepRecord,
    ScreeningResult,
    Software,
    Status,
    confidence_label,
    summarise,
)


def make_finding(
    code: FindingCode,
    status: Status = Status.NOT_ASSESSABLE,
    *,
    confidence: float = 0.0,
    **fields: Any,
) -> Finding:
    """One finding; a not-assessable one says why unless ``reason`` is given."""
    if status is Status.NOT_ASSESSABLE:
        fields.setdefault("reason", "needs another camera view")
    return Finding(
        code=code,
        title=code.value.replace("_", " ").capitalize(),
        status=status,
        confidence=confidence,
        confidence_label=confidence_label(confidence),
        **fields,
    )


def make_clip(
    index: int = 0, *, view: str = "front", path: str = "squat.mp4", heels_elevated: bool = False
) -> ClipEntry:
    return ClipEntry(
        clip=index,
        path=path,
        sha256=f"{index:02x}" * 32,
        kind="video",
        view=view,
        view_forced=False,
        view_width_ratio=0.6 if view in ("front", "back") else 0.1,
        heels_elevated=heels_elevated,
        fps=30.0,
        n_frames=360,
        duration_s=12.0,
        width_px=1080,
        height_px=1920,
        keypoint_source="mediapipe-blazepose 0.10.21",
        spikes_removed=0,
    )


def make_screening(
    *,
    view: str = "front",
    reps: Sequence[RepRecord] = (),
    findings: Sequence[Finding] = (),
    n_clips: int = 1,
    created_at: dt.datetime | None = None,
) -> ScreeningResult:
    """A result of ``n_clips`` clips of one view; codes not in ``findings`` are not
    assessable."""
    given = {f.code: f for f in findings}
    every = [given.get(code) or make_finding(code) for code in FindingCode]
    return ScreeningResult(
        schema_version=SCHEMA_VERSION,
        software=Software(name="glutefire", version="0.1.0"),
        model=ModelInfo(
            name="mediapipe-blazepose",
            variant="full",
            file="pose_landmarker_full.task",
            sha256="f4adf7f80408e5b4db7277642904a2fee951aab7c936854e49ba475234079e65",
            version="1.2.3",
        ),
        created_at=created_at or dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.timezone.utc),
        input=[make_clip(i, view=view) for i in range(n_clips)],
        view=view,
        reps=list(reps),
        findings=every,
        findings_by_clip=[every] * n_clips,
        summary=summarise(every, list(reps)),
        disclaimer=DISCLAIMER,
    )


def with_finding(result: ScreeningResult, finding: Finding) -> ScreeningResult:
    """``result`` with its finding of ``finding.code`` replaced (one-clip results; the summary
    follows), validated like any result."""
    findings = [finding if f.code is finding.code else f for f in result.findings]
    return ScreeningResult.model_validate(
        {
            **dict(result),
            "findings": findings,
            "findings_by_clip": [findings] * len(result.input),
            "summary": summarise(findings, list(result.reps)),
        }
    )
