"""What long runs need: a short PDF that says what it leaves out, a compact summary.json, progress only for
people at a terminal (and never with --quiet), and phase timings on request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from report_samples import NOW, StubClassifier, fake_assess_languages, post, sample_posts, sample_source

import auditor.scoring as scoring
from auditor import progress
from auditor.cleanup import plan_groups
from auditor.errors import AuditorError
from auditor.policy import load_policy
from auditor.report import render_html, write_report
from auditor.scoring import assess, summarise


@pytest.fixture(autouse=True)
def _english_only(monkeypatch):
    monkeypatch.setattr(scoring, "assess_languages", fake_assess_languages)


def build(n_insults: int):
    posts = sample_posts() + [post(f"i{i}", f"you idiot number {i}", 10 + i) for i in range(n_insults)]
    policy = load_policy("default")
    clf = StubClassifier()
    source = sample_source(posts)
    assessments = assess(posts, clf, policy, now=NOW)
    return summarise([source], assessments, policy, clf.info(), "Jordan Reyes", now=NOW), assessments


def test_pdf_version_shows_the_worst_n_and_says_how_many_are_left_out():
    summary, assessments = build(30)
    own = sum(e["section"] == "authored" for e in summary["flagged"])
    pdf_html = render_html(summary, assessments, pdf_max_cards=5)
    authored = pdf_html.split('class="flagged authored"')[1].split("</section>")[0]
    assert authored.count("<article") == 5
    assert f"Showing the worst 5 of {own}; {own - 5} more are left out here." in authored
    assert "report.html, flagged.csv and summary.json list them all" in authored
    # the HTML report keeps them all; the PDF's version is plain text for write_pdf's print stylesheet
    html = render_html(summary, assessments)
    assert html.split('class="flagged authored"')[1].split("</section>")[0].count("<article") == own
    assert "left out here" not in html
    assert "display: flex" in html and "display: flex" not in pdf_html
    assert '<ul class="chips">' in html and '<ul class="chips">' not in pdf_html
    assert "with every flagged post and its link, is <strong>report.html</strong>" in pdf_html


def test_pdf_version_caps_the_not_assessed_list_and_the_clean_up_plan():
    summary, assessments = build(30)
    summary["not_assessed"] = [{"id": f"n{i}", "language_name": "French", "date": None, "account": "@jordan",
                                "text": f"bonjour numéro {i}", "url": f"https://x.com/jordan/status/{i}"}
                               for i in range(40)]
    summary["cleanup"] = plan_groups(summary)
    plan_rows = sum(len(g["posts"]) for g in summary["cleanup"])
    assert plan_rows > 5
    pdf_html = render_html(summary, assessments, pdf_max_cards=5)
    html = render_html(summary, assessments)
    unread = pdf_html.split('class="unread-list"')[1].split("</table>")[0]
    assert unread.count("<tr>") == 1 + 5 and "Showing 5 of 40" in pdf_html  # header row + 5
    assert html.split('class="unread-list"')[1].split("</table>")[0].count("<tr>") == 1 + 40
    # the PDF gives the plan's groups and counts; its posts are listed in report.html and cleanup.csv
    plan = pdf_html.split('class="cleanup"')[1].split("</section>")[0]
    assert plan.count("<li>") == len(summary["cleanup"]) and "https://" not in plan
    for group in summary["cleanup"]:
        assert f'<strong>{group["title"]}: {len(group["posts"])}</strong>' in plan
    assert "The posts, in this order and with links, are in report.html" in plan
    assert html.split('class="cleanup"')[1].split("</section>")[0].count("<li>") == plan_rows


def test_pdf_file_says_how_many_are_left_out(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    summary, assessments = build(12)
    own = sum(e["section"] == "authored" for e in summary["flagged"])
    write_report(summary, assessments, tmp_path, pdf_max_cards=3)
    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(str(tmp_path / "report.pdf")).pages)
    assert f"{own - 3} more are left out" in " ".join(text.split())
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count('<article class="post') > 3


def test_pdf_max_cards_comes_from_the_policy(tmp_path):
    default = load_policy("default")
    assert default.pdf_max_cards == 50 and default.to_dict()["pdf_max_cards"] == 50
    text = "\n".join(line for line in open(default.source, encoding="utf-8").read().splitlines()
                     if not line.startswith("pdf_max_cards"))
    path = tmp_path / "p.yaml"
    path.write_text(text + "\npdf_max_cards: 7\n")
    assert load_policy(path).pdf_max_cards == 7
    for bad in ("-1", "2.5", "yes", "lots"):
        path.write_text(text + f"\npdf_max_cards: {bad}\n")
        with pytest.raises(AuditorError, match="pdf_max_cards"):
            load_policy(path)


def test_summary_json_is_compact(tmp_path):
    summary, assessments = build(3)
    write_report(summary, assessments, tmp_path, pdf=False)
    raw = (tmp_path / "summary.json").read_text(encoding="utf-8")
    assert "\n " not in raw and raw.endswith("}\n")
    assert json.loads(raw) == json.loads(json.dumps(summary))


def test_progress_only_at_a_terminal_and_never_quiet(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("AUDITOR_PROGRESS", raising=False)
    progress.set_quiet(False)
    assert progress.shown()
    progress.set_quiet(True)
    try:
        assert not progress.shown()
        seen = []
        with progress.bar("Classifying", 10, "posts") as advance:
            advance(4)
            seen.append(4)
        assert seen == [4]
    finally:
        progress.set_quiet(False)
    monkeypatch.setenv("AUDITOR_PROGRESS", "0")
    assert not progress.shown()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    monkeypatch.delenv("AUDITOR_PROGRESS")
    assert not progress.shown()


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_quiet_classify_prints_nothing_but_results_and_timings_on_request(tmp_path):
    rows = tmp_path / "in.jsonl"
    texts = ["what a fucking mess", "new recipe for banana bread on the blog", "bonjour à tous"]
    rows.write_text("\n".join(json.dumps({"id": str(i), "text": t}) for i, t in enumerate(texts)))
    quiet = _cli("classify", str(rows), "--quiet", env={})
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert [json.loads(line)["id"] for line in quiet.stdout.splitlines()] == ["0", "1", "2"]
    timed = _cli("classify", str(rows), "-o", str(tmp_path / "out.jsonl"), "-q", env={"AUDITOR_TIMINGS": "1"})
    report = json.loads(timed.stderr.strip().splitlines()[-1])
    assert report["command"] == "classify" and report["peak_mb"] > 0
    assert {"read", "language", "score", "evidence", "write"} <= set(report["phases"])
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert out[0]["evidence"]["profanity"] and out[1]["evidence"] == {}
