"""Sources: official exports and public APIs, each turned into Post records.

Each reader module registers itself when imported; ``READER_MODULES`` lists them in the order formats are
tried (specific formats first, the generic JSONL/CSV table last). Adding a platform = one module + one line.
"""

from __future__ import annotations

import importlib

from auditor.sources.base import (
    FILE_READERS,
    LIVE_READERS,
    SinceHint,
    SourceResult,
    register_file_reader,
    register_live_reader,
)
from auditor.sources.base import read_source as _read_source

READER_MODULES: tuple[str, ...] = (
    "twitter_archive",
    "bluesky",
    "mastodon_export",
    "meta_export",
    "reddit_export",
    "linkedin_export",
    "snscrape_jsonl",  # before tabular: snscrape's Mastodon rows have a `text` field too
    "mastodon_api",
    "reddit_api",
    "snscrape_live",
    "tabular",
)

_loaded = False


def load_readers() -> None:
    """Import every reader module once, so each registers its formats."""
    global _loaded
    if not _loaded:
        for name in READER_MODULES:
            importlib.import_module(f"auditor.sources.{name}")
        _loaded = True


def read_source(spec: str, since: SinceHint | None = None) -> SourceResult:
    """Read one SOURCE argument (file, folder or live ``platform:account``) into a SourceResult; ``since``
    fetches a live account only past the newest post already stored."""
    load_readers()
    return _read_source(spec, since)


__all__ = [
    "FILE_READERS",
    "LIVE_READERS",
    "SinceHint",
    "SourceResult",
    "load_readers",
    "read_source",
    "register_file_reader",
    "register_live_reader",
]
