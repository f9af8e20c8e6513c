"""People, accounts, posts, classifications, audits and their flags.

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

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("role", sa.String(500)),
        sa.Column("team", sa.String(500)),
        sa.Column("policy", sa.String(1000)),
        sa.Column("mode", sa.String(50)),
        sa.Column("consent_date", sa.Date),
        sa.Column("consent_scope", sa.String(1000)),
        sa.Column("consent_requested_by", sa.String(500)),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("source", sa.String(2000), nullable=False),
        sa.Column("platform", sa.String(50)),
        sa.Column("handle", sa.String(500)),
        sa.Column("last_post_id", sa.String(300)),
        sa.Column("last_post_at", TZ),
        sa.UniqueConstraint("person_id", "source"),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer,
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("post_id", sa.String(300), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("visibility", sa.String(20), nullable=False),
        sa.Column("lang", sa.String(20)),
        sa.Column("url", sa.Text),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("first_seen", sa.String(6), nullable=False),
        sa.Column("last_seen", sa.String(6), nullable=False),
        sa.Column("removed_in", sa.String(6)),
        sa.Column("stored_at", TZ, nullable=False, index=True),
        sa.UniqueConstraint("account_id", "post_id"),
    )
    op.create_index("ix_posts_text_hash", "posts", ["text_hash"])
    op.create_table(
        "classifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("evidence", sa.JSON),
        sa.UniqueConstraint("post_id", "model_version"),
    )
    op.create_index("ix_classifications_hash_model", "classifications", ["text_hash", "model_version"])
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("quarter", sa.String(6), nullable=False, index=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("tier", sa.String(20)),
        sa.Column("model_version", sa.String(100)),
        sa.Column("folder", sa.Text),
        sa.Column("public_posts", sa.Integer, nullable=False),
        sa.Column("assessed", sa.Integer, nullable=False),
        sa.Column("new_posts", sa.Integer, nullable=False),
        sa.Column("removed_posts", sa.Integer, nullable=False),
        sa.Column("finished_at", TZ, nullable=False),
        sa.UniqueConstraint("person_id", "quarter"),
    )
    op.create_table(
        "audit_flags",
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
        sa.Column("category", sa.String(30), primary_key=True),
        sa.Column("tier", sa.String(10), nullable=False),
        sa.Column("section", sa.String(10), nullable=False),
        sa.Column("new", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_flags", "audits", "classifications", "posts", "accounts", "people"):
        op.drop_table(table)
