"""Incremental fetching of live accounts: the store's "since" hint per account, and the older posts carried
over from the store so a report still covers the account's whole stored history.

A live account gets a hint (its newest stored post) only when all of these hold, else it is fetched whole:
it was read live before under the same SOURCE for the same person; its last whole fetch is less than
``FULL_FETCH_DAYS`` old (so deleted posts are found at least once a year; ``--full-fetch`` forces it); and
an HR audit's stored posts all still rebuild to the text they were classified on (a preset may have withheld
a post for a protected topic found in its text; without the text that could not be decided again). In a
self audit, posts whose text is gone (past retention) are carried over as counts: flagged or not by their
stored scores, shown without text. Posts carried over are never marked removed: removals are only told
apart by a whole fetch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.categories import CATEGORIES
from auditor.post import Post
from auditor.sources.base import SinceHint, SourceResult, is_live, live_key
from auditor.store.models import Account, Person, StoredPost
from auditor.textclean import clean_text

#: What a report shows for a carried-over post whose text the store no longer keeps.
TEXT_GONE = "[text no longer kept: past the store's retention period; scored when it was fetched]"
#: A live account is fetched whole when its last whole fetch is this old (about once a year of quarters).
FULL_FETCH_DAYS = 350


def _utc(when: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; everything stored is UTC."""
    return when.replace(tzinfo=timezone.utc) if when is not None and when.tzinfo is None else when


@dataclass
class StoredAccount:
    """A live account's stored posts (not removed), read once for its hint and for the carry-over."""

    account_id: int
    person_key: str
    source: str  # the store's account key (platform:handle)
    hint: SinceHint
    rows: list[tuple] = field(default_factory=list)
    textless: set[str] = field(default_factory=set)  # post ids whose stored text is gone (retention)


def stored_account(
    s: Session, spec: str, person_key: str | None, now: datetime, *, textless_ok: bool = True
) -> StoredAccount | None:
    """The stored state of a live SOURCE for a person, if it can be fetched incrementally (else None).
    ``person_key`` None: the person is only known after reading; the account is used if one person has it.
    ``textless_ok`` False (an HR audit): an account with posts whose text is gone is fetched whole."""
    from auditor.store.history import text_hash

    query = (
        select(Account.id, Person.key, Account.source, Account.full_fetch_at)
        .join(Person, Person.id == Account.person_id)
        .where(Account.fetched_as == live_key(spec))
    )
    if person_key is not None:
        query = query.where(Person.key == person_key)
    found = s.execute(query).all()
    if len(found) != 1:
        return None
    account_id, key, source, full_at = found[0]
    full_at = _utc(full_at)
    if full_at is None or full_at < now - timedelta(days=FULL_FETCH_DAYS):
        return None
    rows = s.execute(
        select(
            StoredPost.post_id,
            StoredPost.created_at,
            StoredPost.text,
            StoredPost.text_hash,
            StoredPost.kind,
            StoredPost.visibility,
            StoredPost.lang,
            StoredPost.url,
            StoredPost.deleted,
        ).where(StoredPost.account_id == account_id, StoredPost.removed_in.is_(None))
    ).all()
    textless = {row.post_id for row in rows if text_hash(clean_text(row.text or "")) != row.text_hash}
    if textless and not textless_ok:
        return None
    dated = [(_utc(row.created_at), row.post_id) for row in rows if row.created_at is not None]
    if not dated:
        return None
    newest_at, newest_id = max(dated)
    return StoredAccount(account_id, key, source, SinceHint(newest_id, newest_at), list(rows), textless)


def fetch_hints(
    s: Session, specs: Sequence[str], person_key: str | None, now: datetime, *, textless_ok: bool = True
) -> dict[str, StoredAccount]:
    """Per live SOURCE that can be fetched incrementally, its stored state (the hint is ``.hint``)."""
    from auditor.sources import load_readers

    load_readers()  # which prefixes are live platforms
    out = {}
    for spec in specs:
        if is_live(spec):
            state = stored_account(s, spec, person_key, now, textless_ok=textless_ok)
            if state is not None:
                out[spec] = state
    return out


def carried_posts(result: SourceResult, state: StoredAccount) -> list[Post]:
    """The stored posts an incremental fetch did not return (older than its hint), rebuilt as Posts."""
    fetched = {p.id for p in result.posts}
    label = state.source
    platform = result.platform
    return [
        Post(
            id=row.post_id,
            platform=platform,
            author=result.account,
            created_at=_utc(row.created_at),
            text=clean_text(row.text or ""),
            raw_text=TEXT_GONE if row.post_id in state.textless else row.text or "",
            kind=row.kind,
            url=row.url,
            lang=row.lang,
            visibility=row.visibility,
            deleted=row.deleted,
            account=label,
            extra={"carried_over": True, "stored_hash": row.text_hash} if row.post_id in state.textless
            else {"carried_over": True},
        )
        for row in state.rows
        if row.post_id not in fetched
    ]


def score_textless(assessments: Sequence[Any], classifier: Any, policy: Any) -> None:
    """Carried-over posts whose text is gone get the scores stored for their text under this model version
    (then flags and tiers under ``policy``, no evidence); without such scores they stay not assessed."""
    from auditor.classify.model import Classification
    from auditor.scoring import _apply

    textless = [a for a in assessments if "stored_hash" in a.post.extra]
    if not textless:
        return
    classifier._lookup([a.post.extra["stored_hash"] for a in textless])
    for a in textless:
        known = classifier.known.get(a.post.extra["stored_hash"])
        if known is None:
            a.assessed, a.reason = False, "text no longer kept, and not scored by this model version"
            continue
        scores = known[0]
        plain = {c: float(scores[c]) for c in CATEGORIES}
        _apply(a, Classification(plain, {}, grades=dict(scores.get("_grades") or {}),
                                 top_tier=dict(scores.get("_top_tier") or {})), policy)
        a.assessed, a.reason = True, None
