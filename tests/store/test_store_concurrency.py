"""Two processes write session logs at once: no entry is lost, nothing is corrupted."""

from __future__ import annotations

import datetime as dt
import multiprocessing

from sqlalchemy import func, select, text

from glutefire.store.engine import open_database
from glutefire.store.models import SessionExercise, SessionLog
from glutefire.store.repository import get_or_create_person, log_session, unit_of_work
from glutefire.tracking.session_entry import build_session_entry, parse_set_override

SESSIONS_PER_WRITER = 25


def _writer(url: str, writer: int, start: multiprocessing.synchronize.Event) -> None:
    engine = open_database(url)
    start.wait(30)
    for n in range(SESSIONS_PER_WRITER):
        with unit_of_work(engine) as uow:
            get_or_create_person(uow, "Shared Client")  # both writers create/find the person
            entry = build_session_entry(
                None,
                performed_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
                + dt.timedelta(hours=writer * 1000 + n),
                time_zone="UTC",
                notes=f"writer {writer} session {n}",
                sets=[parse_set_override(f"glute_bridge:2x{n + 1}")],
            )
            log_session(uow, "Shared Client", entry)
    engine.dispose()


def test_two_writers_lose_nothing(db_url):
    open_database(db_url).dispose()  # schema created once, before the writers start
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [context.Process(target=_writer, args=(db_url, w, start)) for w in (1, 2)]
    for process in writers:
        process.start()
    start.set()
    for process in writers:
        process.join(120)
    assert [p.exitcode for p in writers] == [0, 0]

    engine = open_database(db_url)
    with unit_of_work(engine) as uow:
        notes = set(uow.scalars(select(SessionLog.notes)))
        assert notes == {
            f"writer {w} session {n}" for w in (1, 2) for n in range(SESSIONS_PER_WRITER)
        }
        assert (
            uow.scalar(select(func.count()).select_from(SessionExercise)) == 2 * SESSIONS_PER_WRITER
        )
        assert uow.scalar(select(func.count(func.distinct(SessionLog.person_id)))) == 1
        if engine.dialect.name == "sqlite":
            assert uow.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()


def _crash_mid_command(url: str) -> None:
    """Write a session, flush it to the database, then die before the commit."""
    import os

    engine = open_database(url)
    with unit_of_work(engine) as uow:
        get_or_create_person(uow, "Crash Client")
        entry = build_session_entry(
            None,
            performed_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
            time_zone="UTC",
            sets=[parse_set_override("glute_bridge:2x10")],
        )
        log_session(uow, "Crash Client", entry)
        uow.flush()
        os._exit(3)  # a crash: no rollback, no commit, no clean-up


def test_a_crash_mid_command_leaves_the_database_as_it_was(db_url):
    open_database(db_url).dispose()
    process = multiprocessing.get_context("spawn").Process(
        target=_crash_mid_command, args=(db_url,)
    )
    process.start()
    process.join(60)
    assert process.exitcode == 3
    engine = open_database(db_url)
    with unit_of_work(engine) as uow:
        assert uow.scalar(select(func.count()).select_from(SessionLog)) == 0
        if engine.dialect.name == "sqlite":
            assert uow.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
