"""The common shape of one imported set, whatever app it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from glutefire.boundary import clean_text, finite, plausible_time, whole

SET_TYPES = ("normal", "warmup", "dropset", "failure")
#: Input sanity bounds of one imported set (design values, unverified): far beyond any lift
#: (the heaviest recorded lifts are near 500 kg), set, hold or distance a log can hold.
MAX_WEIGHT_KG = 1000.0
MAX_REPS = 1000
MAX_SET_INDEX = 1000
MAX_DURATION_S = 24 * 3600.0
MAX_DISTANCE_M = 1_000_000.0
MAX_NAME_CHARS = 200  # the database columns' length
MAX_NOTES_CHARS = 2000


@dataclass(frozen=True)
class TrainingSet:
    """One set. ``performed_at`` is the workout start, aware; weights in kg, distances in m."""

    performed_at: dt.datetime
    workout_name: str | None
    exercise_name: str
    set_index: int
    set_type: str = "normal"
    weight_kg: float | None = None
    reps: int | None = None
    duration_s: float | None = None
    distance_m: float | None = None
    rpe: float | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        """Every field checked at the boundary (``ValueError`` names the first bad one): a
        reader's row with it is reported, never stored. RPE on the 1-10 scale."""
        plausible_time(self.performed_at, "the workout time")
        if self.workout_name is not None:
            clean_text(self.workout_name, "the workout name", max_chars=MAX_NAME_CHARS)
        clean_text(self.exercise_name, "the exercise name", max_chars=MAX_NAME_CHARS)
        whole(self.set_index, "the set number", low=1, high=MAX_SET_INDEX)
        if self.set_type not in SET_TYPES:
            raise ValueError(f"expected a set type in {SET_TYPES}, but got {self.set_type!r}")
        optional = (
            (self.weight_kg, "the weight (kg)", MAX_WEIGHT_KG),
            (self.duration_s, "the duration (s)", MAX_DURATION_S),
            (self.distance_m, "the distance (m)", MAX_DISTANCE_M),
        )
        for value, what, high in optional:
            if value is not None:
                finite(value, what, low=0.0, high=high)
        if self.reps is not None:
            whole(self.reps, "the reps", low=0, high=MAX_REPS)
        if self.rpe is not None:
            finite(self.rpe, "the RPE", low=1.0, high=10.0)
        if self.notes is not None:
            clean_text(self.notes, "the notes", max_chars=MAX_NOTES_CHARS, multiline=True)

    def as_columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class RowProblem:
    """A row that was not imported: its line number in the file and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class ParsedLog:
    format: str
    sets: list[TrainingSet]
    problems: list[RowProblem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    ignored_rows: int = 0
