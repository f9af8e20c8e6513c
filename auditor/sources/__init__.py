"""Sources: official exports and public APIs, each turned into Post records.

Importing this package registers every reader; add a platform by adding one module and importing it here.
"""

from auditor.sources.base import (
    FILE_READERS,
    LIVE_READERS,
    SourceResult,
    read_source,
    register_file_reader,
    register_live_reader,
)

# Registration order matters: specific formats first, the generic JSONL/CSV table last.
from auditor.sources import twitter_archive  # noqa: E402,F401  isort: skip
from auditor.sources import tabular  # noqa: E402,F401  isort: skip

__all__ = [
    "FILE_READERS",
    "LIVE_READERS",
    "SourceResult",
    "read_source",
    "register_file_reader",
    "register_live_reader",
]
