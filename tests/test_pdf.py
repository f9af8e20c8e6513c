"""The PDF a manager is handed: every section of the report, what it leaves out and where the rest is,
hostile post text shown as text, and nothing fetched from anywhere while it is made; a roster writes one per
person."""

from __future__ import annotations

import json

import pytest
from fakeserver import FakeServer
from report_samples import NOW, StubClassifier, fake_assess_languages, post, sample_posts, sample_source
from roster_helpers import person_export, write_roster

import auditor.scoring as scoring
from auditor.cleanup import plan_groups
from auditor.policy import load_policy
from auditor.report import write_report
from auditor.report.pdf import write_pdf
from auditor.scoring import assess, summarise

pypdf = pytest.importorskip("pypdf")

HOSTILE = 'idiot <script>alert(1)</script> <img src="http://{host}/img.png"> <b>bold?</b> done'
SECTIONS = ["Overall tier", "Coverage", "The posts that weigh most", "What was audited", "Per category",
            "Timeline", "Clean-up plan", "Flagged posts: the person's own words",
            "Flagged reposts: amplified, not authored", "Flagged deleted posts", "Not assessed",
            "How to read this report, and its limits", "Policy and models used", "About this audit",
            "What this tool cannot know"]


@pytest.fixture(autouse=True)
def _english_only(monkeypatch):
    monkeypatch.setattr(scoring, "assess_languages", fake_assess_languages)


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages).split())


def self_audit(posts):
    policy = load_policy("default")
    clf = StubClassifier()
    assessments = assess(posts, clf, policy, now=NOW)
    summary = summarise([sample_source(posts)], assessments, policy, clf.info(), "Jordan Reyes", now=NOW)
    summary["not_assessed"] = [{"id": f"n{i}", "language_name": "French", "date": None, "account": "@jordan",
                                "text": f"bonjour numéro {i}", "url": f"https://x.com/jordan/status/n{i}"}
                               for i in range(6)]
    summary["cleanup"] = plan_groups(summary)
    return summary, assessments


def test_pdf_has_every_section_and_says_what_it_leaves_out(tmp_path):
    posts = sample_posts() + [post(f"i{i}", f"what an idiot number {i}", i + 1) for i in range(8)]
    summary, assessments = self_audit(posts)
    own = sum(e["section"] == "authored" for e in summary["flagged"])
    assert own > 3
    write_report(summary, assessments, tmp_path, pdf_max_cards=3)
    text = pdf_text(tmp_path / "report.pdf")
    for heading in SECTIONS:
        assert heading.lower() in text.lower(), heading
    assert f"Showing the worst 3 of {own}; {own - 3} more are left out here" in text
    assert "report.html, flagged.csv and summary.json list them all" in text
    assert "Showing 3 of 6" in text  # the not-assessed list, capped like the cards
    assert "report.html in the same folder" in text
    assert "Page 1 of" in text and "Jordan Reyes" in text
    for group in summary["cleanup"]:
        assert f"{group['title']}: {len(group['posts'])}" in text
    # the HTML report lists every flagged post
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count('<article class="post') == len(
        summary["flagged"])


def test_hostile_post_text_is_text_in_the_pdf_and_nothing_is_fetched(tmp_path):
    with FakeServer() as server:
        host = server.url.removeprefix("http://")
        hostile = post("h1", HOSTILE.format(host=host), 2, url=f"{server.url}/status/h1")
        summary, assessments = self_audit(sample_posts() + [hostile])
        write_report(summary, assessments, tmp_path)
        # even HTML that escaping had let through fetches nothing: every external resource is refused
        u = server.url
        raw = (f'<html><head><link rel="stylesheet" href="{u}/a.css"><style>@import url("{u}/b.css");'
               f' @font-face {{ font-family: X; src: url("{u}/c.woff") }}'
               f' p {{ font-family: X; background: url("{u}/d.png") }}</style></head><body><p>raw</p>'
               f'<img src="{u}/e.png"><svg><image href="{u}/f.png"/></svg>'
               f'<object data="{u}/g.svg"></object></body></html>')
        write_pdf(raw, tmp_path / "raw.pdf")
        assert server.log == []
    text = pdf_text(tmp_path / "report.pdf")
    assert "<script>alert(1)</script>" in text and "<b>bold?</b>" in text
    assert f'<img src="http://{host}/img.png">' in text
    assert "raw" in pdf_text(tmp_path / "raw.pdf")


def test_a_roster_writes_every_pdf_and_the_team_summary(tmp_path):
    from auditor.batch import run_roster

    people = [(f"e{i}", f"Person {i}", person_export(tmp_path, f"p{i}", n=21).name) for i in range(3)]
    roster = write_roster(tmp_path / "team.csv", people)
    outcome = run_roster(roster, "2026Q3", tmp_path / "out", workers=1, pdf=True)
    assert outcome.failed == 0
    folders = sorted(p for p in (tmp_path / "out").iterdir() if p.is_dir())
    assert len(folders) == 3
    for folder in folders:
        name = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["person"]
        text = pdf_text(folder / "report.pdf")
        assert name in text and "Flagged posts: the person's own words" in text
    team = pdf_text(tmp_path / "out" / "team-summary.pdf")
    assert all(f"Person {i}" in team for i in range(3)) and "People, worst tier first" in team
