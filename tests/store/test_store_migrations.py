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


def test_models_match_the_newest_revision(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert current_revision(engine) == head_revision() == "0005a"


def test_open_is_idempotent(db_url):
    open_database(db_url).dispose()
    engine = open_database(db_url)
    assert current_revision(engine) == "0005a"
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
    assert current_revision(engine) == "0005a"
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
