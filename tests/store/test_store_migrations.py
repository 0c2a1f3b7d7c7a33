"""Migrations: the models match the newest revision, and an older database with data in it is
upgraded without loss."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from glutefire.store.engine import make_engine, open_database
from glutefire.store.migrations import current_revision, head_revision, upgrade_to
from glutefire.store.models import Base
from glutefire.store.repository import get_person, unit_of_work

#: The newest revision (update with each new migration).
HEAD = "0005a"


def test_models_match_the_newest_revision(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(engine) == head_revision() == HEAD


def test_open_is_idempotent(db_url):
    open_database(db_url).dispose()
    engine = open_database(db_url)
    assert current_revision(engine) == HEAD
    engine.dispose()


def _insert_baseline_rows(engine) -> None:
    """Rows as a 0001-era glutefire wrote them (raw SQL: today's models have more columns)."""
    stamp = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    if engine.dialect.name == "sqlite":
        stamp = stamp.replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO person (id, name, created_at) VALUES (1, 'Old Client', :t)"),
            {"t": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO plan (id, person_id, created_at, mode, status, start_date, "
                "sessions_per_week, plan) VALUES (1, 1, :t, 'corrective', 'active', "
                "'2026-03-02', 3, :p)"
            ),
            {"t": stamp, "p": '{"schema_version": 1, "sessions_per_week": 3, "phases": []}'},
        )
        conn.execute(
            text(
                "INSERT INTO session_log (id, person_id, plan_id, performed_at, session_label, "
                "pain_0_10, recorded_at) VALUES (1, 1, 1, :t, 'A', 3, :t)"
            ),
            {"t": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO session_exercise (id, session_id, position, exercise_id, skipped, "
                "target_sets, target_reps, done_sets, done_reps) "
                "VALUES (1, 1, 0, 'glute_bridge', false, 2, '12', 2, 12)"
            )
        )


def test_upgrade_from_baseline_keeps_data(db_url):
    engine = make_engine(db_url)
    upgrade_to(engine, "0001")
    assert current_revision(engine) == "0001"
    _insert_baseline_rows(engine)
    engine.dispose()

    engine = open_database(db_url)  # upgrades to head on open
    assert current_revision(engine) == HEAD
    with unit_of_work(engine) as uow:
        person = get_person(uow, "Old Client")
        assert person.time_zone == "UTC"
        (session,) = person.sessions
        assert session.time_zone == "UTC" and session.pain_0_10 == 3
        assert session.performed_at == dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc)
        assert session.exercises[0].done_reps == 12
        assert person.plans[0].plan["sessions_per_week"] == 3
        assert person.training_log == []
    engine.dispose()


def test_upload_jobs_of_a_0004_database_join_the_queue(db_url):
    """Jobs written before the queue (0005): finished ones start their retention clock at their
    last update; one left running (no lease) is queued again by the next worker."""
    from glutefire.store.models import UploadJob
    from glutefire.store.queue import requeue_expired

    engine = make_engine(db_url)
    upgrade_to(engine, "0004")
    stamp = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    if engine.dialect.name == "sqlite":
        stamp = stamp.replace(tzinfo=None)
    rows = {
        "account": "(id, email, password_hash, role, display_name, created_at) VALUES "
        "(1, 'c@example.org', 'x', 'trainer', 'C', :t)",
        "person": "(id, name, created_at) VALUES (1, 'Ana [web-1]', :t)",
        "client": "(id, trainer_id, person_id, display_name, created_at) "
        "VALUES (1, 1, 1, 'Ana', :t)",
    }
    with engine.begin() as conn:
        for table, values in rows.items():
            conn.execute(text(f"INSERT INTO {table} {values}"), {"t": stamp})
        for job_id, status in ((1, "done"), (2, "running")):
            conn.execute(
                text(
                    "INSERT INTO upload_job (id, client_id, status, clips, original_name, "
                    "size_bytes, frames_done, frames_total, created_at, updated_at) VALUES "
                    "(:id, 1, :s, '[]', 'a.mp4', 1, 0, 10, :t, :t)"
                ),
                {"id": job_id, "s": status, "t": stamp},
            )
    engine.dispose()
    engine = open_database(db_url)
    with unit_of_work(engine) as uow:
        done, running = uow.get_one(UploadJob, 1), uow.get_one(UploadJob, 2)
        assert done.finished_at == stamp.replace(tzinfo=dt.timezone.utc) and done.attempts == 0
        assert running.finished_at is None and running.lease_expires_at is None
        now = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)
        assert requeue_expired(uow, now=now, max_attempts=3) == [2]
    engine.dispose()
