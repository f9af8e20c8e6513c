"""Evidence: the words and word pairs of a text that push a linear score up most, as written in the text."""

from __future__ import annotations

import numpy as np

from auditor.classify.features import Featuriser

# A unit must add at least this share of the strongest unit's contribution to be shown (below it come words
# such as "escape" or "toe" that tip a score a little and explain nothing).
_MIN_SHARE = 0.25
# Function words carry weight in a linear model but explain nothing to a reader: never shown alone.
_FUNCTION_WORD_LIST = (
    "a an the and or but if so to of in on at by for from with about as is are was were be been am do does "
    "did i me my we our you your he she it its they them their this that these those there here what which "
    "who not no yes oh just very really too also then than now today up out all any some more most"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())


def _words(phrase: str) -> list[str]:
    return [w.strip(".,!?;:'\"()").lower() for w in phrase.split()]


def _is_link(phrase: str) -> bool:
    """Only a link: its weight is real, but a link is no reason to show a reader."""
    return all(not w or w.startswith(("http://", "https://", "www.")) for w in _words(phrase))


def _explains_nothing(phrase: str) -> bool:
    """Only function words, or only a link."""
    return _is_link(phrase) or all(w in _FUNCTION_WORDS or not w for w in _words(phrase))


def unit_contributions(feat: Featuriser, weights: np.ndarray, text: str) -> list[tuple[float, int, int]]:
    """(contribution, start, end) for every word and known word pair of the text (original offsets)."""
    units, _, scale = feat.units(text)
    return [
        (float(weights[u.cols] @ np.asarray(u.vals)) * scale if u.cols else 0.0, u.start, u.end)
        for u in units
    ]


def top_phrases(feat: Featuriser, weights: np.ndarray, text: str, k: int = 3) -> list[str]:
    """Up to k non-overlapping phrases with the largest positive contributions, strongest first. Function
    words and links are left out, unless the strongest of them is all there is ("Oh, she is so young"); a
    link does not raise the bar the other phrases must reach."""
    units = sorted(unit_contributions(feat, weights, text), key=lambda u: -u[0])
    if not units or units[0][0] <= 0:
        return []
    floor = next((w for w, a, b in units if not _is_link(text[a:b])), units[0][0]) * _MIN_SHARE
    chosen: list[tuple[int, int]] = []
    phrases: list[str] = []
    for w, start, end in units:
        if w <= 0 or w < floor or len(phrases) >= k:
            break
        if any(start < e and s < end for s, e in chosen):
            continue
        phrase = text[start:end].strip()
        if phrase and phrase not in phrases and not _explains_nothing(phrase):
            chosen.append((start, end))
            phrases.append(phrase)
    strongest = text[units[0][1] : units[0][2]].strip()
    return phrases or ([strongest] if strongest else [])
