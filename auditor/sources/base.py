"""What every source produces, and the registry that finds the right reader for a file, folder or account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.textclean import valid_unicode


@dataclass
class SourceResult:
    """Everything read from one account: all its posts (non-public and deleted ones flagged) and notes."""

    platform: str  # "x", "bluesky", "mastodon", "reddit", "facebook", "instagram", "threads", "linkedin", ...
    account: str  # how the account is shown, e.g. "@alice" or "alice.example.com"
    posts: list[Post]
    display_name: str | None = None
    source: str = ""  # the file path or live spec it came from
    notes: list[str] = field(default_factory=list)  # completeness warnings shown in the report

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
    read: Callable[[str], SourceResult]


FILE_READERS: list[FileReader] = []
LIVE_READERS: dict[str, LiveReader] = {}


def register_file_reader(
    name: str, sniff: Callable[[Path], bool], read: Callable[[Path], SourceResult]
) -> None:
    """Add a file/folder format. Earlier registrations are tried first."""
    FILE_READERS.append(FileReader(name, sniff, read))


def register_live_reader(prefix: str, read: Callable[[str], SourceResult]) -> None:
    """Add a live source reached as ``prefix:target``."""
    LIVE_READERS[prefix] = LiveReader(prefix, read)


def read_source(spec: str) -> SourceResult:
    """Read one SOURCE argument: a live spec (``bsky:…``) or a file/folder detected by its content."""
    from auditor.sources.guard import check_result, reading

    with reading(spec):
        return check_result(_read_unchecked(spec), spec)


def _read_unchecked(spec: str) -> SourceResult:
    prefix, sep, target = spec.partition(":")
    if sep and prefix in LIVE_READERS and not Path(spec).exists():
        return LIVE_READERS[prefix].read(target)
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
