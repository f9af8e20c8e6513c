"""Small writes and reads of the store outside a person's audit: failures, resumes, reviewer decisions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from auditor.errors import AuditorError
from auditor.store.db import Store
from auditor.store.models import Account, Annotation, Audit, Person, StoredPost


def record_failure(store: Store, entry: Any, quarter: str, reason: str) -> None:
    """The person's audit for the quarter is "failed" with the reason (replacing any earlier result)."""
    now = datetime.now(timezone.utc)
    with store.session() as s, s.begin():
        person = s.scalars(select(Person).where(Person.key == entry.id)).first()
        if person is None:
            person = Person(key=entry.id, name=entry.name, updated_at=now)
            s.add(person)
        person.name, person.role, person.team, person.updated_at = entry.name, entry.role, entry.team, now
        s.flush()
        s.execute(delete(Audit).where(Audit.person_id == person.id, Audit.quarter == quarter))
        s.add(
            Audit(
                person_id=person.id,
                quarter=quarter,
                status="failed",
                reason=reason,
                public_posts=0,
                assessed=0,
                new_posts=0,
                removed_posts=0,
                finished_at=now,
            )
        )


def finished_people(
    store: Store, quarter: str, entries: Iterable[Any], out: Path, folders: Mapping[str, str]
) -> set[str]:
    """Ids audited ok this quarter whose report is in place: a resumed run skips them."""
    keys = {e.id for e in entries}
    with store.session() as s:
        rows = (
            s.execute(
                select(Person.key)
                .join(Audit, Audit.person_id == Person.id)
                .where(Audit.quarter == quarter, Audit.status == "ok")
            )
            .scalars()
            .all()
        )
    return {k for k in rows if k in keys and (out / folders[k] / "summary.json").is_file()}


def dismiss(
    store: Store,
    person_key: str,
    post_id: str,
    *,
    category: str | None = None,
    note: str | None = None,
    reviewer: str | None = None,
) -> int:
    """Record a reviewer's dismissal of a flag (one category, or all); how many stored posts matched."""
    with store.session() as s, s.begin():
        posts = s.scalars(
            select(StoredPost.id)
            .join(Account, Account.id == StoredPost.account_id)
            .join(Person, Person.id == Account.person_id)
            .where(Person.key == person_key, StoredPost.post_id == post_id)
        ).all()
        if not posts:
            raise AuditorError(person_key, f"no stored post {post_id!r} for this person (audit them first)")
        now = datetime.now(timezone.utc)
        for pk in posts:
            s.add(
                Annotation(
                    post_id=pk,
                    category=category,
                    decision="dismissed",
                    note=note,
                    reviewer=reviewer,
                    created_at=now,
                )
            )
    return len(posts)
