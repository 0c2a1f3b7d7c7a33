"""Each stored finding keeps its keyframe (a small JPEG of the evidence frame with the measured
segments marked), so a re-screen can be compared with the earlier one side by side.

Revision ID: 0005f
Revises: 0005b
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005f"
down_revision = "0005b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("screening_finding") as batch:
        batch.add_column(sa.Column("keyframe_jpeg", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screening_finding") as batch:
        batch.drop_column("keyframe_jpeg")
