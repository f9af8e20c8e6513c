"""One person's audit against the store: reuse classifications, honour dismissals, record what changed."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import delete, null, select, update
from sqlalchemy.orm import Session

from auditor.categories import CATEGORIES, LABELS
from auditor.classify.model import Classification
from auditor.policy import SEVERITIES
from auditor.post import Post
from auditor.sources.base import SinceHint, SourceResult, live_key
from auditor.store.bulk import insert_rows
from auditor.store.db import Store, quarter_of
from auditor.store.models import (
    Account,
    Annotation,
    Audit,
    AuditFlag,
    Person,
    StoredClassification,
    StoredPost,
)

LOOKUP_CHUNK = 500


def source_key(result: SourceResult) -> str:
    """How the store names an account: as the report labels it, platform and handle (so next quarter's new
    export file is the same account)."""
    from auditor.scoring import account_label

    return account_label(result)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class CachedClassifier:
    """The model, asked only about texts the store has no classification for under this model version.

    Stored scores are looked up batch by batch (nothing is looked up when the store holds no classification
    under this model version); stored evidence only for the texts the policy flags. Nothing is kept across
    batches but the scores of texts looked up for ``score_textless`` (``known``): what the store writes comes
    from the assessments themselves."""

    def __init__(self, base: Any, store: Store) -> None:
        self.base = base
        self.store = store
        self.version: str = base.version
        self.known: dict[str, dict[str, Any]] = {}  # text hash -> scores (with _grades, _top_tier), _lookup's
        self.reused = 0
        self.any_stored = self._any_stored()

    def info(self) -> dict[str, Any]:
        return self.base.info()

    def _any_stored(self) -> bool:
        """Whether the store holds any classification under this model version (a first audit: none)."""
        with self.store.session() as s:
            first = select(StoredClassification.id).where(StoredClassification.model_version == self.version)
            return s.execute(first.limit(1)).first() is not None

    def _rows(self, column: Any, hashes: Sequence[str]) -> Iterator[tuple[str, Any]]:
        """(text hash, column) of the stored classifications of these texts under this model version."""
        if not self.any_stored:
            return
        with self.store.session() as s:
            for start in range(0, len(hashes), LOOKUP_CHUNK):
                yield from s.execute(
                    select(StoredClassification.text_hash, column).where(
                        StoredClassification.model_version == self.version,
                        StoredClassification.text_hash.in_(hashes[start : start + LOOKUP_CHUNK]),
                    )
                )

    def _stored_scores(self, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for h, scores in self._rows(StoredClassification.scores, list(dict.fromkeys(hashes))):
            if set(CATEGORIES) <= set(scores):
                found.setdefault(h, scores)
        return found

    def _lookup(self, hashes: Sequence[str]) -> None:
        """Keep the stored scores of these texts in ``known``."""
        self.known.update(self._stored_scores(h for h in hashes if h not in self.known))

    def _stored_evidence(self, hashes: Iterable[str]) -> dict[str, dict[str, list[str]]]:
        """The stored evidence of these texts (a row whose text was purged or withheld has none: the model's
        own explanation fills in when it is asked for)."""
        found: dict[str, dict[str, list[str]]] = {}
        for h, evidence in self._rows(StoredClassification.evidence, list(dict.fromkeys(hashes))):
            if evidence or h not in found:
                found[h] = evidence or {}
        return found

    def classify(
        self, texts: Sequence[str], thresholds: Mapping[str, float] | None = None
    ) -> list[Classification]:
        if not self.any_stored:
            return self.base.classify(texts, thresholds=thresholds)
        hashes = [text_hash(t) for t in texts]
        known = self._stored_scores(hashes)
        todo = [i for i, h in enumerate(hashes) if h not in known]
        out: list[Classification | None] = [None] * len(texts)
        fresh = self.base.classify([texts[i] for i in todo], thresholds=thresholds) if todo else []
        for i, res in zip(todo, fresh, strict=True):
            out[i] = res
        self.reused += len(texts) - len(todo)
        limits = {c: 0.5 if thresholds is None else float(thresholds.get(c, 1.01)) for c in CATEGORIES}
        shown = {i: _shown(known[h], limits) for i, h in enumerate(hashes) if out[i] is None}
        evidence = self._stored_evidence(hashes[i] for i, cats in shown.items() if cats)
        for i, cats in shown.items():
            scores, stored = known[hashes[i]], evidence.get(hashes[i], {})
            ev = {c: stored.get(c) or self.base.evidence(texts[i], c) for c in cats}
            plain = {c: float(scores[c]) for c in CATEGORIES}
            top = dict(scores.get("_top_tier") or {})
            out[i] = Classification(plain, ev, grades=dict(scores.get("_grades") or {}), top_tier=top)
        return out  # type: ignore[return-value]  # every slot filled above


def _shown(scores: Mapping[str, Any], limits: Mapping[str, float]) -> list[str]:
    """The categories whose evidence a classification carries: at or over the limit, or top-tier."""
    top = scores.get("_top_tier") or {}
    return [c for c in CATEGORIES if scores[c] >= limits[c] or c in top]


@dataclass
class PersonRecord:
    """What the store keeps about a person besides their posts (roster fields)."""

    key: str | None = None  # roster id; a single-person audit is keyed by the name on the report
    role: str | None = None
    team: str | None = None
    policy: str | None = None
    mode: str | None = None
    consent_date: date | None = None
    consent_scope: str | None = None
    consent_requested_by: str | None = None


@dataclass
class PersonHistory:
    """Hooks ``run_audit`` calls so the audit reads and writes the store; all writes in one transaction."""

    store: Store
    quarter: str
    record_fields: PersonRecord = field(default_factory=PersonRecord)
    progress: Callable[[str], None] | None = None
    dismissed: int = 0
    classifier: CachedClassifier | None = None
    full_fetch: bool = False  # fetch every live account whole (tells removed posts apart)
    _post_keys: dict[int, tuple[str, str]] = field(default_factory=dict)
    _stored: dict[str, Any] = field(default_factory=dict)  # SOURCE -> StoredAccount behind its hint
    _carried: set[int] = field(default_factory=set)  # id() of posts carried over from the store

    def wrap(self, base: Any) -> CachedClassifier:
        self.classifier = CachedClassifier(base, self.store)
        return self.classifier

    def key(self, name: str) -> str:
        return self.record_fields.key or name

    # -- before reading: what live accounts need fetching ----------------------------------------------------
    def fetch_hints(
        self, specs: Sequence[str], person: str | None, mode: str = "self"
    ) -> dict[str, SinceHint]:
        """Per live SOURCE, the newest stored post: the reader fetches only newer ones (none on a full fetch).
        ``person``: the name given for the report, if any (the person is otherwise known after reading).
        ``mode`` "hr": an account with posts whose text is gone is fetched whole (a preset needs the text)."""
        from auditor.pipeline import person_name
        from auditor.store.incremental import fetch_hints

        if self.full_fetch:
            return {}
        key = self.record_fields.key or (person_name([], person) if person and person.strip() else None)
        with self.store.session() as s:
            self._stored = fetch_hints(s, specs, key, datetime.now(timezone.utc), textless_ok=mode != "hr")
        return {spec: state.hint for spec, state in self._stored.items()}

    def fetching(self) -> contextlib.AbstractContextManager[None]:
        """Around reading the sources: a whole fetch asked for (``--full-fetch``) reads no cached page, so a
        post deleted since a fetch earlier the same day is seen as removed."""
        if not self.full_fetch:
            return contextlib.nullcontext()
        from auditor.sources.http import fresh_responses

        return fresh_responses()

    def carry_over(self, results: list[SourceResult], name: str) -> None:
        """Add the stored posts an incremental fetch left out (older than its hint). A source whose hint
        turns out to belong to another person or account is read again, whole."""
        from auditor.sources import read_source
        from auditor.store.incremental import carried_posts

        by_key = {live_key(spec): spec for spec in self._stored}
        for i, r in enumerate(results):
            spec = by_key.get(r.live_spec or "")
            if r.newer_than is None or spec is None:
                continue
            state = self._stored[spec]
            if state.person_key != self.key(name) or state.source != source_key(r):
                results[i] = read_source(spec)
                continue
            older = carried_posts(r, state)
            r.notes.append(r.newer_than.note(len(r.posts)))
            self._carried.update(id(p) for p in older)
            r.posts.extend(older)

    # -- before the summary: reviewer decisions ------------------------------------------------------------
    def review(
        self, name: str, results: Sequence[SourceResult], assessments: Sequence[Any], policy: Any = None
    ) -> None:
        """Score carried-over posts whose text is gone from their stored scores (under ``policy``); drop
        flags a reviewer dismissed (they stay dismissed in every later audit)."""
        if policy is not None and self.classifier is not None:
            from auditor.store.incremental import score_textless

            score_textless(assessments, self.classifier, policy)
        labels = [source_key(r) for r in results]  # one string per account, shared by its posts' keys
        self._post_keys = {id(p): (label, p.id) for r, label in zip(results, labels, strict=True)
                           for p in r.posts}
        with self.store.session() as s:
            rows = s.execute(
                select(Account.source, StoredPost.post_id, Annotation.category)
                .join(StoredPost, StoredPost.id == Annotation.post_id)
                .join(Account, Account.id == StoredPost.account_id)
                .join(Person, Person.id == Account.person_id)
                .where(Person.key == self.key(name), Annotation.decision == "dismissed")
            ).all()
        dismissed: dict[tuple[str, str], set[str | None]] = {}
        for source, post_id, category in rows:
            dismissed.setdefault((source, post_id), set()).add(category)
        for a in assessments:
            cats = dismissed.get(self._post_keys.get(id(a.post), ("", "")))
            if not cats or not a.flags:
                continue
            gone = [c for c in a.flags if None in cats or c in cats]
            self.dismissed += len(gone)
            a.flags = [c for c in a.flags if c not in gone]
            a.tiers = {c: t for c, t in a.tiers.items() if c not in gone}
            a.evidence = {c: e for c, e in a.evidence.items() if c not in gone}
            a.severity = min(a.tiers.values(), key=SEVERITIES.index, default=None)

    # -- after the summary: write everything, then say what changed --------------------------------------
    def record(
        self, summary: dict, results: Sequence[SourceResult], assessments: Sequence[Any], folder: Path
    ) -> None:
        """Store the person's posts, classifications, audit and flags in one transaction; add ``changes``."""

        if self.progress:
            self.progress("storing results")
        name = summary.get("person", "")
        now = datetime.now(timezone.utc)
        with self.store.session() as s, s.begin():
            person = self._person(s, name, now)
            accounts = {source_key(r): self._account(s, person.id, r) for r in results}
            # HR mode: posts a preset counts or withholds keep no text or evidence in the store either
            hidden = {id(a.post) for a in assessments if getattr(a, "display", "show") != "show"}
            post_pk, new_posts, removed = self._sync_posts(s, results, accounts, now, hidden)
            self._classifications(s, assessments, post_pk, list(accounts.values()), hidden)
            previous = self._previous(s, person.id)
            before = self._previous_flags(s, previous)
            raised_before = set(zip(before["post_id"], before["category"], strict=True))
            s.execute(delete(Audit).where(Audit.person_id == person.id, Audit.quarter == self.quarter))
            flagged = [a for a in assessments if a.flags]  # the order does not matter here: no sort
            new_flags: dict[tuple[int, str], bool] = {}
            for a in flagged:
                pk = post_pk[self._post_keys[id(a.post)]]
                for c in a.flags:
                    new_flags[(id(a), c)] = previous is not None and (pk, c) not in raised_before
            totals = summary.get("totals", {})
            audit = Audit(
                person_id=person.id,
                quarter=self.quarter,
                status="ok",
                reason=None,
                tier=summary.get("overall", {}).get("tier"),
                model_version=self.model_version(summary),
                folder=str(folder),
                public_posts=totals.get("public", 0),
                assessed=totals.get("assessed", 0),
                new_posts=new_posts,
                removed_posts=len(removed),
                finished_at=now,
            )
            s.add(audit)
            s.flush()
            insert_rows(s, AuditFlag.__table__, (
                {"audit_id": audit.id, "post_id": post_pk[self._post_keys[id(a.post)]], "category": c,
                 "tier": a.tiers[c], "section": a.section, "new": new_flags[(id(a), c)]}
                for a in flagged for c in a.flags
            ))
            removed_flagged = self._removed_flagged(s, previous, removed)
        new_posts_flagged = {
            self._post_keys[id(a.post)] for a in flagged if any(new_flags.get((id(a), c)) for c in a.flags)
        }
        for entry in summary.get("flagged", []):  # the account label is the store's account key
            entry["new"] = (entry.get("account"), entry.get("id")) in new_posts_flagged
        summary["changes"] = self._changes(
            summary, previous, before, new_posts, removed, removed_flagged, sum(new_flags.values())
        )
        # live accounts fetched only past their newest stored post, or by a fetch known to miss posts
        unchecked = {source_key(r) for r in results if r.newer_than or not r.complete}
        summary["changes"]["removals_unchecked"] = sorted(unchecked)

    def model_version(self, summary: Mapping[str, Any]) -> str | None:
        models = summary.get("models") or {}
        return str(models.get("version")) if models.get("version") is not None else None

    def _person(self, s: Session, name: str, now: datetime) -> Person:
        f = self.record_fields
        person = s.scalars(select(Person).where(Person.key == self.key(name))).first()
        if person is None:
            person = Person(key=self.key(name), name=name, updated_at=now)
            s.add(person)
        person.name = name
        person.updated_at = now
        for attr in (
            "role",
            "team",
            "policy",
            "mode",
            "consent_date",
            "consent_scope",
            "consent_requested_by",
        ):
            setattr(person, attr, getattr(f, attr))
        s.flush()
        return person

    def _account(self, s: Session, person_id: int, r: SourceResult) -> int:
        acct = s.scalars(
            select(Account).where(Account.person_id == person_id, Account.source == source_key(r))
        ).first()
        if acct is None:
            acct = Account(person_id=person_id, source=source_key(r))
            s.add(acct)
        acct.platform, acct.handle = r.platform, r.account
        if r.live_spec:  # what the next quarter's incremental fetch starts from
            acct.fetched_as = r.live_spec
            if r.newer_than is None:
                acct.full_fetch_at = datetime.now(timezone.utc)
        dated = [p for p in r.posts if p.created_at]
        if dated:
            newest = max(dated, key=lambda p: p.created_at)
            acct.last_post_id, acct.last_post_at = newest.id, newest.created_at
        s.flush()
        return acct.id

    def _sync_posts(
        self,
        s: Session,
        results: Sequence[SourceResult],
        accounts: Mapping[str, int],
        now: datetime,
        hidden: set[int] = frozenset(),  # type: ignore[assignment]
    ) -> tuple[dict[tuple[str, str], int], int, list[int]]:
        """Insert new posts, refresh seen ones, mark vanished ones removed (dropping their text)."""
        by_id = {acct_id: source for source, acct_id in accounts.items()}
        existing: dict[tuple[str, str], tuple[int, str, str | None, str]] = {}
        for pk, acct_id, post_id, h, removed_in, first_seen in s.execute(
            select(
                StoredPost.id,
                StoredPost.account_id,
                StoredPost.post_id,
                StoredPost.text_hash,
                StoredPost.removed_in,
                StoredPost.first_seen,
            ).where(StoredPost.account_id.in_(list(by_id)))
        ):
            existing[(by_id[acct_id], post_id)] = (pk, h, removed_in, first_seen)
        current: dict[tuple[str, str], Any] = {}
        for r in results:
            label = source_key(r)  # one string for the account's posts, not one a post
            for p in r.posts:
                current.setdefault((label, p.id), p)
        refresh, changed = [], []
        fresh: list[tuple[str, Post]] = []  # (account, post) of the posts first seen now
        new_posts = 0

        def kept_text(p: Post) -> str | None:
            return p.raw_text if p.auditable and not p.deleted and id(p) not in hidden else None

        for key, p in current.items():
            if id(p) in self._carried:
                continue  # not fetched this time: stored as it was, and never taken for removed
            if key not in existing:
                fresh.append((key[0], p))
                new_posts += 1
                continue
            h = text_hash(p.text)
            kept = kept_text(p)
            pk, old_hash, removed_in, first_seen = existing[key]
            new_posts += first_seen == self.quarter
            if old_hash != h or removed_in is not None or id(p) in hidden:
                changed.append({"pk": pk, "text_hash": h, "text": kept, "deleted": p.deleted})
            else:
                refresh.append(pk)
        insert_rows(s, StoredPost.__table__, (
            {"account_id": accounts[source], "post_id": p.id, "text_hash": text_hash(p.text),
             "created_at": p.created_at, "kind": p.kind, "visibility": p.visibility, "lang": p.lang,
             "url": p.url, "deleted": p.deleted, "text": kept_text(p), "first_seen": self.quarter,
             "last_seen": self.quarter, "removed_in": None, "stored_at": now}
            for source, p in fresh
        ))
        for start in range(0, len(refresh), LOOKUP_CHUNK):
            s.execute(
                update(StoredPost)
                .where(StoredPost.id.in_(refresh[start : start + LOOKUP_CHUNK]))
                .values(last_seen=self.quarter)
            )
        for row in changed:
            s.execute(
                update(StoredPost)
                .where(StoredPost.id == row["pk"])
                .values(
                    text_hash=row["text_hash"],
                    text=row["text"],
                    deleted=row["deleted"],
                    last_seen=self.quarter,
                    removed_in=None,
                    stored_at=now,
                )
            )
        unsure = {source_key(r) for r in results if not r.complete}  # missing from a partial fetch: unknown
        gone = [v[0] for k, v in existing.items() if k not in current and v[2] is None and k[0] not in unsure]
        for start in range(0, len(gone), LOOKUP_CHUNK):
            chunk = gone[start : start + LOOKUP_CHUNK]
            s.execute(
                update(StoredPost).where(StoredPost.id.in_(chunk)).values(removed_in=self.quarter, text=None)
            )
            s.execute(
                update(StoredClassification)
                .where(StoredClassification.post_id.in_(chunk))
                .values(evidence=null())
            )
        removed = gone + [v[0] for k, v in existing.items() if k not in current and v[2] == self.quarter]
        post_pk = {key: v[0] for key, v in existing.items()}
        if fresh:  # the ids of the rows just inserted (first seen this quarter)
            post_pk |= {
                (by_id[a], pid): pk
                for pk, a, pid in s.execute(
                    select(StoredPost.id, StoredPost.account_id, StoredPost.post_id).where(
                        StoredPost.account_id.in_(list(by_id)), StoredPost.first_seen == self.quarter
                    )
                )
            }
        return post_pk, new_posts, removed

    def _classifications(
        self,
        s: Session,
        assessments: Sequence[Any],
        post_pk: Mapping[tuple[str, str], int],
        account_ids: Sequence[int],
        hidden: set[int] = frozenset(),  # type: ignore[assignment]
    ) -> None:
        clf = self.classifier
        if clf is None:
            return
        have = set(  # the person's posts classified under this model version already: one query
            s.scalars(
                select(StoredClassification.post_id)
                .join(StoredPost, StoredPost.id == StoredClassification.post_id)
                .where(
                    StoredClassification.model_version == clf.version,
                    StoredPost.account_id.in_(account_ids),
                )
            )
        )

        def rows() -> Iterator[dict[str, Any]]:
            for a in assessments:
                if not a.assessed or "stored_hash" in a.post.extra:  # carried over without text: kept as is
                    continue
                pk = post_pk[self._post_keys[id(a.post)]]
                if pk in have:
                    continue
                have.add(pk)
                extras = a.extras or {}
                yield {
                    "post_id": pk,
                    "model_version": clf.version,
                    "text_hash": text_hash(a.post.text),
                    # the profanity grade and top-tier reasons travel with the scores (same JSON column)
                    "scores": {**a.scores, "_grades": extras.get("grades", {}),
                               "_top_tier": extras.get("top_tier", {})},
                    "evidence": {} if id(a.post) in hidden else extras.get("evidence", {}),
                }

        insert_rows(s, StoredClassification.__table__, rows())

    def _previous(self, s: Session, person_id: int) -> Audit | None:
        return s.scalars(
            select(Audit)
            .where(Audit.person_id == person_id, Audit.status == "ok", Audit.quarter < self.quarter)
            .order_by(Audit.quarter.desc())
            .limit(1)
        ).first()

    def _previous_flags(self, s: Session, previous: Audit | None) -> pd.DataFrame:
        """The previous audit's flags (post, category, section), as a DataFrame read from the store."""
        query = select(AuditFlag.post_id, AuditFlag.category, AuditFlag.section).where(
            AuditFlag.audit_id == (previous.id if previous else -1)
        )
        frame = pd.read_sql(query, s.connection())
        return frame

    def _removed_flagged(self, s: Session, previous: Audit | None, removed: Sequence[int]) -> list[dict]:
        """Posts flagged last time that are gone now: when, where and why, never their text."""
        if previous is None or not removed:
            return []
        rows = s.execute(
            select(
                StoredPost.post_id,
                StoredPost.created_at,
                Account.platform,
                Account.handle,
                AuditFlag.category,
            )
            .join(AuditFlag, AuditFlag.post_id == StoredPost.id)
            .join(Account, Account.id == StoredPost.account_id)
            .where(AuditFlag.audit_id == previous.id, StoredPost.id.in_(list(removed)[:5000]))
        )
        out: dict[str, dict] = {}
        for post_id, created, platform, handle, category in rows:
            entry = out.setdefault(
                post_id,
                {
                    "id": post_id,
                    "account": f"{platform}:{handle}",
                    "date": created.isoformat() if created else None,
                    "categories": [],
                },
            )
            entry["categories"].append(category)
        return sorted(out.values(), key=lambda e: e["date"] or "")

    def _changes(
        self,
        summary: Mapping[str, Any],
        previous: Audit | None,
        before: pd.DataFrame,
        new_posts: int,
        removed: Sequence[int],
        removed_flagged: list[dict],
        new_flags: int,
    ) -> dict[str, Any]:
        """Quarter over quarter per category, for summary.json and the report's "What changed" section."""
        was = (
            before[before["section"] == "authored"].groupby("category").size()
            if len(before)
            else pd.Series(dtype=int)
        )
        rows = []
        for c in summary.get("categories", []):
            cat = c["category"]
            prev = int(was.get(cat, 0)) if previous else None
            rows.append(
                {
                    "category": cat,
                    "label": LABELS.get(cat, cat),
                    "now": c["flagged"],
                    "before": prev,
                    "change": None if prev is None else c["flagged"] - prev,
                }
            )
        return {
            "quarter": self.quarter,
            "previous_quarter": previous.quarter if previous else None,
            "previous_tier": previous.tier if previous else None,
            "new_posts": new_posts,
            "removed_posts": len(removed),
            "removed_flagged": removed_flagged,
            "new_flags": new_flags,
            "dismissed": self.dismissed,
            "categories": rows,
        }


def default_quarter(now: datetime | None = None) -> str:
    return quarter_of(now or datetime.now(timezone.utc))
