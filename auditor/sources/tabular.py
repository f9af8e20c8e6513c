"""A plain table of posts: JSONL (one object per line) or CSV, with a ``text`` field/column.

Also the row reader behind ``auditor classify`` (a file or ``-`` for stdin), streamed line by line so huge
files never sit in memory. Choices: a UTF-8 BOM is dropped; blank JSONL lines are skipped (they are not rows,
so they get no output line and no row number); CSV column names are matched case-insensitively and trimmed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

import orjson

from auditor import limits
from auditor.errors import AuditorError
from auditor.post import KINDS, VISIBILITIES, Post
from auditor.sources.archive import is_archive
from auditor.sources.base import SourceResult, register_file_reader
from auditor.sources.exportutil import make_post, timestamp

STDIN = "-"
_TEXT_KEY = re.compile(r'"text"\s*:')
_FIELDS = ("id", "text", "created_at", "url", "kind", "platform", "author", "lang", "visibility", "raw_text",
           "deleted", "account", "extra")


def _label(source: str | Path) -> str:
    return "stdin" if str(source) == STDIN else str(source)


def _open(source: str | Path) -> TextIO:
    """A text stream over the file or stdin: UTF-8, BOM dropped, newlines kept for multi-line CSV fields."""
    if str(source) == STDIN:
        buffer = getattr(sys.stdin, "buffer", None)
        return io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="") if buffer else sys.stdin
    path = Path(source)
    if path.is_dir():
        raise AuditorError(str(path), "is a folder, not a JSONL or CSV file")
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise AuditorError(str(path), f"cannot read ({exc.strerror or exc})") from None


def _bounded_lines(stream: TextIO, where: str) -> Iterator[str]:
    """The stream's lines, each at most ``AUDITOR_MAX_LINE_BYTES`` long (so one endless line, or
    ``/dev/zero``, cannot fill memory), none holding a NUL byte (binary data, not a table of text)."""
    cap = limits.LINE_BYTES.int_value
    number = 0
    while line := stream.readline(cap + 1):
        number += 1
        if len(line) > cap:
            raise AuditorError(where, f"line {number}: {limits.LINE_BYTES.problem()}")
        if "\0" in line:
            raise AuditorError(where, f"line {number}: holds a NUL byte (binary data, not text)")
        yield line


def _is_json_line(line: str) -> bool:
    return line.lstrip("\ufeff \t").startswith("{")


def _loads(line: str) -> Any:
    """orjson, falling back to json for what only json accepts (NaN, huge integers, lone surrogates)."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _jsonl(lines: Iterable[str], where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue  # blank lines are not rows (documented choice)
        try:
            row = _loads(line)
        except json.JSONDecodeError:
            raise AuditorError(where, f"line {number}: not valid JSON") from None
        except RecursionError:
            raise AuditorError(where, f"line {number}: JSON nested too deeply") from None
        if not isinstance(row, dict):
            raise AuditorError(where, f"line {number}: not a JSON object")
        yield number, row


def _csv(lines: Iterable[str], where: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number where the record ends, row) for each CSV record; multi-line quoted fields kept."""
    reader = csv.reader(lines, strict=True)  # an unclosed quote must not swallow the rest of the file
    try:
        header = next((r for r in reader if any(cell.strip() for cell in r)), None)  # blank lines first
        if header is None:
            return
        names = [h.strip().lower() for h in header]
        if "text" not in names:
            raise AuditorError(where, "no 'text' column in the CSV header")
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # an empty line between records
            if len(record) > len(names):
                raise AuditorError(where, f"line {reader.line_num}: more cells than columns")
            yield reader.line_num, dict(zip(names, record, strict=False))
    except csv.Error as exc:
        raise AuditorError(where, f"line {reader.line_num}: malformed CSV ({exc})") from None


def _is_plain_text(first: str, source: str | Path) -> bool:
    """Plain text (one post per line): not a .csv file, and the first line is no CSV header with text."""
    if str(source) != STDIN and Path(source).suffix.lower() in (".csv", ".tsv", ".jsonl", ".json"):
        return False
    try:
        header = next(csv.reader([first]), [])
    except csv.Error:
        return True
    return "text" not in {h.strip().lower() for h in header}


def _plain(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """One post per non-blank line."""
    for number, line in enumerate(lines, start=1):
        text = line.rstrip("\r\n").lstrip("\ufeff")
        if text.strip():
            yield number, {"text": text}


def _numbered_rows(source: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) with ``text`` checked and ``id`` defaulted to the 1-based row number."""
    where = _label(source)
    stream = _open(source)
    try:
        lines = _bounded_lines(stream, where)
        first = next((ln for ln in lines if ln.strip()), None) if str(source) == STDIN else None
        if str(source) == STDIN:
            if first is None:
                return
            lines = chain([first], lines)
            is_jsonl = _is_json_line(first)
        else:
            is_jsonl = _is_json_line(_first_line(Path(source)))
        head = first if str(source) == STDIN else _first_line(Path(source))
        if is_jsonl:
            rows = _jsonl(lines, where)
        elif _is_plain_text(head or "", source):
            rows = _plain(lines)
        else:
            rows = _csv(lines, where)
        for count, (number, row) in enumerate(rows, start=1):
            if "text" not in row:
                raise AuditorError(where, f"line {number}: no 'text' field")
            text = row["text"] = "" if row["text"] is None else row["text"]  # JSON null: a post with no text
            if not isinstance(text, str):
                raise AuditorError(where, f"line {number}: 'text' is not a string")
            if any(isinstance(v, dict | list) for v in row.values()):  # a flat row is one level deep
                limits.check_json_depth(row, f"{where}: line {number}")  # nested values pass on to the output
            ident = row.get("id")
            row["id"] = str(count) if ident is None or ident == "" else str(ident)
            yield number, row
    except UnicodeDecodeError as exc:
        raise AuditorError(where, f"not UTF-8 text ({exc.reason})") from None
    finally:
        if stream is sys.stdin:
            pass
        elif str(source) == STDIN:
            stream.detach()  # leave the process's stdin open
        else:
            stream.close()


def read_rows(source: str | Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file, a CSV file with a ``text`` column, or ``-`` (stdin), streamed in order.

    Every row has a string ``text`` and a string ``id`` (the 1-based row number when absent), plus its
    other fields as given. Bad input raises AuditorError naming the file (or ``stdin``) and the line.
    """
    for _, row in _numbered_rows(source):
        yield row


def count_rows(source: str | Path) -> int | None:
    """About how many rows a JSONL or CSV file holds (its non-blank lines, less a CSV header), for a progress
    bar; None for stdin or an unreadable file."""
    if str(source) == STDIN:
        return None
    try:
        with Path(source).open("rb") as fh:
            lines = sum(1 for line in fh if line.strip())
    except OSError:
        return None
    return lines - (0 if _is_json_line(_first_line(Path(source))) else 1)


def _first_line(path: Path) -> str:
    """The first non-blank line of a file (at most the line limit), BOM dropped; '' if none or unreadable."""
    try:
        with path.open("rb") as fh:
            for _ in range(1000):
                raw = fh.readline(limits.LINE_BYTES.int_value)
                if not raw:
                    break
                raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM, then perhaps a blank line first
                if raw.strip():
                    return raw.decode("utf-8", errors="ignore")
    except OSError:
        pass
    return ""


def sniff(path: Path) -> bool:
    """A plain file whose first row is a JSON object with ``text``, or a CSV header with a text column."""
    path = Path(path)
    if not path.is_file() or is_archive(path):
        return False
    line = _first_line(path)
    if _is_json_line(line):
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            # a first row cut at the line limit is still a table (reading it says which limit it broke)
            return not line.endswith("\n") and _TEXT_KEY.search(line) is not None
        except (ValueError, RecursionError):  # a number past the digit limit, deep nesting: read to say so
            return _TEXT_KEY.search(line) is not None
        return isinstance(row, dict) and isinstance(row.get("text"), str)
    try:
        header = next(csv.reader([line]), [])
    except csv.Error:
        return False
    return "text" in {h.strip().lower() for h in header}


def _choice(row: dict[str, Any], name: str, allowed: tuple[str, ...], default: str, where: str) -> str:
    value = row.get(name)
    if value is None or value == "":
        return default
    if value not in allowed:
        raise AuditorError(where, f"unknown {name} {value!r} (use one of {', '.join(allowed)})")
    return str(value)


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _deleted(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def _to_post(number: int, row: dict[str, Any], where: str) -> Post:
    at = f"{where}: line {number}"
    raw = row.get("raw_text") if isinstance(row.get("raw_text"), str) else None
    platform = _text_or_none(row.get("platform")) or "import"
    author = _text_or_none(row.get("author")) or "unknown"
    return make_post(
        raw if raw is not None else row["text"],
        text=row["text"] if raw is not None else None,  # a row from `auditor posts` keeps both texts
        id=row["id"], platform=platform, author=author,
        created_at=timestamp(row.get("created_at"), at),
        kind=_choice(row, "kind", KINDS, "post", at),
        url=_text_or_none(row.get("url")), lang=_text_or_none(row.get("lang")),
        visibility=_choice(row, "visibility", VISIBILITIES, "public", at),
        deleted=_deleted(row.get("deleted")),
        account=_text_or_none(row.get("account")) or f"{platform}:{author}",
        extra={**(row["extra"] if isinstance(row.get("extra"), dict) else {}),
               **{k: v for k, v in row.items() if k not in _FIELDS and v not in (None, "")}},
    )


def read(path: Path) -> SourceResult:
    """Posts from a JSONL/CSV table; the account is the rows' single author, else the file name."""
    where = str(path)
    limits.FILE_BYTES.check(Path(path).stat().st_size, where)  # `classify` streams; an audit holds it all
    max_posts = limits.POSTS.value
    posts = []
    for number, row in _numbered_rows(path):
        if len(posts) >= max_posts:
            raise limits.POSTS.error(where)
        posts.append(_to_post(number, row, where))
    if not posts:
        raise AuditorError(where, "no rows in this posts table")
    authors = {p.author for p in posts} - {"unknown"}
    platforms = {p.platform for p in posts}
    return SourceResult(
        platform=platforms.pop() if len(platforms) == 1 else "import",
        account=authors.pop() if len(authors) == 1 else Path(path).stem,
        posts=posts,
        source=where,
    )


register_file_reader("posts-table", sniff, read)
