"""The report files for one person: report.html, report.pdf, flagged.csv, summary.json."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor import timings
from auditor.policy import PDF_MAX_CARDS
from auditor.progress import bar
from auditor.report.pdf import write_pdf
from auditor.report.render import render_html
from auditor.report.writers import write_csv, write_json

__all__ = ["render_html", "write_report"]


def write_report(
    summary: dict, assessments: Sequence[Any], out_dir: Path, *, pdf: bool = True,
    pdf_max_cards: int = PDF_MAX_CARDS,
) -> list[Path]:
    """Write every report file into ``out_dir`` (which exists; the caller moves it into place atomically).
    The PDF shows the worst ``pdf_max_cards`` flagged posts of each section and how many it leaves out."""
    out_dir = Path(out_dir)
    plan = summary.get("cleanup") is not None  # self mode only: an HR report never carries a deletion list
    with bar("Writing the report", (4 if pdf else 3) + plan, "files") as advance:
        with timings.phase("html"):
            html = render_html(summary, assessments)
        html_path = out_dir / "report.html"
        with timings.phase("write"):
            html_path.write_text(html, encoding="utf-8")
        del html
        advance(1)
        written = [html_path]
        if pdf:
            with timings.phase("pdf"):
                pdf_html = render_html(summary, assessments, pdf_max_cards=pdf_max_cards)
                written.append(write_pdf(pdf_html, out_dir / "report.pdf"))
            advance(1)
        with timings.phase("write"):
            written.append(write_csv(summary, out_dir / "flagged.csv"))
            advance(1)
            written.append(write_json(summary, out_dir / "summary.json"))
            advance(1)
        if plan:
            from auditor.cleanup import write_plan

            written.append(write_plan(summary, out_dir / "cleanup.csv"))
            advance(1)
    return written
