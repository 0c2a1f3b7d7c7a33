"""SQLAlchemy 2 typed models. The schema itself is owned by the Alembic revisions in
``migrations/versions``; ``tests/store/test_migrations.py`` checks that the two agree.

Conventions: timestamps are stored in UTC (:class:`UTCDateTime` returns aware UTC datetimes);
the person's IANA time zone is stored next to them so that calendar weeks can be computed in
local time. Measured values sit next to their targets (``target_*`` / ``done_*``) with units in
the column names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from glutefire.result import ScreeningResult, parse_result

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive input is refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"expected a time-zone-aware datetime, but got naive {value!r}")
        utc = value.astimezone(dt.timezone.utc)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Person(Base):
    """A client. ``name`` is how the CLI refers to them (``--person NAME``)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    screenings: Mapped[list[Screening]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Screening.recorded_at"
    )
    plans: Mapped[list[Plan]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Plan.created_at"
    )
    sessions: Mapped[list[SessionLog]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="SessionLog.performed_at"
    )
    intakes: Mapped[list[Intake]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="Intake.recorded_at"
    )
    training_log: Mapped[list[TrainingLogEntry]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        order_by="(TrainingLogEntry.performed_at, TrainingLogEntry.exercise_name, "
        "TrainingLogEntry.set_index)",
    )


class Screening(Base):
    """One ``glutefire screen`` result; ``result`` is the complete result JSON as produced."""

    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    view: Mapped[str | None] = mapped_column(String(16))
    software_version: Mapped[str | None] = mapped_column(String(32))
    model_name: Mapped[str | None] = mapped_column(String(64))
    clip_sha256s: Mapped[list[str]] = mapped_column(JSON, default=list)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)

    person: Mapped[Person] = relationship(back_populates="screenings")
    findings: Mapped[list[ScreeningFinding]] = relationship(
        back_populates="screening", cascade="all, delete-orphan", order_by="ScreeningFinding.id"
    )
    rep_metrics: Mapped[list[RepMetric]] = relationship(
        back_populates="screening", cascade="all, delete-orphan", order_by="RepMetric.id"
    )

    def parsed_result(self) -> ScreeningResult:
        """The stored result as the typed container (raises FindingsError if it is malformed)."""
        return parse_result(self.result, origin=f"stored screening {self.id}")


class ScreeningFinding(Base):
    """One finding of a screening, normalised for queries over time."""

    __tablename__ = "screening_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    side: Mapped[str | None] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    #: The evidence frame with the measured segments marked (JPEG, at most 640 px), or None
    #: (keypoint input, a screening stored before keyframes were kept, or drawing failed).
    keyframe_jpeg: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    screening: Mapped[Screening] = relationship(back_populates="findings")


class RepMetric(Base):
    """One metric of one repetition (tidy: one row per rep and metric)."""

    __tablename__ = "rep_metric"
    __table_args__ = (UniqueConstraint("screening_id", "clip", "rep_index", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(
        ForeignKey("screening.id", ondelete="CASCADE"), index=True
    )
    clip: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # rev 0003
    rep_index: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)

    screening: Mapped[Screening] = relationship(back_populates="rep_metrics")


class Intake(Base):
    """Questionnaire answers as given (added in revision 0002)."""

    __tablename__ = "intake"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)

    person: Mapped[Person] = relationship(back_populates="intakes")


class Plan(Base):
    """A program from ``glutefire plan``; ``status`` is active, superseded or stopped."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    mode: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    sessions_per_week: Mapped[int] = mapped_column(Integer)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    intake_id: Mapped[int | None] = mapped_column(ForeignKey("intake.id", ondelete="SET NULL"))
    # revision 0005d: the screening the plan was built from (re-dosing an edited plan reuses it)
    screening_id: Mapped[int | None] = mapped_column(
        ForeignKey("screening.id", ondelete="SET NULL")
    )

    person: Mapped[Person] = relationship(back_populates="plans")


class SessionLog(Base):
    """One training session as done. ``performed_at`` in UTC, ``time_zone`` where it happened."""

    __tablename__ = "session_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    performed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(64), server_default="UTC")
    session_label: Mapped[str | None] = mapped_column(String(32))
    pain_0_10: Mapped[int | None] = mapped_column(Integer)
    effort_rpe_1_10: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="sessions")
    exercises: Mapped[list[SessionExercise]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionExercise.position"
    )


class SessionExercise(Base):
    """One exercise of a logged session: target (from the plan) next to what was done."""

    __tablename__ = "session_exercise"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("session_log.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    target_sets: Mapped[int | None] = mapped_column(Integer)
    target_reps: Mapped[str | None] = mapped_column(String(32))
    target_hold_s: Mapped[float | None] = mapped_column(Float)
    target_load: Mapped[str | None] = mapped_column(String(64))
    done_sets: Mapped[int | None] = mapped_column(Integer)
    done_reps: Mapped[int | None] = mapped_column(Integer)
    done_hold_s: Mapped[float | None] = mapped_column(Float)
    done_load: Mapped[str | None] = mapped_column(String(64))
    # revision 0005d: the load as a number and unit (kg, lb; bodyweight and band have no number)
    done_load_value: Mapped[float | None] = mapped_column(Float)
    done_load_unit: Mapped[str | None] = mapped_column(String(16))

    session: Mapped[SessionLog] = relationship(back_populates="exercises")
    checks: Mapped[list[ExerciseCheckRecord]] = relationship(
        back_populates="session_exercise",
        cascade="all, delete-orphan",
        order_by="ExerciseCheckRecord.id",
    )


class ExerciseCheckRecord(Base):
    """A filmed clip of a logged exercise, checked by ``glutefire check`` (revision 0005e):
    what was measured (complete reps, the longest hold) and the whole result JSON."""

    __tablename__ = "exercise_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_exercise_id: Mapped[int] = mapped_column(
        ForeignKey("session_exercise.id", ondelete="CASCADE"), index=True
    )
    exercise: Mapped[str] = mapped_column(String(64))
    clip_sha256: Mapped[str] = mapped_column(String(64))
    view: Mapped[str] = mapped_column(String(16))
    complete_reps: Mapped[int | None] = mapped_column(Integer)
    longest_hold_s: Mapped[float | None] = mapped_column(Float)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)

    session_exercise: Mapped[SessionExercise] = relationship(back_populates="checks")
    items: Mapped[list[ExerciseCheckItem]] = relationship(
        back_populates="check", cascade="all, delete-orphan", order_by="ExerciseCheckItem.id"
    )


class ExerciseCheckItem(Base):
    """One form check of a checked clip, normalised for queries over time."""

    __tablename__ = "exercise_check_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_check_id: Mapped[int] = mapped_column(
        ForeignKey("exercise_check.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(64))

    check: Mapped[ExerciseCheckRecord] = relationship(back_populates="items")


class TrainingLogEntry(Base):
    """One set imported from a workout app's CSV export (added in revision 0002)."""

    __tablename__ = "training_log_entry"
    __table_args__ = (
        UniqueConstraint("person_id", "source", "performed_at", "exercise_name", "set_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    performed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    workout_name: Mapped[str | None] = mapped_column(String(200))
    exercise_name: Mapped[str] = mapped_column(String(200))
    set_index: Mapped[int] = mapped_column(Integer)
    set_type: Mapped[str] = mapped_column(String(16))
    weight_kg: Mapped[float | None] = mapped_column(Float)
    reps: Mapped[int | None] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(back_populates="training_log")


# --- web app (revision 0004): accounts, sessions, clients owned by trainers, invites, uploads ---


class Account(Base):
    """A web login. ``role`` is ``trainer`` (owns clients) or ``client`` (sees their own record)."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSession(Base):
    """A login session; the cookie carries the token, the database only its SHA-256."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()


class Client(Base):
    """A trainer's client; the screening/plan/session history lives on the linked person.
    Display names are unique per trainer, ignoring case and spacing (:func:`client_name_key`)."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), unique=True
    )
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the trainer archived the client (hidden from the list by default); revision 0005c
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()


class ClientInvite(Base):
    """A one-time link that lets a client create their own login (token stored hashed)."""

    __tablename__ = "client_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class UploadJob(Base):
    """Uploaded clips of one screening session (e.g. front and side) and their background
    screening (queued, running, done, failed). ``clips``: one
    ``{"stored_name", "original_name", "view", "frames"}`` per clip, in upload order.

    The table is also the screening queue (revision 0005): a worker claims a queued job by
    setting ``worker_id`` and ``lease_expires_at``, renews the lease while it runs, and a job
    whose lease has expired is queued again (``attempts`` counts the claims). ``finished_at``:
    when the job became done or failed (the clip retention clock); ``clips_deleted_at``: when
    the raw clips were deleted (retention or the trainer)."""

    __tablename__ = "upload_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    clips: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    original_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    frames_done: Mapped[int] = mapped_column(Integer, default=0)
    frames_total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    screening_id: Mapped[int | None] = mapped_column(
        ForeignKey("screening.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    worker_id: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    clips_deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WebWorker(Base):
    """A screening worker's heartbeat (revision 0005): ``seen_at`` is renewed every few seconds
    while the worker loop runs, idle or busy; the health endpoint reports its age."""

    __tablename__ = "web_worker"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- login rate limit (revision 0005a): shared by every server process on the database ---


class LoginFailure(Base):
    """One failed login or one sign-up, kept for its rate limit's window. ``scope`` is
    ``account`` (``key_sha256`` = SHA-256 of the normalised email, known or not), ``address``
    (of the client address) or ``signup`` (of the client address, one row per sign-up); rows
    older than their scope's window are deleted as new ones arrive."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_scope_key_at", "scope", "key_sha256", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key_sha256: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
