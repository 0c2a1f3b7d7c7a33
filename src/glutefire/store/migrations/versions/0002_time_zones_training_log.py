"""Time zones on people and sessions; imported training-log sets.

Existing people and sessions get ``time_zone = 'UTC'`` (their timestamps were already UTC), so
calendar weeks stay what they were until the user sets their zone with ``glutefire people``.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild): on SQLite a rebuild of a referenced table would fire
    # ON DELETE actions on its children.
    op.add_column(
        "person", sa.Column("time_zone", sa.String(64), server_default="UTC", nullable=False)
    )
    op.add_column(
        "session_log",
        sa.Column("time_zone", sa.String(64), server_default="UTC", nullable=False),
    )
    op.create_table(
        "training_log_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workout_name", sa.String(200), nullable=True),
        sa.Column("exercise_name", sa.String(200), nullable=False),
        sa.Column("set_index", sa.Integer(), nullable=False),
        sa.Column("set_type", sa.String(16), nullable=False),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name="fk_training_log_entry_person_id_person",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_training_log_entry"),
        sa.UniqueConstraint(
            "person_id",
            "source",
            "performed_at",
            "exercise_name",
            "set_index",
            name="uq_training_log_entry_person_id",
        ),
    )
    op.create_index("ix_training_log_entry_person_id", "training_log_entry", ["person_id"])


def downgrade() -> None:
    op.drop_table("training_log_entry")
    with op.batch_alter_table("session_log") as batch:
        batch.drop_column("time_zone")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("time_zone")
