"""Web app: accounts, login sessions, clients owned by trainers, client invites, upload jobs.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
    )
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            ondelete="CASCADE",
            name=op.f("fk_web_session_account_id_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_web_session_token_sha256")),
    )
    op.create_index(op.f("ix_web_session_account_id"), "web_session", ["account_id"])
    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["trainer_id"],
            ["account.id"],
            ondelete="CASCADE",
            name=op.f("fk_client_trainer_id_account"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            ondelete="CASCADE",
            name=op.f("fk_client_person_id_person"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            ondelete="SET NULL",
            name=op.f("fk_client_account_id_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
        sa.UniqueConstraint("person_id", name=op.f("uq_client_person_id")),
        sa.UniqueConstraint("account_id", name=op.f("uq_client_account_id")),
    )
    op.create_index(op.f("ix_client_trainer_id"), "client", ["trainer_id"])
    op.create_table(
        "client_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            ondelete="CASCADE",
            name=op.f("fk_client_invite_client_id_client"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_invite")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_client_invite_token_sha256")),
    )
    op.create_index(op.f("ix_client_invite_client_id"), "client_invite", ["client_id"])
    op.create_table(
        "upload_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("clips", sa.JSON(), nullable=False),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("frames_done", sa.Integer(), nullable=False),
        sa.Column("frames_total", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("screening_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            ondelete="CASCADE",
            name=op.f("fk_upload_job_client_id_client"),
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screening.id"],
            ondelete="SET NULL",
            name=op.f("fk_upload_job_screening_id_screening"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_job")),
    )
    op.create_index(op.f("ix_upload_job_client_id"), "upload_job", ["client_id"])


def downgrade() -> None:
    for table in ("upload_job", "client_invite", "client", "web_session", "account"):
        op.drop_table(table)
