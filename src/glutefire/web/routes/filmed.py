"""Filmed sets: one checked clip of a logged exercise (its form checks, measured next to the
plan's target), and the filmed exercises over time for the progress page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import Engine

from glutefire.exercise_result import ExerciseCheckResult, FormCheck, parse_check_result
from glutefire.result import Status
from glutefire.store.models import Client, ExerciseCheckRecord, SessionExercise
from glutefire.store.repository import unit_of_work
from glutefire.web.deps import CurrentPrincipal, EngineDep, OwnedClient
from glutefire.web.render import page
from glutefire.web.routes.uploads import number

router = APIRouter()


@dataclass(frozen=True)
class FilmedSet:
    """One stored check as shown: when, which exercise, measured next to target."""

    id: int
    day: dt.date
    iso_week: str
    exercise_id: str
    name: str
    measured: str  # "2 reps" or "hold 7.4 s"
    target: str  # the plan's dose of one set ("12 reps", "30 s"), "-" when none
    result: ExerciseCheckResult

    @property
    def faults(self) -> list[FormCheck]:
        return [c for c in self.result.checks if c.status is Status.PRESENT]

    @property
    def measured_checks(self) -> list[FormCheck]:
        """The checks with a value, for the over-time table (e.g. hip extension, deg)."""
        return [c for c in self.result.checks if c.value is not None]


def measured_text(reps: int | None, hold_s: float | None) -> str:
    """``2 reps`` or ``hold 7.4 s`` (one decimal); ``-`` when nothing was measured."""
    if hold_s is not None:
        return f"hold {hold_s:.1f} s"
    return "-" if reps is None else f"{reps} reps"


def target_text(exercise: SessionExercise) -> str:
    """The plan's dose of one set: ``30 s`` for a hold, ``12 reps``; ``-`` when unplanned."""
    if exercise.target_hold_s is not None:
        return f"{exercise.target_hold_s:g} s"
    return f"{exercise.target_reps} reps" if exercise.target_reps else "-"


def _filmed_set(record: ExerciseCheckRecord) -> FilmedSet:
    exercise = record.session_exercise
    session = exercise.session
    day = session.performed_at.astimezone(ZoneInfo(session.time_zone)).date()
    week = day.isocalendar()
    result = parse_check_result(record.result, origin=f"stored check {record.id}")
    return FilmedSet(
        id=record.id,
        day=day,
        iso_week=f"{week.year}-W{week.week:02d}",
        exercise_id=exercise.exercise_id,
        name=exercise.name or exercise.exercise_id,
        measured=measured_text(record.complete_reps, record.longest_hold_s),
        target=target_text(exercise),
        result=result,
    )


def filmed_sets(engine: Engine, client_id: int) -> list[FilmedSet]:
    """Every filmed set of the client, oldest first."""
    with unit_of_work(engine) as uow:
        person = uow.get_one(Client, client_id).person
        records = [
            record
            for session in person.sessions
            for exercise in session.exercises
            for record in exercise.checks
        ]
        rows = [_filmed_set(r) for r in records]
    return sorted(rows, key=lambda r: (r.day, r.id))


def load_filmed_set(engine: Engine, client_id: int, check_id: int) -> FilmedSet:
    """One filmed set of the client; 404 when it is not theirs (or does not exist)."""
    with unit_of_work(engine) as uow:
        record = uow.get(ExerciseCheckRecord, check_id)
        client = uow.get(Client, client_id)
        if (
            record is None
            or client is None
            or record.session_exercise.session.person_id != client.person_id
        ):
            raise HTTPException(status_code=404, detail="no such filmed set")
        return _filmed_set(record)


@router.get("/clients/{client_id}/filmed/{check_id:int}")
def filmed_page(
    request: Request,
    engine: EngineDep,
    principal: CurrentPrincipal,
    client: OwnedClient,
    check_id: int,
) -> Response:
    return page(
        request,
        "filmed.html",
        principal,
        client=client,
        filmed=load_filmed_set(engine, client.id, check_id),
        number=number,
    )
