"""The store's tables (SQLAlchemy 2 declarative models); the Alembic migrations create and change them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Person(Base):
    """Someone on a roster (or audited alone), keyed by the roster's id."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    role: Mapped[str | None] = mapped_column(String(500))
    team: Mapped[str | None] = mapped_column(String(500))
    policy: Mapped[str | None] = mapped_column(String(1000))
    mode: Mapped[str | None] = mapped_column(String(50))
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_scope: Mapped[str | None] = mapped_column(String(1000))
    consent_requested_by: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Account(Base):
    """One SOURCE of a person (an export file or a live account), with the newest post stored from it."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("person_id", "source"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(2000))
    platform: Mapped[str | None] = mapped_column(String(50))
    handle: Mapped[str | None] = mapped_column(String(500))
    last_post_id: Mapped[str | None] = mapped_column(String(300))
    last_post_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fetched_as: Mapped[str | None] = mapped_column(String(2000))  # a live account: its SOURCE (live_key)
    full_fetch_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last fetched whole


class StoredPost(Base):
    """A post seen in an audit. Its text is kept only within the retention period; the hash always."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("account_id", "post_id"), Index("ix_posts_text_hash", "text_hash"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[str] = mapped_column(String(300))
    text_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str | None] = mapped_column(String(20))
    url: Mapped[str | None] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str | None] = mapped_column(Text)  # None for non-public posts, removed posts, purged text
    first_seen: Mapped[str] = mapped_column(String(6))  # quarter, e.g. 2026Q4
    last_seen: Mapped[str] = mapped_column(String(6))
    removed_in: Mapped[str | None] = mapped_column(String(6))  # the quarter it was found gone
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class StoredClassification(Base):
    """A post's scores and evidence under one model version (reused until the model changes)."""

    __tablename__ = "classifications"
    __table_args__ = (
        UniqueConstraint("post_id", "model_version"),
        Index("ix_classifications_hash_model", "text_hash", "model_version"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    model_version: Mapped[str] = mapped_column(String(100))
    text_hash: Mapped[str] = mapped_column(String(64))
    scores: Mapped[dict] = mapped_column(JSON)
    evidence: Mapped[dict | None] = mapped_column(JSON)  # dropped with the text past retention


class Audit(Base):
    """One person in one quarter: ok with a tier, or failed with the reason."""

    __tablename__ = "audits"
    __table_args__ = (UniqueConstraint("person_id", "quarter"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    status: Mapped[str] = mapped_column(String(10))  # ok | failed
    reason: Mapped[str | None] = mapped_column(Text)
    tier: Mapped[str | None] = mapped_column(String(20))
    model_version: Mapped[str | None] = mapped_column(String(100))
    folder: Mapped[str | None] = mapped_column(Text)
    public_posts: Mapped[int] = mapped_column(Integer, default=0)
    assessed: Mapped[int] = mapped_column(Integer, default=0)
    new_posts: Mapped[int] = mapped_column(Integer, default=0)
    removed_posts: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditFlag(Base):
    """A flag (post × category) raised in an audit; ``new`` when the previous audit did not raise it."""

    __tablename__ = "audit_flags"
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    tier: Mapped[str] = mapped_column(String(10))
    section: Mapped[str] = mapped_column(String(10))  # authored | repost | deleted
    new: Mapped[bool] = mapped_column(Boolean, default=False)


class Annotation(Base):
    """A reviewer's decision on a flagged post: ``dismissed`` flags stay dismissed in later audits."""

    __tablename__ = "annotations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    category: Mapped[str | None] = mapped_column(String(30))  # None: every category of the post
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RunLock(Base):
    """At most one row: the run that holds the store (host and process id tell a dead holder)."""

    __tablename__ = "run_lock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(300))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
