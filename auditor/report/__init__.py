"""The report files for one person: report.html, report.pdf, flagged.csv, summary.json."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor.report.pdf import write_pdf
from auditor.report.render import render_html
from auditor.report.writers import write_csv, write_json

__all__ = ["render_html", "write_report"]


def write_report(summary: dict, assessments: Sequence[Any], out_dir: Path, *, pdf: bool = True) -> list[Path]:
    """Write every report file into ``out_dir`` (which exists; the caller moves it into place atomically)."""
    out_dir = Path(out_dir)
    html = render_html(summary, assessments)
    html_path = out_dir / "report.html"
    html_path.write_text(html, encoding="utf-8")
    written = [html_path]
    if pdf:
        written.append(write_pdf(html, out_dir / "report.pdf"))
    written.append(write_csv(summary, out_dir / "flagged.csv"))
    written.append(write_json(summary, out_dir / "summary.json"))
    if summary.get("cleanup") is not None:  # self mode only: an HR report never carries a deletion list
        from auditor.cleanup import write_plan

        written.append(write_plan(summary, out_dir / "cleanup.csv"))
    return written
