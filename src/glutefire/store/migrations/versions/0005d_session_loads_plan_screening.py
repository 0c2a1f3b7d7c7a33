"""Loads logged as a number and a unit, and the screening a plan was built from.

``session_exercise`` gains ``done_load_value`` (a number, for kg and lb) and ``done_load_unit``
(kg, lb, bodyweight or band); existing rows keep their text ``done_load`` and get no unit.
``plan`` gains ``screening_id``, so that an edited plan (a swapped exercise, other minutes or
sessions a week) is re-dosed from the same findings; existing plans have none.

Revision ID: 0005d
Revises: 0005f
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005d"
down_revision = "0005f"
branch_labels = None
depends_on = None

_FK = "fk_plan_screening_id_screening"


def upgrade() -> None:
    with op.batch_alter_table("session_exercise") as batch:
        batch.add_column(sa.Column("done_load_value", sa.Float(), nullable=True))
        batch.add_column(sa.Column("done_load_unit", sa.String(length=16), nullable=True))
    with op.batch_alter_table("plan") as batch:
        batch.add_column(sa.Column("screening_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(_FK, "screening", ["screening_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("plan") as batch:
        batch.drop_constraint(_FK, type_="foreignkey")
        batch.drop_column("screening_id")
    with op.batch_alter_table("session_exercise") as batch:
        batch.drop_column("done_load_unit")
        batch.drop_column("done_load_value")
