"""Long posts are read in tweet-sized windows: the models learnt from tweets, and length alone must not
push a score up (a long, friendly LinkedIn post is not "political" because it is long).

A post is measured as its whitespace-separated chunks joined by single spaces. A post of more than
WINDOW_CHARS characters is cut, between chunks, into windows of about equal length, and a sentence is never
cut in two when it fits a window ("…the senator who voted against | the climate bill should resign." held
neither half's risk): a post of length L is cut into n = ceil(L / WINDOW_CHARS) parts, and every chunk of a
sentence of at most WINDOW_CHARS characters that starts at character s goes to part (s * n) // L (a longer
sentence's chunks each by their own start); parts left empty are dropped. A sentence ends at a chunk ending in
. ! ? or … (closing quotes and brackets after it allowed). The same chunk three or more times in a row is read
once first. The featuriser applies these rules to whole batches with numpy (`collapse_mask`, `window_rows`);
`scoring_windows` gives the same windows of one post as text, for evidence.
"""

from __future__ import annotations

import re

import numpy as np

WINDOW_CHARS = 280  # a tweet's length: what the training texts mostly are
_CHUNK = re.compile(r"\S+")
# The same chunk three or more times in a row ("hello hello hello …", "no no no"): emphasis, read once.
_REPEATS = re.compile(r"(?<!\S)(\S+)(?:\s+\1(?!\S)){2,}")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"')\]\u201d\u2019]*$")


def ends_sentence(chunk: str) -> bool:
    """Whether a chunk ends a sentence: "resign.", "really?!", "(done.)", "“no!”"."""
    return _SENTENCE_END.search(chunk) is not None


def collapse_repeats(text: str) -> str:
    """Read a run of one repeated chunk as that chunk once, so repetition alone cannot pile up a score."""
    chunks = text.split()  # the same chunks as \S+ (str.split and \s agree on every code point)
    if not any(a == b == c for a, b, c in zip(chunks, chunks[1:], chunks[2:], strict=False)):
        return text  # no chunk three times in a row: the expression would find nothing
    return _REPEATS.sub(r"\1", text)


def scoring_windows(text: str) -> list[str]:
    """The pieces of a post the models score: its repeats collapsed, then windows of whole chunks."""
    text = collapse_repeats(text or "")
    spans = [m.span() for m in _CHUNK.finditer(text)]
    widths = np.array([b - a + 1 for a, b in spans], dtype=np.int64)
    length = np.int64(widths.sum() - 1)
    if window_of(np.zeros(1, dtype=np.int64), length)[1] == 1:
        return [text]
    ends = np.array([ends_sentence(text[a:b]) for a, b in spans], dtype=bool)
    opens_text = np.zeros(len(spans), dtype=bool)
    opens_text[0] = True
    window = sentence_windows(np.cumsum(widths) - widths, widths, ends, opens_text,
                              np.full(len(spans), length))
    cuts = [0, *np.flatnonzero(np.diff(window)) + 1, len(spans)]
    return [text[spans[a][0] : spans[b - 1][1]] for a, b in zip(cuts, cuts[1:], strict=False)]


def window_of(start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The window of a chunk that starts at character ``start`` of a post ``length`` characters long, and
    how many windows that post has (one if it fits a tweet)."""
    length = np.maximum(length, 1)
    n_windows = -(-length // WINDOW_CHARS)
    return start * n_windows // length, n_windows


def sentence_windows(
    start: np.ndarray, width: np.ndarray, ends: np.ndarray, opens_text: np.ndarray, length: np.ndarray
) -> np.ndarray:
    """The window (0, 1, 2, … within its text) of every chunk of one or more long texts, in order: a sentence
    that fits a window goes whole to the window where it starts. ``start``: where the chunk starts in its
    text; ``width``: its characters and the space after; ``ends``: it ends a sentence; ``opens_text``: it is
    its text's first chunk; ``length``: its text's length."""
    opens = opens_text.copy()
    opens[1:] |= ends[:-1]
    sentence = np.cumsum(opens) - 1
    fits = np.bincount(sentence, weights=width)[sentence] <= WINDOW_CHARS + 1
    anchor = np.where(fits, start[opens][sentence], start)
    part = window_of(anchor, length)[0]
    new = opens_text.copy()
    new[1:] |= part[1:] != part[:-1]
    count = np.cumsum(new)
    first = np.maximum.accumulate(np.where(opens_text, np.arange(len(count)), 0))
    return count - count[first]


def collapse_mask(ids: np.ndarray, sep: int = 0) -> np.ndarray:
    """Which chunks to keep when runs of 3+ equal chunk ids (not the separator ``sep``) are read once."""
    keep = np.ones(len(ids), dtype=bool)
    if len(ids) < 3:
        return keep
    same = ids[1:] == ids[:-1]
    triple = np.flatnonzero(same[:-1] & same[1:] & (ids[:-2] != sep))
    if len(triple):
        in_run = np.zeros(len(ids), dtype=bool)
        for k in range(3):
            in_run[triple + k] = True
        keep[1:] &= ~(in_run[1:] & same)
    return keep


def window_rows(
    is_sep: np.ndarray, lengths: np.ndarray, ends: np.ndarray, n_docs: int, windows: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Row of every chunk of a batch, and the first row of every text followed by the number of rows.

    ``is_sep`` marks the separators between texts (each opens the next text), ``lengths`` are the chunks'
    lengths in characters, ``ends`` marks chunks that end a sentence. Without ``windows`` a text is one
    row."""
    doc = np.cumsum(is_sep)
    if not windows:
        return doc, np.arange(n_docs + 1)
    width = np.where(is_sep, 0, lengths + 1)  # a chunk and the space after it
    total = np.bincount(doc, weights=width, minlength=n_docs).astype(np.int64)
    per_text = window_of(np.zeros(n_docs, dtype=np.int64), total - 1)[1]  # at most this many windows
    long = per_text > 1
    part = None
    if long.any():  # only the chunks of texts longer than a window need their window worked out
        at = np.flatnonzero(long[doc])
        w, d = width[at], doc[at]
        before = np.where(long, total, 0)
        start = np.cumsum(w) - w - (np.cumsum(before) - before)[d]  # where each chunk starts in its text
        opens_text = np.ones(len(at), dtype=bool)
        opens_text[1:] = d[1:] != d[:-1]
        part = sentence_windows(start, w, ends[at], opens_text, (total - 1)[d])
        per_text[long] = 0
        np.maximum.at(per_text, d, part + 1)  # the windows a text has once empty parts are dropped
    first_row = np.cumsum(per_text) - per_text
    row = first_row[doc]
    if part is not None:
        row[at] += part
    return row, np.append(first_row, per_text.sum())
