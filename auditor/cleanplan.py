"""Reading and checking a clean-up plan (cleanup.csv) before anything is deleted.

Every row is checked first; one bad row (unknown platform, an id that is not a post id of that platform, an
id that does not match its link) stops the run with one line naming the file and the row, before any request.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from auditor.errors import AuditorError
from auditor.report.writers import csv_unguard
from auditor.textfile import read_small_text

#: Platforms auditor reads. Bluesky and Mastodon posts can be deleted through their APIs; the others
#: (X's API charges for it, the rest have none for this) get the list of links to delete by hand.
DELETABLE: tuple[str, ...] = ("bluesky", "mastodon")
LINK_ONLY: tuple[str, ...] = ("x", "reddit", "facebook", "instagram", "threads", "linkedin", "telegram")
MAX_PLAN_BYTES = 32 * 1024 * 1024
_BSKY_ID = re.compile(r"^at://(did:(?:plc|web):[A-Za-z0-9._:%-]{1,256})/(app\.bsky\.feed\.(?:post|repost))/"
                      r"([A-Za-z0-9._~:-]{1,512})$")
_MASTODON_ID = re.compile(r"^[0-9]{1,24}$")


@dataclass(frozen=True)
class PlanRow:
    line: int  # line number in the file (the header is line 1)
    platform: str
    id: str
    url: str
    reason: str
    kind: str = "post"

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


def _check(row: PlanRow, where: str) -> None:
    at = f"{where}: row {row.line}"
    if row.platform not in DELETABLE + LINK_ONLY:
        known = ", ".join(DELETABLE + LINK_ONLY)
        raise AuditorError(at, f"unknown platform {row.platform!r} (known: {known}); nothing was deleted")
    if not row.id:
        raise AuditorError(at, "no post id; nothing was deleted")
    if row.url and urlsplit(row.url).scheme not in ("http", "https"):
        raise AuditorError(at, f"the url is not a web link ({row.url[:60]!r}); nothing was deleted")
    if row.platform == "bluesky":
        m = _BSKY_ID.match(row.id)
        if not m:
            raise AuditorError(at, f"{row.id[:80]!r} is not a Bluesky post id "
                               "(at://did/app.bsky.feed.post/key); nothing was deleted")
        same = row.url.rstrip("/").endswith(f"/post/{m.group(3)}")
        if m.group(2).endswith(".post") and row.url and not same:
            raise AuditorError(at, "the id does not match its link (edited plan?); nothing was deleted")
    elif row.platform == "mastodon":
        if not _MASTODON_ID.match(row.id):
            raise AuditorError(at, f"{row.id[:80]!r} is not a Mastodon status id; nothing was deleted")
        last = urlsplit(row.url).path.rstrip("/").rsplit("/", 1)[-1] if row.url else ""
        if row.kind != "repost" and last.isdigit() and last != row.id:
            raise AuditorError(at, "the id does not match its link (edited plan?); nothing was deleted")


def read_plan(path: Path | str) -> list[PlanRow]:
    """The rows of a plan, checked, duplicates dropped, in file order."""
    where = str(path)
    text = read_small_text(Path(path), "clean-up plan", MAX_PLAN_BYTES).lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[PlanRow] = []
    seen: set[str] = set()
    try:
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        missing = [c for c in ("platform", "id", "url") if c not in fields]
        if missing:
            raise AuditorError(where, f"a clean-up plan needs the columns platform, id, url (missing: "
                               f"{', '.join(missing)})")
        reader.fieldnames = fields
        for raw in reader:
            cells = {k: (v or "").strip() for k, v in raw.items() if k}
            if not any(cells.values()):
                continue
            row = PlanRow(reader.line_num, cells.get("platform", "").lower(),
                          csv_unguard(cells.get("id", "")), csv_unguard(cells.get("url", "")),
                          cells.get("reason", ""), cells.get("kind", "") or "post")
            _check(row, where)
            if row.key not in seen:
                seen.add(row.key)
                rows.append(row)
    except csv.Error as exc:
        line = reader.line_num
        raise AuditorError(where, f"malformed CSV (line {line}: {exc}); nothing was deleted") from None
    return rows
