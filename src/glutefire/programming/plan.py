"""The plan contract (``schema_version`` 1): the JSON other features read. Documented in
``docs/plan-format.md``. Field names are fixed; new fields may be added, never renamed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlanExercise(_Model):
    """One exercise in a session, with its dose, time, cues and the reasons that chose it."""

    exercise_id: str
    name: str
    phase: str
    pattern: str
    sets: int
    reps: int | None
    hold_s: int | None
    tempo: str | None
    load: str
    rest_s: int
    minutes: float
    side: Literal["both", "each"]
    cues: list[str]
    why: list[str]
    regressions: list[str] = []
    progressions: list[str] = []
    cautions: list[str] = []


class PlanSession(_Model):
    """One session template (A, B); ``minutes`` is computed from the dose and fits the budget."""

    label: str
    minutes: float
    exercises: list[PlanExercise]


class PlanPhase(_Model):
    """A block of weeks; sessions alternate A, B, A ... across the week."""

    name: str
    week_from: int
    week_to: int
    focus: str = ""
    sessions: list[PlanSession]


class Dropped(_Model):
    """An exercise left out (time budget, pain or injury), and why."""

    exercise_id: str
    reason: str


class Reduced(_Model):
    """An exercise kept with fewer sets to fit the time budget."""

    exercise_id: str
    phase: str
    session: str
    sets_from: int
    sets_to: int
    reason: str


class Explanation(_Model):
    """Which finding or answer led to which choice, in plain words, with its source."""

    because: str
    so: str
    source: str
    exercises: list[str] = []


class Balance(_Model):
    """Hip- vs knee-dominant sets over the whole plan (sets x times each session is done)."""

    hip_dominant_sets: int
    knee_dominant_sets: int


class ProgressionRule(_Model):
    """A pain-monitoring or form rule: when this happens, do that."""

    id: str
    when: str
    then: str
    source: str


class ExpectedResult(_Model):
    """What to expect and when, with the evidence behind it."""

    when: str
    what: str
    source: str


class NotChecked(_Model):
    """Something the plan could not take into account (finding not assessable, no screen)."""

    item: str
    reason: str


class Swap(_Model):
    """An exercise the trainer replaced, everywhere in the plan, by another of the same phase
    (kept through later edits: a re-dosed plan is rebuilt with its swaps)."""

    exercise_id: str
    replaced_by: str


class Plan(_Model):
    """A complete plan, or a stopped one (``stopped`` true, ``phases`` empty)."""

    schema_version: Literal[1] = 1
    mode: Literal["corrective", "maintenance"]
    stopped: bool
    red_flags: list[str]
    advice: list[str]
    created_on: str
    start_date: str
    reassess_on: str | None
    sessions_per_week: int
    minutes_per_session: int
    weeks: int
    phases: list[PlanPhase]
    dropped: list[Dropped]
    reduced: list[Reduced] = []
    explanations: list[Explanation]
    balance: Balance
    progression_rules: list[ProgressionRule]
    expected_results: list[ExpectedResult]
    not_checked: list[NotChecked]
    findings_used: bool = False
    swaps: list[Swap] = []
    disclaimer: str = (
        "glutefire describes movement patterns and suggests exercises; it does not diagnose. "
        "'Gluteal amnesia' is a lay term, not a diagnosis."
    )
