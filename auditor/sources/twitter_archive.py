"""X/Twitter "Download an archive of your data": the zip, its unpacked folder, or a bare tweets.js file.

Only the post files are read (tweets, note tweets, deleted tweets) plus the user's name from manifest.js or
account.js; direct messages, likes and every other file are never opened.
"""

from __future__ import annotations

import html
import posixpath
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from auditor import limits
from auditor.errors import AuditorError
from auditor.post import Post
from auditor.progress import bar
from auditor.sources.archive import ArchiveTree
from auditor.sources.base import SourceResult, register_file_reader
from auditor.sources.exportutil import (
    expand_links,
    head,
    layout_guard,
    load_json,
    make_post,
    open_tree,
    timestamp,
)
from auditor.sources.jsarray import js_array_items
from auditor.textclean import clean_text

PLATFORM = "x"
# Each data file is one JS assignment: ``window.YTD.tweets.part0 = [ … ]`` / ``window.__THAR_CONFIG = { … }``.
_ASSIGNMENT = re.compile(r"^\s*window\.(YTD\.[\w$]+\.part\d+|__THAR_CONFIG)\s*=")
# Post files, old and new names: tweet.js (2020) → tweets.js (2022+), big accounts split into -partN files.
_TWEET_FILE = re.compile(r"(?:^|/)data/tweets?(?:-part\d+)?\.js$")
_TWEET_GLOBAL = re.compile(r"^\s*window\.YTD\.tweets?\.part\d+\s*=")
_NOTE_FILE = re.compile(r"(?:^|/)data/note-tweet(?:-part\d+)?\.js$")
_DELETED_FILE = re.compile(r"(?:^|/)data/deleted-tweets(?:-part\d+)?\.js$")
_DELETED_NOTE_FILE = re.compile(r"(?:^|/)data/deleted-note-tweet(?:-part\d+)?\.js$")
# Quote posts carry no quoted_status: the quoted post is a link to .../<user>/status/<id> in entities.urls.
_STATUS_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)", re.I)
_LEADING_HANDLES = re.compile(r"^(?:@\w+\s+)+")
_URL = re.compile(r"https?://\S+")
_SPACE = re.compile(r"\s+")
_MANIFEST_KEYS = {"tweets": ("tweets", "tweet"), "notes": ("noteTweet",), "deleted": ("deletedTweets",),
                  "deleted_notes": ("deletedNoteTweet",)}
_FALLBACK = {"tweets": _TWEET_FILE, "notes": _NOTE_FILE, "deleted": _DELETED_FILE,
             "deleted_notes": _DELETED_NOTE_FILE}


_TweetFile = tuple[Iterator[dict[str, Any]], bool, str, str, "int | None"]


@dataclass
class _Archive:
    """What was found in one archive: its owner and the raw items of each post file."""

    label: str
    user: str | None = None
    display_name: str | None = None
    # the tweet files, read one item at a time when the posts are made: (items, deleted, where, name, count)
    tweet_files: list[_TweetFile] = field(default_factory=list)
    notes: list[tuple[dict[str, Any], bool, str]] = field(default_factory=list)  # (noteTweet, deleted, where)
    warnings: list[str] = field(default_factory=list)
    protected: list[tuple[datetime, datetime | None]] = field(default_factory=list)  # followers-only spans


# -- sniffing -----------------------------------------------------------------------------------------------

def _data_root(tree: ArchiveTree) -> str | None:
    """The folder holding ``data/`` (``""`` at the archive root), found via manifest.js or a tweets file."""
    names = tree.names()
    for pattern in (re.compile(r"(?:^|/)data/manifest\.js$"), _TWEET_FILE):
        found = sorted((n for n in names if pattern.search(n)), key=len)
        if found:
            return found[0][: found[0].rindex("data/")]
    return None


def sniff(path: Path) -> bool:
    """An X archive (zip or folder with data/manifest.js or data/tweets.js), or a bare tweets.js file."""
    path = Path(path)
    tree = open_tree(path)
    if tree is None:
        return bool(_TWEET_GLOBAL.match(head(path, 256)))
    with tree:
        root = _data_root(tree)
        if root is None:
            return False
        manifest = f"{root}data/manifest.js"
        if manifest in tree.names():
            return tree.read_text(manifest).lstrip().startswith("window.__THAR_CONFIG")
        return any(_TWEET_GLOBAL.match(tree.read_text(n)[:256]) for n in _tweet_files(tree, root))


def _tweet_files(tree: ArchiveTree, root: str) -> list[str]:
    return [n for n in tree.names() if n.startswith(root) and _TWEET_FILE.search(n[len(root):])]


# -- parsing ------------------------------------------------------------------------------------------------

def parse_js(text: str, where: str) -> Any:
    """The JSON value of a ``window.YTD.x.partN = […]`` file, without eval (slice from the first [ or {)."""
    if not _ASSIGNMENT.match(text):
        raise AuditorError(where, "not an X archive data file (no window.YTD… = prefix)")
    starts = [i for i in (text.find("["), text.find("{")) if i >= 0]
    if not starts:
        raise AuditorError(where, "malformed X archive data file (no JSON after the = sign)")
    return load_json(text[min(starts):].rstrip().rstrip(";"), where)


def _items(tree: ArchiveTree, name: str, key: str, streamed: bool = False) -> Iterator[dict[str, Any]]:
    """The objects of one YTD array file in an archive, parsed one at a time as the file is inflated
    (``streamed``: the caller lets each one go, so the member's bytes are not capped, see ArchiveTree)."""
    chunks = tree.iter_bytes(name, streamed=streamed)
    return _unwrap(js_array_items(chunks, f"{tree.label}:{name}", _ASSIGNMENT), key)


def _file_chunks(path: Path) -> Iterator[bytes]:
    """A plain file in chunks (a bare tweets.js, read as a stream: bounded by the posts limit)."""
    try:
        limits.STREAM_BYTES.check(path.stat().st_size, str(path))
        with path.open("rb") as fh:
            while chunk := fh.read(4 << 20):
                yield chunk
    except OSError as exc:
        raise AuditorError(str(path), f"cannot read ({exc.strerror or exc})") from None


def _unwrap(values: Iterable[Any], key: str) -> Iterator[dict[str, Any]]:
    """The ``{"tweet": {…}}`` wrapped objects (2020+) of a YTD array, or bare tweet objects (older)."""
    for item in values:
        if isinstance(item, dict) and isinstance(item.get(key), dict):
            yield item[key]
        elif isinstance(item, dict) and key == "tweet" and ("id_str" in item or "full_text" in item):
            yield item  # pre-2020 archives: bare tweet objects, no {"tweet": …} wrapper


def _manifest_files(manifest: dict[str, Any], kind: str) -> list[tuple[str, int | None]] | None:
    """(fileName, count) for one data type from manifest.js, or None if the manifest does not list it."""
    types = manifest.get("dataTypes")
    if not isinstance(types, dict):
        return None
    for key in _MANIFEST_KEYS[kind]:
        entry = types.get(key)
        if isinstance(entry, dict) and isinstance(entry.get("files"), list):
            out = []
            for f in entry["files"]:
                if isinstance(f, dict) and isinstance(f.get("fileName"), str):
                    count = str(f.get("count", ""))
                    out.append((f["fileName"], int(count) if _digits(count) else None))
            return out
    return None


def _load(tree: ArchiveTree) -> _Archive:
    root = _data_root(tree)
    if not tree.names():
        raise AuditorError(tree.label, "the archive is empty")
    if root is None:
        raise AuditorError(tree.label, "not an X archive (no data/manifest.js or data/tweets.js inside)")
    arc = _Archive(tree.label)
    names = set(tree.names())
    manifest: dict[str, Any] = {}
    if f"{root}data/manifest.js" in names:
        value = parse_js(tree.read_text(f"{root}data/manifest.js"), f"{tree.label}:{root}data/manifest.js")
        manifest = value if isinstance(value, dict) else {}
    info = manifest.get("userInfo") if isinstance(manifest.get("userInfo"), dict) else {}
    arc.user, arc.display_name = _name(info.get("userName")), _name(info.get("displayName"))
    if not arc.user and f"{root}data/account.js" in names:
        accounts = list(_items(tree, f"{root}data/account.js", "account"))
        if accounts:
            arc.user = _name(accounts[0].get("username"))
            arc.display_name = _name(accounts[0].get("accountDisplayName"))
    if isinstance(manifest.get("archiveInfo"), dict) and manifest["archiveInfo"].get("isPartialArchive"):
        arc.warnings.append("The X archive says it is partial: some posts may be missing.")

    def files(kind: str) -> list[tuple[str, int | None]]:
        listed = _manifest_files(manifest, kind)
        pattern = _FALLBACK[kind]
        if listed is not None:  # the manifest enumerates the parts; globbing could miss or add files
            paths = [(posixpath.normpath(root + f), n) for f, n in listed]
            # …but only post files are ever read, whatever it says (never direct-messages.js as "tweets")
            refused = [p for p, _ in paths if not pattern.search(p[len(root):])]
            if refused:
                arc.warnings.append(f"The manifest lists {', '.join(sorted(refused)[:3])} as a post file; "
                                    "not read (only tweets/note-tweet/deleted-tweets files are).")
            return [(p, n) for p, n in paths if pattern.search(p[len(root):])]
        return [(n, None) for n in sorted(names) if n.startswith(root) and pattern.search(n[len(root):])]

    tweet_files = files("tweets")
    if not any(n in names for n, _ in tweet_files):
        raise AuditorError(tree.label, "X archive without any tweets file (data/tweets.js)")
    for kind, key, deleted in (("tweets", "tweet", False), ("deleted", "tweet", True),
                               ("notes", "noteTweet", False), ("deleted_notes", "noteTweet", True)):
        for name, count in files(kind) if kind != "tweets" else tweet_files:
            if name not in names:
                if count:
                    arc.warnings.append(f"{name} is listed in the manifest but missing from the archive.")
                continue
            where = f"{tree.label}:{name}"
            if key == "tweet":  # read later, one tweet at a time
                arc.tweet_files.append((_items(tree, name, key, streamed=True), deleted, where, name, count))
                continue
            items = list(_items(tree, name, key))
            _check_count(arc, name, count, len(items))
            arc.notes.extend((item, deleted, where) for item in items)
    protected = f"{root}data/protected-history.js"
    if protected in names:
        where = f"{tree.label}:{protected}"
        # parsed strictly (not through _unwrap): an unreadable entry must stop the run, not be skipped
        events = list(js_array_items(tree.iter_bytes(protected), where, _ASSIGNMENT))
        arc.protected = protected_periods(events, where)
    return arc


def protected_periods(events: list[Any], where: str) -> list[tuple[datetime, datetime | None]]:
    """``(start, end)`` spans when the account was protected (followers-only); ``end`` None = still is."""
    changes = []
    for item in events:
        # {"protectedHistory": {"protectedAt": …, "action": "Protect"}}; anything unreadable stops the run,
        # since without it nobody can tell which posts were public
        event = item.get("protectedHistory", item) if isinstance(item, dict) else None
        if not isinstance(event, dict):
            raise AuditorError(where, "malformed protection history (an entry is not an object)")
        action = str(event.get("action", "")).strip().lower()
        if action not in ("protect", "unprotect"):
            raise AuditorError(where, f"unknown protection change {str(event.get('action'))[:30]!r}")
        when = timestamp(event.get("protectedAt"), where)
        if when is None:
            raise AuditorError(where, "a protection change without a date")
        changes.append((when, action))
    periods: list[tuple[datetime, datetime | None]] = []
    start = None
    for when, action in sorted(changes):
        if action == "protect" and start is None:
            start = when
        elif action == "unprotect" and start is not None:
            periods.append((start, when))
            start = None
    if start is not None:
        periods.append((start, None))
    return periods


def _mark_protected(posts: list[Post], periods: list[tuple[datetime, datetime | None]]) -> int:
    """Posts written while the account was protected were for followers only: "private", never shown.
    While it still is protected every post is (X hides old posts too); undated posts are "unknown"."""
    if not periods:
        return 0
    still = periods[-1][1] is None
    hidden = 0
    for p in posts:
        if p.created_at is None:
            p.visibility = "unknown"
        elif still or any(start <= p.created_at and (end is None or p.created_at < end)
                          for start, end in periods):
            p.visibility = "private"
        else:
            continue
        hidden += 1
    return hidden


def _check_count(arc: _Archive, name: str, count: int | None, read: int) -> None:
    if count is not None and count != read:
        arc.warnings.append(f"{name}: the manifest announces {count} items, {read} were read.")


# -- tweets to posts ----------------------------------------------------------------------------------------

def _name(value: Any) -> str | None:
    """A user or display name from the archive: text, or nothing (a hostile file may put anything)."""
    return (value.strip() or None) if isinstance(value, str) else None


def _digits(value: str) -> bool:
    """ASCII digits only, of a sensible length ("²" and "٣" are digits to ``str.isdigit`` but not ids)."""
    return value.isascii() and value.isdigit() and len(value) <= 30


def _tweet_id(tweet: dict[str, Any]) -> str | None:
    """``id_str`` always (2018 exports had float ids that lost digits); ``id`` only if it is exact."""
    value = tweet.get("id_str")
    if value is None and isinstance(tweet.get("id"), str | int) and not isinstance(tweet.get("id"), bool):
        value = tweet["id"]
    value = str(value).strip() if value is not None else ""
    return value if _digits(value) else None


def _expand_links(text: str, tweet: dict[str, Any]) -> str:
    """Replace t.co links with the addresses they stand for (entities.urls and .media), each at its span."""
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
    found = [u for key in ("urls", "media") for u in _list(entities.get(key)) if isinstance(u, dict)]
    found.sort(key=lambda u: u["indices"][0] if _start(u.get("indices")) else 0)
    return expand_links(text, ((u.get("url"), u.get("expanded_url"), u.get("indices")) for u in found))


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _start(indices: Any) -> bool:
    """X's ``indices`` hold ``[start, end]`` as numbers, or as digit strings in some archives."""
    if isinstance(indices, list) and indices and isinstance(indices[0], str) and indices[0].isdecimal():
        indices[0] = int(indices[0][:9])
    return isinstance(indices, list) and bool(indices) and type(indices[0]) is int


def _quoted(tweet: dict[str, Any]) -> str | None:
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
    for u in entities.get("urls") or []:
        expanded = u.get("expanded_url") if isinstance(u, dict) else None
        if isinstance(expanded, str) and _STATUS_URL.match(expanded):
            return expanded
    return None


def _kind(tweet: dict[str, Any], text: str) -> str:
    if text.startswith("RT @"):  # retweets are stored as own tweets "RT @user: …", without retweeted_status
        return "repost"
    # Some replies carry only in_reply_to_user_id_str (no status id) and start with the @handle.
    if tweet.get("in_reply_to_status_id_str") or (
        tweet.get("in_reply_to_user_id_str") and text.startswith("@")
    ):
        return "reply"
    return "quote" if _quoted(tweet) else "post"


def _edit_chain(tweet: dict[str, Any], tid: str) -> str:
    """The id shared by all versions of an edited post: edit.initialTweetId, or initial.editTweetIds[0]."""
    info = tweet.get("edit_info") if isinstance(tweet.get("edit_info"), dict) else {}
    edit = info.get("edit") if isinstance(info.get("edit"), dict) else None
    if edit and edit.get("initialTweetId"):
        return str(edit["initialTweetId"])
    initial = info.get("initial") if isinstance(info.get("initial"), dict) else {}
    ids = initial.get("editTweetIds")
    return str(ids[0]) if isinstance(ids, list) and ids else tid


def _norm(text: str) -> str:
    """Text for note matching: no leading @handles, links, trailing ellipsis or spacing differences."""
    text = _URL.sub(" ", _LEADING_HANDLES.sub("", text))
    return _SPACE.sub(" ", text).strip().rstrip("…").strip()


def _join_notes(posts: list[Post], notes: list[tuple[dict[str, Any], bool, str]], user: str | None
                ) -> list[Post]:
    """Give truncated long posts their full note-tweet text; unmatched notes become posts of their own."""
    by_second: dict[Any, list[Post]] = {}
    for p in posts:
        if p.created_at is not None:
            by_second.setdefault(p.created_at.replace(microsecond=0), []).append(p)
    extra_posts = []
    for note, deleted, where in notes:
        core = note.get("core") if isinstance(note.get("core"), dict) else {}
        full = core.get("text")
        if not isinstance(full, str):
            continue
        full = html.unescape(full)  # treated like full_text: HTML-escaped once
        created = timestamp(note.get("createdAt"), where)
        note_norm = _norm(full)
        match = None
        for p in by_second.get(created.replace(microsecond=0), []) if created else []:
            prefix = _norm(p.raw_text)[:120]
            if "note_tweet_id" not in p.extra and prefix and note_norm.startswith(prefix):
                match = p
                break
        note_id = str(note.get("noteTweetId") or "")
        if match is not None:
            # The note omits the leading @reply handles the tweet starts with: keep them.
            handles = _LEADING_HANDLES.match(match.raw_text)
            match.raw_text = (handles.group(0) if handles else "") + full.replace("\r\n", "\n")
            match.text = clean_text(match.raw_text)
            match.extra["note_tweet_id"] = note_id
            by_second[created.replace(microsecond=0)].remove(match)
        elif _digits(note_id):
            extra_posts.append(make_post(
                full, id=note_id, platform=PLATFORM, created_at=created, kind="post", url=_url(user, note_id),
                lang=None, deleted=deleted, extra={"note_tweet_id": note_id, "note_only": True},
                **_owner(user)))
    return posts + extra_posts


def _url(user: str | None, tid: str) -> str:
    return f"https://x.com/{user}/status/{tid}" if user else f"https://x.com/i/web/status/{tid}"


def _owner(user: str | None) -> dict[str, str]:
    """Post.author and Post.account for the archive's owner ("unknown" without manifest or account.js)."""
    return {"author": f"@{user}", "account": f"{PLATFORM}:@{user}"} if user else {
        "author": "unknown", "account": f"{PLATFORM}:unknown"}


def _to_post(tweet: dict[str, Any], deleted: bool, where: str, user: str | None,
             owner: dict[str, str] | None = None) -> Post | None:
    tid = _tweet_id(tweet)
    raw = tweet.get("full_text", tweet.get("text"))
    if tid is None or not isinstance(raw, str):
        return None
    raw = html.unescape(raw)  # full_text is HTML-escaped (&amp; &lt; &gt;): unescape exactly once
    kind = _kind(tweet, raw)
    extra: dict[str, Any] = {}
    if kind == "repost":
        extra["reposted_user"] = raw[4:].split(":", 1)[0]
    if tweet.get("in_reply_to_status_id_str"):
        extra["in_reply_to"] = str(tweet["in_reply_to_status_id_str"])
    if tweet.get("in_reply_to_screen_name"):
        extra["in_reply_to_user"] = tweet["in_reply_to_screen_name"]
    if kind == "quote":
        extra["quoted"] = _quoted(tweet)
    if deleted and tweet.get("deleted_at"):
        deleted_at = timestamp(tweet["deleted_at"], where)
        extra["deleted_at"] = deleted_at.isoformat() if deleted_at else None
    for counter in ("favorite_count", "retweet_count"):
        if isinstance(tweet.get(counter), str | int) and _digits(str(tweet[counter])):
            extra[counter] = int(tweet[counter])
    lang = tweet.get("lang")
    return make_post(
        _expand_links(raw, tweet), id=tid, platform=PLATFORM,
        created_at=timestamp(tweet.get("created_at"), where), kind=kind, url=_url(user, tid),
        lang=sys.intern(lang) if isinstance(lang, str) and lang else None, visibility="public",
        deleted=deleted, extra=extra, **(owner or _owner(user)),  # one copy of each name for every post
    )


def _posts(arc: _Archive) -> list[Post]:
    """Tweets to posts: one per id, only the last version of an edited post, notes joined."""
    latest: dict[str, tuple[int, Post]] = {}
    seen: set[str] = set()
    skipped = superseded = 0
    owner = _owner(arc.user)
    max_posts = limits.POSTS.value  # checked as posts are kept: a streamed file holds nothing else
    for items, deleted, where, name, count in arc.tweet_files:
        read = 0
        with bar(f"Reading {posixpath.basename(name)}", count, "posts") as advance:
            for tweet in items:  # each raw tweet is let go once it is a Post
                read += 1
                if not read % 1000:
                    advance(1000)
                post = _to_post(tweet, deleted, where, arc.user, owner)
                if post is None:
                    skipped += 1
                    continue
                if post.id in seen:
                    continue
                seen.add(post.id)
                chain = _edit_chain(tweet, post.id)
                prev = latest.get(chain)
                if prev is None:
                    if len(latest) >= max_posts:
                        raise limits.POSTS.error(where)
                    latest[chain] = (len(latest), post)
                    continue
                superseded += 1
                # ids grow with time: the highest id in an edit chain is the last version
                keep = post if int(post.id) > int(prev[1].id) else prev[1]
                keep.extra["edited"] = True
                latest[chain] = (prev[0], keep)
        _check_count(arc, name, count, read)
    if skipped:
        arc.warnings.append(f"Items without an id or text, skipped: {skipped}.")
    if superseded:
        arc.warnings.append(f"Earlier versions of edited posts left out (last version kept): {superseded}.")
    posts = [p for _, p in sorted(latest.values(), key=lambda x: x[0])]
    return _join_notes(posts, arc.notes, arc.user)


def read(path: Path) -> SourceResult:
    """All posts of an X archive (deleted ones flagged ``deleted=True``), newest archive format or 2020's."""
    path = Path(path)
    tree = open_tree(path)
    with layout_guard(str(path)):
        if tree is None:  # a bare tweets.js: no manifest, so the account is unknown
            arc = _Archive(str(path))
            items = _unwrap(js_array_items(_file_chunks(path), str(path), _ASSIGNMENT), "tweet")
            arc.tweet_files.append((items, False, str(path), path.name, None))
            posts = _posts(arc)
        else:
            with tree:
                arc = _load(tree)
                posts = _posts(arc)
    hidden = _mark_protected(posts, arc.protected)
    account = f"@{arc.user}" if isinstance(arc.user, str) else "unknown"
    deleted = sum(p.deleted for p in posts)
    notes = list(arc.warnings)
    if deleted:
        notes.append(f"Posts the person deleted, still in the archive (deleted-tweets.js): {deleted}.")
    if hidden:
        notes.append(f"The account was protected (followers-only) for some time (protected-history.js): "
                     f"{hidden} posts from then are counted as not public, never read or shown.")
    return SourceResult(platform=PLATFORM, account=account, posts=posts, display_name=arc.display_name,
                        source=str(path), notes=notes)


register_file_reader("x-archive", sniff, read)
