"""Exercise checks attached to logged session exercises: ``exercise_check`` (measured reps and
hold, the result JSON) and ``exercise_check_item`` (one row per form check).

Revision ID: 0005e
Revises: 0005c
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005e"
down_revision = "0005c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercise_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_exercise_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(64), nullable=False),
        sa.Column("clip_sha256", sa.String(64), nullable=False),
        sa.Column("view", sa.String(16), nullable=False),
        sa.Column("complete_reps", sa.Integer(), nullable=True),
        sa.Column("longest_hold_s", sa.Float(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_exercise_id"],
            ["session_exercise.id"],
            ondelete="CASCADE",
            name=op.f("fk_exercise_check_session_exercise_id_session_exercise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_check")),
    )
    op.create_index(
        op.f("ix_exercise_check_session_exercise_id"), "exercise_check", ["session_exercise_id"]
    )
    op.create_table(
        "exercise_check_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_check_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["exercise_check_id"],
            ["exercise_check.id"],
            ondelete="CASCADE",
            name=op.f("fk_exercise_check_item_exercise_check_id_exercise_check"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_check_item")),
    )
    op.create_index(
        op.f("ix_exercise_check_item_exercise_check_id"),
        "exercise_check_item",
        ["exercise_check_id"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_exercise_check_item_exercise_check_id"), "exercise_check_item")
    op.drop_table("exercise_check_item")
    op.drop_index(op.f("ix_exercise_check_session_exercise_id"), "exercise_check")
    op.drop_table("exercise_check")
