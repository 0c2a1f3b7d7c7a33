"""Alembic environment: always run with a connection handed over in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from glutefire.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "expected a connection in config.attributes['connection'], but got none; "
        "run migrations through glutefire.store.migrations.upgrade_to_head(engine)"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
