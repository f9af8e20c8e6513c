"""How each live account was last fetched: the SOURCE it was read from and when it was last fetched whole.

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


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("fetched_as", sa.String(2000)))
        batch.add_column(sa.Column("full_fetch_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("full_fetch_at")
        batch.drop_column("fetched_as")
