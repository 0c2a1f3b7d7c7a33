"""Baseline: people, screenings (findings, per-rep metrics), intakes, plans, session logs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_person"),
        sa.UniqueConstraint("name", name="uq_person_name"),
    )
    op.create_table(
        "screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", TZ_DATETIME, nullable=False),
        sa.Column("view", sa.String(16), nullable=True),
        sa.Column("software_version", sa.String(32), nullable=True),
        sa.Column("model_name", sa.String(64), nullable=True),
        sa.Column("clip_sha256s", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_screening_person_id_person", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_screening"),
    )
    op.create_index("ix_screening_person_id", "screening", ["person_id"])
    op.create_table(
        "screening_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("side", sa.String(16), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screening.id"],
            name="fk_screening_finding_screening_id_screening",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_screening_finding"),
    )
    op.create_index("ix_screening_finding_screening_id", "screening_finding", ["screening_id"])
    op.create_table(
        "rep_metric",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("rep_index", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screening.id"],
            name="fk_rep_metric_screening_id_screening",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rep_metric"),
        sa.UniqueConstraint(
            "screening_id", "rep_index", "metric", name="uq_rep_metric_screening_id"
        ),
    )
    op.create_index("ix_rep_metric_screening_id", "rep_metric", ["screening_id"])
    op.create_table(
        "intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", TZ_DATETIME, nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_intake_person_id_person", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_intake"),
    )
    op.create_index("ix_intake_person_id", "intake", ["person_id"])
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ_DATETIME, nullable=False),
        sa.Column("mode", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("sessions_per_week", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_plan_person_id_person", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intake.id"], name="fk_plan_intake_id_intake", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_plan"),
    )
    op.create_index("ix_plan_person_id", "plan", ["person_id"])
    op.create_table(
        "session_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("performed_at", TZ_DATETIME, nullable=False),
        sa.Column("session_label", sa.String(32), nullable=True),
        sa.Column("pain_0_10", sa.Integer(), nullable=True),
        sa.Column("effort_rpe_1_10", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", TZ_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name="fk_session_log_person_id_person", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name="fk_session_log_plan_id_plan", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_session_log"),
    )
    op.create_index("ix_session_log_person_id", "session_log", ["person_id"])
    op.create_table(
        "session_exercise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("target_sets", sa.Integer(), nullable=True),
        sa.Column("target_reps", sa.String(32), nullable=True),
        sa.Column("target_hold_s", sa.Float(), nullable=True),
        sa.Column("target_load", sa.String(64), nullable=True),
        sa.Column("done_sets", sa.Integer(), nullable=True),
        sa.Column("done_reps", sa.Integer(), nullable=True),
        sa.Column("done_hold_s", sa.Float(), nullable=True),
        sa.Column("done_load", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["session_log.id"],
            name="fk_session_exercise_session_id_session_log",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_session_exercise"),
    )
    op.create_index("ix_session_exercise_session_id", "session_exercise", ["session_id"])


def downgrade() -> None:
    for table in (
        "session_exercise",
        "session_log",
        "plan",
        "intake",
        "rep_metric",
        "screening_finding",
        "screening",
        "person",
    ):
        op.drop_table(table)
