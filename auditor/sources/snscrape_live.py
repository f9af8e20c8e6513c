"""snscrape as an optional live source: its ``telegram-channel`` scraper still works upstream; the Twitter,
Mastodon and Reddit modules do not, so those specs fail at once with the better source named.

``pip install 'auditor[snscrape]'`` adds snscrape (GPL-3.0, last release June 2023). Its ``--jsonl`` output
of any module is read offline by the snscrape JSONL importer instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from auditor import limits
from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.base import SinceHint, SourceResult, register_live_reader
from auditor.textclean import clean_text
from auditor.timeparse import parse_any_ts

INSTALL_HINT = "snscrape is not installed; run: pip install 'auditor[snscrape]'"
_CHANNEL = re.compile(r"^(?:https?://)?(?:t\.me/(?:s/)?)?@?([A-Za-z][A-Za-z0-9_]{3,31})/?$")

BROKEN: dict[str, str] = {
    "twitter": ("snscrape's twitter module is broken upstream since mid-2023 (X requires a login); audit the "
                "account's X archive instead (Settings > Your account > Download an archive of your data)"),
    "mastodon": ("snscrape's mastodon module is broken on Mastodon 4 and later (profile pages are built by "
                 "JavaScript); use mastodon:@user@host instead, or the account's archive export"),
    "reddit": ("snscrape's reddit module is broken upstream (it relies on Pushshift, shut down in 2023); use "
               "reddit:<username> instead, or the account's Reddit data export for the full history"),
}
BROKEN_PREFIXES: dict[str, str] = {
    "twitter": "twitter", "x": "twitter", "snscrape-twitter": "twitter",
    "snscrape-mastodon": "mastodon", "snscrape-reddit": "reddit",
}


def _telegram_module() -> Any:
    try:
        import snscrape.modules.telegram as telegram
    except ImportError:
        return None
    return telegram


def read_telegram(target: str, since: SinceHint | None = None) -> SourceResult:
    """Public posts of a Telegram channel via snscrape's telegram-channel scraper (``t.me/s/<channel>``).
    ``since``: the scraper yields newest first; it is stopped at the first post not newer than the hint."""
    m = _CHANNEL.match(target.strip())
    where = f"telegram:{target.strip()}"
    if not m:
        raise AuditorError(where, "expected a public channel username, e.g. telegram:example_channel")
    channel = m.group(1)
    telegram = _telegram_module()
    if telegram is None:
        raise AuditorError(where, INSTALL_HINT)
    account = f"telegram:{channel}"
    posts: list[Post] = []
    try:
        for item in telegram.TelegramChannelScraper(channel).get_items():
            post = telegram_post(item, channel, account)
            if since is not None and (post.id == since.post_id or not since.newer(post.created_at)):
                break  # the rest is in the store already
            posts.append(post)
            limits.POSTS.check(len(posts), where)  # a channel page that never ends
    except AuditorError:
        raise
    except Exception as exc:  # snscrape raises ScraperException, requests errors, parsing errors
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise AuditorError(where, f"snscrape's telegram-channel scraper failed ({text})") from None
    notes = [] if posts or since else ["the channel shows no public posts (channels without a web preview "
                                       "cannot be read)"]
    return SourceResult(platform="telegram", account=channel, posts=posts, source=where, notes=notes,
                        newer_than=since)


def telegram_post(item: Any, channel: str, account: str) -> Post:
    """A snscrape ``TelegramPost`` (url, date, content, outlinks) as a Post."""
    url = str(getattr(item, "url", "") or "")
    content = getattr(item, "content", None) or ""
    extra: dict[str, Any] = {}
    links = [str(u) for u in getattr(item, "outlinks", None) or []]
    if links:
        extra["links"] = links
    try:
        created = parse_any_ts(getattr(item, "date", None))
    except ValueError:
        created = None
    post_id = url.rstrip("/").rsplit("/", 1)[-1] if url else str(len(content))
    return Post(id=f"{channel}/{post_id}", platform="telegram", author=channel, created_at=created,
                text=clean_text(content), raw_text=content, kind="post", url=url or None, visibility="public",
                account=account, extra=extra)


def _broken(prefix: str) -> Callable[[str], SourceResult]:
    def read(target: str) -> SourceResult:
        raise AuditorError(f"{prefix}:{target}", BROKEN[BROKEN_PREFIXES[prefix]])

    return read


register_live_reader("telegram", read_telegram, incremental=True)
register_live_reader("snscrape-telegram", read_telegram, incremental=True)
for _prefix in BROKEN_PREFIXES:
    register_live_reader(_prefix, _broken(_prefix))
