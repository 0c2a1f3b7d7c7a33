"""Upload jobs become a shared queue (lease, attempts), clip retention times, worker heartbeats.

Revision ID: 0005b
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005b"
down_revision = "0004"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("upload_job") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("worker_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", _TS, nullable=True))
        batch.add_column(sa.Column("finished_at", _TS, nullable=True))
        batch.add_column(sa.Column("clips_deleted_at", _TS, nullable=True))
    # Jobs that finished before this revision start their retention clock at their last update.
    op.execute("UPDATE upload_job SET finished_at = updated_at WHERE status IN ('done', 'failed')")
    op.create_table(
        "web_worker",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("seen_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_worker")),
    )


def downgrade() -> None:
    op.drop_table("web_worker")
    with op.batch_alter_table("upload_job") as batch:
        for column in ("clips_deleted_at", "finished_at", "lease_expires_at", "worker_id"):
            batch.drop_column(column)
        batch.drop_column("attempts")
