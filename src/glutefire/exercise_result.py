"""The exercise-check result: what ``glutefire check EXERCISE CLIP`` produces for one clip.

A separate typed container from the squat's :class:`~glutefire.result.ScreeningResult` (whose
finding vocabulary is the squat's); it shares :class:`~glutefire.result.Status`,
:class:`~glutefire.result.Software` and :class:`~glutefire.result.ModelInfo`. Dicts and JSON
exist only at the edges: :func:`parse_check_result` reads, :meth:`ExerciseCheckResult.to_json`
writes. Times in seconds from the clip start; a check's ``value`` and ``threshold`` share its
``unit``; non-finite numbers are stored as ``null``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from glutefire.result import ModelInfo, Number, Software, Status, validate_record

CHECK_SCHEMA_VERSION = 1
CHECK_DISCLAIMER = (
    "glutefire describes movement seen in 2D video as an aid to practice; it does not diagnose "
    "anything. Form checks from one camera are approximate; thresholds marked as design values "
    "are not validated. Stop and see a clinician for pain."
)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class CheckClip(_Record):
    """The clip: provenance, recognised view and body position."""

    path: str
    sha256: str
    kind: Literal["video", "keypoints"]
    fps: float = Field(gt=0)
    n_frames: int = Field(ge=0)
    duration_s: float = Field(ge=0)
    width_px: int = Field(gt=0)
    height_px: int = Field(gt=0)
    keypoint_source: str


class Camera(_Record):
    """The camera view found, the views the exercise is counted from, and whether they fit."""

    view: Literal["side", "front", "oblique"]
    view_forced: bool
    width_ratio: Number = Field(description="width across the body over trunk length")
    posture: Literal["standing", "floor"]
    views_needed: list[str]
    fits: bool
    how_to_film: str


class ExerciseRep(_Record):
    """One repetition: start, event (peak: top of a bridge, bottom of a lunge; the middle of a
    dip when the clip rests at the top) and end."""

    index: int = Field(ge=1)
    start_s: float
    peak_s: float
    end_s: float
    complete: bool


class HoldRecord(_Record):
    """One held position. ``open_start``/``open_end``: already held when the clip starts /
    still held when it ends (the real hold may be longer)."""

    start_s: float
    end_s: float
    duration_s: float = Field(ge=0)
    open_start: bool
    open_end: bool


class FormCheck(_Record):
    """One form check: present / absent / not assessable, with value, threshold, unit, source,
    the views it needs and a cue."""

    code: str
    title: str
    status: Status
    value: Number = None
    threshold: Number = None
    direction: Literal["above", "below"]
    unit: str = ""
    measure: str
    read_at: Literal["peak", "hold"]
    views: list[str]
    cue: str
    source: str
    reason: str
    per_rep: dict[str, Number] = Field(default_factory=dict)
    supporting: dict[str, Number] = Field(default_factory=dict)


class CheckSummary(_Record):
    """What a session log takes: complete reps, the longest hold, codes present / not
    assessable."""

    counts: Literal["reps", "hold"]
    complete_reps: int = Field(ge=0)
    longest_hold_s: Number = None
    present: list[str]
    not_assessable: list[str]


class ExerciseCheckResult(_Record):
    """One checked clip of one exercise (schema_version 1)."""

    schema_version: Literal[1]
    kind: Literal["exercise_check"] = "exercise_check"
    software: Software
    model: ModelInfo
    created_at: datetime
    exercise: str
    exercise_title: str
    clip: CheckClip
    camera: Camera
    reps: list[ExerciseRep]
    holds: list[HoldRecord]
    checks: list[FormCheck]
    summary: CheckSummary
    notes: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    disclaimer: str

    @field_serializer("created_at")
    def _iso(self, value: datetime) -> str:
        return value.isoformat(timespec="seconds")

    def check(self, code: str) -> FormCheck:
        """The form check ``code``."""
        return next(c for c in self.checks if c.code == code)

    def to_jsonable(self) -> dict[str, Any]:
        """Plain JSON types (for a database column or an HTTP body)."""
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        """The result as JSON text."""
        return json.dumps(self.to_jsonable(), indent=indent, allow_nan=False)


def parse_check_result(data: object, *, origin: str = "exercise check") -> ExerciseCheckResult:
    """Validate a parsed exercise-check result; :class:`FindingsError` names the first problem."""
    return validate_record(ExerciseCheckResult, data, origin=origin)
