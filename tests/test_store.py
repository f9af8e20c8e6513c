"""The store on SQLite and on a real PostgreSQL server: migrations, refusal of newer stores, the run lock,
idempotent quarters, reused classifications, removed posts, dismissed flags and retention."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from pgserver import postgres_server, store_url  # noqa: F401 - fixtures
from roster_helpers import person_export, post, write_export
from sqlalchemy import func, select, text

from auditor.classify import Classifier
from auditor.errors import AuditorError
from auditor.pipeline import run_audit
from auditor.store import PersonHistory, PersonRecord, Store
from auditor.store.db import _engine
from auditor.store.models import (
    Annotation,
    Audit,
    AuditFlag,
    Person,
    RunLock,
    StoredClassification,
    StoredPost,
)
from auditor.store.records import dismiss


class CountingClassifier:
    """The shipped models, counting the texts they are actually asked to score."""

    def __init__(self, base: Classifier, version: str | None = None) -> None:
        self.base, self.asked = base, 0
        self.version = version or base.version

    def classify(self, texts, thresholds=None):
        self.asked += len(texts)
        return self.base.classify(texts, thresholds=thresholds)

    def evidence(self, text, category, k=3):
        return self.base.evidence(text, category, k)

    def info(self):
        return {**self.base.info(), "version": self.version}


@pytest.fixture(scope="module")
def models() -> Classifier:
    return Classifier.load()


def audit(store, export, out, quarter, models, version=None, key="p1"):
    counting = CountingClassifier(models, version)
    history = PersonHistory(store, quarter, PersonRecord(key=key, team="Brand"))
    outcome = run_audit(
        [str(export)], out, person="Pat Example", pdf=False, classifier=counting, history=history
    )
    return outcome, counting


def count(store, model) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_open_migrates_a_new_store_to_head(store_url) -> None:  # noqa: F811
    store = Store.open(store_url)
    try:
        assert store.revision() == Store.head() == "0003"
        assert count(store, Person) == 0 and count(store, Annotation) == 0
    finally:
        store.close()


def test_an_older_store_is_upgraded_and_keeps_its_data(store_url) -> None:  # noqa: F811
    from alembic import command

    from auditor.store.db import _alembic_config

    old = Store.open(store_url, migrate=False)
    with old.engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")  # the first release's schema: no annotations, no lock row
        conn.execute(
            text("INSERT INTO people (key, name, updated_at) VALUES ('e1', 'Old Person', :t)"),
            {"t": datetime.now(timezone.utc)},
        )
    assert old.revision() == "0001"
    old.close()
    store = Store.open(store_url)
    try:
        assert store.revision() == "0003"
        with store.session() as s:
            assert s.scalars(select(Person.name)).all() == ["Old Person"]
        assert count(store, Annotation) == 0  # the new table exists
    finally:
        store.close()


def test_a_store_from_a_newer_version_is_refused_unchanged(store_url) -> None:  # noqa: F811
    store = Store.open(store_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    store.close()
    with pytest.raises(AuditorError) as err:
        Store.open(store_url)
    assert "written by a newer version of auditor (schema 0099" in str(err.value)
    assert "\n" not in str(err.value)
    engine = _engine(store_url)
    with engine.connect() as conn:  # nothing was changed: not even the schema version
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    engine.dispose()


def test_the_run_lock_keeps_a_second_run_off_and_replaces_a_dead_holder(store_url) -> None:  # noqa: F811
    store = Store.open(store_url)
    other = Store.open(store_url)
    try:
        with store.run_lock(), pytest.raises(AuditorError, match="another run holds"), other.run_lock():
            pass
        with other.run_lock():  # released when the first run ended
            assert count(other, RunLock) == 1
        assert count(other, RunLock) == 0
        dead = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        import socket

        with store.session() as s, s.begin():  # a run killed with the lock held
            s.add(
                RunLock(
                    id=1,
                    host=socket.gethostname(),
                    pid=int(dead.stdout),
                    started_at=datetime.now(timezone.utc),
                )
            )
        with other.run_lock():
            pass
    finally:
        store.close()
        other.close()


def test_quarters_reuse_classifications_report_removed_posts_and_new_flags(
    store_url,  # noqa: F811
    tmp_path,
    models,
) -> None:
    rows = [post("pat", i) for i in range(14)]
    export = write_export(tmp_path / "pat.jsonl", rows)
    store = Store.open(store_url)
    try:
        first, counting = audit(store, export, tmp_path / "out", "2026Q3", models)
        assert counting.asked == 14
        assert first.summary["changes"]["previous_quarter"] is None
        flagged_q3 = {e["id"] for e in first.summary["flagged"]}
        assert flagged_q3 and not any(e["new"] for e in first.summary["flagged"])

        again, counting = audit(store, export, tmp_path / "out", "2026Q3", models)  # the same quarter again
        assert counting.asked == 0  # every classification reused
        assert count(store, StoredPost) == 14 and count(store, Audit) == 1
        assert count(store, StoredClassification) == 14
        assert again.summary["flagged"] == first.summary["flagged"]

        gone = next(r for r in rows if r["id"] in flagged_q3)
        fresh = post("pat", 100, "You are a pathetic idiot, shut up")
        write_export(export, [r for r in rows if r is not gone] + [fresh])
        second, counting = audit(store, export, tmp_path / "out", "2026Q4", models)
        assert counting.asked == 1  # only the new post was classified
        changes = second.summary["changes"]
        assert changes["previous_quarter"] == "2026Q3" and changes["new_posts"] == 1
        assert changes["removed_posts"] == 1
        assert [r["id"] for r in changes["removed_flagged"]] == [gone["id"]]
        assert "text" not in changes["removed_flagged"][0]
        new = [e["id"] for e in second.summary["flagged"] if e["new"]]
        assert new == [fresh["id"]]
        insult = next(c for c in changes["categories"] if c["category"] == "insult")
        assert insult["change"] == insult["now"] - insult["before"]
        with store.session() as s:
            removed = s.scalars(select(StoredPost).where(StoredPost.post_id == gone["id"])).one()
            assert removed.removed_in == "2026Q4" and removed.text is None and len(removed.text_hash) == 64
        html = (second.folder / "report.html").read_text(encoding="utf-8")
        assert "What changed since the last audit" in html and "New since the last audit" in html
    finally:
        store.close()


def test_a_dismissed_flag_stays_dismissed(store_url, tmp_path, models) -> None:  # noqa: F811
    export = person_export(tmp_path, "pat")
    store = Store.open(store_url)
    try:
        first, _ = audit(store, export, tmp_path / "out", "2026Q3", models)
        target = first.summary["flagged"][0]
        dismiss(store, "p1", target["id"], note="quoting a film", reviewer="hr")
        later, _ = audit(store, export, tmp_path / "out", "2026Q4", models)
        assert target["id"] not in {e["id"] for e in later.summary["flagged"]}
        assert later.summary["changes"]["dismissed"] == len(target["flags"])
        assert len(later.summary["flagged"]) == len(first.summary["flagged"]) - 1
        with pytest.raises(AuditorError, match="no stored post"):
            dismiss(store, "p1", "no-such-post")
    finally:
        store.close()


def test_a_new_model_version_classifies_again(store_url, tmp_path, models) -> None:  # noqa: F811
    export = person_export(tmp_path, "pat", n=5)
    store = Store.open(store_url)
    try:
        audit(store, export, tmp_path / "out", "2026Q3", models)
        _, counting = audit(store, export, tmp_path / "out", "2026Q4", models, version="next-model")
        assert counting.asked == 5
        with store.session() as s:
            versions = set(s.scalars(select(StoredClassification.model_version)))
        assert versions == {models.version, "next-model"}
    finally:
        store.close()


def test_purge_drops_old_text_and_keeps_counts_and_hashes(store_url, tmp_path, models) -> None:  # noqa: F811
    export = person_export(tmp_path, "pat", n=6)
    store = Store.open(store_url)
    try:
        audit(store, export, tmp_path / "out", "2026Q3", models)
        assert store.purge(datetime.now(timezone.utc) - timedelta(days=1)) == 0  # all stored today
        assert store.purge(datetime.now(timezone.utc) + timedelta(seconds=1)) == 6
        with store.session() as s:
            assert s.scalar(select(func.count()).where(StoredPost.text.is_not(None))) == 0
            assert s.scalar(select(func.count()).where(StoredPost.text_hash != "")) == 6
            assert s.scalar(select(func.count()).select_from(AuditFlag)) > 0
            assert s.scalar(select(func.count()).where(StoredClassification.evidence.is_not(None))) == 0
    finally:
        store.close()


def test_an_unreachable_database_is_one_line() -> None:
    with pytest.raises(AuditorError) as err:
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none")
    message = str(err.value)
    assert message.startswith("postgresql://nobody:***@127.0.0.1:1/none: cannot open the database")
    assert "secret" not in message and "\n" not in message
