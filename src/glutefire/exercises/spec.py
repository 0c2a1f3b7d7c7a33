"""Exercise checks as validated data (``data/exercise_checks.yaml``): per exercise how reps are
counted or holds timed, which camera views fit, and each form check's measure, threshold, unit,
source and cue."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from glutefire.datafiles import load_packaged
from glutefire.errors import InputFileError
from glutefire.exercises.measures import MEASURES

CheckView = Literal["side", "front", "oblique"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(measure: str) -> str:
    if measure not in MEASURES:
        raise ValueError(f"expected a measure from {sorted(MEASURES)}, but got {measure!r}")
    return measure


class RepSpec(_Strict):
    """How reps are counted: hysteresis on ``driver`` (see :func:`glutefire.reps.segment`)."""

    driver: str
    rest: Literal["low", "high"] = "low"
    min_amplitude: float = Field(gt=0, description="in the driver's unit")
    peak_band: float = Field(default=0.1, gt=0, lt=0.5)
    rest_may_be_at_peak: bool = False

    @model_validator(mode="after")
    def _driver_known(self) -> RepSpec:
        _known(self.driver)
        return self


class Condition(_Strict):
    """One condition of the held position: ``min <= measure <= max`` (None: no bound)."""

    measure: str
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Condition:
        _known(self.measure)
        if self.min is None and self.max is None:
            raise ValueError(f"{self.measure}: expected min or max")
        return self


class HoldSpec(_Strict):
    """How a hold is found: the rep driver's top band (``from_driver``) or ``conditions``."""

    min_s: float = Field(gt=0)
    max_gap_s: float = Field(ge=0)
    from_driver: bool = False
    conditions: list[Condition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_way(self) -> HoldSpec:
        if self.from_driver == bool(self.conditions):
            raise ValueError("expected either from_driver or conditions")
        return self


class CheckSpec(_Strict):
    """One form check. ``not_assessable_reason``: never measured, and why."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    measure: str
    at: Literal["peak", "hold"] = "peak"
    relative_to_start: bool = False
    direction: Literal["above", "below"]
    threshold: float | None = None
    unit: str = ""
    views: list[CheckView] = Field(min_length=1)
    cue: str
    source: str = Field(min_length=10)
    supporting: list[str] = Field(default_factory=list)
    not_assessable_reason: str | None = None

    @model_validator(mode="after")
    def _measurable(self) -> CheckSpec:
        for name in (self.measure, *self.supporting):
            _known(name)
        if self.not_assessable_reason is None and self.threshold is None:
            raise ValueError(f"{self.code}: expected a threshold")
        return self

    def exceeds(self, value: float) -> bool:
        """True when ``value`` is beyond the threshold in the check's direction."""
        assert self.threshold is not None
        return value > self.threshold if self.direction == "above" else value < self.threshold

    @property
    def present_when(self) -> str:
        """The rule in words, e.g. ``< 165 deg``."""
        if self.threshold is None:
            return "never measured"
        sign = ">" if self.direction == "above" else "<"
        return f"{sign} {self.threshold:g} {self.unit}".strip()


class ExerciseSpec(_Strict):
    """One checkable exercise."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    library: list[str] = Field(min_length=1)
    posture: Literal["standing", "floor"]
    views: list[CheckView] = Field(min_length=1)
    how_to_film: str
    min_visibility: float | None = Field(default=None, ge=0, le=1)
    reps: RepSpec | None = None
    hold: HoldSpec | None = None
    checks: list[CheckSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _counts_something(self) -> ExerciseSpec:
        if self.reps is None and self.hold is None:
            raise ValueError(f"{self.id}: expected reps or hold")
        if self.hold is not None and self.hold.from_driver and self.reps is None:
            raise ValueError(f"{self.id}: a hold from_driver needs reps")
        codes = [c.code for c in self.checks]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.id}: expected unique check codes, but got {codes}")
        return self

    @property
    def counts(self) -> Literal["reps", "hold"]:
        """What the exercise is measured by: repetitions, or hold time (isometric)."""
        return "reps" if self.reps is not None else "hold"


class ExerciseCheckFile(_Strict):
    """``data/exercise_checks.yaml``."""

    schema_version: Literal[1]
    exercises: list[ExerciseSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ExerciseCheckFile:
        ids = [e.id for e in self.exercises]
        if len(set(ids)) != len(ids):
            raise ValueError(f"expected unique exercise ids, but got {ids}")
        return self


@lru_cache(maxsize=1)
def load_exercise_checks() -> tuple[ExerciseSpec, ...]:
    """The packaged exercise checks, validated."""
    return tuple(load_packaged("exercise_checks.yaml", ExerciseCheckFile).exercises)


def exercise_ids() -> list[str]:
    """Ids of the checkable exercises, in file order."""
    return [e.id for e in load_exercise_checks()]


def get_exercise(exercise_id: str) -> ExerciseSpec:
    """The spec of ``exercise_id``; an :class:`InputFileError` lists the known ones otherwise."""
    for spec in load_exercise_checks():
        if spec.id == exercise_id:
            return spec
    raise InputFileError(
        f"expected an exercise from {', '.join(exercise_ids())}, but got {exercise_id!r}"
    )


def check_for_library_exercise(library_id: str) -> ExerciseSpec | None:
    """The check that films the library exercise ``library_id``, or None."""
    return next((e for e in load_exercise_checks() if library_id in e.library), None)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def checks_table_markdown(specs: tuple[ExerciseSpec, ...] | None = None) -> str:
    """The checks table of docs/exercise-checks.md, generated from the data file (one row per
    form check)."""
    rows = [
        "| exercise | counts | check | measure | present when | read at | views | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for spec in specs or load_exercise_checks():
        for check in spec.checks:
            rule = check.present_when if check.not_assessable_reason is None else "never measured"
            rows.append(
                f"| `{spec.id}` | {spec.counts} | {_cell(check.title)} | `{check.measure}` | "
                f"{_cell(rule)} | {check.at} | {', '.join(check.views)} | {_cell(check.source)} |"
            )
    return "\n".join(rows) + "\n"
