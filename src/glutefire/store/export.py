"""Export and import one person's complete history as JSON (round-trip exact).

The document (``format: glutefire-history``, ``format_version: 1``)::

    {"format", "format_version", "person": {name, time_zone, notes, created_at},
     "intakes": [{key, recorded_at, answers}],
     "screenings": [{recorded_at, view, software_version, model_name, clip_sha256s, result}],
     "plans": [{key, created_at, mode, status, start_date, sessions_per_week, intake, plan}],
     "sessions": [{performed_at, time_zone, plan, session_label, pain_0_10, effort_rpe_1_10,
                   notes, recorded_at, exercises: [{exercise_id, name, skipped, target_*,
                   done_*}]}],
     "training_log": [{source, performed_at, workout_name, exercise_name, set_index, set_type,
                       weight_kg, reps, duration_s, distance_m, rpe, notes}]}

Times are ISO 8601 in UTC. Database ids are not exported: plans and intakes are referred to by
``key``. Screening findings and per-rep metrics are rebuilt from ``result`` on import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from glutefire.errors import RecordError
from glutefire.exercise_result import parse_check_result
from glutefire.result import parse_result
from glutefire.store.exercise_checks import attach_check
from glutefire.store.history_document import (
    IntakeRecord,
    PlanRecord,
    ScreeningRecord,
    SessionRecord,
    validate_document,
)
from glutefire.store.models import (
    Intake,
    Person,
    Plan,
    SessionExercise,
    SessionLog,
    TrainingLogEntry,
)
from glutefire.store.repository import (
    find_person,
    get_or_create_person,
    get_person,
    record_screening,
    validate_person_name,
    validate_time_zone,
)

FORMAT = "glutefire-history"
FORMAT_VERSION = 1
EXERCISE_FIELDS = (
    "exercise_id", "name", "skipped", "target_sets", "target_reps", "target_hold_s",
    "target_load", "done_sets", "done_reps", "done_hold_s", "done_load", "done_load_value",
    "done_load_unit",
)  # fmt: skip
TRAINING_FIELDS = (
    "source", "workout_name", "exercise_name", "set_index", "set_type", "weight_kg", "reps",
    "duration_s", "distance_m", "rpe", "notes",
)  # fmt: skip


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).isoformat()


def export_person(uow: Session, name: str) -> dict[str, Any]:
    """The complete history of ``name`` as a JSON-serialisable dict."""
    person = get_person(uow, name)
    intake_keys = {i.id: f"intake-{n}" for n, i in enumerate(person.intakes, 1)}
    plan_keys = {p.id: f"plan-{n}" for n, p in enumerate(person.plans, 1)}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "person": {
            "name": person.name,
            "time_zone": person.time_zone,
            "notes": person.notes,
            "created_at": _iso(person.created_at),
        },
        "intakes": [_export_intake(i, intake_keys) for i in person.intakes],
        "screenings": [
            {
                "recorded_at": _iso(s.recorded_at),
                "view": s.view,
                "software_version": s.software_version,
                "model_name": s.model_name,
                "clip_sha256s": list(s.clip_sha256s),
                "result": s.result,
            }
            for s in person.screenings
        ],
        "plans": [_export_plan(p, plan_keys, intake_keys) for p in person.plans],
        "sessions": [_export_session(s, plan_keys) for s in person.sessions],
        "training_log": [_export_set(t) for t in person.training_log],
    }


def _export_intake(intake: Intake, keys: Mapping[int, str]) -> dict[str, Any]:
    return {
        "key": keys[intake.id],
        "recorded_at": _iso(intake.recorded_at),
        "answers": intake.answers,
    }


def _export_plan(plan: Plan, keys: Mapping[int, str], intakes: Mapping[int, str]) -> dict[str, Any]:
    return {
        "key": keys[plan.id],
        "created_at": _iso(plan.created_at),
        "mode": plan.mode,
        "status": plan.status,
        "start_date": plan.start_date.isoformat() if plan.start_date else None,
        "sessions_per_week": plan.sessions_per_week,
        "intake": intakes.get(plan.intake_id) if plan.intake_id else None,
        "plan": plan.plan,
    }


def _export_session(session: SessionLog, plan_keys: Mapping[int, str]) -> dict[str, Any]:
    return {
        "performed_at": _iso(session.performed_at),
        "time_zone": session.time_zone,
        "plan": plan_keys.get(session.plan_id) if session.plan_id else None,
        "session_label": session.session_label,
        "pain_0_10": session.pain_0_10,
        "effort_rpe_1_10": session.effort_rpe_1_10,
        "notes": session.notes,
        "recorded_at": _iso(session.recorded_at),
        "exercises": [_export_exercise(e) for e in session.exercises],
    }


def _export_exercise(exercise: SessionExercise) -> dict[str, Any]:
    data = {f: getattr(exercise, f) for f in EXERCISE_FIELDS}
    if exercise.checks:  # filmed sets (revision 0005e): the whole check results
        data["checks"] = [record.result for record in exercise.checks]
    return data


def _export_set(entry: TrainingLogEntry) -> dict[str, Any]:
    data = {f: getattr(entry, f) for f in TRAINING_FIELDS}
    data["performed_at"] = _iso(entry.performed_at)
    return data


# --- import ---


def import_person(uow: Session, document: Any, *, as_name: str | None = None) -> Person:
    """Create a person from an exported document (validated whole first: see
    :mod:`glutefire.store.history_document`). Refuses to merge into an existing person."""
    _check_document(document)
    doc = validate_document(document)
    name = validate_person_name(as_name or doc.person.name)
    if find_person(uow, name) is not None:
        raise RecordError(
            f"expected a new person name, but {name!r} is already stored; "
            "import under another name with --as NEW_NAME"
        )
    person = get_or_create_person(uow, name, time_zone=doc.person.time_zone or "UTC")
    person.notes = doc.person.notes
    person.created_at = doc.person.created_at
    intakes = _import_intakes(uow, person, doc.intakes)
    for item in doc.screenings:
        _import_screening(uow, name, item)
    plans = _import_plans(uow, person, doc.plans, intakes)
    for session in doc.sessions:
        _import_session(uow, person, session, plans)
    for entry in doc.training_log:
        values = entry.model_dump()
        uow.add(TrainingLogEntry(person=person, **values))
    uow.flush()
    return person


def _check_document(document: Any) -> None:
    """The format and version first: a file of another kind is named as such."""
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        got = document.get("format") if isinstance(document, Mapping) else type(document).__name__
        raise RecordError(f"expected a {FORMAT} document, but got {str(got)[:40]!r}")
    if document.get("format_version") != FORMAT_VERSION:
        raise RecordError(
            f"expected format_version {FORMAT_VERSION}, "
            f"but got {str(document.get('format_version'))[:40]!r}"
        )


def _import_intakes(uow: Session, person: Person, items: list[IntakeRecord]) -> dict[str, Intake]:
    keyed: dict[str, Intake] = {}
    for item in items:
        intake = Intake(person=person, recorded_at=item.recorded_at, answers=item.answers)
        uow.add(intake)
        keyed[str(item.key)] = intake
    uow.flush()
    return keyed


def _import_screening(uow: Session, name: str, item: ScreeningRecord) -> None:
    screening = record_screening(
        uow,
        name,
        parse_result(item.result, origin=f"screening of {item.recorded_at.isoformat()}"),
        clip_sha256s=list(item.clip_sha256s),
        software_version=item.software_version,
        model_name=item.model_name,
        recorded_at=item.recorded_at,
    )
    # exactly as exported, even where they differ from the values inside the result
    screening.view = item.view
    screening.software_version = item.software_version
    screening.model_name = item.model_name


def _import_plans(
    uow: Session, person: Person, items: list[PlanRecord], intakes: Mapping[str, Intake]
) -> dict[str, Plan]:
    keyed: dict[str, Plan] = {}
    for item in items:
        intake = intakes.get(str(item.intake)) if item.intake else None
        plan = Plan(
            person=person,
            created_at=item.created_at,
            mode=item.mode or "corrective",
            status=item.status,
            start_date=item.start_date,
            sessions_per_week=item.sessions_per_week,
            plan=item.plan,
            intake_id=intake.id if intake is not None else None,
        )
        uow.add(plan)
        keyed[str(item.key)] = plan
    uow.flush()
    return keyed


def _import_session(
    uow: Session, person: Person, item: SessionRecord, plans: Mapping[str, Plan]
) -> None:
    plan = plans.get(str(item.plan)) if item.plan else None
    session = SessionLog(
        person=person,
        plan_id=plan.id if plan is not None else None,
        performed_at=item.performed_at,
        time_zone=validate_time_zone(item.time_zone or "UTC"),
        session_label=item.session_label,
        pain_0_10=item.pain_0_10,
        effort_rpe_1_10=item.effort_rpe_1_10,
        notes=item.notes,
        recorded_at=item.recorded_at,
    )
    session.exercises = [
        SessionExercise(position=i, **e.model_dump(exclude={"checks"}))
        for i, e in enumerate(item.exercises)
    ]
    uow.add(session)
    for row, e in zip(session.exercises, item.exercises, strict=True):
        for i, check in enumerate(e.checks):
            result = parse_check_result(check, origin=f"session exercise check {i}")
            attach_check(uow, row, result)
