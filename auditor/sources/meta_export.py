"""Meta exports ("Download your information", JSON): Facebook posts and comments, Instagram posts, Threads.

Files are found by name pattern, whatever the folder layout of the export's era. Only post and comment
files (and the owner's name) are read: messages and everything else in the export are never opened.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from auditor import limits
from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources.archive import ArchiveTree
from auditor.sources.base import SourceResult, register_file_reader
from auditor.sources.exportutil import (
    head,
    layout_guard,
    load_json,
    make_post,
    member_head,
    open_tree,
    read_file_text,
    stable_id,
    timestamp,
    tree_has,
)

# posts/your_posts_1.json (≤2022), …/your_posts__check_ins__photos_and_videos_1.json (2023+), _2, _3…
FB_POSTS = "your_posts*.json"
FB_COMMENTS = "comments.json"
IG_POSTS = "posts_*.json"
THREADS = "threads_and_replies.json"
PROFILE_FILES = ("profile_information.json", "personal_information.json")
# The export does not record each post's audience. Posts and comments are things published to a timeline or
# profile (messages are never read), so they are audited; the report says so in a note.
VISIBILITY = "public"
# English titles only: other export languages fall back to "post" (the text is still read and audited).
_OTHERS_TIMELINE = re.compile(r"\bwrote on .+'s? (timeline|wall)\b", re.IGNORECASE)
_SHARED = re.compile(r"\bshared\b", re.IGNORECASE)
_FB_LIST_START = re.compile(r'^\s*\[\s*\{\s*"(timestamp|data|attachments|title|tags)"')
_IG_LIST_START = re.compile(r'^\s*\[\s*\{\s*"(media|title|creation_timestamp)"')


def fix_mojibake(text: str) -> str:
    """Meta writes UTF-8 bytes as \\u00XX escapes (ðŸ˜‚ for 😂): re-decode; correct strings are left alone."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _shallow(doc: Any, where: str) -> Any:
    """The document, if nested no deeper than the JSON depth limit (``_fix_all`` recurses through it)."""
    limits.check_json_depth(doc, where)
    return doc


def _fix_all(value: Any) -> Any:
    """fix_mojibake on every string of a parsed JSON document (text, titles, names, attachments)."""
    if isinstance(value, str):
        return fix_mojibake(value)
    if isinstance(value, list):
        return [_fix_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _fix_all(v) for k, v in value.items()}
    return value


def _file_kind(text_head: str) -> str | None:
    """Which Meta file this is, by content first (renamed files), then by the export's file names."""
    if '"text_post_app_text_posts"' in text_head:
        return "threads"
    if '"comments_v2"' in text_head or re.match(r'^\s*\{\s*"comments"\s*:', text_head):
        return "fb_comments"
    if _FB_LIST_START.match(text_head):
        return "fb_posts"
    if _IG_LIST_START.match(text_head) and '"creation_timestamp"' in text_head:
        return "ig_posts"
    return None


def sniff(path: Path) -> bool:
    """A Meta post/comment JSON by content, or an export holding one."""
    if Path(path).is_file() and _file_kind(head(path, 8192)):
        return True
    return tree_has(path, lambda t: any(_file_kind(member_head(t, n, 8192)) for n in _candidates(t)))


def _candidates(tree: ArchiveTree) -> list[str]:
    return tree.find(FB_POSTS, FB_COMMENTS, IG_POSTS, THREADS)


def read(path: Path) -> SourceResult:
    """Posts and comments from every matching file; mojibake repaired in every string."""
    path = Path(path)
    files: list[tuple[str, str]] = []  # (where, json text)
    owner: dict[str, str] = {}
    tree = open_tree(path)
    if tree is None:
        files.append((str(path), read_file_text(path)))
    else:
        with tree:
            files = [(f"{path}:{n}", tree.read_text(n)) for n in _candidates(tree)]
            owner = _owner(tree)
    reader = _Reader(owner)
    for where, text in files:
        kind = _file_kind(text[:8192])
        if kind is None:
            continue  # e.g. a comments.json that is not Facebook's
        doc = _fix_all(_shallow(load_json(text, where), where))
        with layout_guard(where):
            reader.read_file(kind, doc, where)
    if not reader.posts and not reader.stubs:
        raise AuditorError(str(path), "no Facebook, Instagram or Threads posts found in this export")
    return reader.result(str(path))


def _owner(tree: ArchiveTree) -> dict[str, str]:
    """The account owner's name/username from the profile files, if present (other fields are not kept)."""
    found: dict[str, str] = {}
    for name in tree.find(*PROFILE_FILES):
        try:
            doc = _fix_all(_shallow(load_json(tree.read_text(name), name), name))
            _owner_names(doc, found)
        except (AuditorError, AttributeError, TypeError):
            continue  # the name is a nicety; a broken profile file must not stop the audit
    return found


def _owner_names(doc: Any, found: dict[str, str]) -> None:
    """Facebook ``profile_v2.name.full_name``; Instagram ``profile_user[].string_map_data`` Username/Name."""
    if not isinstance(doc, dict):
        return
    profile = doc.get("profile_v2") or doc.get("profile")
    name_info = profile.get("name") if isinstance(profile, dict) else None
    full = name_info.get("full_name") if isinstance(name_info, dict) else None
    if isinstance(full, str) and full.strip():
        found.setdefault("facebook_name", full.strip())
    for user in doc.get("profile_user") or []:
        data = user.get("string_map_data") or {}
        for key, field in (("Username", "ig_username"), ("Name", "ig_name")):
            value = (data.get(key) or {}).get("value")
            if isinstance(value, str) and value.strip():
                found.setdefault(field, value.strip())


class _Reader:
    """Collects Posts across the export's files, keeping ids unique and counting skipped stubs."""

    def __init__(self, owner: dict[str, str]) -> None:
        self.owner = owner
        self.posts: list[Post] = []
        self.stubs = 0
        self._ids: Counter[str] = Counter()

    def account(self, platform: str) -> str:
        if platform == "facebook":
            return self.owner.get("facebook_name") or self.owner.get("comment_author") or "Facebook user"
        username = self.owner.get("ig_username")
        return f"@{username}" if username else f"{platform.capitalize()} user"

    def add(self, platform: str, raw: str, kind: str, when: Any, where: str, extra: dict[str, Any],
            text: str | None = None) -> None:
        created = timestamp(when, where)
        base = stable_id(platform, when, raw, extra.get("title", ""))  # the export has no post ids
        self._ids[base] += 1
        post_id = base if self._ids[base] == 1 else f"{base}-{self._ids[base]}"
        account = self.account(platform)
        self.posts.append(make_post(
            raw, text=text, id=post_id, platform=platform, author=account, account=f"{platform}:{account}",
            created_at=created, kind=kind, visibility=VISIBILITY, extra=extra,
        ))

    def read_file(self, kind: str, doc: Any, where: str) -> None:
        if kind == "fb_posts":
            for item in _as_list(doc, where):
                self._fb_post(item, where)
        elif kind == "fb_comments":
            items = doc.get("comments_v2", doc.get("comments")) if isinstance(doc, dict) else None
            for item in _as_list(items, where):
                self._fb_comment(item, where)
        elif kind == "ig_posts":
            for item in _as_list(doc, where):
                self._media_post("instagram", item, where)
        else:
            items = doc.get("text_post_app_text_posts") if isinstance(doc, dict) else None
            for item in _as_list(items, where):
                self._media_post("threads", item, where)

    def _fb_post(self, item: dict[str, Any], where: str) -> None:
        data = [d for d in item.get("data") or [] if isinstance(d, dict)]
        texts = [d["post"] for d in data if isinstance(d.get("post"), str)]
        attached, extra = _attachments(item.get("attachments"))
        title = item.get("title") if isinstance(item.get("title"), str) else ""
        if title:
            extra["title"] = title
        raw = _join(texts + attached)
        if not raw and not item.get("attachments"):
            self.stubs += 1  # an "update_timestamp"-only stub: nothing was posted
            return
        if raw:
            # Words written on someone else's timeline live in their space, like a comment on their post.
            kind = "comment" if _OTHERS_TIMELINE.search(title) else "post"
        else:
            kind = "repost" if _SHARED.search(title) else "post"  # shared someone's post / a photo, no words
        when = item.get("timestamp") or _first(item.get("data"), "update_timestamp")
        self.add("facebook", raw, kind, when, where, extra)

    def _fb_comment(self, item: dict[str, Any], where: str) -> None:
        comments = [d["comment"] for d in item.get("data") or [] if isinstance(d, dict)
                    and isinstance(d.get("comment"), dict)]
        attached, extra = _attachments(item.get("attachments"))
        texts = [c["comment"] for c in comments if isinstance(c.get("comment"), str)]
        for c in comments:
            if isinstance(c.get("author"), str):
                self.owner.setdefault("comment_author", c["author"])
            if isinstance(c.get("group"), str):
                extra["group"] = c["group"]
        if isinstance(item.get("title"), str):
            extra["title"] = item["title"]
        raw = _join(texts + attached)
        if not raw and not item.get("attachments"):
            self.stubs += 1
            return
        when = item.get("timestamp") or (comments[0].get("timestamp") if comments else None)
        self.add("facebook", raw, "comment", when, where, extra)

    def _media_post(self, platform: str, item: dict[str, Any], where: str) -> None:
        media = [m for m in item.get("media") or [] if isinstance(m, dict)]
        first = media[0] if media else {}
        # The caption sits in the post's "title", or in its first media item's "title".
        raw = item.get("title") or first.get("title") or ""
        raw = raw if isinstance(raw, str) else ""
        reply = any((m.get("text_app_post") or {}).get("is_reply") for m in media) or bool(
            (item.get("text_app_post") or {}).get("is_reply"))
        extra: dict[str, Any] = {}
        if media:
            extra["media"] = sum(1 for m in media if m.get("uri"))
        source_app = (first.get("cross_post_source") or {}).get("source_app")
        if source_app:
            extra["cross_post_source"] = source_app
        if not raw.strip() and not extra.get("media"):
            self.stubs += 1
            return
        when = item.get("creation_timestamp") or first.get("creation_timestamp")
        self.add(platform, raw.strip(), "reply" if reply else "post", when, where, extra)

    def result(self, source: str) -> SourceResult:
        platforms = sorted({p.platform for p in self.posts}) or ["facebook"]
        platform = platforms[0] if len(platforms) == 1 else "meta"
        account = self.account(platform) if platform != "meta" else " / ".join(
            dict.fromkeys(self.account(p) for p in platforms))
        notes = [f"{', '.join(p.capitalize() for p in platforms)}: the export does not record who could see "
                 "each post; everything in the post and comment files is audited (messages are never read)."]
        if len(platforms) > 1:
            notes.append("This export holds several Meta platforms: "
                         + ", ".join(f"{n} from {p}" for p, n in sorted(Counter(
                             x.platform for x in self.posts).items())) + ".")
        if self.stubs:
            notes.append(f"{self.stubs} entries without text or attachment (status-update stubs) skipped.")
        owner = self.owner
        display = owner.get("facebook_name") or owner.get("ig_name") or owner.get("comment_author")
        return SourceResult(platform, account, self.posts, display_name=display, source=source, notes=notes)


def _as_list(value: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise AuditorError(where, "unexpected layout (expected a list of posts)")
    return [v for v in value if isinstance(v, dict)]


def _join(texts: list[str]) -> str:
    """Paragraphs in order, each once (a photo's caption often repeats the post text)."""
    return "\n\n".join(dict.fromkeys(t.strip() for t in texts if t.strip()))


def _first(data: Any, key: str) -> Any:
    for d in data or []:
        if isinstance(d, dict) and d.get(key) is not None:
            return d[key]
    return None


def _attachments(attachments: Any) -> tuple[list[str], dict[str, Any]]:
    """Words the person wrote inside attachments (captions, text) and the link/place as context."""
    texts: list[str] = []
    extra: dict[str, Any] = {}
    for att in attachments or []:
        for d in (att.get("data") or []) if isinstance(att, dict) else []:
            if not isinstance(d, dict):
                continue
            if isinstance(d.get("text"), str):
                texts.append(d["text"])
            media = d.get("media")
            if isinstance(media, dict) and isinstance(media.get("description"), str):
                texts.append(media["description"])
            url = (d.get("external_context") or {}).get("url")
            if isinstance(url, str):
                extra.setdefault("link", url)
            place = (d.get("place") or {}).get("name")
            if isinstance(place, str):
                extra.setdefault("place", place)
            if isinstance(d.get("name"), str):
                extra.setdefault("name", d["name"])
    return texts, extra


register_file_reader("meta-export", sniff, read)
