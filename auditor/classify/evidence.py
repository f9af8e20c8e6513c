"""Evidence: the words and word pairs of a text that push a linear score up most, as written in the text."""

from __future__ import annotations

import numpy as np

from auditor.classify.features import Featuriser

# A unit must add at least this share of the strongest unit's contribution to be shown.
_MIN_SHARE = 0.15


def unit_contributions(feat: Featuriser, weights: np.ndarray, text: str) -> list[tuple[float, int, int]]:
    """(contribution, start, end) for every word and known word pair of the text (original offsets)."""
    units, _, scale = feat.units(text)
    return [
        (float(weights[u.cols] @ np.asarray(u.vals)) * scale if u.cols else 0.0, u.start, u.end)
        for u in units
    ]


def top_phrases(feat: Featuriser, weights: np.ndarray, text: str, k: int = 3) -> list[str]:
    """Up to k non-overlapping phrases with the largest positive contributions, strongest first."""
    units = sorted(unit_contributions(feat, weights, text), key=lambda u: -u[0])
    if not units or units[0][0] <= 0:
        return []
    floor = units[0][0] * _MIN_SHARE
    chosen: list[tuple[int, int]] = []
    phrases: list[str] = []
    for w, start, end in units:
        if w <= 0 or w < floor or len(phrases) >= k:
            break
        if any(start < e and s < end for s, e in chosen):
            continue
        phrase = text[start:end].strip()
        if phrase and phrase not in phrases:
            chosen.append((start, end))
            phrases.append(phrase)
    return phrases
