"""report.pdf: the same HTML through WeasyPrint, with every external fetch refused."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import BinaryIO

from auditor.errors import AuditorError


def _no_fetch(url: str, *args, **kwargs):
    # The report is self-contained; refusing fetches keeps a hostile post from reaching out even if it got in.
    raise ValueError(f"external resource refused: {url[:80]}")


def write_pdf(html: str, path: Path, target: BinaryIO | None = None) -> Path:
    """Render ``html`` to ``path`` (A4, page header/footer from report.css), or into ``target`` if given."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango/Cairo system libraries are missing
        raise AuditorError(str(path), f"cannot make the PDF: WeasyPrint is not usable ({exc})") from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, url_fetcher=_no_fetch).write_pdf(target if target is not None else str(path))
    return path
