"""The one screening-result container: typed records built only through validation.

A screening result is what ``glutefire screen`` (and batch, web uploads, live mode) produce for
one session of one or more clips, and what every later stage (reports, store, tracking,
programming, batch summaries, web pages) reads. Dicts and JSON exist only at the edges: a file
is read with :func:`parse_result_json`, a database column or HTTP body with :func:`parse_result`,
and written with :meth:`ScreeningResult.to_json` / :meth:`ScreeningResult.to_jsonable`.

The finding vocabulary (:class:`FindingCode`, in report order) and :class:`Status` are declared
here and nowhere else. The JSON layout (``schema_version`` 1) is documented in
docs/result-format.md and published as docs/result.schema.json (``glutefire schema``).

Units: times in seconds (``_s``), image sizes in pixels (``_px``), angles in degrees; a finding's
``value`` and ``threshold`` share its ``unit``. Non-finite numbers are stored as ``null``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    model_validator,
)

from glutefire.errors import FindingsError
from glutefire.policy import screening_policy

RecordT = TypeVar("RecordT", bound=BaseModel)

SCHEMA_VERSION = 1
DISCLAIMER = (
    "glutefire is a screening aid. It describes movement patterns seen in 2D video; it does not "
    "diagnose any condition, and 'gluteal amnesia' is a lay term, not a diagnosis. Frontal-plane "
    "knee measures from one camera are only moderately valid. See a clinician for pain, numbness "
    "or injury."
)


class FindingCode(str, Enum):
    """The compensations the screen reports, in report order."""

    KNEES_CAVE_IN = "knees_cave_in"
    KNEES_FORWARD = "knees_forward"
    EXCESSIVE_FORWARD_LEAN = "excessive_forward_lean"
    LOW_BACK_ARCHES = "low_back_arches"
    HEEL_RISE = "heel_rise"
    FEET_TURN_OUT = "feet_turn_out"
    ASYMMETRIC_WEIGHT_SHIFT = "asymmetric_weight_shift"
    ARMS_FALL_FORWARD = "arms_fall_forward"
    INSUFFICIENT_DEPTH = "insufficient_depth"

    def __str__(self) -> str:
        return self.value


#: The finding codes as strings, in report order.
FINDING_CODES: tuple[str, ...] = tuple(c.value for c in FindingCode)


class Status(str, Enum):
    """Outcome of one rule for one clip or session."""

    PRESENT = "present"
    ABSENT = "absent"
    NOT_ASSESSABLE = "not_assessable"

    def __str__(self) -> str:
        return self.value


#: The person's side; for the weight shift, the direction of the shift.
Side = Literal["left", "right", "both", "none"]
ViewName = Literal["front", "back", "side", "oblique"]
ConfidenceLabel = Literal["high", "moderate", "low"]
#: A number that was NaN or infinite when measured is stored as null.
Number = float | None


def confidence_label(confidence: float) -> ConfidenceLabel:
    """ "high", "moderate" or "low" for a confidence in [0, 1], by the policy's bands
    (``data/screening_policy.yaml``: high from 0.7, moderate from 0.45)."""
    bands = screening_policy().confidence_bands
    if confidence >= bands.high:
        return "high"
    return "moderate" if confidence >= bands.moderate else "low"


class _Record(BaseModel):
    """Immutable, strict about unknown keys (a typo is an error, not a silently lost field)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Software(_Record):
    """The program that wrote the result."""

    name: str
    version: str


class ModelInfo(BaseModel):
    """The pose model used. ``name`` is required; the other keys depend on the pose backend.
    MediaPipe's Tasks engine writes ``variant``, ``file`` and ``sha256`` (of the ``.task``
    bundle, which batch resume compares); results stored by older versions have ``complexity``
    instead. Unknown keys are kept as written."""

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    name: str
    version: str | None = None
    variant: str | None = Field(default=None, description="BlazePose model: lite, full or heavy")
    file: str | None = Field(default=None, description="the model bundle's file name")
    sha256: str | None = Field(default=None, description="SHA-256 (hex) of the model bundle")
    complexity: int | None = Field(
        default=None, description="legacy BlazePose model complexity (results before variants)"
    )


class Subject(_Record):
    """Who was analysed when several people were in view."""

    people_seen: int = Field(ge=0)
    reason: str
    warnings: list[str] = Field(
        default_factory=list,
        description="one sentence per re-selection after the subject was lost; empty when the "
        "same person was followed throughout",
    )


class ViewSegmentEntry(_Record):
    """A stretch of a clip screened in one view (times from the clip's start)."""

    start_s: float
    end_s: float
    view: ViewName


class ClipEntry(_Record):
    """One input clip: provenance, view and signal quality."""

    clip: int = Field(ge=0, description="index of the clip in the session")
    path: str
    sha256: str
    kind: Literal["video", "keypoints"]
    view: ViewName
    view_forced: bool
    view_width_ratio: Number = Field(description="shoulder/hip width over trunk length")
    heels_elevated: bool
    fps: float = Field(gt=0)
    n_frames: int = Field(ge=0)
    duration_s: float = Field(ge=0)
    width_px: int = Field(gt=0)
    height_px: int = Field(gt=0)
    keypoint_source: str
    spikes_removed: int = Field(ge=0)
    rep_detection: dict[str, Number] = Field(
        default_factory=dict, description="diagnostics of rep segmentation"
    )
    legs_used: list[Literal["left", "right"]] | None = Field(
        default=None, description="legs the rep driver, depth and tibia angle were measured on"
    )
    view_segments: list[ViewSegmentEntry] = Field(
        default_factory=list,
        description="parts of the clip and the view each was screened in (several when the "
        "view changed mid-clip)",
    )
    notes: list[str] = Field(
        default_factory=list,
        description="plain sentences on what was screened and how; 'warning:' ones need care",
    )
    subject: Subject | None = None


class RepRecord(_Record):
    """One repetition of one clip (partial ones included, ``complete`` false)."""

    clip: int = Field(ge=0)
    index: int = Field(ge=0)
    start_s: float
    bottom_s: float
    end_s: float
    complete: bool
    bottom_frame: int = Field(ge=0)
    metrics: dict[str, Number] = Field(
        default_factory=dict, description="per-rep metrics, units in the names"
    )


class Finding(BaseModel):
    """One rule's outcome for one clip, or merged over the session's clips.

    New optional fields (with a default) may be added here as the screen learns to report more;
    results stored before they existed still parse. Unknown keys are kept as written (``extra``),
    so a result from a newer glutefire is not truncated by an older one.
    """

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    code: FindingCode
    title: str
    status: Status
    side: Side = "none"
    value: Number = None
    threshold: Number = None
    unit: str = ""
    reps: list[int] = Field(default_factory=list, description="reps that crossed the threshold")
    evidence_frame: int | None = None
    evidence_time_s: float | None = None
    confidence: float = Field(ge=0, le=1)
    confidence_label: ConfidenceLabel
    reason: str = ""
    source: str = ""
    caveat: str = ""
    metric: str | None = None
    per_side: dict[str, float] = Field(default_factory=dict)
    supporting: dict[str, Number] = Field(default_factory=dict)
    cue: str = ""
    clip: int = Field(default=0, ge=0)
    heels_elevated_status: Status | None = None
    heels_elevated_value: Number = None
    interpretation: str | None = None

    @property
    def present(self) -> bool:
        return self.status is Status.PRESENT

    @property
    def label(self) -> str:
        """Human label with the finding's side, such as ``Knees cave in (left)`` or
        ``Heels rise (both sides)``; the title alone when no side applies."""
        return self.label_on(self.side)

    def label_on(self, side: str) -> str:
        """Human label of this finding measured on ``side`` (``left``, ``right``, ``both``
        sides; any other value, e.g. ``none``, gives the title alone)."""
        return f"{self.title}{_SIDE_SUFFIX.get(side, '')}"


_SIDE_SUFFIX = {"left": " (left)", "right": " (right)", "both": " (both sides)"}


class Summary(_Record):
    """Codes present and not assessable, and the number of complete reps over all clips."""

    present: list[FindingCode]
    not_assessable: list[FindingCode]
    complete_reps: int = Field(ge=0)


class ScreeningResult(_Record):
    """A whole screening session (schema_version 1). Build it with :func:`parse_result`, or
    field by field (the screen does); both validate the same way."""

    schema_version: Literal[1]
    software: Software
    model: ModelInfo
    created_at: datetime
    input: list[ClipEntry] = Field(min_length=1)
    view: str = Field(description="the clips' distinct views joined by '+'")
    reps: list[RepRecord]
    findings: list[Finding]
    findings_by_clip: list[list[Finding]]
    summary: Summary
    warnings: list[str] = Field(
        default_factory=list,
        description="problems that did not stop the screening, one sentence each: decoding "
        "stopped early or skipped damaged packets, an optional output (keypoint "
        "CSV, annotated video, keyframe) could not be written",
    )
    disclaimer: str

    @field_serializer("created_at")
    def _iso(self, value: datetime) -> str:
        return value.isoformat(timespec="seconds")

    @model_validator(mode="after")
    def _consistent(self) -> ScreeningResult:
        _check_codes(self.findings, "findings")
        if len(self.findings_by_clip) != len(self.input):
            raise ValueError(
                f"expected findings_by_clip for each of the {len(self.input)} "
                f"clips, but got {len(self.findings_by_clip)}"
            )
        for i, clip_findings in enumerate(self.findings_by_clip):
            _check_codes(clip_findings, f"findings_by_clip[{i}]")
        for what, clips in (
            ("reps", {r.clip for r in self.reps}),
            ("findings", {f.clip for f in self.findings}),
        ):
            if clips and max(clips) >= len(self.input):
                raise ValueError(
                    f"expected {what} of clips 0-{len(self.input) - 1}, but got clip {max(clips)}"
                )
        expected = summarise(self.findings, self.reps)
        if (self.summary.present, self.summary.not_assessable) != (
            expected.present,
            expected.not_assessable,
        ):
            raise ValueError(
                "expected summary.present and summary.not_assessable to list the "
                "findings with those statuses"
            )
        return self

    def with_status(self, status: Status | str) -> list[Finding]:
        """Session findings with ``status``, in report order."""
        wanted = Status(status)
        return [f for f in self.findings if f.status is wanted]

    def finding(self, code: FindingCode) -> Finding:
        """The session finding for ``code``."""
        return next(f for f in self.findings if f.code is code)

    @property
    def present(self) -> list[Finding]:
        return self.with_status(Status.PRESENT)

    @property
    def checksums(self) -> list[str]:
        """SHA-256 of each input clip, in order."""
        return [clip.sha256 for clip in self.input]

    def to_jsonable(self) -> dict[str, Any]:
        """Plain JSON types (for a database column or an HTTP body)."""
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        """The result as JSON text (no NaN: non-finite numbers are null)."""
        return json.dumps(self.to_jsonable(), indent=indent, allow_nan=False)


def _check_codes(findings: list[Finding], where: str) -> None:
    codes = tuple(f.code.value for f in findings)
    if codes != FINDING_CODES:
        raise ValueError(
            f"expected {where} to hold the codes {', '.join(FINDING_CODES)} in "
            f"this order, but got {', '.join(codes) or 'none'}"
        )


def summarise(findings: list[Finding], reps: list[RepRecord]) -> Summary:
    """The summary block that belongs to ``findings`` and ``reps``."""
    return Summary(
        present=[f.code for f in findings if f.status is Status.PRESENT],
        not_assessable=[f.code for f in findings if f.status is Status.NOT_ASSESSABLE],
        complete_reps=sum(r.complete for r in reps),
    )


def parse_result(data: object, *, origin: str = "screening result") -> ScreeningResult:
    """Validate a parsed screening result (a dict from JSON, a database column or an HTTP body);
    raise :class:`FindingsError` naming ``origin`` and the first problem."""
    return validate_record(ScreeningResult, data, origin=origin)


def validate_record(model: type[RecordT], data: object, *, origin: str) -> RecordT:
    """``data`` (a dict from JSON, a database column or an HTTP body, or already a ``model``)
    validated as ``model``; :class:`FindingsError` names ``origin`` and the first problem."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise FindingsError(f"{origin}: expected a JSON object, but got {type(data).__name__}")
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise FindingsError(f"{origin}: {_first_problem(exc)}") from None


def parse_result_json(text: str | bytes, *, origin: str = "screening result") -> ScreeningResult:
    """Validate JSON text; raise :class:`FindingsError` for bad JSON or a bad document."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FindingsError(f"{origin}: expected JSON, but could not parse it ({exc})") from None
    return parse_result(data, origin=origin)


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema of the result as written (docs/result.schema.json)."""
    schema = ScreeningResult.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "glutefire screening result"
    return schema


def _first_problem(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "document"
    return f"{where}: {err['msg']}"


def finite_or_none(value: float, *, decimals: int = 3) -> Number:
    """``value`` rounded, or None when it is NaN or infinite (JSON has no NaN)."""
    value = float(value)
    return round(value, decimals) if math.isfinite(value) else None
