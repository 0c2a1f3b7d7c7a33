"""Read a person's stored history into the plain values the pure tracking functions take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from glutefire.result import ScreeningResult
from glutefire.store.models import Person
from glutefire.store.repository import current_plan
from glutefire.tracking.adherence import (
    PlanPeriod,
    local_date,
    periods_from_plans,
    periods_with_ends,
)
from glutefire.tracking.session_entry import ExerciseDone, plan_end
from glutefire.tracking.training_log.model import TrainingSet


@dataclass(frozen=True)
class ProgressInputs:
    time_zone: str
    session_days: list[dt.date]
    pain_points: list[tuple[dt.date, int]]
    periods: list[PlanPeriod]
    screenings: list[tuple[dt.datetime, ScreeningResult]]  # chronological
    plan: dict[str, Any] | None


def plan_periods(person: Person, *, maintenance_per_week: int | None = None) -> list[PlanPeriod]:
    """Each plan is in force from its start date (or creation day) until the next one starts;
    with ``maintenance_per_week``, a plan that ends (``start + weeks``) is followed by the
    maintenance dose until the next plan."""
    if maintenance_per_week is None:
        starts = []
        for plan in person.plans:
            start = plan.start_date or local_date(plan.created_at, person.time_zone)
            starts.append((start, 0 if plan.status == "stopped" else plan.sessions_per_week))
        return periods_from_plans(starts)
    rows = []
    for plan in person.plans:
        start = plan.start_date or local_date(plan.created_at, person.time_zone)
        spw = 0 if plan.status == "stopped" else plan.sessions_per_week
        rows.append((start, spw, plan_end({**plan.plan, "start_date": start.isoformat()})))
    return periods_with_ends(rows, maintenance_per_week=maintenance_per_week)


def progress_inputs(
    uow: Session, person: Person, *, maintenance_per_week: int | None = None
) -> ProgressInputs:
    sessions = [(local_date(s.performed_at, person.time_zone), s) for s in person.sessions]
    plan = current_plan(uow, person)
    return ProgressInputs(
        time_zone=person.time_zone,
        session_days=[day for day, _ in sessions],
        pain_points=[(day, s.pain_0_10) for day, s in sessions if s.pain_0_10 is not None],
        periods=plan_periods(person, maintenance_per_week=maintenance_per_week),
        screenings=[(s.recorded_at, s.parsed_result()) for s in person.screenings],
        plan=plan.plan if plan is not None and plan.status == "active" else None,
    )


@dataclass(frozen=True)
class LoggedSession:
    """One stored session with what was done per exercise, next to its target."""

    day: dt.date  # local date
    label: str | None
    pain_0_10: int | None
    effort_rpe_1_10: int | None
    exercises: tuple[ExerciseDone, ...]


def logged_sessions(person: Person, *, last: int) -> list[LoggedSession]:
    """The ``last`` sessions, newest first."""
    fields = ExerciseDone.__dataclass_fields__
    return [
        LoggedSession(
            day=local_date(s.performed_at, person.time_zone),
            label=s.session_label,
            pain_0_10=s.pain_0_10,
            effort_rpe_1_10=s.effort_rpe_1_10,
            exercises=tuple(
                ExerciseDone(**{name: getattr(e, name) for name in fields}) for e in s.exercises
            ),
        )
        for s in reversed(person.sessions[-last:])
    ]


def training_sets(person: Person) -> list[TrainingSet]:
    return [
        TrainingSet(
            performed_at=e.performed_at,
            workout_name=e.workout_name,
            exercise_name=e.exercise_name,
            set_index=e.set_index,
            set_type=e.set_type,
            weight_kg=e.weight_kg,
            reps=e.reps,
            duration_s=e.duration_s,
            distance_m=e.distance_m,
            rpe=e.rpe,
            notes=e.notes,
        )
        for e in person.training_log
    ]
