"""Evidence: the words and word pairs of a text that push a linear score up most, as written in the text.

Evidence comes from the scoring pass itself. Scoring already gives every row (a text, or one window of a long
text) its score per category and its scale 1/sqrt(tokens); the window behind a flag is the row with the
highest score. A unit (a word, or a known word pair) contributes the non-zero entries of its feature row times
the head's coefficients, times the row's scale. Those unit weights depend only on the chunk a unit sits in
(a whitespace-separated piece of text, normalised as the featuriser normalises it), so they are worked out
once per distinct chunk, for every category at once, and cached with the units' spans inside the chunk. A
flagged window is then only cut into its chunks and looked up: no text is featurised again. Only the sparse
lexical columns (words, word pairs, lexicon and word classes, character n-grams) belong to a span; the dense
document features (length, links, punctuation, lexicon pairs) add to the score but are no phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import numpy as np

from auditor.classify.chunkstats import Joined
from auditor.classify.features import TOKEN_RE, Featuriser
from auditor.classify.normalise import lines_for_steps

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
_CHUNK = re.compile(r"\S+")
_MAX_CACHED_CHUNKS = 500_000  # the chunk registry starts afresh beyond this
# normalise.py's _URL and _LONG_MENTION filling a whole ASCII chunk (its letters are lower-cased first)
_WHOLE_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WHOLE_LONG_MENTION = re.compile(r"@\w{9,}")
# Three single-letter chunks in a row (a superset of single letters, str.isalpha, that may spell a word)
_SINGLE_LETTER_RUN = re.compile(r"(?<!\S)[^\W\d_]\s+[^\W\d_]\s+[^\W\d_](?!\S)")
_SPELT = " "  # opens the key of a word spelt out in single letters (a chunk never holds a space)


def _words(phrase: str) -> list[str]:
    return [w.strip(".,!?;:'\"()").lower() for w in phrase.split()]


@lru_cache(maxsize=1 << 16)
def _is_link(phrase: str) -> bool:
    """Only a link: its weight is real, but a link is no reason to show a reader."""
    return all(not w or w.startswith(("http://", "https://", "www.")) for w in _words(phrase))


@lru_cache(maxsize=1 << 16)
def _explains_nothing(phrase: str) -> bool:
    """Only function words, or only a link."""
    return _is_link(phrase) or all(w in _FUNCTION_WORDS or not w for w in _words(phrase))


def pick_phrases(text: str, weight: np.ndarray, start: np.ndarray, end: np.ndarray, k: int = 3) -> list[str]:
    """Up to k non-overlapping phrases text[start:end] with the largest positive contributions ``weight``,
    strongest first (ties in text order). Function words and links are left out, unless the strongest of them
    is all there is ("Oh, she is so young"); a link does not raise the bar the other phrases must reach."""
    if not len(weight):
        return []
    order = np.argsort(-weight, kind="stable").tolist()
    weights, starts, ends = weight.tolist(), start.tolist(), end.tolist()
    top = order[0]
    if weights[top] <= 0:
        return []
    strongest = next((weights[i] for i in order if not _is_link(text[starts[i] : ends[i]])), weights[top])
    floor = strongest * _MIN_SHARE
    chosen: list[tuple[int, int]] = []
    phrases: list[str] = []
    for i in order:
        w, s, e = weights[i], starts[i], ends[i]
        if w <= 0 or w < floor or len(phrases) >= k:
            break
        if any(s < b and a < e for a, b in chosen):
            continue
        phrase = text[s:e].strip()
        if phrase and phrase not in phrases and not _explains_nothing(phrase):
            chosen.append((s, e))
            phrases.append(phrase)
    first = text[starts[top] : ends[top]].strip()
    return phrases or ([first] if first else [])


def _one_token(key: str) -> list[tuple[str, int, int]] | None:
    """The token of an ASCII chunk that is all one link or one long mention, which the normaliser's first
    steps replace whole by "httpurl" or "@user" (no later step changes those); None for any other chunk."""
    if not key.isascii():
        return None
    if _WHOLE_LINK.fullmatch(key):
        return [("httpurl", 0, len(key))]
    if _WHOLE_LONG_MENTION.fullmatch(key):
        return [("@user", 0, len(key))]
    return None


class _Growing:
    """A 2-D array that grows by doubling: rows are appended, ``view`` is what was appended so far."""

    def __init__(self, width: int, dtype: type) -> None:
        self.data = np.zeros((1024, width), dtype=dtype)
        self.n = 0

    def extend(self, block: np.ndarray) -> None:
        end = self.n + len(block)
        if end > len(self.data):
            grown = np.zeros((max(end, 2 * len(self.data)), self.data.shape[1]), dtype=self.data.dtype)
            grown[: self.n] = self.data[: self.n]
            self.data = grown
        self.data[self.n : end] = block.reshape(len(block), -1)
        self.n = end

    @property
    def view(self) -> np.ndarray:
        return self.data[: self.n]


@dataclass
class Units:
    """The units of one window: spans in its text and contributions per category, in the order the featuriser
    reads them (each token, then the known word pair it closes with the token before it)."""

    starts: np.ndarray
    ends: np.ndarray
    weights: np.ndarray  # (units, categories)


class Explainer:
    """Phrases behind the scores of a linear model over the featuriser's features (coef: features x k).

    Every distinct chunk of an explained window is registered once: its units' spans inside the chunk and
    their unscaled weights per category (the units' feature rows times the coefficients), and its first and
    last token (vocabulary id and span) for the word pair that may join it to the chunk before. Windows are
    explained in batches: their chunks' units gathered with numpy, scaled by their window's scale, the pairs
    across chunks looked up at once, then the phrases picked per window and category."""

    def __init__(self, feat: Featuriser, coef: np.ndarray) -> None:
        self.feat = feat
        self.coef = coef
        self.reset()

    def reset(self) -> None:
        """Forget every registered chunk and token."""
        k = self.coef.shape[1]
        self._ids: dict[str, int] = {}  # chunk (or spelt-out word key) -> chunk number
        self._ptr = _Growing(1, np.int64)  # first unit of every chunk, then the number of units
        self._ptr.extend(np.zeros(1, dtype=np.int64))
        self._info = _Growing(4, np.int64)  # per chunk: first token's vid and end, last token's vid and start
        self._spans = _Growing(2, np.int64)  # per unit: start and end inside its chunk
        self._weights = _Growing(k, np.float64)  # per unit: unscaled weight per category
        self._tokens: dict[str, int] = {}  # token -> its row of _token_w
        self._token_vid = _Growing(1, np.int64)
        self._token_w = _Growing(k, np.float64)

    # ----- registering chunks -----
    def _tokens_of(self, keys: list[str]) -> list[list[tuple[str, int, int]]]:
        """(token, start, end) of every chunk as the featuriser reads it, spans relative to the chunk. An
        ASCII chunk that no normalising step could change is only lower-cased (its spans are its own); the
        others are normalised with the span of every output character."""
        plain = [not key.startswith(_SPELT) and key.isascii() for key in keys]
        at = [i for i, ok in enumerate(plain) if ok]
        for lines in lines_for_steps(Joined.of([keys[i] for i in at])) if at else ():
            for i in lines.tolist():
                plain[at[i]] = False
        return [self._lowered(key) if ok else _one_token(key) or self._mapped(key)
                for key, ok in zip(keys, plain, strict=True)]

    @staticmethod
    def _lowered(key: str) -> list[tuple[str, int, int]]:
        return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(key.lower())]

    def _mapped(self, key: str) -> list[tuple[str, int, int]]:
        if key.startswith(_SPELT):
            _, word, width = key.split(_SPELT)
            return [(t, 0, int(width)) for t in TOKEN_RE.findall(word)]
        norm, spans = self.feat.normaliser.normalise_mapped(key)
        out = []
        for m in TOKEN_RE.finditer(norm):
            seg = spans[m.start() : m.end()]
            out.append((m.group(), min(s for s, _ in seg), max(e for _, e in seg)))
        return out

    def _token_rows(self, toks: list[str]) -> np.ndarray:
        """The row of every token in _token_w, weighing tokens not seen before first (one sparse product)."""
        new = list(dict.fromkeys(t for t in toks if t not in self._tokens))
        if new:
            rows, vid = self.feat.token_rows(new)
            base = self._token_vid.n
            self._tokens.update((t, base + i) for i, t in enumerate(new))
            self._token_vid.extend(vid)
            self._token_w.extend(np.asarray(rows @ self.coef))
        return np.array([self._tokens[t] for t in toks], dtype=np.int64)

    def _register(self, keys: list[str]) -> None:
        """Register chunks: each token is a unit, followed by the known word pair it closes with the token
        before it inside the chunk."""
        toks = self._tokens_of(keys)
        lengths = np.array([len(ts) for ts in toks], dtype=np.int64)
        flat = [t for ts in toks for t in ts]
        rows = self._token_rows([t for t, _, _ in flat])
        s = np.array([a for _, a, _ in flat], dtype=np.int64)
        e = np.array([b for _, _, b in flat], dtype=np.int64)
        vid = self._token_vid.view[rows, 0]
        first = np.cumsum(lengths) - lengths  # first token of every chunk
        inner = np.ones(len(flat), dtype=bool)  # closes a pair with the token before it in its chunk
        inner[first[lengths > 0]] = False
        pair = np.full(len(flat), -1, dtype=np.int64)
        at = np.flatnonzero(inner)
        pair[at] = self.feat.bigram_cols(vid[at - 1], vid[at])
        n_units = 1 + (pair >= 0)
        unit = np.cumsum(n_units) - n_units  # where each token's unit goes in this block
        total = int(n_units.sum())
        spans = np.zeros((total, 2), dtype=np.int64)
        weights = np.zeros((total, self.coef.shape[1]))
        spans[unit, 0], spans[unit, 1] = s, e
        weights[unit] = self._token_w.view[rows]
        paired = np.flatnonzero(pair >= 0)
        spans[unit[paired] + 1, 0], spans[unit[paired] + 1, 1] = s[paired - 1], e[paired]
        weights[unit[paired] + 1] = self.coef[pair[paired]] * 1.0
        chunk_of = np.repeat(np.arange(len(keys)), lengths)
        per_chunk = np.bincount(chunk_of, weights=n_units, minlength=len(keys)).astype(np.int64)
        last = first + lengths - 1
        has = lengths > 0
        info = np.zeros((len(keys), 4), dtype=np.int64)
        info[has] = np.stack([vid[first[has]], e[first[has]], vid[last[has]], s[last[has]]], axis=1)
        base = self._ptr.view[-1, 0]
        self._ptr.extend(base + np.cumsum(per_chunk))
        self._info.extend(info)
        self._spans.extend(spans)
        self._weights.extend(weights)
        self._ids.update((key, len(self._ids)) for key in keys)

    # ----- explaining windows -----
    def _pieces(self, text: str) -> tuple[list[str], list[int]]:
        """The chunk keys of a window's text and where each starts. A run of 3+ single letters that spells a
        lexicon word ("f u c k") is one piece, as the featuriser reads it."""
        if not _SINGLE_LETTER_RUN.search(text):  # most windows: the pieces are the chunks
            keys = text.split()  # str.split and \s agree on every code point
            if " ".join(keys) == text and keys:
                return keys, list(accumulate((len(k) + 1 for k in keys[:-1]), initial=0))
            return keys, [m.start() for m in _CHUNK.finditer(text)]
        chunks = [(m.group(), m.start()) for m in _CHUNK.finditer(text)]
        single = [len(c) == 1 and c.isalpha() for c, _ in chunks]
        if not any(single):
            return [c for c, _ in chunks], [a for _, a in chunks]
        keys: list[str] = []
        starts: list[int] = []
        i = 0
        while i < len(chunks):
            j = i
            while j < len(chunks) and single[j]:
                j += 1
            hit = self.feat.spaced_word([c for c, _ in chunks[i:j]]) if j - i >= 3 else None
            if hit:
                for c, a in chunks[i : i + hit[0]]:
                    keys.append(c)
                    starts.append(a)
                a = chunks[i + hit[0]][1]
                keys.append(f"{_SPELT}{hit[1]}{_SPELT}{chunks[j - 1][1] + 1 - a}")
                starts.append(a)
            else:
                for c, a in chunks[i : max(j, i + 1)]:
                    keys.append(c)
                    starts.append(a)
            i = max(j, i + 1)
        return keys, starts

    def gather(self, windows: Sequence[tuple[str, float]]) -> tuple[Units, np.ndarray]:
        """The units of every (text, scale) window, one window after another in reading order, and the first
        unit of every window followed by the number of units."""
        if len(self._ids) > _MAX_CACHED_CHUNKS:
            self.reset()
        keys: list[str] = []
        starts: list[int] = []
        owner: list[int] = []
        for w, (text, _) in enumerate(windows):
            ks, ss = self._pieces(text)
            keys += ks
            starts += ss
            owner += [w] * len(ks)
        new = [key for key in dict.fromkeys(keys) if key not in self._ids]
        if new:
            self._register(new)
        ids = self._ids
        pid = np.array([ids[key] for key in keys], dtype=np.int64)
        at = np.array(starts, dtype=np.int64)
        win = np.array(owner, dtype=np.int64)
        scale = np.array([sc for _, sc in windows], dtype=np.float64)
        ptr, info = self._ptr.view[:, 0], self._info.view
        count = ptr[pid + 1] - ptr[pid]
        first_unit = np.cumsum(count) - count  # of every piece, among the gathered units
        piece = np.repeat(np.arange(len(pid)), count)
        unit = ptr[pid][piece] + np.arange(len(piece)) - first_unit[piece]
        spans = self._spans.view[unit] + at[piece][:, None]
        weights = self._weights.view[unit] * scale[win[piece]][:, None]
        order = 2 * np.arange(len(piece))
        # word pairs across chunks: the last token of a piece and the first of the next piece with tokens
        has = np.flatnonzero(count > 0)
        prev, cur = has[:-1], has[1:]
        same = win[prev] == win[cur]
        prev, cur = prev[same], cur[same]
        cols = self.feat.bigram_cols(info[pid[prev], 2], info[pid[cur], 0])
        found = cols >= 0
        prev, cur, cols = prev[found], cur[found], cols[found]
        if len(cols):
            pair_spans = np.stack([info[pid[prev], 3] + at[prev], info[pid[cur], 1] + at[cur]], axis=1)
            spans = np.concatenate([spans, pair_spans])
            weights = np.concatenate([weights, self.coef[cols] * 1.0 * scale[win[cur]][:, None]])
            order = np.concatenate([order, 2 * first_unit[cur] + 1])  # right after the piece's first token
            piece = np.concatenate([piece, cur])
        sort = np.lexsort((order, win[piece])) if len(piece) else np.zeros(0, dtype=np.int64)
        bounds = np.searchsorted(win[piece][sort], np.arange(len(windows) + 1))
        return Units(spans[sort, 0], spans[sort, 1], weights[sort]), bounds

    def units(self, text: str, scale: float) -> Units:
        """The units of one window's text with their contributions (unscaled weights times ``scale``)."""
        return self.gather([(text, scale)])[0]

    def explain(
        self, windows: Sequence[tuple[str, float, Sequence[int]]], k: int = 3
    ) -> list[dict[int, list[str]]]:
        """For every (text, scale, columns) window: the phrases behind each of its columns (categories)."""
        units, bounds = self.gather([(text, scale) for text, scale, _ in windows])
        out = []
        for w, (text, _, columns) in enumerate(windows):
            a, b = bounds[w], bounds[w + 1]
            starts, ends, weights = units.starts[a:b], units.ends[a:b], units.weights[a:b]
            out.append({j: pick_phrases(text, weights[:, j], starts, ends, k) for j in columns})
        return out
