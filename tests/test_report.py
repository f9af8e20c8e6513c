"""The report files: HTML content, inert hostile posts, a PDF that opens, a formula-safe CSV, summary.json."""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser

import pytest
from report_samples import NOW, StubClassifier, fake_assess_languages, post, sample_posts, sample_source

import auditor.scoring as scoring
from auditor.policy import load_policy
from auditor.report import render_html, write_report
from auditor.report.render import highlight, safe_url
from auditor.report.writers import csv_safe
from auditor.scoring import assess, summarise
from auditor.sources.base import SourceResult

HOSTILE = "Evil <script>alert(1)</script> idiot <img src=x onerror=alert(1)> done"


@pytest.fixture(autouse=True)
def _english_only(monkeypatch):
    monkeypatch.setattr(scoring, "assess_languages", fake_assess_languages)


def build(posts=None, policy_name="default", sources=None):
    policy = load_policy(policy_name)
    clf = StubClassifier()
    sources = sources or [sample_source(posts)]
    assessments = assess([p for s in sources for p in s.posts], clf, policy, now=NOW)
    return summarise(sources, assessments, policy, clf.info(), "Jordan Reyes", now=NOW), assessments


class Tags(HTMLParser):
    """Every start tag and its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


def test_html_states_what_was_audited_and_the_outcome():
    summary, assessments = build(sample_posts())
    html = render_html(summary, assessments)
    assert "Jordan Reyes" in html
    assert "Overall tier" in html and ">HIGH<" in html
    assert summary["overall"]["reason"].split(" (")[0] in html
    t = summary["totals"]
    row = f'<td class="n">{t["posts"]}</td><td class="n">{t["replies"]}</td><td class="n">{t["quotes"]}</td>'
    assert row in html
    for label in ("Not public", "Not assessed", "Deleted", "Reposts", "Replies"):
        assert label in html
    assert '<mark class="ev ev-insult">idiot</mark>' in html
    assert '<a class="link" href="https://x.com/jordan/status/f1"' in html
    assert "Policy <strong>default</strong>" in html and "stub-1.2" in html
    assert "Flagged reposts: amplified, not authored" in html
    assert "Flagged deleted posts" in html
    assert "How to read this report" in html and "Political leaning is never inferred" in html
    assert "<svg" in html and 'role="img"' in html and "<title" in html


def test_html_is_self_contained_with_no_scripts_or_external_requests():
    summary, assessments = build(sample_posts())
    html = render_html(summary, assessments)
    tags = parse(html).tags
    assert not [t for t, _ in tags if t in ("script", "link", "iframe", "object", "embed", "img")]
    for _, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")]
        assert not any((attrs.get(a) or "").startswith(("http", "//")) for a in ("src", "srcset", "data"))
    assert "@import" not in html and "url(" not in html
    assert "@page" in html and "size: A4" in html


def test_hostile_post_renders_inert():
    hostile = post("x1", HOSTILE, 3, url="javascript:alert(1)")
    spoof = post("x2", "what an idiot", 4, url='https://ok.example/"><script>alert(2)</script>')
    summary, assessments = build([hostile, spoof, post("x3", "idiot", 5, url="data:text/html,<b>x</b>")])
    html = render_html(summary, assessments)
    assert "<script" not in html.lower()
    tags = parse(html).tags
    for tag, attrs in tags:
        assert tag not in ("script", "img")
        assert not [a for a in attrs if a.startswith("on")]
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html  # shown as text, not as a link
    hrefs = [a["href"] for t, a in tags if t == "a"]  # the parser has unescaped the attribute values
    assert set(hrefs) == {'https://ok.example/"><script>alert(2)</script>'}  # page one, plan and card
    assert 'href="https://ok.example/&#34;&gt;&lt;script&gt;' in html  # quoted inside the attribute


def test_highlight_escapes_every_piece():
    out = highlight("a <b>idiot</b> & idiots", {"insult": ["idiot"], "hate": ["<b>"]})
    assert str(out) == ('a <mark class="ev ev-hate">&lt;b&gt;</mark><mark class="ev ev-insult">idiot</mark>'
                        "&lt;/b&gt; &amp; idiots")
    assert str(highlight("<i>", {"x": ['"><script>']})) == "&lt;i&gt;"
    overlapping = highlight("you absolute idiot", {"insult": ["absolute idiot", "idiot"]})
    assert str(overlapping) == 'you <mark class="ev ev-insult">absolute idiot</mark>'
    assert str(highlight("Oh  GREAT, again", {"snark": ["oh great"]})) == (
        '<mark class="ev ev-snark">Oh  GREAT</mark>, again')


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://x.com/a/status/1", True), ("http://example.org/p?q=1", True), ("javascript:alert(1)", False),
     ("JAVASCRIPT:alert(1)", False), (" javascript:alert(1)", False), ("data:text/html,x", False),
     ("/relative/path", False), ("https:///nohost", False), ("https://a.example/x y", False), (None, False)],
)
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) is ok


def test_non_public_posts_never_appear_in_any_output(tmp_path):
    summary, assessments = build(sample_posts())
    files = write_report(summary, assessments, tmp_path, pdf=False)
    assert sorted(p.name for p in files) == ["flagged.csv", "report.html", "summary.json"]
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        assert "SECRETWORD" not in text and "SECRETDM" not in text
    assert json.loads((tmp_path / "summary.json").read_text())["totals"]["not_public"] == 2


def test_several_accounts_get_a_section_each():
    x = sample_source([post("a1", "what an idiot", 5)])
    bsky = SourceResult(platform="bluesky", account="jordan.example.com",
                        posts=[post("b1", "nice day", 3, platform="bluesky", account="jordan.example.com")],
                        notes=["fetched from the repo export"])
    summary, assessments = build(sources=[x, bsky])
    html = render_html(summary, assessments)
    assert "All accounts" in html
    assert html.count('<div class="account">') == 2
    assert "fetched from the repo export" in html


def test_csv_is_spreadsheet_safe(tmp_path):
    posts = [post("c1", "=HYPERLINK(\"http://evil.example\",\"idiot\")", 3),
             post("c2", "+idiot", 4), post("c3", "-idiot", 5), post("c4", "@idiot", 6),
             post("c5", "plain idiot", 7), post("c6", "@SUM(1+1) idiot", 8)]
    summary, assessments = build(posts)
    write_report(summary, assessments, tmp_path, pdf=False)
    raw = (tmp_path / "flagged.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets detect UTF-8
    with (tmp_path / "flagged.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    texts = {r["text"] for r in rows}
    assert "'=HYPERLINK(\"http://evil.example\",\"idiot\")" in texts
    # a reply starting with @handle keeps its text; an @ cell with a function call is guarded
    assert {"'+idiot", "'-idiot", "@idiot", "plain idiot", "'@SUM(1+1) idiot"} <= texts
    for row in rows:
        assert all(not v.startswith(("=", "+", "-")) for v in row.values())
        assert not (row["text"].startswith("@") and "(" in row["text"])
        assert row["person"] == "Jordan Reyes" and row["platform"] == "x"
        assert row["categories"] == "insult" and float(row["score_insult"]) == pytest.approx(0.91)
        assert row["evidence"] == "insult: idiot"
    assert csv_safe("-3") == "'-3" and csv_safe(0.5) == 0.5 and csv_safe("ok") == "ok"


def test_pdf_opens_with_the_person_named(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    summary, assessments = build(sample_posts() + [post("x1", HOSTILE, 3, url="javascript:alert(1)")])
    files = write_report(summary, assessments, tmp_path)
    assert [p.name for p in files] == ["report.html", "report.pdf", "flagged.csv", "summary.json"]
    reader = pypdf.PdfReader(str(tmp_path / "report.pdf"))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Jordan Reyes" in text
    assert "Overall tier" in text or "OVERALL TIER" in text
    assert "SECRETWORD" not in text


def test_empty_audit_renders(tmp_path):
    summary, assessments = build([])
    html = render_html(summary, assessments)
    assert "No dated posts to chart." in html
    assert "INSUFFICIENT COVERAGE" in html  # nothing read is never "clear"


def test_names_notes_and_sources_are_escaped_too():
    src = SourceResult(platform="x", account="<b>@eve</b>", display_name="<script>alert(3)</script>",
                       source='"><img src=x onerror=alert(4)>', notes=["<iframe src=//evil.example>"],
                       posts=[post("e1", "what an idiot", 2)])
    policy = load_policy("default")
    clf = StubClassifier()
    assessments = assess(src.posts, clf, policy, now=NOW)
    summary = summarise([src], assessments, policy, clf.info(), "<script>alert(5)</script>", now=NOW)
    html = render_html(summary, assessments)
    assert "<script" not in html.lower() and "<iframe" not in html.lower() and "<b>@eve" not in html
    for tag, attrs in parse(html).tags:
        assert tag not in ("script", "img", "iframe")
        assert not [a for a in attrs if a.startswith("on")]
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in html


def test_many_huge_flagged_posts_make_a_bounded_report():
    """300 flagged posts of 50,000 characters each once made a report of 15 MB (a PDF of thousands of
    pages): cards show excerpts around the evidence, within a budget for the whole report."""
    from auditor.report.render import MAX_REPORT_CHARS

    posts = [post(f"p{i}", "calm words here " * 3000 + "you idiot " + "more calm words " * 100, i + 1)
             for i in range(300)]
    summary, assessments = build(posts)
    html = render_html(summary, assessments)
    assert len(summary["flagged"]) == 300
    assert len(html) < 2 * MAX_REPORT_CHARS + 1_000_000
    assert html.count("idiot</mark>") >= 300  # every card still shows its evidence
    assert "flagged.csv and summary.json hold all of it" in html
