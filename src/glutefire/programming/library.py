"""The exercise library: a validated data file (``data/exercises.yaml``), loaded once per call.

Every exercise carries its phase in the Corrective Exercise Continuum, its movement pattern,
target muscles, gluteal %MVIC evidence with source, a default dose, cues, mistakes, regressions,
progressions, equipment and cautions. Cross references (muscles, regressions, progressions) are
checked when the library is built.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from glutefire.datafiles import data_text, format_validation_error
from glutefire.errors import LibraryError

Phase = Literal["release", "lengthen", "activate", "integrate"]
Pattern = Literal[
    "hip_dominant", "knee_dominant", "frontal_plane", "core", "upper_body", "mobility"
]
PHASE_ORDER: tuple[Phase, ...] = ("release", "lengthen", "activate", "integrate")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TEMPO = re.compile(r"^\d{1,2}-\d{1,2}-\d{1,2}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dose(_Strict):
    """Default dose: ``sets`` and exactly one of ``reps`` or ``hold_s``."""

    sets: int = Field(ge=1, le=6)
    reps: int | None = Field(default=None, ge=1, le=30)
    hold_s: int | None = Field(default=None, ge=5, le=120)
    tempo: str | None = None
    side: Literal["both", "each"]
    rest_s: int = Field(ge=0, le=300)
    load: str = "bodyweight"

    @field_validator("tempo")
    @classmethod
    def _tempo_format(cls, value: str | None) -> str | None:
        if value is not None and not _TEMPO.match(value):
            raise ValueError(
                f"expected tempo like '2-1-2' (lower-pause-lift seconds), but got {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _reps_xor_hold(self) -> Dose:
        if (self.reps is None) == (self.hold_s is None):
            raise ValueError(
                "expected exactly one of reps or hold_s, "
                f"but got reps={self.reps}, hold_s={self.hold_s}"
            )
        if self.reps is not None and self.tempo is None:
            raise ValueError("expected a tempo for a dose counted in reps, but got none")
        return self

    @property
    def sides(self) -> int:
        """Number of sides worked per set (2 for single-limb exercises)."""
        return 2 if self.side == "each" else 1

    @property
    def tempo_s(self) -> int:
        """Seconds per repetition from the tempo (0 when the dose is a hold)."""
        return sum(int(part) for part in self.tempo.split("-")) if self.tempo else 0


class EmgEvidence(_Strict):
    """One gluteal %MVIC figure: a value or a [low, high] range, with its source."""

    muscle: Literal["gluteus_maximus", "gluteus_medius", "tfl"]
    mvic_pct: list[float] = Field(min_length=1, max_length=2)
    source: str = Field(min_length=3)
    status: Literal["primary", "secondary", "unverified"]

    @field_validator("mvic_pct")
    @classmethod
    def _range(cls, value: list[float]) -> list[float]:
        if any(not 0 <= v <= 200 for v in value) or value != sorted(value):
            raise ValueError(f"expected [value] or [low, high] within 0-200 %MVIC, but got {value}")
        return value


class Exercise(_Strict):
    """One library entry."""

    id: str
    name: str = Field(min_length=2)
    phase: Phase
    pattern: Pattern
    targets: list[str] = Field(min_length=1)
    synergists: list[str] = []
    emg: list[EmgEvidence] = []
    emg_note: str | None = None
    dose: Dose
    cues: list[str] = Field(min_length=1)
    mistakes: list[str] = Field(min_length=1)
    regressions: list[str] = []
    progressions: list[str] = []
    equipment: list[str] = []
    cautions: list[str] = []
    loaded: bool = False

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"expected a snake_case id, but got {value!r}")
        return value

    @model_validator(mode="after")
    def _evidence_stated(self) -> Exercise:
        if not self.emg and not self.emg_note:
            raise ValueError(
                f"expected emg figures or an emg_note for {self.id!r}, but got neither"
            )
        return self

    @property
    def best_gluteal_mvic(self) -> float | None:
        """Highest gluteal %MVIC reported for this exercise, or None when none is known."""
        values = [max(e.mvic_pct) for e in self.emg if e.muscle != "tfl"]
        return max(values) if values else None


class Library(_Strict):
    """The whole library: muscle vocabulary and exercises, cross-checked."""

    schema_version: Literal[1]
    muscles: dict[str, str] = Field(min_length=1)
    exercises: list[Exercise] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_references(self) -> Library:
        ids = [e.id for e in self.exercises]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"expected unique exercise ids, but got duplicates {duplicates}")
        for exercise in self.exercises:
            _check_refs(exercise, set(ids), set(self.muscles))
        return self

    def get(self, exercise_id: str) -> Exercise:
        """Return the exercise with ``exercise_id`` or raise :class:`LibraryError`."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise LibraryError(f"expected a known exercise id, but got {exercise_id!r}")

    @property
    def ids(self) -> list[str]:
        """All exercise ids in file order."""
        return [e.id for e in self.exercises]


def _check_refs(exercise: Exercise, ids: set[str], muscles: set[str]) -> None:
    unknown_muscles = sorted(set(exercise.targets + exercise.synergists) - muscles)
    if unknown_muscles:
        raise ValueError(f"expected known muscles in {exercise.id!r}, but got {unknown_muscles}")
    unknown_links = sorted(set(exercise.regressions + exercise.progressions) - ids)
    if unknown_links:
        raise ValueError(
            f"expected regressions/progressions of {exercise.id!r} to be library ids, "
            f"but got {unknown_links}"
        )
    if exercise.id in exercise.regressions + exercise.progressions:
        raise ValueError(f"expected {exercise.id!r} not to list itself as a regression/progression")


def parse_library(data: object, *, origin: str = "exercise library") -> Library:
    """Validate already-parsed library data; raise :class:`LibraryError` with the first problem."""
    try:
        return Library.model_validate(data)
    except ValidationError as exc:
        raise LibraryError(f"{origin}: {format_validation_error(exc)}") from None


def load_library(path: Path | None = None) -> Library:
    """Load and validate the library from ``path`` or the packaged ``data/exercises.yaml``."""
    text, origin = data_text("exercises.yaml", path)
    return parse_library(yaml.safe_load(text), origin=origin)


_PATTERN_CLASS = {"hip_dominant": "hip", "knee_dominant": "knee"}


def movement_classes(library: Library | None = None) -> dict[str, str]:
    """Exercise names and ids mapped to "hip", "knee" or "other" (for training-log balance)."""
    library = library or load_library()
    out: dict[str, str] = {}
    for exercise in library.exercises:
        movement = _PATTERN_CLASS.get(exercise.pattern, "other")
        out[exercise.name] = movement
        out[exercise.id.replace("_", " ")] = movement
    return out
