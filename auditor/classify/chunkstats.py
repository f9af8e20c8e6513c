"""Whole-batch helpers for the featuriser: style counts of many chunks and hashed character n-grams of many
words, computed with numpy over one joined string instead of one Python call per chunk or word."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Counted per chunk, summed per text, capped: (name, cap)
COUNTS = (
    ("url", 1),
    ("mention", 1),
    ("exclaim", 3),
    ("question", 3),
    ("allcaps", 3),
    ("quote", 1),
    ("hashtag", 3),
    ("ellipsis", 1),
    ("emoji", 1),
)
N_HASH = 1 << 16
_MIX = np.uint64(1000003)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # multiplier for hashing integer keys
# What str.split() splits on, by code point (there is no whitespace above U+3000), then False for the rest
_SPACE = np.array([chr(c).isspace() for c in range(0x3001)] + [False])
# Chunk keys: a chunk of up to 16 ASCII characters is its bytes, 8 to a little-endian number, 2 numbers
KEY_CHARS = 16
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)  # the low k bytes of a word


def codepoints(text: str) -> np.ndarray:
    """The code points of a string as a uint32 array (one element per character)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # lone surrogates too


def any_of(cp: np.ndarray, chars: str) -> np.ndarray:
    """Where the code points are any of ``chars``."""
    out = cp == ord(chars[0])
    for c in chars[1:]:
        out |= cp == ord(c)
    return out


@dataclass
class Joined:
    """Whitespace-free chunks joined by newlines, as code points: what the numpy helpers scan."""

    chunks: list[str]
    text: str
    cp: np.ndarray  # code points of text
    line: np.ndarray  # chunk index of every code point
    starts: np.ndarray  # where each chunk starts in text
    lengths: np.ndarray  # characters per chunk

    @classmethod
    def of(cls, chunks: list[str]) -> Joined:
        text = "\n".join(chunks)
        cp = codepoints(text)
        newline = cp == 10
        ends = np.append(np.flatnonzero(newline), len(cp))
        lengths = ends - np.append(0, ends[:-1] + 1)
        return cls(chunks, text, cp, np.cumsum(newline), ends - lengths, lengths)

    @classmethod
    def gather(cls, cp: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> Joined:
        """Joined.of the chunks (start, length) of a text's code points, gathered with numpy and decoded once
        instead of sliced from the text one by one."""
        if not len(starts):
            return cls.of([])
        ends = np.cumsum(lengths + 1)  # each chunk and a newline after it
        at = np.repeat(starts - (ends - lengths - 1), lengths + 1) + np.arange(int(ends[-1]))
        out = cp[np.minimum(at, len(cp) - 1)]
        out[ends - 1] = 10
        out = out[:-1]
        text = out.tobytes().decode("utf-32-le", "surrogatepass")
        return cls(text.split("\n"), text, out, np.cumsum(out == 10), ends - lengths - 1, lengths)

    def per_chunk(self, mask: np.ndarray) -> np.ndarray:
        """How many marked code points each chunk has."""
        n = len(self.chunks)
        return np.bincount(self.line[mask], minlength=n)[:n]


def chunk_spans(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of every whitespace-separated chunk of a text's code points, as str.split() cuts."""
    word = np.zeros(len(cp) + 2, dtype=bool)  # a space before and after the text
    np.greater(cp, 32, out=word[1:-1])  # all ASCII whitespace is at or below 32 ...
    odd = np.flatnonzero((cp < 32) | (cp > 127))  # ... but not all of 0-31 is, and some of the rest is
    word[odd + 1] = ~np.take(_SPACE, cp[odd], mode="clip")  # code points past the table: not whitespace
    edges = np.flatnonzero(word[1:] != word[:-1])  # where chunks start and end, in turn
    return edges[::2], edges[1::2] - edges[::2]


def chunk_keys(cp: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An exact two-part integer key for every chunk of up to KEY_CHARS ASCII characters (no NUL): its first 8
    and its next 8 characters as the bytes of two little-endian numbers, so equal keys mean equal chunks (each
    byte is 1..127, so the numbers are >= 0 and the length shows). The first parts, -1 for any other chunk,
    and the second parts."""
    n = len(cp)
    padded = np.zeros(n + 16, dtype=np.uint8)  # room to read 16 bytes from any chunk start
    np.copyto(padded[:n], cp, casting="unsafe")  # the low byte of every code point (the others: not exact)
    words = np.ndarray((n + 9,), dtype="<u8", buffer=padded, strides=(1,))  # words[i]: bytes i..i+7
    first = words[starts] & _LOW_BYTES[np.minimum(lengths, 8)]
    second = words[starts + 8] & _LOW_BYTES[np.clip(lengths - 8, 0, 8)]
    exact = lengths <= KEY_CHARS
    odd = np.flatnonzero((cp == 0) | (cp > 127))  # NUL and non-ASCII code points
    if len(odd) and len(starts):
        chunk = np.maximum(np.searchsorted(starts, odd, side="right") - 1, 0)  # the chunk at or before each
        inside = (odd >= starts[chunk]) & (odd < starts[chunk] + lengths[chunk])
        exact[chunk[inside]] = False
    return np.where(exact, first.view(np.int64), -1), second.view(np.int64)


def style_counts(j: Joined) -> np.ndarray:
    """COUNTS of every chunk (rows), except "url", which the caller fills from the normalised tokens."""
    cp, n = j.cp, len(j.chunks)
    out = np.zeros((n, len(COUNTS)))
    if not n or not len(cp):
        return out
    first = cp[np.minimum(j.starts, len(cp) - 1)]
    out[:, 1] = (first == ord("@")) & (j.lengths > 1)  # a mention chunk, "@" alone is not one
    out[:, 2] = j.per_chunk(cp == ord("!"))
    out[:, 3] = j.per_chunk(cp == ord("?"))
    upper = (cp >= ord("A")) & (cp <= ord("Z"))
    run3 = np.zeros(len(cp), dtype=bool)  # where a run of 3+ capitals starts (one per maximal run)
    run3[:-2] = upper[:-2] & upper[1:-1] & upper[2:]
    run3[1:] &= ~upper[:-1]
    out[:, 4] = j.per_chunk(run3)
    out[:, 5] = j.per_chunk(any_of(cp, '"\u201c\u201d'))
    out[:, 6] = j.per_chunk(cp == ord("#"))
    dots = cp == ord(".")
    ellipsis = cp == 0x2026
    ellipsis[:-2] |= dots[:-2] & dots[1:-1] & dots[2:]
    out[:, 7] = j.per_chunk(ellipsis) > 0
    emoji = ((cp >= 0x1F000) & (cp <= 0x1FAFF)) | ((cp >= 0x2600) & (cp <= 0x27BF))
    out[:, 8] = j.per_chunk(emoji) > 0
    return out


def gram_buckets(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boundary-marked character 3- and 4-grams ("<word>") of every word, hashed to N_HASH buckets.

    Returns (word index of each gram, its bucket, number of grams of each word). The hash is a fixed
    polynomial over code points, so buckets are the same on every run and machine."""
    if not words:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    cp = codepoints("<" + "><".join(words) + ">").astype(np.uint64)
    size = np.fromiter(map(len, words), dtype=np.int64, count=len(words)) + 2
    end = np.cumsum(size)
    owner = np.repeat(np.arange(len(words)), size)
    pos = np.arange(len(cp))
    owners, buckets = [], []
    for n in (3, 4):
        ok = np.flatnonzero(pos + n <= end[owner])
        h = np.full(len(ok), n, dtype=np.uint64)
        for j in range(n):
            h = h * _MIX ^ cp[ok + j]
        owners.append(owner[ok])
        buckets.append(((h * GOLDEN) >> np.uint64(48)).astype(np.int64) & (N_HASH - 1))
    per_word = (size - 2) + np.maximum(size - 3, 0)
    return np.concatenate(owners), np.concatenate(buckets), per_word
