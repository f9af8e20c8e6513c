"""LinkedIn data export ("Get a copy of your data", full archive): Shares.csv and Comments.csv.

Accepted as the zip, its unpacked folder, or either CSV on its own. Only Shares.csv, Comments.csv and the
name columns of Profile.csv are read; messages and connections in the same export are never opened.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.archive import ArchiveTree
from auditor.sources.base import SourceResult, register_file_reader
from auditor.sources.exportutil import (
    csv_header,
    csv_rows,
    make_post,
    read_csv_tables,
    sniff_csv_tables,
    stable_id,
    timestamp,
)

PLATFORM = "linkedin"
SHARE_COLUMNS = {"Date", "ShareLink", "ShareCommentary"}
COMMENT_COLUMNS = {"Date", "Link", "Message"}
_URN = re.compile(r"urn:li:(?:share|ugcPost|activity|comment):(?:\([^)]*\)|\d+)")
# The export has no "Anyone" vs "Connections" split: it writes MEMBER_NETWORK for feed posts. Those reach the
# author's professional network (usually anyone signed in), i.e. what an employer sees, so they are audited as
# "unlisted" (semi-public); connections-only and group posts count like followers-only posts: never shown.
VISIBILITY = {"PUBLIC": "public", "ANYONE": "public", "MEMBER_NETWORK": "unlisted", "LOGGED_IN": "unlisted",
              "": "unlisted", "CONNECTIONS": "private", "CONNECTIONS_ONLY": "private", "CONTAINER": "private"}


TABLES = ("Shares.csv", "Comments.csv")


def _table_kind(header: set[str]) -> str | None:
    if header >= SHARE_COLUMNS:
        return "share"
    if header >= COMMENT_COLUMNS and "permalink" not in header:
        return "comment"
    return None


def sniff(path: Path) -> bool:
    """Shares.csv / Comments.csv by their header, or an export holding one."""
    return sniff_csv_tables(path, TABLES, _table_kind)


def read(path: Path) -> SourceResult:
    """Shares (posts, quotes, reshares) and comments, with both of LinkedIn's CSV quoting bugs repaired."""
    tables, display_name = read_csv_tables(path, TABLES, _profile_name)
    account = display_name or "LinkedIn member"
    posts: list[Post] = []
    for where, text in tables:
        kind = _table_kind(csv_header(text))
        if kind == "share":
            posts.extend(_share(row, account, where) for row in csv_rows(text, where, SHARE_COLUMNS))
        elif kind == "comment":
            # Comments.csv escapes quotes as \" inside quoted fields; the default dialect mis-splits them.
            rows = csv_rows(text, where, COMMENT_COLUMNS, escapechar="\\")
            posts.extend(_comment(row, account, where) for row in rows)
        else:
            raise AuditorError(where, "not a LinkedIn Shares.csv or Comments.csv (unexpected columns)")
    if not tables:
        raise AuditorError(str(path), "no Shares.csv or Comments.csv in this LinkedIn export")
    notes = ["LinkedIn gives times without a time zone; they are read as UTC."]
    hidden = sum(not p.auditable for p in posts)
    if hidden:
        notes.append(f"{hidden} posts were shared to connections or a group only; they are counted but never "
                     "classified or shown.")
    return SourceResult(PLATFORM, account, posts, display_name=display_name, source=str(path), notes=notes)


def _profile_name(tree: ArchiveTree) -> str | None:
    """First and last name from Profile.csv (the other columns are private and not read into anything)."""
    for name in tree.find("Profile.csv"):
        for row in csv_rows(tree.read_text(name), f"{tree.label}:{name}", {"First Name", "Last Name"}):
            full = f"{row['First Name'].strip()} {row['Last Name'].strip()}".strip()
            if full:
                return full
    return None


def repair_commentary(text: str) -> str:
    """Undo Shares.csv's multi-line bug: each physical line arrives wrapped in quotes (``a."\\n""\\n"b``)."""
    text = text.replace("\r\n", "\n")
    if '"\n"' not in text:
        return text
    fixed = text.replace('"\n"', "\n")
    return fixed[1:-1] if len(fixed) > 1 and fixed[0] == '"' and fixed[-1] == '"' else fixed


def _urn(link: str) -> str | None:
    m = _URN.search(unquote(link))
    return m.group(0) if m else None


def _is_linkedin_post(url: str) -> bool:
    return "linkedin.com/feed/update/" in url or "linkedin.com/posts/" in url or "urn:li:" in unquote(url)


def _share(row: dict[str, str], account: str, where: str) -> Post:
    raw = repair_commentary(row["ShareCommentary"]).strip()
    link = row["ShareLink"].strip()
    shared, media = row.get("SharedUrl", "").strip(), row.get("MediaUrl", "").strip()
    text = None
    if raw:
        kind = "quote" if shared and _is_linkedin_post(shared) else "post"
    elif media and not shared:
        kind = "post"  # an image or video of their own without a caption
    else:
        kind, raw, text = "repost", shared or link, ""  # a pure reshare: nothing of theirs to read
    visibility = VISIBILITY.get(row.get("Visibility", "").strip().upper(), "unknown")
    extra = {k: v for k, v in (("shared_url", shared), ("media_url", media)) if v}
    return make_post(
        raw, text=text, id=_urn(link) or stable_id(row["Date"], link, row["ShareCommentary"]),
        platform=PLATFORM, author=account, account=f"{PLATFORM}:{account}", kind=kind,
        created_at=timestamp(row["Date"], where), url=link or None, visibility=visibility, extra=extra,
    )


def _comment(row: dict[str, str], account: str, where: str) -> Post:
    link = row["Link"].strip()
    page, _, query = link.partition("?")
    on = _urn(page)
    return make_post(
        row["Message"].strip(), id=_urn(query) or stable_id(row["Date"], link, row["Message"]),
        platform=PLATFORM, author=account, account=f"{PLATFORM}:{account}",
        created_at=timestamp(row["Date"], where), kind="comment", url=link or None,
        visibility="unlisted",  # shown to whoever sees the post commented on, as for MEMBER_NETWORK shares
        extra={"on": on} if on else {},
    )


register_file_reader("linkedin-export", sniff, read)
