"""Login rate limit in the database (shared by every server process): failed logins by scope.

Revision ID: 0005a
Revises: 0005e
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005a"
down_revision = "0005e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("key_sha256", sa.String(64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index(
        "ix_login_failure_scope_key_at",
        "login_failure",
        ["scope", "key_sha256", "failed_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_login_failure_scope_key_at", table_name="login_failure")
    op.drop_table("login_failure")
