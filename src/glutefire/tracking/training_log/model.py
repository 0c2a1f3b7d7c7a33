"""The common shape of one imported set, whatever app it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

SET_TYPES = ("normal", "warmup", "dropset", "failure")


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
