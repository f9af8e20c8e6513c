"""Mastodon live: ``mastodon:@user@host`` read through Mastodon.py from the account's home instance.

Mastodon.py speaks the API (``account_lookup``, ``account_statuses`` 40 a page, ``Link``-header pagination);
its ``requests`` session gets an adapter that sends every request through ``auditor.sources.http.HttpClient``,
so retries, 429 handling (Mastodon's ``X-RateLimit-Reset`` is an ISO time), per-host pacing, the response
cache and the page checkpoint are the same as for every other live source. ``AUDITOR_MASTODON_BASE``
(e.g. ``http://127.0.0.1:8080``) replaces ``https://<host>`` for tests or a proxy.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from typing import Any

import requests
from mastodon import Mastodon
from mastodon.errors import MastodonError, MastodonNotFoundError, MastodonUnauthorizedError
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.base import SinceHint, SourceResult, register_live_reader
from auditor.sources.htmltext import html_to_text
from auditor.sources.http import HttpClient
from auditor.textclean import clean_text
from auditor.timeparse import parse_any_ts

PAGE_SIZE = 40  # the API's maximum
_ACCT = re.compile(r"^@?([A-Za-z0-9_.-]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?)$")
_PROFILE_URL = re.compile(r"^https?://([^/]+)/@([A-Za-z0-9_.-]+)/?$")


class HttpClientAdapter(BaseAdapter):
    """A ``requests`` transport adapter that answers Mastodon.py's GETs through our HttpClient."""

    def __init__(self, http: HttpClient) -> None:
        super().__init__()
        self.http = http

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if request.method != "GET":
            raise AuditorError(self.http.where, f"refusing a {request.method} request: auditor only reads")
        got = self.http.get(str(request.url), ok=tuple(range(200, 600)))
        resp = requests.Response()
        resp.status_code = got.status
        resp.headers = CaseInsensitiveDict(got.headers)
        resp._content = got.content
        resp.url = got.url
        resp.encoding = "utf-8"
        resp.reason = ""
        resp.request = request
        return resp

    def close(self) -> None:
        pass


def parse_account(target: str) -> tuple[str, str]:
    """``@user@host``, ``user@host`` or ``https://host/@user`` → (user, host)."""
    target = target.strip()
    m = _ACCT.match(target) or _PROFILE_URL.match(target)
    if not m:
        raise AuditorError(f"mastodon:{target}", "expected @user@host (for example @alice@mastodon.social)")
    if m.re is _PROFILE_URL:
        return m.group(2), m.group(1).lower()
    return m.group(1), m.group(2).lower()


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if value else None


def _acct(account: Any) -> str | None:
    return account.get("acct") if isinstance(account, dict) else None


def plain_status(s: dict) -> dict:
    """The fields the audit needs, JSON-ready (checkpointed between pages; Mastodon.py gives datetimes)."""
    out = {
        "id": str(s.get("id")), "created_at": _iso(s.get("created_at")), "visibility": s.get("visibility"),
        "content": s.get("content") or "", "spoiler_text": s.get("spoiler_text") or "", "url": s.get("url"),
        "uri": s.get("uri"), "language": s.get("language"), "in_reply_to_id": _str(s.get("in_reply_to_id")),
        "sensitive": bool(s.get("sensitive")), "edited_at": _iso(s.get("edited_at")),
        "tags": [t.get("name") for t in s.get("tags") or () if isinstance(t, dict)],
        "media_alt": [m.get("description") for m in s.get("media_attachments") or []
                      if isinstance(m, dict) and m.get("description")],
    }
    quote = s.get("quote")
    if isinstance(quote, dict):  # Mastodon 4.5 quote posts: {"state": …, "quoted_status": Status|null}
        quoted = quote.get("quoted_status") if isinstance(quote.get("quoted_status"), dict) else {}
        out["quote"] = {"id": _str(quoted.get("id")), "url": quoted.get("url") or quoted.get("uri")}
    reblog = s.get("reblog")
    if isinstance(reblog, dict):
        out["reblog"] = {k: v for k, v in plain_status(reblog).items() if k != "reblog"}
        out["reblog"]["account"] = _acct(reblog.get("account"))
    return out


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def status_to_post(s: dict, handle: str, account: str) -> Post:
    """A plain status as a Post: boosts are kind="repost"; private/direct keep no text (counted only)."""
    visibility = s.get("visibility") if s.get("visibility") in ("public", "unlisted", "private", "direct") \
        else "unknown"
    extra: dict[str, Any] = {k: s[k] for k in ("tags", "media_alt", "sensitive", "edited_at") if s.get(k)}
    kind = "post"
    shown_from = s
    if s.get("reblog"):
        kind = "repost"
        shown_from = s["reblog"]
        extra["original_author"] = s["reblog"].get("account")
        extra["original_url"] = s["reblog"].get("url") or s["reblog"].get("uri")
    elif s.get("in_reply_to_id"):
        kind = "reply"
        extra["in_reply_to"] = s["in_reply_to_id"]
    elif s.get("quote"):
        kind = "quote"
        extra["quoted_url"] = s["quote"].get("url")
    body = html_to_text(shown_from.get("content"))
    warning = shown_from.get("spoiler_text") or ""
    shown = f"{warning}\n\n{body}".strip() if warning else body  # a content warning is text people read
    if warning:
        extra["content_warning"] = warning
    if visibility not in ("public", "unlisted"):
        shown = ""  # followers-only and direct messages are never read, only counted
    try:
        created = parse_any_ts(s.get("created_at"))
    except ValueError:
        created, extra["created_at_raw"] = None, str(s.get("created_at"))[:100]
    return Post(id=s["id"], platform="mastodon", author=handle, created_at=created, text=clean_text(shown),
                raw_text=shown, kind=kind, url=shown_from.get("url") or s.get("url") or s.get("uri"),
                lang=shown_from.get("language"), visibility=visibility, account=account, extra=extra)


def _unwrap(where: str, host: str, exc: MastodonError) -> AuditorError:
    """Mastodon.py errors as one-line AuditorErrors (our own transport errors come back unchanged)."""
    if isinstance(exc.__context__, AuditorError):
        return exc.__context__
    if isinstance(exc, MastodonNotFoundError):
        return AuditorError(where, f"no such account on {host}")
    if isinstance(exc, MastodonUnauthorizedError):
        return AuditorError(where, f"{host} shows posts only to signed-in users; ask for the account's "
                                   "archive export (outbox.json) instead")
    detail = next((str(a) for a in reversed(exc.args) if a), type(exc).__name__)
    return AuditorError(where, f"{host} answered with an error ({detail[:120]})")


def read_mastodon(target: str, since: SinceHint | None = None) -> SourceResult:
    """Every public and unlisted status of ``@user@host`` from its home instance; boosts kept apart.
    ``since``: only statuses newer than the stored one (``since_id``; by date if that is no status id)."""
    user, host = parse_account(target)
    handle = f"@{user}@{host}"
    where = f"mastodon:{handle}"
    base = os.environ.get("AUDITOR_MASTODON_BASE", "").rstrip("/") or f"https://{host}"
    with HttpClient(where) as http:
        session = requests.Session()
        session.mount("http://", HttpClientAdapter(http))
        session.mount("https://", HttpClientAdapter(http))
        # ratelimit "throw": our HttpClient already waited (bounded) before Mastodon.py ever sees a 429
        api = Mastodon(api_base_url=base, session=session, ratelimit_method="throw",
                       version_check_mode="none", user_agent=http.config.user_agent)
        try:
            acc = api.account_lookup(user)  # the home instance knows its own users; no WebFinger needed
            acc_id = str(acc["id"])

            since_id = since.post_id if since and since.post_id.isdigit() else None

            def page(cursor: str | None) -> tuple[list[dict], str | None]:
                try:
                    got = api.account_statuses(acc_id, limit=PAGE_SIZE, max_id=cursor, since_id=since_id)
                except MastodonError as exc:
                    raise _unwrap(where, host, exc) from None
                info = api.get_pagination_info(got, "next")
                nxt = info.get("max_id") if info else None
                items = [plain_status(s) for s in got]
                if since is not None and since_id is None:
                    items, stop = since.cut(items, lambda s: since.newer(_when(s)))
                    nxt = None if stop else nxt
                return items, None if nxt is None else str(nxt)

            key = f"mastodon:{host}:{acc_id}" + (f":since:{since.post_id}" if since else "")
            run = http.paginate(key, page, item_id=lambda s: s["id"], label="statuses")
        except MastodonError as exc:
            raise _unwrap(where, host, exc) from None
    account = f"mastodon:{handle}"
    posts = [status_to_post(s, handle, account) for s in run.items]
    notes = list(run.notes)
    declared = acc.get("statuses_count")
    if since is None and isinstance(declared, int) and len(posts) < declared:
        notes.append(f"the profile reports {declared:,} posts; {len(posts):,} are public (followers-only "
                     "posts and direct messages are not published)")
    return SourceResult(platform="mastodon", account=handle, posts=posts,
                        display_name=acc.get("display_name") or None, source=f"mastodon:{target}",
                        notes=notes, newer_than=since, complete=run.complete)


def _when(status: dict) -> datetime | None:
    try:
        return parse_any_ts(status.get("created_at"))
    except ValueError:
        return None


def fetch_parent_texts(posts: list[Post], limit: int = 200) -> None:
    """Fill ``extra["in_reply_to_text"]`` for live Mastodon replies, from the public status API of the home
    server (``GET /api/v1/statuses/:id``, cached). Best effort and bounded: called for flagged replies only,
    so a report shows what they answer; a parent that is gone, private or unreachable stays a link."""
    todo = [p for p in posts if p.platform == "mastodon" and p.kind == "reply"
            and str(p.extra.get("in_reply_to", "")).isdigit() and "in_reply_to_text" not in p.extra
            and str(p.account or "").startswith("mastodon:@")][:limit]
    by_host: dict[str, list[Post]] = {}
    for p in todo:
        try:
            _, host = parse_account(str(p.account).removeprefix("mastodon:"))
        except AuditorError:
            continue
        by_host.setdefault(host, []).append(p)
    for host, replies in by_host.items():
        base = os.environ.get("AUDITOR_MASTODON_BASE", "").rstrip("/") or f"https://{host}"
        with HttpClient(f"mastodon:{host}") as http:
            for p in replies:
                try:
                    status = http.get_json(f"{base}/api/v1/statuses/{p.extra['in_reply_to']}")
                except AuditorError:
                    continue  # gone, private, or the server is down: the report links to it instead
                if isinstance(status, dict) and status.get("visibility") in ("public", "unlisted"):
                    p.extra["in_reply_to_text"] = html_to_text(status.get("content"))
                    p.extra["in_reply_to_url"] = status.get("url") or status.get("uri")


register_live_reader("mastodon", read_mastodon, incremental=True)
