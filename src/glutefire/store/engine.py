"""Engine factory. SQLite gets WAL, a busy timeout, foreign keys and ``BEGIN IMMEDIATE``.

``BEGIN IMMEDIATE`` takes the write lock when a transaction starts, so two processes that both
read-then-write wait for each other (up to the busy timeout) instead of failing half-way with
"database is locked". PostgreSQL needs nothing special.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from glutefire.errors import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` (already resolved by :mod:`glutefire.store.settings`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, echo=echo)
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_engine(url: str, database: str | None, *, echo: bool) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        _create_private_file(Path(database).expanduser())
    engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _create_private_file(path: Path) -> None:
    """A new database file is readable by its owner only (0600; SQLite gives its -wal and -shm
    files the same mode), in a new folder of mode 0700: it holds clients' health data."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def open_database(url: str, *, upgrade: bool = True) -> Engine:
    """Create the engine and (by default) upgrade the schema to the newest revision."""
    from glutefire.store.migrations import upgrade_to_head

    engine = make_engine(url)
    if upgrade:
        try:
            upgrade_to_head(engine)
        except OperationalError as exc:
            engine.dispose()
            reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            raise DatabaseError(f"cannot open the database {_safe(url)}: {reason}") from None
    return engine


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
