"""Mastodon account archive: the .zip (2023+) or .tar.gz, its unpacked folder, or a bare outbox.json."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.base import SourceResult, register_file_reader
from auditor.sources.exportutil import (
    head,
    layout_guard,
    load_json,
    make_post,
    member_head,
    open_tree,
    read_file_text,
    timestamp,
    tree_has,
)
from auditor.sources.htmltext import html_to_text

PLATFORM = "mastodon"
_PUBLIC = frozenset({"as:Public", "Public", "https://www.w3.org/ns/activitystreams#Public"})
_AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


def _keep_full_items(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook: some exports write ``"orderedItems":[]`` and then the real ``"orderedItems":[…]``
    (mastodon#31091); keep the non-empty one whatever the order. Other duplicate keys: last one wins."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key == "orderedItems" and key in out and out[key] and not value:
            continue
        out[key] = value
    return out


def _is_outbox_text(text: str) -> bool:
    return _AS_CONTEXT in text and ("OrderedCollection" in text or '"orderedItems"' in text)


def sniff(path: Path) -> bool:
    """An ActivityStreams outbox by content, or an archive holding one."""
    if Path(path).is_file() and _is_outbox_text(head(path)):
        return True

    def has_outbox(tree: Any) -> bool:
        return any(_is_outbox_text(member_head(tree, n, 64 * 1024)) for n in tree.find("outbox.json"))

    return tree_has(path, has_outbox)


def read(path: Path) -> SourceResult:
    """Every Create (Note/Question) and Announce in the outbox, with visibility derived from to/cc."""
    path = Path(path)
    actor: dict[str, Any] = {}
    tree = open_tree(path)
    if tree is None:
        where = str(path)
        outbox = load_json(read_file_text(path), where, _keep_full_items)
        sibling = path.with_name("actor.json")  # a bare outbox.json next to its actor.json, as unpacked
        if sibling.is_file() and sibling != path:
            found = load_json(read_file_text(sibling), str(sibling))
            actor = found if isinstance(found, dict) else {}
    else:
        with tree:
            names = tree.find("outbox.json")
            if not names:
                raise AuditorError(str(path), "no outbox.json in this Mastodon archive")
            name = min(names, key=len)  # the top-level one
            where = f"{path}:{name}"
            outbox = load_json(tree.read_text(name), where, _keep_full_items)
            actor_name = posixpath.join(posixpath.dirname(name), "actor.json")
            if actor_name in tree.names():
                found = load_json(tree.read_text(actor_name), f"{path}:{actor_name}")
                actor = found if isinstance(found, dict) else {}
    items = outbox.get("orderedItems") if isinstance(outbox, dict) else None
    if not isinstance(items, list):
        raise AuditorError(where, "not a Mastodon outbox (no orderedItems list)")
    # totalItems is not trusted (it differs from the real count in real exports); we count what is there.
    with layout_guard(where):
        actor_uri = str(actor.get("id") or _first_actor(items) or "")
        account = _handle(actor, actor_uri)
        posts: list[Post] = []
        skipped: Counter[str] = Counter()
        for item in items:
            post = _activity_to_post(item, account, actor_uri, where)
            if post is None:
                skipped[str(item.get("type") if isinstance(item, dict) else type(item).__name__)] += 1
            else:
                posts.append(post)
    return SourceResult(
        platform=PLATFORM,
        account=account,
        posts=posts,
        display_name=(actor.get("name") or None) if isinstance(actor.get("name"), str) else None,
        source=str(path),
        notes=_notes(posts, skipped),
    )


def _first_actor(items: list[Any]) -> str | None:
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("actor"), str):
            return item["actor"]
    return None


def _handle(actor: dict[str, Any], actor_uri: str) -> str:
    """``@user@host`` from actor.json, else from the actor URI (``https://host/users/user``)."""
    host = urlsplit(str(actor.get("url") or actor_uri)).hostname or ""
    user = actor.get("preferredUsername") or actor_uri.rstrip("/").rsplit("/", 1)[-1]
    if user and host:
        return f"@{user}@{host}"
    return f"@{user}" if user else "unknown"


def _status_id(uri: str) -> str:
    """The status number at the end of an object/activity URI (``…/statuses/123/activity`` → ``123``)."""
    parts = [p for p in urlsplit(uri).path.split("/") if p]
    if parts and parts[-1] == "activity":
        parts.pop()
    return parts[-1] if parts else uri


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def visibility(to: Any, cc: Any, actor_uri: str) -> str:
    """Public in ``to`` → public; in ``cc`` → unlisted; followers in ``to`` → private; else direct."""
    to_list, cc_list = _as_list(to), _as_list(cc)
    if _PUBLIC & set(to_list):
        return "public"
    if _PUBLIC & set(cc_list):
        return "unlisted"
    followers = f"{actor_uri.rstrip('/')}/followers" if actor_uri else None
    if any(t == followers or t.endswith("/followers") for t in to_list):
        return "private"
    return "direct"


def _lang(content_map: Any) -> str | None:
    """Primary language subtag of the first contentMap key (``zhCn`` → ``zh``, ``pt-BR`` → ``pt``)."""
    if not isinstance(content_map, dict) or not content_map:
        return None
    key = str(next(iter(content_map)))
    primary = re.split(r"[-_]|(?<=[a-z])(?=[A-Z])", key, maxsplit=1)[0].lower()
    return primary or None


def _note_text(obj: dict[str, Any]) -> str:
    """CW summary, then the body (contentMap preferred), then poll options, as one display text."""
    content_map = obj.get("contentMap")
    html = next(iter(content_map.values()), None) if isinstance(content_map, dict) and content_map else None
    if not isinstance(html, str):
        html = obj.get("content") if isinstance(obj.get("content"), str) else ""
    body = html_to_text(html)
    parts = []
    summary = obj.get("summary")
    if isinstance(summary, str) and summary.strip():
        parts.append(html_to_text(summary) if "<" in summary else summary.strip())
    if body:
        parts.append(body)
    options = obj.get("oneOf") or obj.get("anyOf") or []
    names = [o["name"] for o in options if isinstance(o, dict) and isinstance(o.get("name"), str)]
    if names:
        parts.append("\n".join(f"- {n}" for n in names))
    return "\n\n".join(parts)


def _activity_to_post(item: Any, account: str, actor_uri: str, where: str) -> Post | None:
    if not isinstance(item, dict):
        return None
    kind_of = item.get("type")
    actor = str(item.get("actor") or actor_uri)
    vis = visibility(item.get("to"), item.get("cc"), actor)
    common = {"platform": PLATFORM, "author": account, "account": f"{PLATFORM}:{account}"}
    if kind_of == "Announce":
        # A boost: the export holds only the boosted post's address, never its text.
        target = item.get("object")
        if isinstance(target, dict):  # some servers embed the boosted object; the export uses a bare URI
            target = target.get("id")
        target = target if isinstance(target, str) else ""
        return make_post(
            target, text="", id=_status_id(str(item.get("id") or target)), kind="repost",
            created_at=timestamp(item.get("published"), where), url=target or None, visibility=vis,
            extra={"boosted": target}, **common,
        )
    obj = item.get("object")
    if kind_of != "Create" or not isinstance(obj, dict) or obj.get("type") not in ("Note", "Question",
                                                                                  "Article", "Page"):
        return None
    vis = visibility(obj.get("to", item.get("to")), obj.get("cc", item.get("cc")), actor)
    quote = obj.get("quote") or obj.get("quoteUri") or obj.get("quoteUrl") or obj.get("_misskey_quote")
    kind = "reply" if obj.get("inReplyTo") else "quote" if quote else "post"
    extra: dict[str, Any] = {"sensitive": bool(obj.get("sensitive"))}
    optional = {"in_reply_to": obj.get("inReplyTo"), "quoted": quote, "edited": obj.get("updated"),
                "poll": obj.get("type") == "Question"}
    extra.update({k: v for k, v in optional.items() if v})
    attachments = obj.get("attachment")
    if isinstance(attachments, list) and attachments:
        extra["attachments"] = len(attachments)
    uri = str(obj.get("id") or item.get("id") or "")
    url = obj.get("url") if isinstance(obj.get("url"), str) else uri or None
    return make_post(
        _note_text(obj), id=_status_id(uri), kind=kind, url=url, lang=_lang(obj.get("contentMap")),
        created_at=timestamp(obj.get("published") or item.get("published"), where), visibility=vis,
        extra=extra, **common,
    )


def _notes(posts: list[Post], skipped: Counter) -> list[str]:
    notes = []
    boosts = sum(1 for p in posts if p.kind == "repost")
    if boosts:
        notes.append(f"{boosts} boosts: the export holds only the boosted posts' addresses, so they are "
                     "counted as reposts but cannot be assessed.")
    hidden = Counter(p.visibility for p in posts if not p.auditable)
    if hidden:
        parts = [f"{n} {label}" for n, label in ((hidden["direct"], "direct messages"),
                                                 (hidden["private"], "followers-only posts")) if n]
        notes.append(f"{' and '.join(parts)} are in the export; counted, but never classified or shown.")
    if skipped:
        notes.append("Skipped activities without post content: "
                     + ", ".join(f"{n} {t}" for t, n in sorted(skipped.items())) + ".")
    return notes


register_file_reader("mastodon-archive", sniff, read)
