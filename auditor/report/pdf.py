"""report.pdf: the same HTML through WeasyPrint, with every external fetch refused."""

from __future__ import annotations

import atexit
import logging
import shutil
from pathlib import Path
from typing import Any, BinaryIO

from auditor.errors import AuditorError

_fonts: Any = None  # one WeasyPrint font configuration per process, shared by every PDF it writes


def _no_fetch(url: str, *args, **kwargs):
    # The report is self-contained; refusing fetches keeps a hostile post from reaching out even if it got in.
    raise ValueError(f"external resource refused: {url[:80]}")


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


def _drop_fonts() -> None:
    """Remove the font configuration's temporary folder at exit (its finaliser may not run then)."""
    folder = getattr(_fonts, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def write_pdf(html: str, path: Path, target: BinaryIO | None = None) -> Path:
    """Render ``html`` to ``path`` (A4, page header/footer from report.css), or into ``target`` if given."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango/Cairo system libraries are missing
        raise AuditorError(str(path), f"cannot make the PDF: WeasyPrint is not usable ({exc})") from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=html, url_fetcher=_no_fetch)
    document.write_pdf(target if target is not None else str(path), font_config=font_config())
    return path
