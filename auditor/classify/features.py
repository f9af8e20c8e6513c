"""One shared featuriser for all five categories: de-obfuscated words, word pairs, lexicon classes, tone.

A text is split on whitespace into chunks ("Fuck!!", "sh1t", "@bob", "https://…"). Every distinct chunk is
normalised and turned into features once and cached as a *chunk type*; a batch is then one `str.split`, one
dictionary lookup per chunk and one sparse product Z·M, where Z counts chunk types and cross-chunk word pairs
per text and M stacks, per type and pair, its features (training) or its five category scores (scoring).

Feature row of a text: [unigrams | word pairs | lexicon classes | hashed character 3-4-grams of words outside
the vocabulary | document features]. Word features are counts divided by sqrt(number of tokens).
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp

from auditor.classify.lexicon import CLASSES, Lexicons
from auditor.classify.normalise import _URL, Normaliser, Span, fold

TOKEN_RE = re.compile(
    r"@user|[a-z0-9](?:[a-z0-9_']*[a-z0-9])?|[!?]|\.\.\.|\"|[\U0001F000-\U0001FAFF\u2600-\u27BF]"
)
_ALLCAPS = re.compile(r"[A-Z]{3,}")
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF]")
_CHUNK = re.compile(r"\S+")
_QUIET = re.compile(r"[A-Za-z0-9',.;:()&%+=\-]*")  # ASCII chunks that add no COUNTS except CAPS
_TRIPLE = re.compile(r"([a-z])\1\1")
_WORD_PUNCT = re.compile(r"(#?)([A-Za-z]+)[.,!?:;]*")
# ASCII chunks the normaliser leaves as they are (besides lower-casing): no letters and no "@" (no step
# applies), or none of the characters a link, mention, spaced, obfuscated or masked word needs.
_NO_LETTERS = re.compile(r"[^A-Za-z@]*")
_NO_MARKS = re.compile(r"[^@.\-_*$#!|+0-9]*")
_NO_COUNTS = (0,) * 9
_CAPS_ONLY = (0, 0, 0, 0, 1, 0, 0, 0, 0)
N_HASH = 1 << 16
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
# Both lexicon classes present in the text: (name, class a, class b)
PAIRS = (
    ("you_insult", "second_person", "insult_words"),
    ("you_swear", "second_person", "profanity_strong"),
    ("identity_insult", "identity_terms", "insult_words"),
    ("identity_swear", "identity_terms", "profanity_strong"),
)
DOC_FEATURES = ("log_tokens", *(c for c, _ in COUNTS), *(p for p, _, _ in PAIRS))
_SEP = "\x01"


def char_ngrams(token: str) -> list[str]:
    """Character 3- and 4-grams of a word with boundary marks (for words outside the vocabulary)."""
    padded = f"<{token}>"
    n3 = len(padded) - 2
    return [padded[i : i + 3] for i in range(n3)] + [padded[i : i + 4] for i in range(n3 - 1)]


class _GramColumns(dict):
    """Character n-gram -> its hashed feature column (offset + bucket), computed on first use."""

    def __init__(self, offset: int) -> None:
        super().__init__()
        self.offset = offset

    def __missing__(self, gram: str) -> int:
        col = self[gram] = self.offset + hash_bucket(gram)
        return col


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class PairTable:
    """Open-addressing hash table (linear probing) from word-pair keys to their positions in a sorted key
    array; a vectorised replacement for np.searchsorted that touches one or two slots per query."""

    def __init__(self, keys: np.ndarray) -> None:
        self.bits = max(4, int(len(keys) * 4).bit_length())  # load factor at most 1/4
        self.mask = (1 << self.bits) - 1
        self.keys = np.full(1 << self.bits, -1, dtype=np.int64)
        self.pos = np.zeros(1 << self.bits, dtype=np.int64)
        home = self._slot(keys)
        pending = np.arange(len(keys))
        self.max_probe = 0
        while len(pending):  # round p: every unplaced key tries slot home + p; ties go to the first key
            slots = (home[pending] + self.max_probe) & self.mask
            free = self.keys[slots] == -1
            uniq, first = np.unique(slots[free], return_index=True)
            winners = pending[free][first]
            self.keys[uniq] = keys[winners]
            self.pos[uniq] = winners
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            self.max_probe += 1

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys.astype(np.uint64) * _GOLDEN) >> np.uint64(64 - self.bits)).astype(np.int64)

    def find(self, queries: np.ndarray) -> np.ndarray:
        """Position of every query key in the key array, or -1 if absent."""
        out = np.full(len(queries), -1, dtype=np.int64)
        home = self._slot(queries)
        todo = np.arange(len(queries))
        for probe in range(self.max_probe):
            slots = (home[todo] + probe) & self.mask
            found = self.keys[slots]
            hit = found == queries[todo]
            out[todo[hit]] = self.pos[slots[hit]]
            todo = todo[~hit & (found != -1)]
            if not len(todo):
                break
        return out


def hash_bucket(gram: str) -> int:
    """Stable bucket for a character n-gram (crc32 does not change between runs, unlike hash())."""
    return zlib.crc32(gram.encode("utf-8")) & (N_HASH - 1)


@dataclass
class Unit:
    """A word or word pair of one text: its feature columns/values (unscaled) and its span in the original."""

    cols: list[int]
    vals: list[float]
    start: int
    end: int


class Featuriser:
    """Fitted vocabularies plus the transform shared by training, scoring and evidence."""

    def __init__(
        self,
        lex: Lexicons,
        vocab: Sequence[str],
        bigram_keys: np.ndarray,
        char_all: bool = False,
        char_weight: float = 1.0,
    ) -> None:
        self.lex = lex
        self.char_all = char_all  # character n-grams for every word, not only those outside the vocabulary
        self.char_weight = char_weight
        self.normaliser = Normaliser(lex)
        self.vocab = list(vocab)
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.bigram_keys = np.asarray(bigram_keys, dtype=np.int64)
        self.n_vocab = len(self.vocab)
        self.off_bigram = self.n_vocab
        self.off_lex = self.off_bigram + len(self.bigram_keys)
        self.off_hash = self.off_lex + len(CLASSES)
        self.off_doc = self.off_hash + N_HASH
        self.n_features = self.off_doc + len(DOC_FEATURES)
        self._bigram_col = dict(
            zip(self.bigram_keys.tolist(), range(self.off_bigram, self.off_lex), strict=True)
        )
        # may word id i (shifted by 2 so -2/-1 map to False) start / end a known word pair?
        self._starts_pair = np.zeros(self.n_vocab + 2, dtype=bool)
        self._ends_pair = np.zeros(self.n_vocab + 2, dtype=bool)
        if self.n_vocab:
            self._starts_pair[self.bigram_keys // self.n_vocab + 2] = True
            self._ends_pair[self.bigram_keys % self.n_vocab + 2] = True
        self._pair_table = PairTable(self.bigram_keys)
        self._gram_col = _GramColumns(self.off_hash)
        self._pair_classes = [(CLASSES.index(a), CLASSES.index(b)) for _, a, b in PAIRS]
        self.reset_cache()

    # ----- vocabulary fitting (training only) -----
    @classmethod
    def fit(
        cls,
        lex: Lexicons,
        texts: Sequence[str],
        min_df: int = 2,
        min_df_bigram: int = 3,
        max_vocab: int = 120_000,
        max_bigrams: int = 150_000,
        **options,
    ) -> Featuriser:
        """Vocabulary of words and word pairs seen in at least min_df training texts."""
        probe = cls(lex, [], np.zeros(0, dtype=np.int64))
        docs = [probe.tokens(t) for t in texts]
        df: dict[str, int] = {}
        for toks in docs:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        words = sorted((w for w, c in df.items() if c >= min_df), key=lambda w: (-df[w], w))[:max_vocab]
        index = {w: i for i, w in enumerate(words)}
        n = len(words)
        bdf: dict[int, int] = {}
        for toks in docs:
            ids = [index.get(t, -1) for t in toks]
            for k in {a * n + b for a, b in zip(ids, ids[1:], strict=False) if a >= 0 and b >= 0}:
                bdf[k] = bdf.get(k, 0) + 1
        keys = sorted((k for k, c in bdf.items() if c >= min_df_bigram), key=lambda k: (-bdf[k], k))
        return cls(lex, words, np.array(sorted(keys[:max_bigrams]), dtype=np.int64), **options)

    # ----- one chunk -----
    def chunk_tokens(self, chunk: str) -> list[str]:
        if chunk.isascii() and chunk.isalpha():  # plain word: only stretched letters need the normaliser
            low = chunk.lower()
            if not _TRIPLE.search(low):
                return [low]
        elif (
            (m := _WORD_PUNCT.fullmatch(chunk))
            and not _TRIPLE.search(low := chunk.lower())
            and (m.group(1) or "!" not in chunk or self.lex.canonical(m.group(2).lower()) is None)
        ):
            return TOKEN_RE.findall(low)  # "word," "#tag!": the normaliser would leave it as it is
        elif chunk.isascii():
            low = chunk.lower()
            if (m := _URL.match(low)) and m.end() == len(low):
                return ["httpurl"]  # a whole-chunk link: what the normaliser turns it into
            if _NO_LETTERS.fullmatch(chunk) or (
                _NO_MARKS.fullmatch(chunk) and "://" not in chunk and not _TRIPLE.search(low)
            ):
                return TOKEN_RE.findall(low)  # "10", ",", "it's": no normaliser step applies
        return TOKEN_RE.findall(self.normaliser.normalise(chunk))

    def tokens(self, text: str) -> list[str]:
        """Normalised tokens of a text, exactly as the featuriser sees them."""
        return [t for c in self._joined_chunks(text.split()) for t in self.chunk_tokens(c)]

    def _joined_chunks(self, chunks: list[str]) -> list[str]:
        """Join maximal runs of 3+ single letters that spell a lexicon word ("f u c k" -> "fuck")."""
        out: list[str] = []
        i = 0
        while i < len(chunks):
            j = i
            while j < len(chunks) and self._single_letter(chunks[j]):
                j += 1
            hit = self._spaced_word(chunks[i:j])
            if hit:
                out.extend(chunks[i : i + hit[0]])
                out.append(hit[1])
            else:
                out.extend(chunks[i : max(j, i + 1)])
            i = max(j, i + 1)
        return out

    def _spaced_word(self, letters: Sequence[str]) -> tuple[int, str] | None:
        """(skip, word): the lexicon word that a run of 3+ single letters spells after its first `skip`
        letters (0, or 1 when the run starts with the words "a" or "I": "a f u c k i n g mess"), or None."""
        for skip in (0, 1) if letters and letters[0] in ("a", "A", "i", "I") else (0,):
            if len(letters) - skip >= 3:
                word = self.lex.canonical(fold("".join(letters[skip:])))
                if word:
                    return skip, word
        return None

    @staticmethod
    def _single_letter(chunk: str) -> bool:
        return len(chunk) == 1 and chunk.isalpha()

    def token_features(self, tok: str) -> tuple[list[int], list[float], int]:
        """Columns and values of one token (word or OOV n-grams, lexicon classes) and its vocabulary id."""
        hit = self._token_cache.get(tok)
        if hit is None:
            hit = self._token_cache[tok] = self._token_features(tok)
        return hit

    def _token_features(self, tok: str) -> tuple[list[int], list[float], int]:
        i = self.index.get(tok, -1)
        cols, vals = ([i], [1.0]) if i >= 0 else ([], [])
        if tok.isalpha() and (i < 0 or self.char_all):
            grams = char_ngrams(tok)
            cols += map(self._gram_col.__getitem__, grams)
            vals += [self.char_weight / math.sqrt(len(grams))] * len(grams)
        for c in self.lex.classes_of.get(tok, ()):
            cols.append(self.off_lex + c)
            vals.append(1.0)
        return cols, vals, i

    def bigram_col(self, a: int, b: int) -> int:
        if a < 0 or b < 0:
            return -1
        return self._bigram_col.get(a * self.n_vocab + b, -1)

    def _new_type(self, chunk: str) -> int:
        """Compute and cache the features of a chunk never seen before; returns its type id."""
        t = len(self._types)
        classes_of = self.lex.classes_of
        lexmask = [0] * len(CLASSES)
        if chunk.isascii() and chunk.isalpha() and not _TRIPLE.search(low := chunk.lower()):
            # plain word (the common case): one token, no pairs, only CAPS among the counts
            cols, vals, i = self.token_features(low)
            ids = [i]
            for c in classes_of.get(low, ()):
                lexmask[c] += 1
            counts = _NO_COUNTS if not chunk.isupper() or len(chunk) < 3 else _CAPS_ONLY
        else:
            toks = self.chunk_tokens(chunk)
            if len(toks) == 1:  # one token: its cached row as it is, no pairs
                cols, vals, i = self.token_features(toks[0])
                ids = [i]
                for cls_idx in classes_of.get(toks[0], ()):
                    lexmask[cls_idx] += 1
            else:
                cols, vals, ids = [], [], []
                for tok in toks:
                    c, v, i = self.token_features(tok)
                    cols += c
                    vals += v
                    ids.append(i)
                    for cls_idx in classes_of.get(tok, ()):
                        lexmask[cls_idx] += 1
                for a, b in zip(ids, ids[1:], strict=False):
                    col = self.bigram_col(a, b)
                    if col >= 0:
                        cols.append(col)
                        vals.append(1.0)
            quiet = _QUIET.fullmatch(chunk) and "..." not in chunk and "http" not in chunk
            if quiet and not chunk.startswith("www."):
                caps = len(_ALLCAPS.findall(chunk))  # no link, mention, !, ?, quote, #, ... or emoji
                counts = (0, 0, 0, 0, caps, 0, 0, 0, 0) if caps else _NO_COUNTS
            else:
                counts = self._chunk_counts(chunk)
        self._types.append(chunk)
        self._rows.append((cols, vals))
        self._pending.append(
            (
                len(ids),
                ids[0] if ids else -2,
                ids[-1] if ids else -2,
                len(chunk) == 1 and chunk.isalpha(),
                *counts,
                *lexmask,
            )
        )
        self._lookup[chunk] = t
        return t

    @staticmethod
    def _chunk_counts(chunk: str) -> list:
        """The COUNTS of one chunk."""
        return [
            "httpurl" in chunk or chunk.startswith(("http://", "https://", "www.")),
            chunk.startswith("@") and len(chunk) > 1,
            chunk.count("!"),
            chunk.count("?"),
            len(_ALLCAPS.findall(chunk)),
            chunk.count('"') + chunk.count("\u201c") + chunk.count("\u201d"),
            chunk.count("#"),
            "..." in chunk or "\u2026" in chunk,
            _EMOJI.search(chunk) is not None,
        ]

    def prewarm(self) -> None:
        """Cache the chunk types of plain vocabulary words (lower-case and Capitalised) in bulk; the result
        is exactly what _new_type would compute for them one by one, only faster."""
        classes_of = self.lex.classes_of
        lookup = self._lookup
        n_lex = len(CLASSES)
        for i, word in enumerate(self.vocab):
            if not (word.isascii() and word.isalpha()) or _TRIPLE.search(word):
                continue
            classes = classes_of.get(word, ())
            cols, vals, _ = self.token_features(word)
            lexmask = [0] * n_lex
            for c in classes:
                lexmask[c] += 1
            for form in (word, word.capitalize()):
                if form in lookup:
                    continue
                lookup[form] = len(self._types)
                self._types.append(form)
                self._rows.append((cols, vals))
                self._pending.append((1, i, i, len(form) == 1, *_NO_COUNTS, *lexmask))

    def _grow(self, size: int) -> None:
        n = len(self._ntok)
        for name, fill in (("_ntok", 0.0), ("_first", -2), ("_last", -2), ("_single", False)):
            old = getattr(self, name)
            new = np.full(size, fill, dtype=old.dtype)
            new[:n] = old
            setattr(self, name, new)
        counts = np.zeros((size, self._counts.shape[1]))
        counts[:n] = self._counts
        self._counts = counts

    # ----- cache of chunk types -----
    def reset_cache(self) -> None:
        self._types: list[str] = []
        self._rows: list[tuple[list[int], list[float]]] = []
        self._ntok = np.zeros(0)
        self._first = np.zeros(0, dtype=np.int64)
        self._last = np.zeros(0, dtype=np.int64)
        self._single = np.zeros(0, dtype=bool)
        self._counts = np.zeros((0, len(COUNTS) + len(CLASSES)))
        self._grow(4096)
        self._pending: list[tuple] = []
        self._token_cache: dict[str, tuple[list[int], list[float], int]] = {}
        self._lookup: dict[str, int] = {}
        self._proj: np.ndarray | None = None
        self._proj_coef: np.ndarray | None = None
        self._proj_rows = 0
        self._new_type(_SEP)  # type 0 separates texts
        self._new_type("")  # type 1 is an empty chunk (letters merged into a neighbour)

    def _type_arrays(self) -> dict[str, np.ndarray]:
        """Per-type token count, first/last word id, single-letter flag, chunk counts + lexicon classes."""
        if self._pending:
            block = np.array(self._pending, dtype=np.float64)
            start = len(self._types) - len(block)
            if len(self._types) > len(self._ntok):
                self._grow(max(2 * len(self._ntok), len(self._types)))
            end = len(self._types)
            self._ntok[start:end] = block[:, 0]
            self._first[start:end] = block[:, 1]
            self._last[start:end] = block[:, 2]
            self._single[start:end] = block[:, 3] > 0
            self._counts[start:end] = block[:, 4:]
            self._pending = []
        n = len(self._types)
        return {
            "ntok": self._ntok[:n],
            "first": self._first[:n],
            "last": self._last[:n],
            "counts": self._counts[:n],
            "single": self._single[:n],
        }

    def type_matrix(self, start: int = 0) -> sp.csr_matrix:
        """Sparse features of chunk types start.. (rows) over all feature columns."""
        rows = self._rows[start:]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(c) for c, _ in rows])
        cols = np.fromiter(chain.from_iterable(c for c, _ in rows), dtype=np.int64, count=int(indptr[-1]))
        vals = np.fromiter(chain.from_iterable(v for _, v in rows), dtype=np.float64, count=int(indptr[-1]))
        return sp.csr_matrix((vals, cols, indptr), shape=(len(rows), self.n_features))

    # ----- a batch -----
    def encode(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """Z (texts x (word pairs + chunk types)) counting cross-chunk word pairs and chunk types per text,
        the per-text scale 1/sqrt(tokens), and the token counts."""
        if len(self._types) > 400_000:
            self.reset_cache()
        joined = (" " + _SEP + " ").join(texts)
        if joined.count(_SEP) != len(texts) - 1:  # a text holding the separator itself
            joined = (" " + _SEP + " ").join(t.replace(_SEP, " ") for t in texts)
        chunks = joined.split()
        lookup = self._lookup
        ids = np.fromiter(map(lookup.get, chunks, repeat(-1)), dtype=np.int64, count=len(chunks))
        for i in np.flatnonzero(ids < 0).tolist():  # new chunk types: computed once, then cached
            t = lookup.get(chunks[i])
            ids[i] = self._new_type(chunks[i]) if t is None else t
        arr = self._type_arrays()
        single = arr["single"][ids]
        if len(ids) > 2 and (single[:-2] & single[1:-1] & single[2:]).any():
            ids = self._merge_spaced(chunks, ids, single)
            arr = self._type_arrays()
        doc = np.cumsum(ids == 0)
        n = len(texts)
        tok = arr["ntok"][ids]
        ntok = np.bincount(doc, weights=tok, minlength=n)[:n]
        scale = 1.0 / np.sqrt(np.maximum(ntok, 1.0))
        # word pairs across chunk boundaries (chunks without tokens are skipped)
        pos = np.flatnonzero(tok > 0)
        a = arr["last"][ids[pos[:-1]]]
        b = arr["first"][ids[pos[1:]]]
        same = (doc[pos[:-1]] == doc[pos[1:]]) & self._starts_pair[a + 2] & self._ends_pair[b + 2]
        n_pairs = len(self.bigram_keys)
        pair_docs = np.zeros(0, dtype=np.int64)
        pair_cols = np.zeros(0, dtype=np.int64)
        if same.any() and n_pairs:
            keys = a[same] * self.n_vocab + b[same]
            where = self._pair_table.find(keys)
            found = where >= 0
            pair_docs = doc[pos[:-1]][same][found]
            pair_cols = where[found]
        # CSR without sorting: per text, its chunk types first, then its word pairs (both already in order)
        n_type = np.bincount(doc, minlength=n)[:n]
        n_pair = np.bincount(pair_docs, minlength=n)[:n]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(n_type + n_pair, out=indptr[1:])
        cols = np.empty(int(indptr[-1]), dtype=np.int64)
        type_start = np.cumsum(n_type) - n_type
        cols[indptr[doc] + np.arange(len(ids)) - type_start[doc]] = ids + n_pairs
        if len(pair_docs):
            pair_start = np.cumsum(n_pair) - n_pair
            dest = indptr[pair_docs] + n_type[pair_docs] + np.arange(len(pair_docs)) - pair_start[pair_docs]
            cols[dest] = pair_cols
        z = sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(n, n_pairs + len(self._types)))
        return z, scale, ntok

    def scores(self, texts: Sequence[str], coef: np.ndarray) -> np.ndarray:
        """Linear scores texts @ coef (coef: n_features x k) through one sparse product with the cached
        per-type projections; equal to transform(texts) @ coef."""
        z, scale, ntok = self.encode(texts)
        m = self._projection(coef)
        k = coef.shape[1]
        prod = z @ m[: z.shape[1]]
        dense = self.doc_features(prod[:, k:], ntok)
        return prod[:, :k] * scale[:, None] + dense @ coef[self.off_doc :]

    def project(self, coef: np.ndarray) -> None:
        """Precompute the category scores of every cached chunk type (done once at model load)."""
        self._projection(coef)

    def _projection(self, coef: np.ndarray) -> np.ndarray:
        """Rows: word pairs then chunk types; columns: their k category weights, then their counts."""
        if self._proj is None or self._proj_coef is not coef:
            n_pairs = len(self.bigram_keys)
            base = np.zeros((n_pairs, coef.shape[1] + self._counts.shape[1]))
            base[:, : coef.shape[1]] = coef[self.off_bigram : self.off_bigram + n_pairs]
            self._proj, self._proj_coef, self._proj_rows = base, coef, n_pairs
        n_rows = len(self.bigram_keys) + len(self._types)
        if self._proj_rows < n_rows:
            start = self._proj_rows - len(self.bigram_keys)
            block = np.hstack(
                [np.asarray(self.type_matrix(start) @ coef), self._type_arrays()["counts"][start:]]
            )
            if n_rows > len(self._proj):
                grown = np.zeros((max(n_rows, 2 * len(self._proj)), self._proj.shape[1]))
                grown[: self._proj_rows] = self._proj[: self._proj_rows]
                self._proj = grown
            self._proj[self._proj_rows : n_rows] = block
            self._proj_rows = n_rows
        return self._proj

    def _merge_spaced(self, chunks: list[str], ids: np.ndarray, single: np.ndarray) -> np.ndarray:
        """Maximal runs of 3+ single-letter chunks that spell a lexicon word become that word (the other
        letters become empty chunks); the vectorised twin of _joined_chunks."""
        ids = ids.copy()
        starts = np.flatnonzero(single[:-2] & single[1:-1] & single[2:])
        done = -1
        for i in starts.tolist():
            if i <= done:
                continue
            j = i
            while j < len(ids) and single[j]:
                j += 1
            hit = self._spaced_word(chunks[i:j])
            if hit:
                k, word = i + hit[0], hit[1]
                ids[k] = self._lookup[word] if word in self._lookup else self._new_type(word)
                ids[k + 1 : j] = 1
            done = j
        return ids

    def doc_features(self, counts: np.ndarray, ntok: np.ndarray) -> np.ndarray:
        """Dense document features from summed chunk counts: length, links, !, ?, CAPS, ..., class pairs."""
        counts = np.asarray(counts)
        n_counts = len(COUNTS)
        dense = np.zeros((len(ntok), len(DOC_FEATURES)))
        dense[:, 0] = np.log1p(ntok) / 4.0
        caps = np.array([c for _, c in COUNTS], dtype=np.float64)
        dense[:, 1 : 1 + n_counts] = np.minimum(counts[:, :n_counts], caps) / caps
        lexc = counts[:, n_counts:] > 0
        for k, (a, b) in enumerate(self._pair_classes):
            dense[:, 1 + n_counts + k] = lexc[:, a] & lexc[:, b]
        return dense

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sparse feature matrix (texts x features), for training."""
        z, scale, ntok = self.encode(texts)
        n_pairs = len(self.bigram_keys)
        pairs = sp.csr_matrix(
            (np.ones(n_pairs), (np.arange(n_pairs), self.off_bigram + np.arange(n_pairs))),
            shape=(n_pairs, self.n_features),
        )
        m = sp.vstack([pairs, self.type_matrix(0)]).tocsr()
        x = sp.diags(scale) @ (z @ m)
        dense = self.doc_features(self._doc_counts(z), ntok)
        doc = sp.csr_matrix(dense)
        doc_part = sp.csr_matrix((doc.data, doc.indices + self.off_doc, doc.indptr), shape=x.shape)
        return (x + doc_part).tocsr()

    # ----- evidence support -----
    def units(self, text: str) -> tuple[list[Unit], np.ndarray, float]:
        """Words and word pairs of one text with their original spans, the text's document features and
        its scale; the same features transform() builds, kept apart so contributions can be ranked."""
        chunks = [(m.group(), m.start()) for m in _CHUNK.finditer(text)]
        merged: list[tuple[str, int, int]] = []
        i = 0
        while i < len(chunks):
            j = i
            while j < len(chunks) and self._single_letter(chunks[j][0]):
                j += 1
            hit = self._spaced_word([c for c, _ in chunks[i:j]])
            if hit:
                k = i + hit[0]
                merged += [(c, start, start + len(c)) for c, start in chunks[i:k]]
                merged.append((hit[1], chunks[k][1], chunks[j - 1][1] + 1))
            else:
                merged += [(c, start, start + len(c)) for c, start in chunks[i : max(j, i + 1)]]
            i = max(j, i + 1)
        units: list[Unit] = []
        prev: tuple[int, int] | None = None  # (vocab id, start) of the previous token
        for chunk, start, end in merged:
            is_word = chunk != text[start:end]
            if is_word:
                toks: list[tuple[str, Span]] = [(t, (start, end)) for t in TOKEN_RE.findall(chunk)]
            else:
                norm, spans = self.normaliser.normalise_mapped(chunk)
                toks = []
                for m in TOKEN_RE.finditer(norm):
                    seg = spans[m.start() : m.end()]
                    toks.append((m.group(), (start + min(s for s, _ in seg), start + max(e for _, e in seg))))
            for tok, (s, e) in toks:
                cols, vals, i_tok = self.token_features(tok)
                units.append(Unit(cols, vals, s, e))
                if prev is not None:
                    col = self.bigram_col(prev[0], i_tok)
                    if col >= 0:
                        units.append(Unit([col], [1.0], prev[1], e))
                prev = (i_tok, s)
        z, scale, ntok = self.encode([text])
        dense = self.doc_features(self._doc_counts(z), ntok)
        return units, dense[0], float(scale[0])

    def _doc_counts(self, z: sp.csr_matrix) -> np.ndarray:
        """Per-text lexicon/style counts: z's chunk-type columns (after the word pairs) times the type counts.

        Slicing z instead of stacking a dense zero block for the pairs keeps this cheap per text (evidence).
        """
        counts = self._type_arrays()["counts"]
        n_pairs = len(self.bigram_keys)
        return np.asarray(z[:, n_pairs : n_pairs + len(counts)] @ counts)
