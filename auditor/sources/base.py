"""What every source produces, and the registry that finds the right reader for a file, folder or account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.textclean import valid_unicode

T = TypeVar("T")


@dataclass(frozen=True)
class SinceHint:
    """The newest post the store already holds for a live account: a reader given one fetches only newer
    posts (each with its API's own way to stop), and the store carries the older ones over."""

    post_id: str
    created_at: datetime

    def newer(self, created_at: datetime | None) -> bool:
        """Whether a post dated ``created_at`` is newer than the stored one (undated: counted as new)."""
        return created_at is None or created_at > self.created_at

    def cut(self, page: list[T], newer: Callable[[T], bool]) -> tuple[list[T], bool]:
        """A newest-first page up to its first item not newer than the hint; whether paging stops there."""
        for i, item in enumerate(page):
            if not newer(item):
                return page[:i], True
        return page, False

    def note(self, fetched: int) -> str:
        """The report's note on an incremental fetch."""
        return (f"fetched only posts newer than {self.created_at:%Y-%m-%d %H:%M} UTC (the newest already "
                f"stored): {fetched:,} new; older posts come from the store, so posts deleted since are "
                "found only by a full fetch (--full-fetch, or automatically once a year)")


@dataclass
class SourceResult:
    """Everything read from one account: all its posts (non-public and deleted ones flagged) and notes."""

    platform: str  # "x", "bluesky", "mastodon", "reddit", "facebook", "instagram", "threads", "linkedin", ...
    account: str  # how the account is shown, e.g. "@alice" or "alice.example.com"
    posts: list[Post]
    display_name: str | None = None
    source: str = ""  # the file path or live spec it came from
    notes: list[str] = field(default_factory=list)  # completeness warnings shown in the report
    live_spec: str | None = None  # a live account as ``live_key`` names it (set by ``read_source``)
    newer_than: SinceHint | None = None  # set by a reader that fetched only posts newer than this hint
    complete: bool = True  # False: the fetch is known to miss posts (a listing cap, a feed with gaps)

    def __post_init__(self) -> None:
        # names from broken JSON escapes must still print; a name that is not text (a hostile file) is none
        self.account = valid_unicode(self.account if isinstance(self.account, str) else str(self.account))
        self.display_name = (valid_unicode(self.display_name)
                             if isinstance(self.display_name, str) and self.display_name else None)


@dataclass(frozen=True)
class FileReader:
    """A reader for one file/folder format, chosen by content (``sniff``), never by file name alone."""

    name: str
    sniff: Callable[[Path], bool]
    read: Callable[[Path], SourceResult]


@dataclass(frozen=True)
class LiveReader:
    """A reader for a live public account, chosen by the spec prefix, e.g. ``bsky:alice.example.com``."""

    prefix: str
    read: Callable[..., SourceResult]
    incremental: bool = False  # ``read(target, since)`` fetches only posts newer than a SinceHint


FILE_READERS: list[FileReader] = []
LIVE_READERS: dict[str, LiveReader] = {}


def register_file_reader(
    name: str, sniff: Callable[[Path], bool], read: Callable[[Path], SourceResult]
) -> None:
    """Add a file/folder format. Earlier registrations are tried first."""
    FILE_READERS.append(FileReader(name, sniff, read))


def register_live_reader(
    prefix: str, read: Callable[..., SourceResult], *, incremental: bool = False
) -> None:
    """Add a live source reached as ``prefix:target``. ``incremental``: ``read(target, since)`` accepts a
    SinceHint (or None) and sets ``newer_than`` on its result when it fetched only newer posts."""
    LIVE_READERS[prefix] = LiveReader(prefix, read, incremental)


def is_live(spec: str) -> bool:
    """Whether a SOURCE names a live account (``platform:account``) rather than a file or folder."""
    prefix, sep, _ = spec.partition(":")
    return bool(sep) and prefix in LIVE_READERS and not Path(spec).exists()


def live_key(spec: str) -> str:
    """One name for a live account however it was written: ``Bsky:@Alice.example.com`` → ``bsky:alice…``."""
    prefix, _, target = spec.partition(":")
    return f"{prefix.lower()}:{target.strip().lstrip('@').lower()}"


def read_source(spec: str, since: SinceHint | None = None) -> SourceResult:
    """Read one SOURCE argument: a live spec (``bsky:…``) or a file/folder detected by its content.
    ``since``: fetch a live account only past the newest post the store holds (readers that can)."""
    from auditor.sources.guard import check_result, reading

    with reading(spec):
        return check_result(_read_unchecked(spec, since), spec)


def _read_unchecked(spec: str, since: SinceHint | None = None) -> SourceResult:
    prefix, sep, target = spec.partition(":")
    if is_live(spec):
        reader = LIVE_READERS[prefix]
        result = reader.read(target, since) if reader.incremental else reader.read(target)
        result.live_spec = live_key(spec)
        if not reader.incremental or since is None:
            result.newer_than = None  # a whole fetch: the store may tell removed posts apart
        return result
    path = Path(spec)
    if not path.exists():
        if sep and len(prefix) > 1:
            known = ", ".join(sorted(LIVE_READERS)) or "none"
            raise AuditorError(spec, f"unknown platform {prefix!r} (live sources: {known})")
        raise AuditorError(spec, "no such file or folder")
    for reader in FILE_READERS:
        try:
            matched = reader.sniff(path)
        except AuditorError:
            raise
        except (OSError, ValueError, UnicodeDecodeError):
            matched = False
        if matched:
            result = reader.read(path)
            result.source = result.source or spec
            return result
    raise AuditorError(spec, _why_unknown(path))


def _why_unknown(path: Path) -> str:
    """The most useful reason no reader took ``path``."""
    from auditor.sources.archive import ArchiveTree, is_archive

    if is_archive(path):
        with ArchiveTree.open(path) as tree:
            if not tree.names():
                return "the archive is empty"
    elif path.is_file():
        with path.open("rb") as fh:
            head = fh.read(4)
        if head.startswith(b"PK"):
            return "corrupt or truncated zip (no central directory)"
        if head.startswith(b"\x1f\x8b"):
            return "corrupt or truncated gzip file"
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "text is UTF-16; save it as UTF-8"
        if path.suffix.lower() in (".csv", ".jsonl", ".ndjson"):
            return "not a known export, and not a table of posts (no 'text' column or field)"
    return "not a format auditor knows (see `auditor formats`)"
