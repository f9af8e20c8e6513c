"""What a roster of a thousand people needs: short PDFs (the worst few posts per section; the HTML keeps them
all), models and fonts loaded once per worker, memory freed after each person, and a next quarter that reuses
what the store already knows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from roster_helpers import person_export, write_roster
from test_cli import run

from auditor.batch import ROSTER_PDF_CARDS


def _pdf_text(path: Path) -> str:
    pypdf = pytest.importorskip("pypdf")
    return " ".join(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages).split())


def _own_flagged(folder: Path) -> int:
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return sum(e["section"] == "authored" for e in summary["flagged"])


def test_roster_pdfs_show_the_worst_few_and_the_html_keeps_them_all(tmp_path) -> None:
    person_export(tmp_path, "p1", n=42)  # 3 of every 7 texts are flagged: 18 own flagged posts
    roster = write_roster(tmp_path / "team.csv", [("e1", "Pat Lee", "p1.jsonl")])
    out = tmp_path / "out"
    proc = run("audit", "--roster", str(roster), "--quarter", "2026Q3", "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    own = _own_flagged(folder)
    assert own > ROSTER_PDF_CARDS
    text = _pdf_text(folder / "report.pdf")
    cards = ROSTER_PDF_CARDS
    assert f"Showing the worst {cards} of {own}; {own - cards} more are left out" in text
    assert (folder / "report.html").read_text(encoding="utf-8").count('<article class="post') >= own

    again = run("audit", "--roster", str(roster), "--quarter", "2026Q4", "--out", str(out), "--workers", "1",
                "--pdf-cards", "2")
    assert again.returncode == 0, again.stderr
    assert f"Showing the worst 2 of {own}; {own - 2} more are left out" in _pdf_text(folder / "report.pdf")


def test_pdf_cards_for_one_person_caps_the_policy(tmp_path) -> None:
    export = person_export(tmp_path, "p1", n=42)
    out = tmp_path / "out"
    proc = run("audit", str(export), "--person", "Pat Lee", "--out", str(out), "--no-store",
               "--pdf-cards", "3")
    assert proc.returncode == 0, proc.stderr
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    own = _own_flagged(folder)
    assert f"Showing the worst 3 of {own}; {own - 3} more are left out" in _pdf_text(folder / "report.pdf")


def test_every_pdf_of_a_process_shares_one_font_configuration(tmp_path) -> None:
    pytest.importorskip("weasyprint")
    from auditor.report import pdf

    html = "<html><body><h1>Report 😀 王小明</h1><p>{}</p></body></html>"
    first = pdf.write_pdf(html.format("one"), tmp_path / "a.pdf")
    fonts = pdf.font_config()
    second = pdf.write_pdf(html.format("two"), tmp_path / "b.pdf")
    assert pdf.font_config() is fonts
    assert "one" in _pdf_text(first) and "two" in _pdf_text(second)
    assert "王小明" in _pdf_text(second)


def test_models_are_loaded_once_for_all_the_people_of_a_worker(tmp_path, monkeypatch) -> None:
    import auditor.batch as batch
    from auditor.classify import Classifier

    loads = []
    real_load = Classifier.load.__func__

    def counting_load(cls, *args, **kwargs):
        loads.append(1)
        return real_load(cls, *args, **kwargs)

    monkeypatch.setattr(Classifier, "load", classmethod(counting_load))
    monkeypatch.setattr(batch, "_models", None)
    people = [(f"e{i}", f"Person {i}", f"p{i}.jsonl") for i in range(3)]
    for i in range(3):
        person_export(tmp_path, f"p{i}", n=8)
    roster = write_roster(tmp_path / "team.csv", people)
    outcome = batch.run_roster(roster, "2026Q3", tmp_path / "out", workers=1, pdf=False)
    assert [r.status for r in outcome.results] == ["ok"] * 3
    assert len(loads) == 1


def test_next_quarter_reuses_scores_and_evidence_and_marks_who_is_still_there(tmp_path) -> None:
    from roster_helpers import post, write_export
    from sqlalchemy import select
    from test_store import CountingClassifier, audit

    from auditor.classify import Classifier
    from auditor.store import Store
    from auditor.store.models import StoredClassification, StoredPost

    models = Classifier.load()
    rows = [post("pat", i) for i in range(14)]
    export = write_export(tmp_path / "pat.jsonl", rows)
    store = Store.open(f"sqlite:///{tmp_path / 'auditor.db'}")
    try:
        first, _ = audit(store, export, tmp_path / "out", "2026Q3", models)
        flagged = {e["id"]: e for e in first.summary["flagged"]}
        gone = next(r for r in rows if r["id"] not in flagged)
        copy_of = next(r for r in rows if r["id"] in flagged)  # a new post repeating a flagged one's words
        copy = post("pat", 200, copy_of["text"])
        write_export(export, [r for r in rows if r is not gone] + [copy])
        second, counting = audit(store, export, tmp_path / "out", "2026Q4", models)
        assert isinstance(counting, CountingClassifier) and counting.asked == 0  # nothing scored again
        now = {e["id"]: e for e in second.summary["flagged"]}
        for pid, entry in flagged.items():  # same scores and evidence as when they were scored
            assert {k: now[pid][k] for k in ("flags", "scores", "evidence")} == {
                k: entry[k] for k in ("flags", "scores", "evidence")
            }
        assert now[copy["id"]]["evidence"] == flagged[copy_of["id"]]["evidence"]
        with store.session() as s:
            seen = dict(s.execute(select(StoredPost.post_id, StoredPost.last_seen)).all())
            evidence = dict(
                s.execute(
                    select(StoredPost.post_id, StoredClassification.evidence).join(
                        StoredClassification, StoredClassification.post_id == StoredPost.id
                    )
                ).all()
            )
        assert seen[gone["id"]] == "2026Q3"
        assert {v for k, v in seen.items() if k != gone["id"]} == {"2026Q4"}
        assert evidence[copy["id"]] == evidence[copy_of["id"]] and evidence[copy["id"]]
    finally:
        store.close()


def test_a_worker_frees_each_persons_objects_before_the_next(tmp_path) -> None:
    import gc

    import auditor.batch as batch
    from auditor.roster import load_roster
    from auditor.store import Store, store_url

    for i in range(2):
        person_export(tmp_path, f"p{i}", n=21)
    roster = write_roster(tmp_path / "team.csv", [(f"e{i}", f"Person {i}", f"p{i}.jsonl") for i in range(2)])
    out = tmp_path / "out"
    url = store_url(out, None)
    Store.open(url).close()
    entries = load_roster(roster)
    folders = batch.folder_names(entries)
    batch.init_worker(None)
    try:
        tasks = [batch.PersonTask(e, "2026Q3", str(out), url, True, folders[e.id]) for e in entries]
        assert batch._audit_person(tasks[0]).status == "ok"
        left_without = gc.collect()  # what the audit leaves for the collector
        assert batch.audit_person(tasks[1]).status == "ok"
        left_with = gc.collect()
    finally:
        batch._stores.pop(url).close()
    assert left_without > 1000 and left_with < left_without / 20, (left_without, left_with)  # ~40,000 and 0


def test_stage_times_carry_wall_and_cpu_seconds() -> None:
    from rich.console import Console

    from auditor.batch import PersonResult, StageTimer
    from auditor.batch_display import timings_table

    timer = StageTimer()
    timer("reading p1.jsonl")
    sum(i * i for i in range(300_000))  # some CPU in "read"
    timer("classifying 2,000 posts")
    timer.stop()
    assert set(timer.timings) == set(timer.cpu) == {"read", "classify"}
    assert timer.cpu["read"] > 0 and timer.timings["read"] >= timer.cpu["read"] * 0.5
    console = Console(width=120, record=True)
    console.print(timings_table([PersonResult("p1", "P", "ok", timings=timer.timings, cpu=timer.cpu)], 1.0))
    text = console.export_text()
    assert "CPU s per person" in text and f"{timer.cpu['read']:.2f}" in text
