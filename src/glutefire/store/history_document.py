"""The ``glutefire-history`` document (``glutefire export`` / ``glutefire import``) as
validated models: every field is checked at the boundary (types, finite numbers in range, text
without control characters and within its column, plausible times, bounded JSON nesting), so a
hostile or damaged file is one :class:`~glutefire.errors.RecordError` and nothing is stored."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from glutefire.boundary import clean_text, json_depth_within, plausible_time
from glutefire.datafiles import format_validation_error
from glutefire.errors import RecordError
from glutefire.tracking.training_log.model import SET_TYPES, TrainingSet


def _text(max_chars: int, *, multiline: bool = False) -> Any:
    return AfterValidator(lambda v: clean_text(v, "text", max_chars=max_chars, multiline=multiline))


Name = Annotated[str, _text(200)]
Short = Annotated[str, _text(64)]
Notes = Annotated[str, _text(2000, multiline=True)]
Moment = Annotated[AwareDatetime, AfterValidator(lambda v: plausible_time(v, "the time"))]
JsonObject = Annotated[dict[str, Any], AfterValidator(lambda v: json_depth_within(v, "it"))]
Key = Annotated[str, _text(64)] | int


class _Record(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False, frozen=True)


class PersonRecord(_Record):
    name: Name
    time_zone: Short | None = None
    notes: Notes | None = None
    created_at: Moment


class IntakeRecord(_Record):
    key: Key | None = None
    recorded_at: Moment
    answers: JsonObject = Field(default_factory=dict)


class ScreeningRecord(_Record):
    recorded_at: Moment
    view: Annotated[str, _text(16)] | None = None
    software_version: Annotated[str, _text(32)] | None = None
    model_name: Short | None = None
    clip_sha256s: list[Short] = Field(default_factory=list, max_length=16)
    result: JsonObject


class PlanRecord(_Record):
    key: Key | None = None
    created_at: Moment
    mode: Annotated[str, _text(32)] = "corrective"
    status: Literal["active", "superseded", "stopped"]
    start_date: dt.date | None = None
    sessions_per_week: int = Field(default=0, ge=0, le=14)
    intake: Key | None = None
    plan: JsonObject = Field(default_factory=dict)


class ExerciseRecord(_Record):
    """One exercise of a logged session: targets next to what was done."""

    exercise_id: Short
    name: Name | None = None
    skipped: bool = False
    target_sets: int | None = Field(default=None, ge=0, le=100)
    target_reps: Annotated[str, _text(32)] | None = None
    target_hold_s: float | None = Field(default=None, ge=0, le=3600)
    target_load: Short | None = None
    done_sets: int | None = Field(default=None, ge=0, le=100)
    done_reps: int | None = Field(default=None, ge=0, le=1000)
    done_hold_s: float | None = Field(default=None, ge=0, le=3600)
    done_load: Short | None = None
    done_load_value: float | None = Field(default=None, ge=0, le=1300)  # tracking/loads.py
    done_load_unit: Literal["kg", "lb", "bodyweight", "band"] | None = None
    checks: list[JsonObject] = Field(default_factory=list, max_length=20)  # filmed sets


class SessionRecord(_Record):
    performed_at: Moment
    time_zone: Short | None = None
    plan: Key | None = None
    session_label: Annotated[str, _text(32)] | None = None
    pain_0_10: int | None = Field(default=None, ge=0, le=10)
    effort_rpe_1_10: int | None = Field(default=None, ge=1, le=10)
    notes: Notes | None = None
    recorded_at: Moment
    exercises: list[ExerciseRecord] = Field(default_factory=list, max_length=200)


class TrainingRecord(_Record):
    """One imported set; checked again as a :class:`TrainingSet` (the CSV readers' rules)."""

    source: Annotated[str, _text(16)]
    performed_at: Moment
    workout_name: Name | None = None
    exercise_name: Name
    set_index: int
    set_type: Literal[SET_TYPES] = "normal"  # type: ignore[valid-type]
    weight_kg: float | None = None
    reps: int | None = None
    duration_s: float | None = None
    distance_m: float | None = None
    rpe: float | None = None
    notes: Notes | None = None

    def as_set(self) -> TrainingSet:
        return TrainingSet(**self.model_dump(exclude={"source"}))


class HistoryDocument(_Record):
    format: Literal["glutefire-history"]
    format_version: Literal[1]
    person: PersonRecord
    intakes: list[IntakeRecord] = Field(default_factory=list)
    screenings: list[ScreeningRecord] = Field(default_factory=list)
    plans: list[PlanRecord] = Field(default_factory=list)
    sessions: list[SessionRecord] = Field(default_factory=list)
    training_log: list[TrainingRecord] = Field(default_factory=list)


def validate_document(document: Any) -> HistoryDocument:
    """The document as models, or one :class:`RecordError` naming the first bad field."""
    try:
        parsed = HistoryDocument.model_validate(document)
        for item in parsed.training_log:
            item.as_set()
    except ValidationError as exc:
        raise RecordError(
            f"expected a valid glutefire-history document, but {_where(exc)}"
        ) from None
    except ValueError as exc:
        raise RecordError(f"expected a valid glutefire-history document, but {exc}") from None
    return parsed


def _where(exc: ValidationError) -> str:
    return format_validation_error(exc)[:300]
