"""Alembic migrations, packaged with glutefire and run programmatically.

:func:`upgrade_to_head` runs on every open; it is a cheap no-op when the schema is current.
To write a new revision: copy the newest file in ``versions/``, bump ``revision`` and
``down_revision``, and keep :mod:`glutefire.store.models` in step (a test compares them).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent
# Arbitrary constant: serialises concurrent upgrades of one PostgreSQL database.
_PG_ADVISORY_LOCK_KEY = 4_702_417


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to(engine: Engine, revision: str) -> None:
    """Upgrade (or create) the schema up to ``revision`` in one transaction."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_ADVISORY_LOCK_KEY})
        command.upgrade(alembic_config(conn), revision)


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision; existing data is kept."""
    if current_revision(engine) == head_revision():
        return
    upgrade_to(engine, "head")
