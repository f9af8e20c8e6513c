"""report.pdf: the same HTML through WeasyPrint, with every external fetch refused."""

from __future__ import annotations

import atexit
import logging
import shutil
from pathlib import Path
from typing import Any, BinaryIO

from auditor.errors import AuditorError
from auditor.resources import reports_dir

_fonts: Any = None  # one WeasyPrint font configuration per process, shared by every PDF it writes
_stylesheet: Any = None  # reports/pdf.css parsed once per process


_refuser: Any = None  # the URL fetcher of every PDF: it refuses everything


def refusing_fetcher() -> Any:
    """WeasyPrint's URL fetcher for the report: every URL (http, file, data …) is refused, so a hostile post
    cannot reach out even if markup got through. WeasyPrint 70 needs a URLFetcher (a plain function made
    it fail with an AttributeError on the first resource); the refusal is then a warning, and the PDF is
    written without the resource."""
    global _refuser
    if _refuser is None:
        from weasyprint.urls import URLFetcher

        class Refuser(URLFetcher):
            def fetch(self, url: str, headers: Any = None) -> Any:
                raise ValueError(f"external resource refused: {url[:80]}")

        _refuser = Refuser(allowed_protocols=())
    return _refuser


def font_config() -> Any:
    """The process's WeasyPrint FontConfiguration, made on first use: Fontconfig's font list and the
    report's @font-face fonts (the emoji font is copied to a temporary folder) are loaded once per process,
    not once per PDF (a batch worker writes hundreds; about 0.15 s each)."""
    global _fonts
    if _fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        _fonts = FontConfiguration()
        atexit.register(_drop_fonts)
    return _fonts


def print_stylesheet() -> Any:
    """reports/pdf.css as a WeasyPrint CSS object, parsed once per process (about 0.05 s each time it was
    parsed from the document's <style>): every PDF is laid out with it."""
    global _stylesheet
    if _stylesheet is None:
        from weasyprint import CSS

        css = (reports_dir() / "pdf.css").read_text(encoding="utf-8")
        _stylesheet = CSS(string=css, font_config=font_config(), url_fetcher=refusing_fetcher())
    return _stylesheet


def _drop_fonts() -> None:
    """Remove the font configuration's temporary folder at exit, and let go of it and the stylesheet while
    the interpreter is whole (its finaliser, run later, would find shutil gone)."""
    global _fonts, _stylesheet
    folder = getattr(_fonts, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        _fonts._folder = None
    _fonts = _stylesheet = None


def write_pdf(html: str, path: Path, target: BinaryIO | None = None) -> Path:
    """Render ``html`` to ``path``, or into ``target`` if given, with the print stylesheet reports/pdf.css
    (A4, page header and footer): the HTML for a PDF carries no stylesheet of its own."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango/Cairo system libraries are missing
        raise AuditorError(str(path), f"cannot make the PDF: WeasyPrint is not usable ({exc})") from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=html, url_fetcher=refusing_fetcher())
    document.write_pdf(target if target is not None else str(path), font_config=font_config(),
                       stylesheets=[print_stylesheet()])
    return path
