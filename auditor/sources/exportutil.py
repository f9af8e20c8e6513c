"""Small helpers shared by the offline export readers: bounded reads, CSV/JSON parsing, timestamps, posts."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from auditor import limits
from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.archive import ArchiveTree, is_archive
from auditor.textclean import clean_text
from auditor.timeparse import parse_any_ts

SNIFF_BYTES = 64 * 1024
# Placeholders Reddit (and snscrape's Reddit rows) put where a removed or deleted body was.
DELETED_MARKERS = frozenset({"[removed]", "[deleted]"})

csv.field_size_limit(16 * 1024 * 1024)  # long bodies are legitimate; the file size cap still applies


def head(path: Path, size: int = SNIFF_BYTES) -> str:
    """The first ``size`` bytes of a plain file as text (BOM dropped, broken tail ignored); '' for folders."""
    path = Path(path)
    if not path.is_file():
        return ""
    with path.open("rb") as fh:
        return fh.read(size).decode("utf-8-sig", errors="ignore")


def read_file_text(path: Path) -> str:
    """A whole plain file as UTF-8 text, refusing files over ``AUDITOR_MAX_FILE_BYTES``."""
    path = Path(path)
    try:
        limits.FILE_BYTES.check(path.stat().st_size, str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise AuditorError(str(path), f"cannot read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AuditorError(str(path), f"not UTF-8 text (byte {exc.start})") from None


def open_tree(path: Path) -> ArchiveTree | None:
    """An ArchiveTree for a zip/tar/folder, or None for a plain file."""
    path = Path(path)
    if path.is_dir() or is_archive(path):
        return ArchiveTree.open(path)
    return None


def tree_has(path: Path, check: Callable[[ArchiveTree], bool]) -> bool:
    """Sniff helper: True if ``path`` is an archive or folder and ``check(tree)`` holds."""
    tree = open_tree(path)
    if tree is None:
        return False
    with tree:
        return check(tree)


def sniff_csv_tables(
    path: Path, names: tuple[str, ...], table_kind: Callable[[set[str]], str | None]
) -> bool:
    """Sniff helper for CSV exports: a table with a known header, or an export holding one of ``names``."""
    if Path(path).is_file() and table_kind(csv_header(head(path, 4096))):
        return True
    return tree_has(path, lambda t: any(table_kind(csv_header(member_head(t, n))) for n in t.find(*names)))


def read_csv_tables(
    path: Path, names: tuple[str, ...], about: Callable[[ArchiveTree], str | None]
) -> tuple[list[tuple[str, str]], str | None]:
    """The ``(where, csv text)`` tables of a CSV export (or the one CSV file given), and ``about(tree)``."""
    path = Path(path)
    tree = open_tree(path)
    if tree is None:
        return [(str(path), read_file_text(path))], None
    with tree:
        return [(f"{path}:{n}", tree.read_text(n)) for n in tree.find(*names)], about(tree)


def member_head(tree: ArchiveTree, name: str, size: int = 4096) -> str:
    """The start of one archive member, for sniffing its header line."""
    return tree.read_head(name, size).decode("utf-8-sig", errors="ignore")


def load_json(text: str, where: str, hook: Callable[[list[tuple[str, Any]]], Any] | None = None) -> Any:
    """``json.loads`` that reports bad input as an AuditorError naming the file and line."""
    if hook is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # NaN, huge integers, lone surrogates: json accepts them, or says where it fails
    try:
        return json.loads(text, object_pairs_hook=hook)
    except json.JSONDecodeError as exc:
        raise AuditorError(where, f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise AuditorError(where, "JSON nested too deeply") from None


def csv_rows(text: str, where: str, required: set[str], **fmt: Any) -> Iterator[dict[str, str]]:
    """Rows of a CSV export as dicts (multi-line quoted fields kept); missing columns are an error."""
    fmt.setdefault("strict", True)  # a stray or unclosed quote is an error, not a silently merged row
    reader = csv.DictReader(io.StringIO(text, newline=""), **fmt)
    try:
        fields = set(reader.fieldnames or ())
        missing = required - fields
        if missing:
            raise AuditorError(where, f"missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            if any(row.get(k) is None for k in required):
                raise AuditorError(where, f"line {reader.line_num} has too few columns")
            yield {k: (v or "") for k, v in row.items() if isinstance(k, str)}
    except csv.Error as exc:
        raise AuditorError(where, f"malformed CSV (line {reader.line_num}: {exc})") from None


def csv_header(text: str) -> set[str]:
    """The column names on the first line of a CSV snippet (for sniffing)."""
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    try:
        return {c.strip() for c in next(csv.reader([first]))}
    except (csv.Error, StopIteration):
        return set()


def timestamp(value: Any, where: str) -> datetime | None:
    """parse_any_ts with the file named in the error."""
    try:
        return parse_any_ts(value)
    except (ValueError, OverflowError, OSError):  # out-of-range epochs overflow instead of ValueError
        raise AuditorError(where, f"unreadable date {str(value)[:40]!r}") from None


MAX_URL_CHARS = 2048  # a longer "expanded" address is not a real link: the short one stays


def expand_links(text: str, links: Iterable[tuple[Any, Any, Any]]) -> str:
    """Put each short link (t.co) back to the address it stands for: ``(short, expanded, indices)`` each
    replaced once, at its own span, left to right; the result never grows past the post-text limit.

    ``indices`` (X's ``[start, end]`` in code points) are used when they point at the short link; X counts
    them on the unescaped text, so when they do not match, the next occurrence after the previous link is.
    """
    room = limits.POST_CHARS.int_value - len(text)
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for short, expanded, indices in links:
        if not (isinstance(short, str) and isinstance(expanded, str) and short and expanded):
            continue
        if len(expanded) > MAX_URL_CHARS or len(expanded) - len(short) > room:
            continue
        start = indices[0] if (isinstance(indices, list | tuple) and indices and type(indices[0]) is int
                               and indices[0] >= pos and text.startswith(short, indices[0])) else -1
        if start < 0:
            start = text.find(short, pos)
        if start < 0:
            continue
        spans.append((start, start + len(short), expanded))
        room -= len(expanded) - len(short)
        pos = start + len(short)
    out, pos = [], 0
    for start, end, expanded in spans:
        out += [text[pos:start], expanded]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def stable_id(*parts: Any) -> str:
    """A short, repeatable id for rows that have none (same row → same id on every run)."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


def make_post(raw_text: str, text: str | None = None, **fields: Any) -> Post:
    """A Post whose ``text`` is the cleaned ``raw_text`` unless given; line endings normalised."""
    raw = (raw_text or "").replace("\r\n", "\n").replace("\r", "\n")
    if text is None:
        text = clean_text(raw)
        text = raw if text == raw else text  # one string, not two equal ones (memory at 500k posts)
    return Post(text=text, raw_text=raw, **fields)


@contextlib.contextmanager
def layout_guard(where: str) -> Iterator[None]:
    """A wrong-shaped record (a list where an object belongs, a number for text…) → AuditorError."""
    try:
        yield
    except (AttributeError, TypeError, KeyError) as exc:
        raise AuditorError(where, f"unexpected layout ({type(exc).__name__}: {str(exc)[:60]})") from None
