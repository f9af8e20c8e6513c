"""Scores of a batch of posts in one float64 array, each post's row read as a ``{category: score}`` mapping.

A dict of six Python floats per post cost about 450 bytes; at 500,000 posts that was 200 MB of an audit's
peak memory. A row here costs one small object, and reads back the very floats the model gave (float64 holds
a Python float exactly).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from auditor.categories import CATEGORIES

_COLUMN = {c: j for j, c in enumerate(CATEGORIES)}


class ScoreRow(Mapping[str, float]):
    """One post's scores: a read-only view of its row of a batch's score table, keyed by category."""

    __slots__ = ("_table", "_row")

    def __init__(self, table: np.ndarray, row: int) -> None:
        self._table = table
        self._row = row

    def __getitem__(self, category: str) -> float:
        return float(self._table[self._row, _COLUMN[category]])

    def __iter__(self) -> Iterator[str]:
        return iter(CATEGORIES)

    def __len__(self) -> int:
        return len(CATEGORIES)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple:  # pickled (a roster's worker) as the plain dict it stands for
        return (dict, (dict(self),))


def score_rows(scores: Sequence[Mapping[str, float]]) -> list[ScoreRow]:
    """The rows of one table holding these per-post scores (every category of each)."""
    table = np.array([[s[c] for c in CATEGORIES] for s in scores], dtype=np.float64)
    table = table.reshape(-1, len(CATEGORIES))
    return [ScoreRow(table, i) for i in range(len(table))]
