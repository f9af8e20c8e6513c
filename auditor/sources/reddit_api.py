"""Reddit live: ``reddit:<username>`` from the public ``comments.json`` and ``submitted.json`` listings.

Each listing stops at the newest 1,000 items (a Reddit limit, noted in the report when hit); only the data
export goes further. ``AUDITOR_REDDIT_BASE`` (default https://www.reddit.com) points elsewhere for tests.
"""

from __future__ import annotations

import os
import re
from typing import Any

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.base import SinceHint, SourceResult, register_live_reader
from auditor.sources.http import HttpClient, HttpStatusError
from auditor.textclean import clean_text
from auditor.timeparse import parse_any_ts

LISTING_CAP = 1000
CAP_NOTE = "Reddit's listing stops at 1,000 items; request a data export for the full history"
PLACEHOLDERS = frozenset({"[removed]", "[deleted]"})
_NAME = re.compile(r"^[A-Za-z0-9_-]{3,20}$")


def base_url() -> str:
    return os.environ.get("AUDITOR_REDDIT_BASE", "https://www.reddit.com").rstrip("/")


def _placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip() in PLACEHOLDERS


def thing_to_post(kind: str, d: dict, account: str) -> Post:
    """A t1 (comment) or t3 (submission) as a Post; removed/deleted placeholders are flagged, not read."""
    keep = ("subreddit", "score", "over_18", "link_title")
    extra: dict[str, Any] = {k: d[k] for k in keep if d.get(k) is not None}
    if d.get("edited"):
        extra["edited"] = d["edited"]
    if kind == "t1":
        body = d.get("body") if isinstance(d.get("body"), str) else ""
        deleted = _placeholder(body)
        shown = "" if deleted else body
        post_kind = "comment"
    else:
        title = d.get("title") if isinstance(d.get("title"), str) else ""
        selftext = d.get("selftext") if isinstance(d.get("selftext"), str) else ""
        deleted = _placeholder(selftext) or bool(d.get("removed_by_category"))
        shown = title if deleted or not selftext else f"{title}\n\n{selftext}"
        if not d.get("is_self") and isinstance(d.get("url"), str):
            extra["link"] = d["url"]
        post_kind = "post"
    if _placeholder(d.get("author")):
        deleted = True
    if deleted:
        extra["placeholder"] = True
    try:
        created = parse_any_ts(d.get("created_utc"))
    except ValueError:
        created, extra["created_at_raw"] = None, str(d.get("created_utc"))[:100]
    permalink = d.get("permalink")
    url = f"https://www.reddit.com{permalink}" if str(permalink).startswith("/") else None
    return Post(id=str(d.get("name") or f"{kind}_{d.get('id')}"), platform="reddit",
                author=f"u/{d.get('author', '')}",
                created_at=created, text=clean_text(shown), raw_text=shown, kind=post_kind, url=url,
                visibility="public", deleted=deleted, account=account, extra=extra)


def _newer(since: SinceHint, thing: dict) -> bool:
    """A listing item newer than the stored post: not the stored post itself, and created after it."""
    d = thing["data"]
    if since.post_id in (d.get("name"), d.get("id")):
        return False
    try:
        return since.newer(parse_any_ts(d.get("created_utc")))
    except ValueError:
        return True


def _listing(http: HttpClient, name: str, which: str, since: SinceHint | None = None
             ) -> tuple[list[dict], bool, list[str]]:
    url = f"{base_url()}/user/{name}/{which}.json"

    def page(after: str | None) -> tuple[list[dict], str | None]:
        try:
            data = http.get_json(url, {"limit": 100, "sort": "new", "raw_json": 1, "after": after})
        except HttpStatusError as exc:
            if exc.status in (401, 403):
                raise AuditorError(http.where, (
                    f"Reddit refused the public listing (HTTP {exc.status}); request the account's data "
                    "export (reddit.com/settings/data-request) and audit that instead")) from None
            if exc.status == 404:
                raise AuditorError(http.where, "no such Reddit user (or the account is suspended)") from None
            raise
        listing = data.get("data") if isinstance(data, dict) else None
        if not isinstance(listing, dict) or not isinstance(listing.get("children"), list):
            raise AuditorError(http.where, f"{which}.json answered in an unexpected shape")
        things = [c for c in listing["children"] if isinstance(c, dict) and isinstance(c.get("data"), dict)]
        nxt = listing.get("after")
        if since is not None:  # newest first: stop at the first item already stored
            things, stop = since.cut(things, lambda t: _newer(since, t))
            nxt = None if stop else nxt
        return things, nxt if isinstance(nxt, str) and nxt else None

    key = f"reddit:{name.lower()}:{which}" + (f":since:{since.post_id}" if since else "")
    run = http.paginate(key, page, max_items=LISTING_CAP, label=which,
                        item_id=lambda t: str(t["data"].get("name") or t["data"].get("id")))
    return run.items, run.capped or len(run.items) >= LISTING_CAP, run.notes


def read_reddit(target: str, since: SinceHint | None = None) -> SourceResult:
    """A user's comments (kind="comment") and submissions (kind="post": title + selftext). ``since``: both
    listings (newest first) only down to the stored post (by fullname, else by time)."""
    name = target.strip().removeprefix("/").removeprefix("u/").removeprefix("user/")
    where = f"reddit:{name}"
    if not _NAME.match(name):
        raise AuditorError(where, "not a Reddit username (3-20 letters, digits, _ or -)")
    account = f"reddit:u/{name}"  # as the Reddit data-export reader labels it
    notes: list[str] = []
    posts: list[Post] = []
    capped = []
    complete = True
    with HttpClient(where) as http:
        for which in ("comments", "submitted"):
            things, hit_cap, run_notes = _listing(http, name, which, since)
            posts += [thing_to_post(t.get("kind", "t1" if which == "comments" else "t3"), t["data"], account)
                      for t in things]
            notes += [f"{which}: {n}" for n in run_notes]
            complete = complete and not hit_cap and not run_notes  # older items are out of reach
            if hit_cap:
                capped.append("comments" if which == "comments" else "posts")
    if capped:
        notes.insert(0, f"{CAP_NOTE} (cap reached for {' and '.join(capped)})")
    deleted = sum(p.deleted for p in posts)
    if deleted:
        notes.append(f"{deleted:,} removed or deleted items are counted but cannot be read")
    return SourceResult(platform="reddit", account=f"u/{name}", posts=posts, display_name=None,
                        source=f"reddit:{target}", notes=notes, newer_than=since, complete=complete)


register_live_reader("reddit", read_reddit, incremental=True)
