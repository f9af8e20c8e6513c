"""Bulk inserts of a whole audit's rows, a chunk at a time from a generator.

A 500,000-post audit writes about 1.3 million rows (posts, classifications, flags); built all at once, their
dicts held more memory than the posts themselves. Here only one chunk of rows exists at a time, each sent
in one Core ``executemany`` inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

INSERT_CHUNK = 2000  # rows built and sent at a time


def insert_rows(session: Session, table: Table, rows: Iterable[Mapping[str, Any]],
                size: int | None = None) -> int:
    """Insert ``rows`` (dicts with the same keys) in chunks of ``size`` (default INSERT_CHUNK); returns how
    many were inserted."""
    size = size or INSERT_CHUNK
    it = iter(rows)
    count = 0
    while chunk := list(islice(it, size)):
        session.execute(insert(table), chunk)
        count += len(chunk)
    return count
