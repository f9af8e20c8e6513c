"""Posts stream through classification a batch at a time and into the store a chunk at a time: the results do
not depend on the batch or chunk size, and a store write that dies half-way leaves nothing behind."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone

import pytest
from roster_helpers import post, write_export
from sqlalchemy import func, select, text

from auditor import scoring
from auditor.classify import Classifier
from auditor.pipeline import run_audit
from auditor.policy import load_policy
from auditor.post import Post
from auditor.scoretable import ScoreRow, score_rows
from auditor.store import PersonHistory, PersonRecord, Store, bulk, history
from auditor.store.models import Audit, AuditFlag, StoredClassification, StoredPost

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
TEXTS = (
    "You are a pathetic idiot, shut up", "Lovely walk by the river this morning",
    "this fucking printer again",
    "Vote against the tax bill, the government must go", "Oh great, another meeting. Genius.",
    "Bonjour à tous, belle journée aujourd'hui avec les collègues", "", "Thanks everyone for coming!",
    "What the hell is wrong with traffic today", "@sam you absolute loser, go away",
)


@pytest.fixture(scope="module")
def models() -> Classifier:
    return Classifier.load()


def _posts(n: int = 23) -> list[Post]:
    return [Post(id=str(i), platform="x", author="@p", created_at=NOW, text=f"{TEXTS[i % len(TEXTS)]} {i}"
                 if i % len(TEXTS) != 6 else "", raw_text=TEXTS[i % len(TEXTS)]) for i in range(n)]


def _view(a: scoring.Assessment) -> tuple:
    return (a.post.id, a.assessed, a.reason, dict(a.scores), a.flags, a.tiers, a.evidence, a.severity,
            a.extras)


def test_a_batch_of_three_assesses_as_one_batch(models, monkeypatch) -> None:
    policy = load_policy(None)
    whole = [_view(a) for a in scoring.assess(_posts(), models, policy, now=NOW)]
    monkeypatch.setattr(scoring, "ASSESS_BATCH", 3)
    batched = [_view(a) for a in scoring.assess(_posts(), models, policy, now=NOW)]
    assert batched == whole
    assert any(v[4] for v in whole) and any(not v[1] for v in whole)  # flags and not-assessed posts both


def test_score_rows_read_back_the_scores_exactly() -> None:
    given = [{"politics": 0.1 + i / 3, "profanity": 1e-300, "insult": 1.0, "hate": 0.0, "snark": 2 / 7,
              "sensitive": 0.5} for i in range(4)]
    rows = score_rows(given)
    assert [dict(r) for r in rows] == given and rows[2] == given[2] and given[2] == rows[2]
    assert rows[1]["politics"] == given[1]["politics"] and rows[1].get("nope", -1) == -1
    assert pickle.loads(pickle.dumps(rows[3])) == given[3] and isinstance(rows[3], ScoreRow)
    assert score_rows([]) == []


def _audit(store: Store, export, out, models) -> dict:
    hist = PersonHistory(store, "2026Q4", PersonRecord(key="p1"))
    return run_audit([str(export)], out, person="Pat Example", pdf=False, classifier=models,
                     history=hist, now=NOW).summary


def _tables(store: Store) -> dict[str, list]:
    """What the store holds (times of writing left out)."""
    with store.session() as s:
        return {
            "posts": s.execute(text("SELECT id, account_id, post_id, text_hash, created_at, kind, text, "
                                    "first_seen FROM posts ORDER BY id")).all(),
            "classifications": s.execute(text("SELECT post_id, model_version, text_hash, scores, evidence "
                                              "FROM classifications ORDER BY id")).all(),
            "flags": s.execute(text("SELECT * FROM audit_flags ORDER BY post_id, category")).all(),
        }


def _rows(tmp_path) -> list[dict]:
    return [post("pat", i, TEXTS[i % len(TEXTS)] + f" #{i}") for i in range(25)]


def test_the_store_written_in_chunks_of_three_equals_one_chunk(models, tmp_path, monkeypatch) -> None:
    export = write_export(tmp_path / "pat.jsonl", _rows(tmp_path))
    one = Store.open(f"sqlite:///{tmp_path / 'one.db'}")
    many = Store.open(f"sqlite:///{tmp_path / 'many.db'}")
    try:
        first = _audit(one, export, tmp_path / "a", models)
        monkeypatch.setattr(bulk, "INSERT_CHUNK", 3)
        second = _audit(many, export, tmp_path / "b", models)
        assert second["flagged"] == first["flagged"]
        held = _tables(one)
        assert _tables(many) == held
        assert len(held["posts"]) == 25 and len(held["classifications"]) > 3 and len(held["flags"]) > 3
    finally:
        one.close()
        many.close()


def test_a_store_write_killed_half_way_leaves_nothing(models, tmp_path, monkeypatch) -> None:
    export = write_export(tmp_path / "pat.jsonl", _rows(tmp_path))
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    real = history.insert_rows

    def dies_after_some_classifications(session, table, rows, size=None):
        if table is StoredClassification.__table__:
            rows = (r if i < 5 else _die() for i, r in enumerate(rows))
        return real(session, table, rows, 3)

    def _die():
        raise KeyboardInterrupt  # what a killed run raises

    monkeypatch.setattr(history, "insert_rows", dies_after_some_classifications)
    try:
        with pytest.raises(KeyboardInterrupt):
            _audit(store, export, tmp_path / "out", models)
        with store.session() as s:
            for model in (StoredPost, StoredClassification, Audit, AuditFlag):
                assert s.scalar(select(func.count()).select_from(model)) == 0, model
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    finally:
        store.close()


def test_a_first_audit_looks_nothing_up_and_a_second_reuses(models, tmp_path) -> None:
    export = write_export(tmp_path / "pat.jsonl", _rows(tmp_path))
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        assert history.CachedClassifier(models, store).any_stored is False
        first = _audit(store, export, tmp_path / "out", models)
        cached = history.CachedClassifier(models, store)
        assert cached.any_stored is True
        texts = [r["text"] for r in _rows(tmp_path)]
        got = cached.classify(texts, thresholds=load_policy(None).thresholds)
        assert cached.reused == first["totals"]["assessed"] == 21  # not-assessed posts were never scored
        want = models.classify(texts, thresholds=load_policy(None).thresholds)
        assert [(g.scores, g.evidence, g.grades, g.top_tier) for g in got] == [
            (w.scores, w.evidence, w.grades, w.top_tier) for w in want]
        assert first["flagged"]
    finally:
        store.close()
