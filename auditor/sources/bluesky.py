"""Bluesky: a live account (``bsky:<handle|did>``) or a repo export ``.car`` file, as Post records.

Live: handle → DID (``com.atproto.identity.resolveHandle`` on the AppView) → DID document (PLC directory for
``did:plc``, ``/.well-known/did.json`` for ``did:web``) → the ``#atproto_pds`` endpoint → the complete repo
(``com.atproto.sync.getRepo``, a CAR walked through its Merkle Search Tree so each record gets its collection
and rkey). If the repo cannot be fetched, the AppView's ``getAuthorFeed`` is paged instead (with a note: it
can miss posts). Hosts: ``AUDITOR_BSKY_APPVIEW`` (default https://public.api.bsky.app), ``AUDITOR_PLC_URL``
(default https://plc.directory), ``AUDITOR_DIDWEB_BASE`` (replaces ``https://<domain>`` for did:web).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import libipld

from auditor import limits
from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.base import SinceHint, SourceResult, register_file_reader, register_live_reader
from auditor.sources.car import read_car, read_varint
from auditor.sources.http import HttpClient, HttpStatusError
from auditor.textclean import clean_text
from auditor.timeparse import parse_any_ts

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
PROFILE = "app.bsky.actor.profile"
_HANDLE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
_DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]{1,2048}$")
_TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"
_MAX_CAR_HEADER = 4096


def appview_url() -> str:
    return os.environ.get("AUDITOR_BSKY_APPVIEW", "https://public.api.bsky.app").rstrip("/")


def plc_url() -> str:
    return os.environ.get("AUDITOR_PLC_URL", "https://plc.directory").rstrip("/")


# -- records → posts -----------------------------------------------------------------------------------

def _d(value: Any) -> dict:
    """``value`` if it is a JSON object, else an empty one (records and views may hold anything)."""
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list:
    return value if isinstance(value, list) else []


def expand_links(text: str, facets: Any) -> tuple[str, list[str]]:
    """Replace shortened link text by the link facet's full URI. Facet offsets are UTF-8 *byte* offsets."""
    raw = text.encode("utf-8")
    spans, links = [], []
    for facet in _l(facets):
        if not isinstance(facet, dict):
            continue
        index = _d(facet.get("index"))
        start, end = index.get("byteStart"), index.get("byteEnd")
        for feature in _l(facet.get("features")):
            if not isinstance(feature, dict) or feature.get("$type") != "app.bsky.richtext.facet#link":
                continue
            uri = feature.get("uri")
            if not isinstance(uri, str):
                continue
            links.append(uri)
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(raw):
                spans.append((start, end, uri))
    out, pos = [], 0
    for start, end, uri in sorted(spans):
        if start < pos:  # overlapping facets: keep the first
            continue
        out.append(raw[pos:start].decode("utf-8", "replace"))
        out.append(uri)
        pos = end
    out.append(raw[pos:].decode("utf-8", "replace"))
    return "".join(out), links


def tid_time(rkey: str) -> datetime | None:
    """The time inside a TID record key (13 base32-sortable chars: microseconds since 1970, clock id)."""
    if len(rkey) != 13 or any(c not in _TID_CHARS for c in rkey):
        return None
    value = 0
    for c in rkey:
        value = value * 32 + _TID_CHARS.index(c)
    try:
        return datetime.fromtimestamp((value >> 10) / 1e6, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _created(value: Any, rkey: str, extra: dict) -> datetime | None:
    """createdAt is client-declared and messy; unparseable values fall back to the TID's own time."""
    try:
        when = parse_any_ts(value) if isinstance(value, str | int | float) else None
    except ValueError:
        when = None
    if when is None:
        if value:
            extra["created_at_raw"] = str(value)[:100]
        when = tid_time(rkey)
    return when


def post_url(actor: str, uri: str) -> str | None:
    """``at://<did>/app.bsky.feed.post/<rkey>`` → ``https://bsky.app/profile/<actor>/post/<rkey>``."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != POST:
        return None
    return f"https://bsky.app/profile/{actor}/post/{parts[2]}"


def _quoted_uri(embed: Any) -> str | None:
    """The quoted post of an ``embed.record`` / ``embed.recordWithMedia`` (not feeds, lists, packs)."""
    if not isinstance(embed, dict):
        return None
    kind = str(embed.get("$type", "")).split("#")[0]
    rec = embed.get("record")
    if kind == "app.bsky.embed.recordWithMedia" and isinstance(rec, dict):
        rec = rec.get("record")
    elif kind != "app.bsky.embed.record":
        return None
    uri = rec.get("uri") if isinstance(rec, dict) else None
    return uri if isinstance(uri, str) and f"/{POST}/" in uri else None


def record_to_post(record: dict, uri: str, handle: str, account: str) -> Post:
    """One ``app.bsky.feed.post`` record (from the repo or a PostView) as a Post."""
    rkey = uri.rsplit("/", 1)[-1]
    extra: dict[str, Any] = {"uri": uri}
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    shown, links = expand_links(text, record.get("facets"))
    for entity in _l(record.get("entities")):  # 2023 records: deprecated `entities` instead of facets
        if isinstance(entity, dict) and entity.get("type") == "link" and isinstance(entity.get("value"), str):
            links.append(entity["value"])
    embed = record.get("embed")
    if isinstance(embed, dict):
        external = embed.get("external") or _d(embed.get("media")).get("external")
        if isinstance(external, dict) and isinstance(external.get("uri"), str):
            links.append(external["uri"])
            if external.get("title"):
                extra["link_title"] = str(external["title"])
    if links:
        extra["links"] = list(dict.fromkeys(links))
    kind = "post"
    reply = record.get("reply")
    quoted = _quoted_uri(embed)
    if quoted:
        extra["quoted_uri"] = quoted
        kind = "quote"
    if isinstance(reply, dict):
        kind = "reply"
        parent = reply.get("parent")
        if isinstance(parent, dict) and isinstance(parent.get("uri"), str):
            extra["in_reply_to"] = parent["uri"]
    labels = record.get("labels")
    if isinstance(labels, dict) and isinstance(labels.get("values"), list):
        extra["self_labels"] = [v.get("val") for v in labels["values"] if isinstance(v, dict)]
    langs = record.get("langs")
    lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
    created = _created(record.get("createdAt"), rkey, extra)
    return Post(id=uri, platform="bluesky", author=handle, created_at=created,
                text=clean_text(shown), raw_text=shown, kind=kind, url=post_url(handle, uri), lang=lang,
                visibility="public", account=account, extra=extra)


def repost_to_post(record: dict, uri: str, handle: str, account: str) -> Post:
    """An ``app.bsky.feed.repost`` record: someone else's post, kept apart (text filled in if possible)."""
    extra: dict[str, Any] = {"uri": uri}
    subject = record.get("subject") if isinstance(record.get("subject"), dict) else {}
    target = subject.get("uri") if isinstance(subject.get("uri"), str) else ""
    extra["subject_uri"] = target
    did = target.removeprefix("at://").split("/")[0] if target else ""
    return Post(id=uri, platform="bluesky", author=handle,
                created_at=_created(record.get("createdAt"), uri.rsplit("/", 1)[-1], extra), text="",
                raw_text="", kind="repost", url=post_url(did, target) if did else None, visibility="public",
                account=account, extra=extra)


# -- CAR / MST ---------------------------------------------------------------------------------------------

def _link(value: Any) -> bytes | None:
    """A DAG-CBOR link as decoded by libipld (binary CID, with or without the 0x00 prefix), else None."""
    if not isinstance(value, bytes) or len(value) < 4:
        return None
    cid = value[1:] if value[0] == 0 else value
    return cid if cid[0] == 1 else None


def walk_mst(blocks: dict[bytes, Any], root: bytes, where: str) -> Iterator[tuple[str, Any]]:
    """Yield ``(collection/rkey, record)`` in key order by walking the MST from ``root``.

    Node: ``{"l": link|null, "e": [{"p": shared prefix length, "k": key suffix, "v": record link,
    "t": subtree link|null}]}``. Records whose block is missing from the CAR (a partial export) are skipped.
    A tree that loops, is deeper than the limit, lists keys out of order or reaches one record twice is a
    corrupt (or hostile) export: an error, not thousands of copies of one post.
    """
    seen_nodes: set[bytes] = set()
    seen_records: set[bytes] = set()
    max_depth, max_records = limits.MST_DEPTH.int_value, limits.CAR_RECORDS.int_value
    last_key = b""

    def node_items(cid: bytes, depth: int) -> Iterator[tuple[str, Any]]:
        nonlocal last_key
        if depth > max_depth:
            raise limits.MST_DEPTH.error(where, depth)
        if cid in seen_nodes:
            raise AuditorError(where, "the repository tree loops (corrupt export)")
        seen_nodes.add(cid)
        node = blocks.get(cid)
        if node is None:
            return
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            raise AuditorError(where, "the repository tree has a malformed node (corrupt export)")
        left = _link(node.get("l"))
        if left is not None:
            yield from node_items(left, depth + 1)
        key = b""
        for entry in node["e"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("k"), bytes):
                raise AuditorError(where, "the repository tree has a malformed entry (corrupt export)")
            prefix = entry.get("p") if type(entry.get("p")) is int else 0
            key = key[:prefix] + entry["k"]
            if key <= last_key:
                raise AuditorError(where, "the repository tree lists its keys out of order (corrupt export)")
            last_key = key
            value = _link(entry.get("v"))
            if value is not None and value in blocks:
                if value in seen_records:
                    raise AuditorError(where, "the repository tree reaches one record twice (corrupt export)")
                seen_records.add(value)
                if len(seen_records) > max_records:
                    raise limits.CAR_RECORDS.error(where)
                yield key.decode("utf-8", "replace"), blocks[value]
            sub = _link(entry.get("t"))
            if sub is not None:
                yield from node_items(sub, depth + 1)

    yield from node_items(root, 0)


def read_repo(data: bytes, where: str) -> tuple[str, list[tuple[str, str, dict]]]:
    """Decode a repo CAR (every block checked against its CID); the DID and ``(collection, rkey, record)``
    for every record found."""
    root, blocks = read_car(data, where)
    commit = blocks.get(root)
    if not isinstance(commit, dict) or _link(commit.get("data")) is None:
        raise AuditorError(where, "the repository export has no commit (not a repo CAR?)")
    did = commit.get("did") if isinstance(commit.get("did"), str) else ""
    records = []
    for path, record in walk_mst(blocks, _link(commit["data"]), where):
        collection, _, rkey = path.partition("/")
        if isinstance(record, dict):
            records.append((collection, rkey, record))
    return did, records


def repo_posts(did: str, records: list[tuple[str, str, dict]], handle: str, account: str
               ) -> tuple[list[Post], str | None]:
    """Posts and reposts from repo records (other collections ignored), plus the profile's display name."""
    posts, display = [], None
    for collection, rkey, record in records:
        uri = f"at://{did}/{collection}/{rkey}"
        kind = record.get("$type") or collection  # filter on $type; fall back to the MST path
        if kind == POST:
            posts.append(record_to_post(record, uri, handle, account))
        elif kind == REPOST:
            posts.append(repost_to_post(record, uri, handle, account))
        elif kind == PROFILE and rkey == "self" and isinstance(record.get("displayName"), str):
            display = record["displayName"] or None
    posts.sort(key=lambda p: p.created_at or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
    return posts, display


# -- local .car file ------------------------------------------------------------------------------------

def sniff_car(path: Path) -> bool:
    """A CAR v1 file: a varint-prefixed DAG-CBOR header ``{"version": 1, "roots": [...]}``."""
    if not path.is_file():
        return False
    with open(path, "rb") as fh:
        head = fh.read(_MAX_CAR_HEADER + 10)
    try:
        length, i = read_varint(head[:4], 0)
    except ValueError:
        return False
    if not 0 < length <= _MAX_CAR_HEADER or i + length > len(head):
        return False
    try:
        header = libipld.decode_dag_cbor(head[i:i + length])
    except (ValueError, RecursionError):
        return False
    return isinstance(header, dict) and header.get("version") == 1 and isinstance(header.get("roots"), list)


def read_car_file(path: Path) -> SourceResult:
    """A repo export saved by the user (Settings › Export my data, or getRepo). Offline: the DID stands in
    for the handle."""
    where = str(path)
    try:
        limits.FILE_BYTES.check(Path(path).stat().st_size, where)  # before reading, not after
        data = Path(path).read_bytes()
    except OSError as exc:
        raise AuditorError(where, f"cannot read ({exc.strerror or exc})") from None
    did, records = read_repo(data, where)
    if not did:
        raise AuditorError(where, "the repository export names no account (commit without a DID)")
    posts, display = repo_posts(did, records, did, f"bluesky:{did}")
    notes = []
    reposts = sum(p.kind == "repost" for p in posts)
    if reposts:
        notes.append(f"{reposts:,} reposts read from an offline export: the reposted text is not in the file")
    return SourceResult(platform="bluesky", account=did, posts=posts, display_name=display, source=where,
                        notes=notes)


# -- live --------------------------------------------------------------------------------------------------

def _xrpc_error(exc: HttpStatusError) -> str:
    body = exc.json()
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or "")
    return ""


def resolve_did(http: HttpClient, actor: str) -> str:
    if actor.startswith("did:"):
        return actor
    try:
        data = http.get_json(f"{appview_url()}/xrpc/com.atproto.identity.resolveHandle", {"handle": actor})
    except HttpStatusError as exc:
        if exc.status in (400, 404):
            raise AuditorError(http.where, "no such Bluesky account (the handle does not resolve)") from None
        raise
    did = data.get("did") if isinstance(data, dict) else None
    if not isinstance(did, str) or not _DID.match(did):
        raise AuditorError(http.where, "the handle resolved to something that is not a DID")
    return did


def did_document(http: HttpClient, did: str) -> dict:
    if did.startswith("did:plc:"):
        url = f"{plc_url()}/{did}"
    elif did.startswith("did:web:"):
        domain = did.removeprefix("did:web:").replace("%3A", ":")
        base = os.environ.get("AUDITOR_DIDWEB_BASE", "").rstrip("/") or f"https://{domain}"
        url = f"{base}/.well-known/did.json"
    else:
        raise AuditorError(http.where, f"unsupported DID method in {did}")
    doc = http.get_json(url)
    if not isinstance(doc, dict):
        raise AuditorError(http.where, "the DID document is not a JSON object")
    return doc


def pds_endpoint(doc: dict) -> str | None:
    for service in _l(doc.get("service")):
        if isinstance(service, dict) and str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                return endpoint.rstrip("/")
    return None


def doc_handle(doc: dict) -> str | None:
    for aka in _l(doc.get("alsoKnownAs")):
        if isinstance(aka, str) and aka.startswith("at://"):
            return aka.removeprefix("at://")
    return None


def _feed_item_id(item: dict) -> str:
    post = _d(item.get("post"))
    reason = _d(item.get("reason"))
    if isinstance(reason, dict) and str(reason.get("$type", "")).endswith("#reasonRepost"):
        by = _d(reason.get("by")).get("did", "")
        return str(reason.get("uri") or f"repost:{by}:{post.get('uri')}")
    return str(post.get("uri"))


def feed_posts(items: list[dict], did: str, handle: str, account: str) -> list[Post]:
    """FeedViewPosts → Posts. Reposts (``reason`` #reasonRepost) carry someone else's post: kind="repost"."""
    posts: list[Post] = []
    for item in items:
        post = item.get("post") if isinstance(item, dict) else None
        if not isinstance(post, dict) or not isinstance(post.get("record"), dict):
            continue
        uri = str(post.get("uri", ""))
        author = _d(post.get("author"))
        reason = _d(item.get("reason"))
        if isinstance(reason, dict) and str(reason.get("$type", "")).endswith("#reasonRepost"):
            by = author.get("handle") or author.get("did", "")
            original = record_to_post(post["record"], uri, by, account)
            extra = {"subject_uri": uri, "original_author": author.get("handle") or author.get("did")}
            posts.append(Post(id=_feed_item_id(item), platform="bluesky", author=handle,
                              created_at=_created(reason.get("indexedAt"), "", extra) or original.created_at,
                              text=original.text, raw_text=original.raw_text, kind="repost", url=original.url,
                              lang=original.lang, visibility="public", account=account, extra=extra))
        elif author.get("did") == did:
            own = record_to_post(post["record"], uri, handle, account)
            parent_text = _d(_d(_d(item.get("reply")).get("parent")).get("record")).get("text")
            if own.kind == "reply" and isinstance(parent_text, str):
                own.extra["in_reply_to_text"] = parent_text  # the feed carries the post it answers
            quoted_text = _d(_d(_d(post.get("embed")).get("record")).get("value")).get("text")
            if own.kind == "quote" and isinstance(quoted_text, str):
                own.extra["quoted_text"] = quoted_text
            posts.append(own)
    return posts


def _newer(since: SinceHint, uri: str, created: Any) -> bool:
    """Whether a record is newer than the stored post: by record key (TIDs sort by time), else by date."""
    hint, rkey = since.post_id.rsplit("/", 1)[-1], uri.rsplit("/", 1)[-1]
    if tid_time(hint) is not None and tid_time(rkey) is not None:
        return rkey > hint
    return since.newer(_created(created, rkey, {}))


def _newer_records(http: HttpClient, pds: str, did: str, since: SinceHint) -> list[tuple[str, str, dict]]:
    """Posts and reposts newer than the stored one from the PDS (``com.atproto.repo.listRecords``, newest
    first): paging stops at the first record not newer. ``(collection, rkey, record)`` as ``read_repo``."""
    url = f"{pds}/xrpc/com.atproto.repo.listRecords"
    out: list[tuple[str, str, dict]] = []
    for collection in (POST, REPOST):
        def page(cursor: str | None, collection: str = collection) -> tuple[list[dict], str | None]:
            data = http.get_json(url, {"repo": did, "collection": collection, "limit": 100, "cursor": cursor})
            if not isinstance(data, dict) or not isinstance(data.get("records"), list):
                raise AuditorError(http.where, "listRecords answered in an unexpected shape")
            records = [r for r in data["records"] if isinstance(r, dict) and isinstance(r.get("uri"), str)
                       and isinstance(r.get("value"), dict)]
            records, stop = since.cut(records, lambda r: _newer(since, r["uri"], r["value"].get("createdAt")))
            cur = data.get("cursor")
            return records, None if stop or not isinstance(cur, str) or not cur else cur

        run = http.paginate(f"bsky-records:{did}:{collection}:since:{since.post_id}", page,
                            item_id=lambda r: r["uri"], label=f"new {collection.rsplit('.', 1)[-1]}s")
        out += [(collection, r["uri"].rsplit("/", 1)[-1], r["value"]) for r in run.items]
    return out


def _fetch_feed(http: HttpClient, did: str, since: SinceHint | None = None) -> tuple[list[dict], list[str]]:
    url = f"{appview_url()}/xrpc/app.bsky.feed.getAuthorFeed"

    def newer(item: dict) -> bool:
        record = _d(_d(item.get("post")).get("record"))
        created = _d(item.get("reason")).get("indexedAt") or record.get("createdAt")
        return since is None or _newer(since, _feed_item_id(item), created)

    def page(cursor: str | None) -> tuple[list[dict], str | None]:
        params = {"actor": did, "limit": 100, "cursor": cursor, "filter": "posts_with_replies"}
        try:
            data = http.get_json(url, params)
        except HttpStatusError as exc:  # e.g. 400 "Profile not found" for a deactivated or taken-down account
            why = _xrpc_error(exc) or f"HTTP {exc.status}"
            problem = f"neither the repository nor the public feed can be read ({why})"
            raise AuditorError(http.where, problem) from None
        if not isinstance(data, dict) or not isinstance(data.get("feed"), list):
            raise AuditorError(http.where, "getAuthorFeed answered in an unexpected shape")
        cur = data.get("cursor")
        items, stop = [i for i in data["feed"] if isinstance(i, dict)], False
        if since is not None:  # newest first: stop at the first item already stored
            items, stop = since.cut(items, newer)
        return items, cur if isinstance(cur, str) and cur and not stop else None

    key = f"bsky-feed:{did}" + (f":since:{since.post_id}" if since else "")
    run = http.paginate(key, page, item_id=_feed_item_id, label="feed items")
    return run.items, run.notes


def _hydrate_reposts(http: HttpClient, posts: list[Post]) -> list[str]:
    """Fill in the text of reposted posts from the AppView (``getPosts``, 25 at a time); best effort."""
    reposts = [p for p in posts if p.kind == "repost" and not p.text and p.extra.get("subject_uri")]
    missing = 0
    for i in range(0, len(reposts), 25):
        batch = reposts[i:i + 25]
        try:
            data = http.get_json(f"{appview_url()}/xrpc/app.bsky.feed.getPosts",
                                 {"uris": [p.extra["subject_uri"] for p in batch]})
        except AuditorError:
            missing += len(batch)
            continue
        found = _d(data).get("posts")
        views = {_d(v).get("uri"): _d(v) for v in (found if isinstance(found, list) else [])}
        for p in batch:
            view = views.get(p.extra["subject_uri"])
            if not view or not isinstance(view.get("record"), dict):
                missing += 1
                continue
            by = str(_d(view.get("author")).get("handle", ""))
            original = record_to_post(view["record"], p.extra["subject_uri"], by, "")
            p.text, p.raw_text, p.lang = original.text, original.raw_text, original.lang
            p.extra["original_author"] = by or None
    return [f"{missing:,} reposted posts could not be fetched (deleted or hidden)"] if missing else []


def _hydrate_context(http: HttpClient, posts: list[Post]) -> None:
    """Fetch the text of the posts replies answer and quotes quote (others' posts; best effort, 25 a call).

    Stored as ``extra["in_reply_to_text"]`` / ``extra["quoted_text"]`` for the report; never classified.
    """
    own = {p.id for p in posts}
    wanted: dict[str, list[tuple[Post, str]]] = {}
    for p in posts:
        for ref_key, text_key in (("in_reply_to", "in_reply_to_text"), ("quoted_uri", "quoted_text")):
            ref = p.extra.get(ref_key)
            if not isinstance(ref, str) or ref in own or text_key in p.extra:
                continue
            if ref.startswith("at://"):
                wanted.setdefault(ref, []).append((p, text_key))
    uris = list(wanted)
    for i in range(0, len(uris), 25):
        try:
            data = http.get_json(f"{appview_url()}/xrpc/app.bsky.feed.getPosts", {"uris": uris[i:i + 25]})
        except AuditorError:
            continue  # the report then links to the post instead of quoting it
        found = _d(data).get("posts")
        for view in found if isinstance(found, list) else []:
            text = _d(_d(view).get("record")).get("text")
            for p, text_key in wanted.get(_d(view).get("uri"), []):
                if isinstance(text, str):
                    p.extra[text_key] = text


def read_bsky(target: str, since: SinceHint | None = None) -> SourceResult:
    """``bsky:<handle|did>``: the complete repo from the account's PDS; the AppView feed as fallback.
    ``since``: only records newer than the stored post (the PDS's listRecords, else the feed)."""
    actor = target.strip().removeprefix("@")
    actor = actor if actor.startswith("did:") else actor.lower()
    where = f"bsky:{actor}"
    if not (_DID.match(actor) or _HANDLE.match(actor)):
        raise AuditorError(where, "not a Bluesky handle (alice.bsky.social) or DID (did:plc:…)")
    with HttpClient(where) as http:
        did = resolve_did(http, actor)
        handle = actor if not actor.startswith("did:") else did
        notes: list[str] = []
        display = None
        complete = True
        try:
            doc = did_document(http, did)
            handle = doc_handle(doc) or handle
            account = f"bluesky:{handle}"  # Post.account = "<platform>:<SourceResult.account>", as elsewhere
            pds = pds_endpoint(doc)
            if pds is None:
                raise AuditorError(where, "the DID document names no #atproto_pds service")
            if since is not None:
                try:
                    posts, display = repo_posts(did, _newer_records(http, pds, did, since), handle, account)
                except AuditorError as exc:
                    notes.append(f"new records could not be listed ({exc.problem}); fetched the whole "
                                 "repository instead")
                    since = None
            if since is None:
                repo_url = f"{pds}/xrpc/com.atproto.sync.getRepo"
                car = http.get(repo_url, {"did": did}, expect_json=False).content
                repo_did, records = read_repo(car, where)
                if repo_did != did:
                    problem = f"the PDS sent the repository of {repo_did or 'no one'}, not {did}"
                    raise AuditorError(where, problem)
                posts, display = repo_posts(did, records, handle, account)
            notes += _hydrate_reposts(http, posts)
            _hydrate_context(http, posts)
        except AuditorError as exc:
            notes.append(f"the full repository could not be read ({exc.problem}); used the public author "
                         "feed instead, which can miss posts")
            account = f"bluesky:{handle}"
            items, feed_notes = _fetch_feed(http, did, since)
            notes += feed_notes
            posts = feed_posts(items, did, handle, account)
            complete = False  # the public feed can end early or omit posts
        profile = _profile(http, did)
        shown_name = _d(profile).get("displayName")
        display = display or (shown_name if isinstance(shown_name, str) and shown_name else None)
        declared = _d(profile).get("postsCount")
        authored = sum(p.kind != "repost" for p in posts)
        if since is None and isinstance(declared, int) and authored < declared:
            notes.append(f"the profile reports {declared:,} posts; {authored:,} could be read")
    return SourceResult(platform="bluesky", account=handle, posts=posts, display_name=display,
                        source=f"bsky:{target}", notes=notes, newer_than=since, complete=complete)


def _profile(http: HttpClient, did: str) -> dict | None:
    try:
        data = http.get_json(f"{appview_url()}/xrpc/app.bsky.actor.getProfile", {"actor": did})
    except AuditorError:
        return None
    return data if isinstance(data, dict) else None


register_live_reader("bsky", read_bsky, incremental=True)
register_file_reader("bluesky-car", sniff_car, read_car_file)
