"""What a roster of a thousand people needs: short PDFs (the worst few posts per section; the HTML keeps them
all), one font configuration per worker, and a next quarter that reuses what the store already knows."""

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
