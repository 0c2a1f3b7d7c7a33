"""Per-rep metrics keyed by clip too: a screening of several clips (front + side) numbers its
reps per clip, so (screening, rep, metric) alone is not unique.

Existing rows get ``clip = 0`` (before this revision only single-clip screenings could be
stored). SQLite rebuilds the table (batch mode); ``rep_metric`` is referenced by no other table,
so the rebuild fires no ON DELETE actions.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_UQ = "uq_rep_metric_screening_id"


def upgrade() -> None:
    with op.batch_alter_table("rep_metric") as batch:
        batch.add_column(sa.Column("clip", sa.Integer(), server_default="0", nullable=False))
        batch.drop_constraint(_UQ, type_="unique")
        batch.create_unique_constraint(_UQ, ["screening_id", "clip", "rep_index", "metric"])


def downgrade() -> None:
    with op.batch_alter_table("rep_metric") as batch:
        batch.drop_constraint(_UQ, type_="unique")
        batch.create_unique_constraint(_UQ, ["screening_id", "rep_index", "metric"])
        batch.drop_column("clip")
