"""Long posts are read in tweet-sized windows: the models learnt from tweets, and length alone must not
push a score up (a long, friendly LinkedIn post is not "political" because it is long)."""

from __future__ import annotations

import re

WINDOW_CHARS = 280  # a tweet's length: what the training texts mostly are
# Where a sentence or line ends (the break goes after the punctuation, closing quotes and spaces).
_BREAK = re.compile(r"[.!?…]+[\"')\]]*\s+|\n+")


def window_spans(text: str, size: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """(start, end) spans of ``text``: whole sentences packed up to ``size`` characters each; a longer
    sentence is cut at a space. A text of at most ``size`` characters is one window."""
    if len(text) <= size:
        return [(0, len(text))]
    cuts = sorted({0, len(text), *(m.end() for m in _BREAK.finditer(text))})
    spans: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        if not text[a:b].strip():
            continue
        while b - a > size:  # one sentence longer than a window
            cut = text.rfind(" ", a + 1, a + size)
            cut = cut if cut > a else a + size
            if start is not None:
                spans.append((start, end))
                start = None
            spans.append((a, cut))
            a = cut
        if start is not None and b - start > size:
            spans.append((start, end))
            start = None
        if start is None:
            start = a
        end = b
    if start is not None:
        spans.append((start, end))
    return spans or [(0, len(text))]


# The same word three or more times in a row ("hello hello hello …", "no no no"): emphasis, read once.
_REPEATS = re.compile(r"(?<!\S)(\S+)(?:\s+\1(?!\S)){2,}")


def collapse_repeats(text: str) -> str:
    """Read a run of one repeated word as that word once, so repetition alone cannot pile up a score.

    The last copy and the text after it stay as written, so every word and word pair still appears in the
    original text (evidence is quoted from it)."""
    return _REPEATS.sub(r"\1", text)


def scoring_windows(text: str) -> list[str]:
    """The pieces of a post the models score: its repeats collapsed, then tweet-sized windows."""
    text = collapse_repeats(text or "")
    return [text[a:b] for a, b in window_spans(text)]
