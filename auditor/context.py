"""What a reply answers and what a quote quotes, when the source has it; and how old a post is.

Where the text comes from: the parent or quoted post when it is one of the audited posts (a thread of the
person's own), Bluesky parents and quotes the live reader fetched (``extra["in_reply_to_text"]`` /
``extra["quoted_text"]``), snscrape's ``quotedTweet``. Otherwise only a link: X archives hold the parent's id
(linked as x.com/i/web/status/ID), Bluesky an at:// URI (linked on bsky.app), Mastodon exports a URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from auditor.post import Post

MAX_CONTEXT_CHARS = 500


def post_index(posts: Iterable[Post]) -> dict[str, Post]:
    """Every public post by its id, URL and URI, so a reply's parent reference finds it."""
    index: dict[str, Post] = {}
    for p in posts:
        if not p.auditable:
            continue
        for key in (p.id, p.url, p.extra.get("uri")):
            if key:
                index.setdefault(str(key), p)
    return index


def _link_for(platform: str, ref: str) -> str | None:
    if ref.startswith(("https://", "http://")):
        return ref
    if platform == "x" and ref.isdigit():
        return f"https://x.com/i/web/status/{ref}"
    if ref.startswith("at://"):
        parts = ref.removeprefix("at://").split("/")
        if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
            return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return None


def context_of(post: Post, index: dict[str, Post], *, with_text: bool = True) -> dict[str, Any] | None:
    """``{"relation": "reply"|"quote", "text": ..., "url": ..., "own": bool}`` or None.

    ``with_text=False`` (HR mode) keeps only the link: the other post was never classified, so it could be
    protected content (politics, religion) that the preset withholds.
    """
    if post.kind == "reply":
        relation, ref, text = "reply", post.extra.get("in_reply_to"), post.extra.get("in_reply_to_text")
    elif post.kind == "quote":
        relation = "quote"
        ref = (post.extra.get("quoted_uri") or post.extra.get("quoted_url") or post.extra.get("quoted"))
        text = post.extra.get("quoted_text")
    else:
        return None
    ref = str(ref) if ref else ""
    target = index.get(ref) if ref else None
    known_url = post.extra.get("in_reply_to_url" if relation == "reply" else "quoted_url")
    url = (target.url if target else None) or known_url or (_link_for(post.platform, ref) if ref else None)
    if target is not None:
        text = target.raw_text
    if not (text or url or ref):
        return None
    shown = str(text)[:MAX_CONTEXT_CHARS] if text and with_text else None
    return {"relation": relation, "text": shown, "url": url, "ref": ref or None, "own": target is not None}


def age_words(created: datetime | None, now: datetime) -> str | None:
    """``3 years ago``, ``5 months ago``, ``12 days ago``, ``today``."""
    if created is None:
        return None
    days = (now - created).days
    if days < 1:
        return "today"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"
