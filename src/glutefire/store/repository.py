"""Small persistence functions. Each CLI command is one :func:`unit_of_work` (one transaction):
on any exception nothing it wrote stays in the database.

Functions the ``screen`` and ``plan`` commands call (with ``--person NAME``)::

    with unit_of_work(engine) as uow:
        record_screening(uow, name, result, clip_sha256s=[...], software_version=v, model_name=m)
    with unit_of_work(engine) as uow:
        record_plan(uow, name, plan, intake=answers_or_None)
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from glutefire.errors import PersonNotFoundError, RecordError
from glutefire.result import Finding, RepRecord, ScreeningResult
from glutefire.store.models import (
    Intake,
    Person,
    Plan,
    RepMetric,
    Screening,
    ScreeningFinding,
    SessionExercise,
    SessionLog,
    TrainingLogEntry,
    utcnow,
)
from glutefire.tracking.session_entry import SessionEntry
from glutefire.tracking.training_log.model import TrainingSet

MAX_NAME_LENGTH = 200
PLAN_STATUSES = ("active", "superseded", "stopped")


@contextlib.contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit when the block ends normally, roll back on any exception."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


# --- people ---


def validate_person_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH:
        raise RecordError(
            f"expected a person name of 1-{MAX_NAME_LENGTH} characters, "
            f"but got {len(cleaned)} characters: {str(name)[:40]!r}"
        )
    return cleaned


#: Longest IANA zone name stored (the columns' length).
MAX_TIME_ZONE_LENGTH = 64


def validate_time_zone(name: str) -> str:
    """An IANA zone name such as ``Europe/Berlin``; a folder of zones (``Europe``), an
    over-long or malformed name is a :class:`RecordError`."""
    try:
        if len(str(name)) > MAX_TIME_ZONE_LENGTH:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
        raise RecordError(
            f"expected an IANA time zone such as Europe/Berlin or UTC, but got {str(name)[:80]!r}"
        ) from None
    return name


def find_person(uow: Session, name: str) -> Person | None:
    return uow.scalar(select(Person).where(Person.name == validate_person_name(name)))


def get_person(uow: Session, name: str) -> Person:
    """The stored person called ``name``; a one-line error lists similar names if missing."""
    person = find_person(uow, name)
    if person is None:
        known = uow.scalars(select(Person.name).order_by(Person.name).limit(20)).all()
        hint = f"; stored people: {', '.join(known)}" if known else "; no people are stored yet"
        raise PersonNotFoundError(f"expected a stored person, but got {name!r}{hint}")
    return person


def get_or_create_person(uow: Session, name: str, *, time_zone: str | None = None) -> Person:
    """Find or create a person. Safe when two writers create the same person at once."""
    person = find_person(uow, name)
    if person is not None:
        if time_zone is not None:
            person.time_zone = validate_time_zone(time_zone)
        return person
    person = Person(
        name=validate_person_name(name), time_zone=validate_time_zone(time_zone or "UTC")
    )
    try:
        with uow.begin_nested():
            uow.add(person)
    except IntegrityError:  # another writer created them between our SELECT and INSERT
        return get_person(uow, name)
    return person


@dataclass(frozen=True)
class PersonSummary:
    name: str
    time_zone: str
    screenings: int
    plans: int
    sessions: int
    last_session_at: dt.datetime | None


def list_people(uow: Session) -> list[PersonSummary]:
    people = uow.scalars(select(Person).order_by(Person.name)).all()
    return [_summary(uow, person) for person in people]


def _summary(uow: Session, person: Person) -> PersonSummary:
    def count(model: Any) -> int:
        return uow.scalar(select(func.count()).where(model.person_id == person.id)) or 0

    last = uow.scalar(
        select(func.max(SessionLog.performed_at)).where(SessionLog.person_id == person.id)
    )
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.timezone.utc)
    return PersonSummary(
        person.name, person.time_zone, count(Screening), count(Plan), count(SessionLog), last
    )


# --- screenings ---


def record_screening(
    uow: Session,
    person_name: str,
    result: ScreeningResult,
    *,
    clip_sha256s: Sequence[str] | None = None,
    software_version: str | None = None,
    model_name: str | None = None,
    recorded_at: dt.datetime | None = None,
) -> Screening:
    """Store one screening result for ``person_name``.

    The complete result is kept as its JSON; findings and per-rep metrics are also stored as
    rows. Checksums, software version and model name default to the values inside ``result``.
    """
    if not isinstance(result, ScreeningResult):
        raise RecordError(f"expected a screening result, but got {type(result).__name__}")
    person = get_or_create_person(uow, person_name)
    screening = Screening(
        person=person,
        recorded_at=recorded_at or utcnow(),
        view=result.view,
        software_version=software_version or result.software.version,
        model_name=model_name or result.model.name,
        clip_sha256s=list(clip_sha256s if clip_sha256s is not None else result.checksums),
        result=result.to_jsonable(),
    )
    screening.findings = [_finding_row(f) for f in result.findings]
    screening.rep_metrics = list(_rep_metric_rows(result.reps))
    uow.add(screening)
    uow.flush()
    return screening


def save_keyframes(uow: Session, screening_id: int, images: Mapping[str, bytes]) -> int:
    """Attach keyframe JPEGs (finding code -> bytes) to a stored screening's findings; returns
    how many findings got one."""
    rows = uow.scalars(
        select(ScreeningFinding).where(
            ScreeningFinding.screening_id == screening_id,
            ScreeningFinding.code.in_(list(images)),
        )
    ).all()
    for row in rows:
        row.keyframe_jpeg = images[row.code]
    return len(rows)


def finding_keyframe(
    uow: Session, person: Person, recorded_at: dt.datetime, code: str
) -> bytes | None:
    """The stored keyframe of finding ``code`` in ``person``'s screening recorded at
    ``recorded_at`` (None when none was kept)."""
    return uow.scalar(
        select(ScreeningFinding.keyframe_jpeg)
        .join(Screening)
        .where(
            Screening.person_id == person.id,
            Screening.recorded_at == recorded_at,
            ScreeningFinding.code == code,
        )
        .limit(1)
    )


def _finding_row(finding: Finding) -> ScreeningFinding:
    return ScreeningFinding(
        code=finding.code.value,
        status=finding.status.value,
        side=finding.side,
        value=finding.value,
        threshold=finding.threshold,
        unit=finding.unit,
    )


def _rep_metric_rows(reps: Iterable[RepRecord]) -> Iterator[RepMetric]:
    for rep in reps:
        for metric, value in rep.metrics.items():
            yield RepMetric(clip=rep.clip, rep_index=rep.index, metric=metric, value=value)


# --- intakes and plans ---


def record_intake(
    uow: Session,
    person_name: str,
    answers: Mapping[str, Any],
    *,
    recorded_at: dt.datetime | None = None,
) -> Intake:
    """Store questionnaire answers as given."""
    if not isinstance(answers, Mapping):
        raise RecordError(f"expected questionnaire answers as an object, but got {answers!r}")
    intake = Intake(
        person=get_or_create_person(uow, person_name),
        recorded_at=recorded_at or utcnow(),
        answers=dict(answers),
    )
    uow.add(intake)
    uow.flush()
    return intake


def record_plan(
    uow: Session,
    person_name: str,
    plan: Mapping[str, Any],
    intake: Mapping[str, Any] | None = None,
    *,
    created_at: dt.datetime | None = None,
    intake_id: int | None = None,
    screening_id: int | None = None,
) -> Plan:
    """Store a plan (the JSON of ``glutefire plan``) as the person's current plan.

    Earlier active plans become ``superseded``. A plan with ``"stopped": true`` is stored with
    status ``stopped``. ``intake``, when given, is stored too and linked to the plan; a new
    version of a plan links its predecessor's stored intake by ``intake_id`` instead.
    ``screening_id`` names the stored screening the plan was built from.
    """
    start_date, sessions_per_week = _check_plan(plan)
    person = get_or_create_person(uow, person_name)
    intake_row = record_intake(uow, person.name, intake) if intake is not None else None
    for earlier in uow.scalars(
        select(Plan).where(Plan.person_id == person.id, Plan.status == "active")
    ):
        earlier.status = "superseded"
    row = Plan(
        person=person,
        created_at=created_at or utcnow(),
        mode=str(plan.get("mode", "corrective")),
        status="stopped" if plan.get("stopped") else "active",
        start_date=start_date,
        sessions_per_week=sessions_per_week,
        plan=dict(plan),
        intake_id=intake_row.id if intake_row is not None else intake_id,
        screening_id=screening_id,
    )
    uow.add(row)
    uow.flush()
    return row


def _check_plan(plan: Any) -> tuple[dt.date | None, int]:
    if not isinstance(plan, Mapping):
        raise RecordError(f"expected a plan object, but got {type(plan).__name__}")
    if plan.get("schema_version") != 1:
        raise RecordError(f"expected plan schema_version 1, but got {plan.get('schema_version')!r}")
    spw = plan.get("sessions_per_week")
    if isinstance(spw, bool) or not isinstance(spw, int) or not 0 <= spw <= 14:
        raise RecordError(f"expected sessions_per_week as an integer 0-14, but got {spw!r}")
    if not isinstance(plan.get("phases", []), list):
        raise RecordError(f"expected plan 'phases' to be a list, but got {plan.get('phases')!r}")
    return parse_date(plan.get("start_date"), "plan start_date"), spw


def parse_date(value: Any, what: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RecordError(f"expected {what} as YYYY-MM-DD, but got {value!r}") from None


def current_plan(uow: Session, person: Person) -> Plan | None:
    """The newest plan that is not superseded (active or stopped)."""
    return uow.scalar(
        select(Plan)
        .where(Plan.person_id == person.id, Plan.status != "superseded")
        .order_by(Plan.created_at.desc(), Plan.id.desc())
        .limit(1)
    )


# --- session logs ---


def last_session_label(
    uow: Session,
    person: Person,
    plan: Plan | None,
    *,
    before: dt.datetime | None = None,
    since: dt.datetime | None = None,
) -> str | None:
    """The label of the plan's last session performed in ``[since, before)`` (by date, not by
    entry order), so the A/B rotation restarts with each phase and a back-dated entry fits in."""
    if plan is None:
        return None
    query = select(SessionLog.session_label).where(
        SessionLog.person_id == person.id, SessionLog.plan_id == plan.id
    )
    if before is not None:
        query = query.where(SessionLog.performed_at < before)
    if since is not None:
        query = query.where(SessionLog.performed_at >= since)
    return uow.scalar(query.order_by(SessionLog.performed_at.desc(), SessionLog.id.desc()).limit(1))


def log_session(
    uow: Session, person_name: str, entry: SessionEntry, *, plan: Plan | None = None
) -> SessionLog:
    """Store one session (built by :func:`glutefire.tracking.session_entry.build_session_entry`)."""
    person = get_person(uow, person_name)
    row = SessionLog(
        person=person,
        plan_id=plan.id if plan is not None else None,
        performed_at=entry.performed_at,
        time_zone=entry.time_zone,
        session_label=entry.session_label,
        pain_0_10=entry.pain_0_10,
        effort_rpe_1_10=entry.effort_rpe_1_10,
        notes=entry.notes,
        recorded_at=utcnow(),
    )
    row.exercises = [
        SessionExercise(position=i, **exercise.as_columns())
        for i, exercise in enumerate(entry.exercises)
    ]
    uow.add(row)
    uow.flush()
    return row


# --- training logs ---


@dataclass(frozen=True)
class TrainingLogImport:
    added: int
    duplicates: int


def add_training_log(
    uow: Session, person_name: str, sets: Sequence[TrainingSet], *, source: str
) -> TrainingLogImport:
    """Add imported sets; sets already stored (same source, time, exercise, index) are skipped."""
    person = get_person(uow, person_name)
    existing = {
        tuple(row)
        for row in uow.execute(
            select(
                TrainingLogEntry.performed_at,
                TrainingLogEntry.exercise_name,
                TrainingLogEntry.set_index,
            ).where(TrainingLogEntry.person_id == person.id, TrainingLogEntry.source == source)
        )
    }
    added = 0
    for item in sets:
        key = (item.performed_at.astimezone(dt.timezone.utc), item.exercise_name, item.set_index)
        if key in existing:
            continue
        existing.add(key)
        uow.add(TrainingLogEntry(person=person, source=source, **item.as_columns()))
        added += 1
    uow.flush()
    return TrainingLogImport(added=added, duplicates=len(sets) - added)
