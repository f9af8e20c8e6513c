"""Reddit data-request export (reddit.com/settings/data-request): the zip of CSVs, its folder, or one CSV.

Only ``posts.csv``, ``comments.csv`` and ``statistics.csv`` are ever opened: the export also holds private
messages (``messages.csv``, ``chat_history.csv``), which are never read.
"""

from __future__ import annotations

import html
from pathlib import Path

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.archive import ArchiveTree
from auditor.sources.base import SourceResult, register_file_reader
from auditor.sources.exportutil import (
    DELETED_MARKERS,
    csv_header,
    csv_rows,
    make_post,
    read_csv_tables,
    sniff_csv_tables,
    timestamp,
)
from auditor.textclean import clean_text

PLATFORM = "reddit"
_COMMON = {"id", "permalink", "date", "subreddit", "body"}
POST_COLUMNS = _COMMON | {"title"}
COMMENT_COLUMNS = _COMMON | {"parent"}  # "link" always, "media" only in some exports: both accepted
TABLES = ("posts.csv", "comments.csv")  # never messages.csv or chat_history.csv


def _table_kind(header: set[str]) -> str | None:
    if header >= POST_COLUMNS:
        return "post"
    if header >= COMMENT_COLUMNS:
        return "comment"
    return None


def sniff(path: Path) -> bool:
    """A posts.csv/comments.csv by its header, or an export holding one."""
    return sniff_csv_tables(path, TABLES, _table_kind)


def read(path: Path) -> SourceResult:
    """Posts (title + body) and comments, with removed/deleted placeholders marked deleted."""
    tables, username = read_csv_tables(path, TABLES, _username)
    posts: list[Post] = []
    account = f"u/{username}" if username else "u/unknown"
    for where, text in tables:
        kind = _table_kind(csv_header(text))
        if kind is None:
            raise AuditorError(where, "not a Reddit posts.csv or comments.csv (unexpected columns)")
        required = POST_COLUMNS if kind == "post" else COMMENT_COLUMNS
        posts.extend(_row_to_post(row, kind, account, where) for row in csv_rows(text, where, required))
    if not tables:
        raise AuditorError(str(path), "no posts.csv or comments.csv in this Reddit export")
    notes = [] if username else ["The Reddit username is not in these files (statistics.csv is missing)."]
    deleted = sum(p.deleted for p in posts)
    if deleted:
        notes.append(f"{deleted} posts or comments were removed or deleted ([removed]/[deleted]); "
                     "their text is not in the export.")
    return SourceResult(PLATFORM, account, posts, display_name=None, source=str(path), notes=notes)


def _username(tree: ArchiveTree) -> str | None:
    """The ``account name`` row of statistics.csv."""
    for name in tree.find("statistics.csv"):
        where = f"{tree.label}:{name}"
        for row in csv_rows(tree.read_text(name), where, {"statistic", "value"}):
            if row["statistic"].strip().lower() == "account name" and row["value"].strip():
                return row["value"].strip().removeprefix("u/")
    return None


def _permalink(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if value.startswith("http"):
        return value
    return "https://www.reddit.com/" + value.lstrip("/")


def _row_to_post(row: dict[str, str], kind: str, account: str, where: str) -> Post:
    # Reddit stores markdown with &amp; &lt; &gt; escaped: unescape once.
    body = html.unescape(row["body"]).strip()
    deleted = body in DELETED_MARKERS
    title = html.unescape(row.get("title", "")).strip() if kind == "post" else ""
    raw = "\n\n".join(part for part in (title, body) if part)
    # A placeholder is shown as it is, but never classified: only a surviving title is.
    text = clean_text(title) if deleted else None
    extra = {"subreddit": row["subreddit"]}
    for key in ("parent", "link", "url", "gildings"):
        if row.get(key, "").strip():
            extra[key] = row[key].strip()
    return make_post(
        raw, text=text, id=row["id"], platform=PLATFORM, author=account, account=f"{PLATFORM}:{account}",
        created_at=timestamp(row["date"], f"{where} (id {row['id']})"), kind=kind,
        url=_permalink(row["permalink"]), visibility="public", deleted=deleted, extra=extra,
    )


register_file_reader("reddit-export", sniff, read)
