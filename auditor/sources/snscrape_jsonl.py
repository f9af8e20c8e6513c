"""Import ``snscrape --jsonl`` output (any module: twitter, mastodon, reddit, telegram), one JSON per line.

Each line names its class in ``_type`` (``snscrape.modules.twitter.Tweet`` …). ``--with-entity`` adds the
profile (User/Channel) as the first line; it gives the account but is not a post.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.base import SourceResult, register_file_reader
from auditor.sources.exportutil import (
    DELETED_MARKERS,
    expand_links,
    head,
    layout_guard,
    load_json,
    make_post,
    read_file_text,
    timestamp,
)
from auditor.sources.htmltext import html_to_text
from auditor.textclean import clean_text

_PREFIX = "snscrape.modules."
_TYPE = re.compile(r'"_type"\s*:\s*"snscrape\.modules\.')
_ENTITIES = {"twitter.User", "twitter.UserRef", "mastodon.User", "telegram.Channel", "reddit.User"}
PLATFORMS = {"twitter": "x", "mastodon": "mastodon", "reddit": "reddit", "telegram": "telegram"}


def sniff(path: Path) -> bool:
    """A JSON-lines file whose first object carries an snscrape ``_type``."""
    text = head(path).lstrip()
    return text.startswith("{") and bool(_TYPE.search(text.split("\n", 1)[0]))


def read(path: Path) -> SourceResult:
    """Every post of the scraped account; other authors' items (a search or subreddit scrape) are left out."""
    path = Path(path)
    posts: list[Post] = []
    entity: dict[str, Any] | None = None
    unsupported: Counter[str] = Counter()
    for lineno, line in enumerate(read_file_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        item = load_json(line, where)
        kind_of = str(item.get("_type", "")).removeprefix(_PREFIX) if isinstance(item, dict) else ""
        if kind_of in _ENTITIES:
            entity = entity or item
        elif kind_of in _CONVERTERS:
            with layout_guard(where):
                posts.append(_CONVERTERS[kind_of](item, where))
        else:
            unsupported[kind_of or "not an snscrape object"] += 1
    if not posts:
        raise AuditorError(str(path), "no posts in this snscrape file")
    with layout_guard(str(path)):
        owner = _entity_handle(entity) or Counter(p.author for p in posts).most_common(1)[0][0]
    mine = [p for p in posts if p.author == owner]
    platform = Counter(p.platform for p in mine).most_common(1)[0][0]
    for p in mine:
        p.account = f"{p.platform}:{owner}"
    notes = []
    if len(mine) < len(posts):
        notes.append(f"{len(posts) - len(mine)} items by other accounts than {owner} were left out "
                     "(the scrape was not of one user).")
    if unsupported:
        notes.append("Skipped snscrape items of types auditor does not read: "
                     + ", ".join(f"{n} {t}" for t, n in sorted(unsupported.items())) + ".")
    if platform == "x":
        notes.append("snscrape cuts long posts (over 280 characters) short; the X archive has them in full.")
    names = [(entity or {}).get(k) for k in ("displayname", "displayName", "title")]
    display = next((n for n in names if isinstance(n, str) and n.strip()), None)
    return SourceResult(platform, owner, mine, display_name=display, source=str(path), notes=notes)


def _entity_handle(entity: dict[str, Any] | None) -> str | None:
    if not entity:
        return None
    kind_of = str(entity.get("_type", "")).removeprefix(_PREFIX)
    if kind_of.startswith("twitter."):
        return f"@{entity['username']}" if entity.get("username") else None
    if kind_of == "mastodon.User":
        return _at(entity.get("account"))
    if kind_of == "reddit.User":
        return f"u/{entity['name']}" if entity.get("name") else None
    return f"@{entity['username']}" if entity.get("username") else None


def _at(handle: Any) -> str | None:
    return f"@{str(handle).lstrip('@')}" if handle else None


def _str_id(item: dict[str, Any], key: str = "id") -> str:
    """Ids over 2^53 come as ``"id.str"`` with --jsonl-for-buggy-int-parser: prefer it."""
    value = item.get(f"{key}.str", item.get(key))
    return str(value) if value is not None else ""


# -- twitter -------------------------------------------------------------------------------------------------
def _tweet_text(tweet: dict[str, Any]) -> str:
    """rawContent (or the deprecated ``content``) with t.co links put back to their targets."""
    text = tweet.get("rawContent") or tweet.get("content") or ""
    if not isinstance(text, str):
        return ""
    links = [link for link in tweet.get("links") or [] if isinstance(link, dict)]
    return expand_links(text, ((link.get("tcourl"), link.get("url"), link.get("indices")) for link in links))


def _tweet(item: dict[str, Any], where: str) -> Post:
    user = item.get("user") or {}
    author = _at(user.get("username")) or "unknown"
    extra: dict[str, Any] = {}
    raw = _tweet_text(item)
    retweeted, quoted = item.get("retweetedTweet"), item.get("quotedTweet")
    if isinstance(retweeted, dict):
        kind = "repost"
        raw = _tweet_text(retweeted) or raw  # the retweeted words, not the truncated "RT @…" form
        extra["original_author"] = _at((retweeted.get("user") or {}).get("username"))
        extra["original_url"] = retweeted.get("url")
    elif item.get("inReplyToTweetId") is not None:
        kind = "reply"
        extra["in_reply_to"] = _str_id(item, "inReplyToTweetId")
    elif isinstance(quoted, dict):
        kind = "quote"
        extra["quoted_url"] = quoted.get("url")
        extra["quoted_text"] = _tweet_text(quoted)
    else:
        kind = "post"
    lang = item.get("lang")
    return make_post(
        raw, id=_str_id(item), platform="x", author=author, created_at=timestamp(item.get("date"), where),
        kind=kind, url=item.get("url"), lang=lang if lang and lang not in ("und", "zxx", "qme") else None,
        visibility="public", extra={k: v for k, v in extra.items() if v},
    )


# -- mastodon ------------------------------------------------------------------------------------------------
def _toot_text(toot: dict[str, Any]) -> str:
    body = toot.get("text") or toot.get("content") or ""
    body = html_to_text(body) if body.lstrip().startswith("<") else body
    cw = (toot.get("spoilerText") or "").strip()
    return f"{cw}\n\n{body}" if cw and body else cw or body


def _toot(item: dict[str, Any], where: str) -> Post:
    return make_post(
        _toot_text(item), id=_str_id(item), platform="mastodon",
        author=_at((item.get("user") or {}).get("account")) or "unknown",
        created_at=timestamp(item.get("date"), where), kind="post", url=item.get("url"), visibility="public",
    )


def _boost(item: dict[str, Any], where: str) -> Post:
    toot = item.get("toot") or {}
    return make_post(
        _toot_text(toot), id=f"boost-{_str_id(toot)}", platform="mastodon",
        author=_at((item.get("user") or {}).get("account")) or "unknown",
        created_at=timestamp(toot.get("date"), where), kind="repost", url=toot.get("url"),
        visibility="public", extra={"original_author": _at((toot.get("user") or {}).get("account"))},
    )


# -- reddit --------------------------------------------------------------------------------------------------
def _reddit(item: dict[str, Any], where: str, kind: str) -> Post:
    body = (item.get("selftext") if kind == "post" else item.get("body")) or ""
    title = (item.get("title") or "").strip() if kind == "post" else ""
    deleted = body.strip() in DELETED_MARKERS
    raw = "\n\n".join(p for p in (title, body.strip()) if p)
    extra = {k: item[k] for k in ("subreddit", "link", "parentId") if item.get(k)}
    return make_post(
        raw, text=clean_text(title) if deleted else None, id=_str_id(item), platform="reddit",
        author=f"u/{item.get('author') or 'unknown'}", created_at=timestamp(item.get("date"), where),
        kind=kind, url=item.get("url"), visibility="public", deleted=deleted, extra=extra,
    )


# -- telegram ------------------------------------------------------------------------------------------------
def _telegram(item: dict[str, Any], where: str) -> Post:
    url = str(item.get("url") or "")
    parts = [p for p in urlsplit(url).path.split("/") if p and p != "s"]  # https://t.me/s/<channel>/<n>
    channel = parts[0] if parts else "unknown"
    preview = item.get("linkPreview") or {}
    extra = {"outlinks": item.get("outlinks") or [], "link_preview": preview.get("href")}
    return make_post(
        item.get("content") or "", id="/".join(parts) or url, platform="telegram", author=f"@{channel}",
        created_at=timestamp(item.get("date"), where), kind="post", url=url or None, visibility="public",
        extra={k: v for k, v in extra.items() if v},
    )


_CONVERTERS: dict[str, Callable[[dict[str, Any], str], Post]] = {
    "twitter.Tweet": _tweet,
    "mastodon.Toot": _toot,
    "mastodon.Boost": _boost,
    "reddit.Submission": lambda item, where: _reddit(item, where, "post"),
    "reddit.Comment": lambda item, where: _reddit(item, where, "comment"),
    "telegram.TelegramPost": _telegram,
}

register_file_reader("snscrape-jsonl", sniff, read)
