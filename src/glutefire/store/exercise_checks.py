"""Checked clips attached to logged session exercises: stored and read back over time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from glutefire.exercise_result import ExerciseCheckResult, parse_check_result
from glutefire.store.models import (
    ExerciseCheckItem,
    ExerciseCheckRecord,
    Person,
    SessionExercise,
    SessionLog,
)


def attach_check(
    uow: Session, row: SessionExercise, result: ExerciseCheckResult
) -> ExerciseCheckRecord:
    """Store ``result`` on the logged exercise ``row``."""
    record = ExerciseCheckRecord(
        exercise=result.exercise,
        clip_sha256=result.clip.sha256,
        view=result.camera.view,
        complete_reps=result.summary.complete_reps if result.summary.counts == "reps" else None,
        longest_hold_s=result.summary.longest_hold_s,
        result=result.to_jsonable(),
    )
    record.items = [
        ExerciseCheckItem(
            code=c.code, status=c.status.value, value=c.value, threshold=c.threshold, unit=c.unit
        )
        for c in result.checks
    ]
    row.checks.append(record)
    uow.flush()
    return record


def attach_checks(
    uow: Session, session: SessionLog, measured: Sequence[tuple[str, ExerciseCheckResult]]
) -> None:
    """Store each ``(exercise_id, result)`` on the session's exercise of that id."""
    by_id = {e.exercise_id: e for e in session.exercises}
    for exercise_id, result in measured:
        attach_check(uow, by_id[exercise_id], result)


@dataclass(frozen=True)
class FilmedRow:
    """One checked clip over time: when, which exercise, measured next to target, checks."""

    performed_at: dt.datetime
    exercise_id: str
    check: str
    complete_reps: int | None
    longest_hold_s: float | None
    target_reps: str | None
    target_hold_s: float | None
    values: dict[str, float | None]  # check code -> value
    present: list[str]


def filmed_history(person: Person) -> list[FilmedRow]:
    """Every checked clip of ``person``'s sessions, oldest first."""
    rows = []
    for session in person.sessions:
        for exercise in session.exercises:
            for record in exercise.checks:
                result = parse_check_result(record.result, origin=f"stored check {record.id}")
                rows.append(
                    FilmedRow(
                        performed_at=session.performed_at,
                        exercise_id=exercise.exercise_id,
                        check=record.exercise,
                        complete_reps=record.complete_reps,
                        longest_hold_s=record.longest_hold_s,
                        target_reps=exercise.target_reps,
                        target_hold_s=exercise.target_hold_s,
                        values={c.code: c.value for c in result.checks},
                        present=result.summary.present,
                    )
                )
    return sorted(rows, key=lambda r: r.performed_at)
