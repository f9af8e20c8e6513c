"""One shared featuriser for all five categories: de-obfuscated words, word pairs, lexicon classes, tone.

A text is split on whitespace into chunks ("Fuck!!", "sh1t", "@bob", "https://…"). Every distinct chunk is
normalised and turned into features once and cached as a *chunk type*; a batch is then cut into chunks with
numpy, its chunks looked up at once by exact integer keys (short ASCII chunks) or by string (the rest), and
scored by one sparse product Z·M, where Z counts chunk types and cross-chunk word pairs per text and M stacks,
per type and pair, its features (training) or its five category scores (scoring).
Chunks never seen before are featurised together, a whole batch at a time: they are joined into one string,
normalised by the same regular expressions, tokenised by one findall and turned into rows with numpy.

Feature row of a text: [unigrams | word pairs | lexicon classes | hashed character 3-4-grams of words outside
the vocabulary | document features]. Word features are counts divided by sqrt(number of tokens).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import repeat
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from auditor.classify.chunkstats import (
    COUNTS,
    GOLDEN,
    N_HASH,
    Joined,
    chunk_keys,
    chunk_spans,
    codepoints,
    gram_buckets,
    style_counts,
)
from auditor.classify.embedding import WordVectors
from auditor.classify.lexicon import CLASSES, Lexicons
from auditor.classify.normalise import Normaliser, fold
from auditor.classify.windows import collapse_mask, ends_sentence, window_rows

TOKEN_RE = re.compile(
    r"@user|[a-z0-9](?:[a-z0-9_']*[a-z0-9])?|[!?]|\.\.\.|\"|[\U0001F000-\U0001FAFF\u2600-\u27BF]"
)
_TOKEN_OR_NEWLINE = re.compile(f"\n|{TOKEN_RE.pattern}")  # newlines separate the chunks of a batch
# Both lexicon classes present in the text: (name, class a, class b)
PAIRS = (
    ("you_insult", "second_person", "insult_words"),
    ("you_swear", "second_person", "profanity_strong"),
    ("identity_insult", "identity_terms", "insult_words"),
    ("identity_swear", "identity_terms", "profanity_strong"),
    ("self_insult", "first_person", "insult_words"),  # "I'm such an idiot": aimed at oneself
)
DOC_FEATURES = ("log_tokens", *(c for c, _ in COUNTS), *(p for p, _, _ in PAIRS))
_SEP = "\x01"
_MAX_TYPES = 400_000  # the chunk-type cache starts afresh beyond this many types
_ROOM = 1 << 16  # types a batch may add beyond that
_ODD = np.uint64(0xD6E8FEB86659FD93)  # mixes the second part of a two-part key into its hash


class KeyTable:
    """Open-addressing hash table (linear probing) from keys to int64 values: a vectorised lookup that
    touches one or two slots per query (word-pair keys -> their positions, chunk keys -> chunk types). A key
    is an int64 >= 0, or a pair of int64 (the first >= 0) when `second` is given. The slots only hold entry
    numbers; the entries are stored in the order added, so the memory touched at random stays small."""

    def __init__(
        self,
        keys: np.ndarray,
        values: np.ndarray | None = None,
        room: int = 0,
        second: np.ndarray | None = None,
    ) -> None:
        """keys (distinct) -> values (default: their positions); room: keys to be added later."""
        size = len(keys) + room
        self.bits = max(4, int(size * 2).bit_length())  # load factor at most 1/2
        self.mask = (1 << self.bits) - 1
        self.slots = np.zeros(1 << self.bits, dtype=np.int32)  # entry numbers; 0: free (free until used)
        self.keys = np.zeros(size + 1, dtype=np.int64)  # entry 0 matches no key
        self.keys[0] = -1
        self.second = np.zeros(size + 1, dtype=np.int64)
        self.values = np.zeros(size + 1, dtype=np.int64)
        self.size = 0
        self.max_probe = 0
        self.add(keys, np.arange(len(keys)) if values is None else values, second)

    def add(self, keys: np.ndarray, values: np.ndarray, second: np.ndarray | None = None) -> None:
        """Insert keys (distinct, none in the table yet); the table doubles when it would be over 1/2 full."""
        second = np.zeros(len(keys), dtype=np.int64) if second is None else second
        start, end = self.size + 1, self.size + 1 + len(keys)  # their entry numbers
        if end > len(self.keys) or 2 * end > len(self.slots):
            held = slice(1, start)
            merged = [np.concatenate(a) for a in ((self.keys[held], keys), (self.values[held], values))]
            self.__init__(*merged, room=end, second=np.concatenate([self.second[held], second]))  # doubled
            return
        self.keys[start:end], self.values[start:end], self.second[start:end] = keys, values, second
        home = self._slot(keys, second)
        pending = np.arange(len(keys))
        probe = 0
        while len(pending):  # round p: every unplaced key tries slot home + p; ties go to the first key
            slots = (home[pending] + probe) & self.mask
            free = self.slots[slots] == 0
            uniq, first = np.unique(slots[free], return_index=True)
            winners = pending[free][first]
            self.slots[uniq] = start + winners
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            probe += 1
        self.max_probe = max(self.max_probe, probe)
        self.size += len(keys)

    def _slot(self, keys: np.ndarray, second: np.ndarray | None) -> np.ndarray:
        with np.errstate(over="ignore"):
            mixed = keys.astype(np.uint64)
            if second is not None:
                mixed ^= second.astype(np.uint64) * _ODD
            return ((mixed * GOLDEN) >> np.uint64(64 - self.bits)).astype(np.int64)

    def find(self, keys: np.ndarray, second: np.ndarray | None = None) -> np.ndarray:
        """The value of every query key, or -1 if absent."""
        home = self._slot(keys, second)
        entry = self.slots[home]  # the first probe, for every query
        hit = self.keys[entry] == keys
        if second is not None:
            hit &= self.second[entry] == second
        out = np.where(hit, self.values[entry], -1)
        todo = np.flatnonzero(~hit & (entry != 0))
        for probe in range(1, self.max_probe):  # further probes, for the few queries still unresolved
            if not len(todo):
                break
            entry = self.slots[(home[todo] + probe) & self.mask]
            hit = self.keys[entry] == keys[todo]
            if second is not None:
                hit &= self.second[entry] == second[todo]
            out[todo[hit]] = self.values[entry[hit]]
            todo = todo[~hit & (entry != 0)]
        return out


class TokenRecords:
    """Every token the model knows something about (vocabulary, lexicon classes, word classes), plus the
    newline between chunks, behind one lookup: a single lookup per token answers every question."""

    NEWLINE = 0

    def __init__(self, index: dict[str, int], classes_of: dict, cluster_row: dict[str, int]) -> None:
        tokens = list(dict.fromkeys(["\n", "httpurl", *index, *classes_of, *cluster_row]))
        self.tokens = list(tokens)  # record i is tokens[i]
        self.id = {t: i for i, t in enumerate(tokens)}
        self.unknown = len(tokens)  # the record of every other token
        keys, second = self._keys(tokens)
        short = np.flatnonzero(keys >= 0)  # short ASCII tokens: found by exact key, the rest by string
        self._table = KeyTable(keys[short], short, second=second[short])
        self.url = self.id["httpurl"]
        tokens.append("")
        self.vocab = np.array([index.get(t, -1) for t in tokens], dtype=np.int64)
        self.alpha = np.array([t.isalpha() for t in tokens], dtype=bool)
        self.cluster = np.array([cluster_row.get(t, -1) for t in tokens], dtype=np.int64)
        classes = [classes_of.get(t, ()) for t in tokens]
        self.class_ptr = np.cumsum([0, *map(len, classes)])
        self.class_idx = np.array([c for cs in classes for c in cs], dtype=np.int64)

    @staticmethod
    def _keys(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Exact chunk keys of tokens (no token holds a NUL, so NUL separates them)."""
        cp = codepoints("\x00".join(tokens))
        cuts = np.flatnonzero(cp == 0)
        starts = np.append(0, cuts + 1)
        return chunk_keys(cp, starts, np.append(cuts, len(cp)) - starts)

    def lookup(self, tokens: list[str]) -> np.ndarray:
        """The record of every token (self.unknown for tokens the model knows nothing about)."""
        if not tokens:
            return np.zeros(0, dtype=np.int64)
        keys, second = self._keys(tokens)
        rec = np.full(len(tokens), self.unknown, dtype=np.int64)
        short = np.flatnonzero(keys >= 0)
        found = self._table.find(keys[short], second[short])
        rec[short[found >= 0]] = found[found >= 0]
        other = np.flatnonzero(keys < 0).tolist()
        rec[other] = [self.id.get(tokens[i], self.unknown) for i in other]
        return rec

    def classes(self, rec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in rec, lexicon class) for every lexicon class of every record in rec."""
        n = self.class_ptr[rec + 1] - self.class_ptr[rec]
        where = np.flatnonzero(n)
        n = n[where]
        first = np.repeat(self.class_ptr[rec[where]] - (np.cumsum(n) - n), n)
        return np.repeat(where, n), self.class_idx[first + np.arange(int(n.sum()))]


class Encoded(NamedTuple):
    """A batch as chunk-type and word-pair counts per row (z), with per-row scale, tokens and summed chunk
    counts; a row is a text or, when long posts are windowed, one window of a text."""

    z: sp.csr_matrix
    scale: np.ndarray
    ntok: np.ndarray
    offsets: np.ndarray  # first row of every text, then the number of rows
    counts: np.ndarray  # per row: its chunk types' style counts + lexicon classes, summed


class Featuriser:
    """Fitted vocabularies plus the transform shared by training, scoring and evidence."""

    def __init__(
        self,
        lex: Lexicons,
        vocab: Sequence[str],
        bigram_keys: np.ndarray,
        char_all: bool = False,
        char_weight: float = 1.0,
        cluster_words: Sequence[str] = (),
        cluster_ids: np.ndarray | None = None,
        cluster_weight: float = 1.0,
        embed_dims: int = 0,
        embed_vectors: np.ndarray | None = None,
        embed_sha256: str | None = None,
    ) -> None:
        """embed_dims > 0 adds that many WordLlama word-vector columns (auditor/classify/embedding.py);
        embed_vectors: the stored vectors of the known tokens (TokenRecords order), computed if None."""
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
        # distributional word classes (models/clusters.py): word -> its class ids, one column per class
        self.cluster_words = list(cluster_words)
        ids = np.asarray(cluster_ids if cluster_ids is not None else [], dtype=np.int64)
        self.cluster_ids = ids.reshape(len(ids), -1) if ids.size else np.zeros((0, 1), dtype=np.int64)
        self.cluster_weight = cluster_weight
        self.n_clusters = int(self.cluster_ids.max()) + 1 if self.cluster_ids.size else 0
        self._cluster_row = {w: i for i, w in enumerate(self.cluster_words)}
        self._records = TokenRecords(self.index, lex.classes_of, self._cluster_row)
        self.off_cluster = self.off_lex + len(CLASSES)
        self.off_hash = self.off_cluster + self.n_clusters
        self.off_embed = self.off_hash + N_HASH
        self.embed_dims = embed_dims
        self._word_vectors: WordVectors | None = None
        self._record_vectors = np.zeros((self._records.unknown + 1, embed_dims), dtype=np.float32)
        if embed_dims:
            self._word_vectors = WordVectors(embed_dims, embed_sha256)
            known = self._records.tokens
            if embed_vectors is not None and len(embed_vectors) == len(known):
                self._record_vectors[: len(known)] = embed_vectors
            else:
                self._record_vectors[: len(known)] = self._word_vectors.vectors(known).astype(np.float16)
            self._record_vectors[self._records.NEWLINE] = 0.0
        self.off_doc = self.off_embed + embed_dims
        self.n_features = self.off_doc + len(DOC_FEATURES)
        # may word id i (shifted by 2 so -2/-1 map to False) start / end a known word pair?
        self._starts_pair = np.zeros(self.n_vocab + 2, dtype=bool)
        self._ends_pair = np.zeros(self.n_vocab + 2, dtype=bool)
        if self.n_vocab:
            self._starts_pair[self.bigram_keys // self.n_vocab + 2] = True
            self._ends_pair[self.bigram_keys % self.n_vocab + 2] = True
        self._pair_table = KeyTable(self.bigram_keys)
        self._pair_classes = [(CLASSES.index(a), CLASSES.index(b)) for _, a, b in PAIRS]
        self._prewarmed = False
        # Scoring only (set by project()): word vectors enter as their k category scores per chunk type
        # (vector @ weights, summed) instead of embed_dims feature entries per word; equal, and much faster.
        self._embed_coef: np.ndarray | None = None
        self.reset_cache()

    def embedding_state(self) -> dict:
        """What a model file stores to rebuild the word-vector columns exactly (empty without them)."""
        if not self.embed_dims or self._word_vectors is None:
            return {}
        n = len(self._records.tokens)
        return {
            "embed_dims": self.embed_dims,
            "embed_vectors": self._record_vectors[:n].astype(np.float16),
            "embed_sha256": self._word_vectors.sha256,
        }

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
        docs = probe.tokens_of_texts(texts)
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

    # ----- tokens -----
    def tokens_of_texts(self, texts: Sequence[str]) -> list[list[str]]:
        """The normalised tokens of every text, exactly as the featuriser sees them (each distinct chunk is
        normalised once)."""
        split = [self._joined_chunks(t.split()) for t in texts]
        distinct = list(dict.fromkeys(c for chunks in split for c in chunks))
        # a batch of texts without words has no chunks: nothing to normalise
        normalised = self.normaliser.normalise_many(distinct).split("\n") if distinct else []
        of_chunk = dict(zip(distinct, map(TOKEN_RE.findall, normalised), strict=True))
        return [[t for c in chunks for t in of_chunk[c]] for chunks in split]

    def _joined_chunks(self, chunks: list[str]) -> list[str]:
        """Join maximal runs of 3+ single letters that spell a lexicon word ("f u c k" -> "fuck")."""
        out: list[str] = []
        i = 0
        while i < len(chunks):
            j = i
            while j < len(chunks) and self._single_letter(chunks[j]):
                j += 1
            hit = self.spaced_word(chunks[i:j])
            if hit:
                out.extend(chunks[i : i + hit[0]])
                out.append(hit[1])
            else:
                out.extend(chunks[i : max(j, i + 1)])
            i = max(j, i + 1)
        return out

    def spaced_word(self, letters: Sequence[str]) -> tuple[int, str] | None:
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

    # ----- tokens (evidence) -----
    def token_rows(self, toks: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        """The feature rows of tokens (the entries a chunk type gets for each) and their vocabulary ids."""
        rec = self._records.lookup(toks)
        at, cols, vals, wid, _ = self._token_entries(toks, np.arange(len(toks)), rec)
        return sp.csr_matrix((vals, (at, cols)), shape=(len(toks), self.n_features)), wid

    def _token_entries(
        self, toks: list[str], word_at: np.ndarray, rec: np.ndarray, embed: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """Feature entries of the words toks[word_at] (rec: their TokenRecords ids): (word, column, value)
        arrays, the words' vocabulary ids, and (word, lexicon class) pairs. Vocabulary word, hashed character
        3-4-grams of words outside the vocabulary (of every word with char_all), lexicon classes, word
        classes."""
        known = self._records
        wid = known.vocab[rec]
        in_vocab = np.flatnonzero(wid >= 0)
        at, cols, vals = [in_vocab], [wid[in_vocab]], [np.ones(len(in_vocab))]
        alpha = known.alpha[rec]
        unknown = np.flatnonzero(rec == known.unknown)
        alpha[unknown] = [toks[i].isalpha() for i in word_at[unknown].tolist()]
        need = np.flatnonzero(alpha if self.char_all else alpha & (wid < 0))
        owner, buckets, per_word = gram_buckets([toks[i] for i in word_at[need].tolist()])
        at.append(need[owner])
        cols.append(self.off_hash + buckets)
        vals.append((self.char_weight / np.sqrt(per_word))[owner])
        lexicon = known.classes(rec)
        at.append(lexicon[0])
        cols.append(self.off_lex + lexicon[1])
        vals.append(np.ones(len(lexicon[0])))
        if self.n_clusters:
            where = known.cluster[rec]
            has = np.flatnonzero(where >= 0)
            levels = self.cluster_ids.shape[1]
            at.append(np.repeat(has, levels))
            cols.append(self.off_cluster + self.cluster_ids[where[has]].ravel())
            vals.append(np.full(len(has) * levels, self.cluster_weight))
        if self.embed_dims and embed:
            vec = self.word_vectors(toks, word_at, rec, unknown)
            at.append(np.repeat(np.arange(len(rec)), self.embed_dims))
            cols.append(np.tile(self.off_embed + np.arange(self.embed_dims), len(rec)))
            vals.append(vec.ravel().astype(np.float64))
        return np.concatenate(at), np.concatenate(cols), np.concatenate(vals), wid, lexicon

    def word_vectors(
        self, toks: list[str], word_at: np.ndarray, rec: np.ndarray, unknown: np.ndarray
    ) -> np.ndarray:
        """Word vectors of the words toks[word_at] (rec: their records; unknown: where rec is unknown)."""
        vec = self._record_vectors[rec]
        unknown_words = [toks[i] for i in word_at[unknown].tolist()]
        if unknown_words and self._word_vectors is not None:
            vec[unknown] = self._word_vectors.vectors(unknown_words).astype(np.float16)  # as stored
        return vec

    def bigram_cols(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Feature column of every word pair (a[i], b[i]) of vocabulary ids, -1 for an unknown pair."""
        out = np.full(len(a), -1, dtype=np.int64)
        owner, where = self._pairs(a, b, np.ones(len(a), dtype=bool), np.arange(len(a)))
        out[owner] = self.off_bigram + where
        return out

    # ----- chunk types -----
    def _add_types(self, joined: Joined) -> None:
        """Featurise chunks never seen before (joined.chunks), all at once, and cache them as chunk types."""
        chunks = joined.chunks
        start, n = len(self._types), len(chunks)
        end = start + n
        if end > len(self._ntok):
            self._grow(max(2 * len(self._ntok), end))
        n_counts = len(COUNTS)
        counts = self._counts[start:end]  # filled in place
        counts[:, :n_counts] = style_counts(joined)
        toks = _TOKEN_OR_NEWLINE.findall(self.normaliser.normalise_many(chunks, joined))
        known = self._records
        rec = known.lookup(toks)
        newline = rec == known.NEWLINE
        word_at = np.flatnonzero(~newline)  # where each word is in toks
        chunk_of = np.cumsum(newline)[word_at]  # chunk index of every word
        rec = rec[word_at]
        counts[:, 0] = np.bincount(chunk_of, rec == known.url, n)[:n] > 0
        lean = self._embed_coef is not None
        at, cols, vals, wid, (lex_at, lex_cls) = self._token_entries(toks, word_at, rec, embed=not lean)
        if lean and self.embed_dims:  # the word vectors' category scores, summed per chunk type
            unknown = np.flatnonzero(rec == known.unknown)
            word_scores = self.word_vectors(toks, word_at, rec, unknown).astype(np.float64) @ self._embed_coef
            per_type = np.zeros((n, word_scores.shape[1]))
            np.add.at(per_type, chunk_of, word_scores)
            self._type_embed[start:end] = per_type
        np.add.at(counts, (chunk_of[lex_at], n_counts + lex_cls), 1.0)
        # word pairs inside a chunk ("don't-care", "f*cking-idiot")
        pair_rows, pair_where = self._pairs(wid[:-1], wid[1:], chunk_of[:-1] == chunk_of[1:], chunk_of[:-1])
        rows = np.concatenate([chunk_of[at], pair_rows])
        cols = np.concatenate([cols, self.off_bigram + pair_where])
        vals = np.concatenate([vals, np.ones(len(pair_rows))])
        block = sp.csr_matrix((vals, (rows, cols)), shape=(n, self.n_features))
        ntok = np.bincount(chunk_of, minlength=n)[:n]
        first_tok = np.cumsum(ntok) - ntok
        has = ntok > 0
        safe = np.minimum(first_tok, max(len(wid) - 1, 0))
        safe_last = np.minimum(first_tok + ntok - 1, max(len(wid) - 1, 0))
        lengths = joined.lengths
        single = np.zeros(n, dtype=bool)
        one = np.flatnonzero(lengths == 1)
        single[one] = [chunks[i].isalpha() for i in one.tolist()]
        self._ntok[start:end] = ntok
        self._first[start:end] = np.where(has, wid[safe] if len(wid) else -2, -2)
        self._last[start:end] = np.where(has, wid[safe_last] if len(wid) else -2, -2)
        self._single[start:end] = single
        self._len[start:end] = lengths
        self._ends[start:end] = [ends_sentence(c) and c != _SEP for c in chunks]
        self._blocks.append((start, block))
        self._types.extend(chunks)
        keys, second = chunk_keys(joined.cp, joined.starts, lengths)
        short = np.flatnonzero(keys >= 0)
        self._keys.add(keys[short], start + short, second[short])
        self._lookup.update((chunks[i], start + i) for i in np.flatnonzero(keys < 0).tolist())

    def _pairs(
        self, a: np.ndarray, b: np.ndarray, ok: np.ndarray, owner: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Known word pairs among (a[i], b[i]) (vocabulary ids) where ok[i]: the owner[i] of each pair found
        and its position among the pair keys."""
        if not len(a) or not len(self.bigram_keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        at = np.flatnonzero(ok & self._starts_pair[a + 2] & self._ends_pair[b + 2])
        where = self._pair_table.find(a[at] * self.n_vocab + b[at])
        found = where >= 0
        return owner[at[found]], where[found]

    def prewarm(self) -> None:
        """Cache the chunk types of the vocabulary's words, lower-case and Capitalised, in one pass (again
        whenever the cache starts afresh)."""
        self._prewarmed = True
        self._chunk_ids(" ".join(f for w in self.vocab for f in (w, w.capitalize())))

    def _grow(self, size: int) -> None:
        n = len(self._ntok)
        for name, fill in (("_ntok", 0.0), ("_first", -2), ("_last", -2), ("_single", False), ("_len", 0),
                           ("_ends", False)):
            old = getattr(self, name)
            new = np.full(size, fill, dtype=old.dtype)
            new[:n] = old
            setattr(self, name, new)
        counts = np.zeros((size, self._counts.shape[1]), dtype=np.float32)
        counts[:n] = self._counts
        self._counts = counts
        width = 0 if self._embed_coef is None else self._embed_coef.shape[1]
        type_embed = np.zeros((size, width))
        type_embed[:n] = self._type_embed[:n, :width] if self._type_embed.shape[1] == width else 0.0
        self._type_embed = type_embed

    def reset_cache(self) -> None:
        self._types: list[str] = []
        self._blocks: list[tuple[int, sp.csr_matrix]] = []  # (first type, its rows of features)
        self._ntok = np.zeros(0)
        self._first = np.zeros(0, dtype=np.int64)
        self._last = np.zeros(0, dtype=np.int64)
        self._single = np.zeros(0, dtype=bool)
        self._len = np.zeros(0, dtype=np.int64)  # characters of each chunk type
        self._ends = np.zeros(0, dtype=bool)  # whether each chunk type ends a sentence
        # per type: style counts and lexicon classes, small whole numbers (exact in float32)
        self._counts = np.zeros((0, len(COUNTS) + len(CLASSES)), dtype=np.float32)
        self._type_embed = np.zeros((0, 0))
        self._grow(_MAX_TYPES + _ROOM)
        self._lookup: dict[str, int] = {}  # chunk types without a chunk key (see _chunk_ids)
        no_keys = np.zeros(0, dtype=np.int64)
        self._keys = KeyTable(no_keys, room=_MAX_TYPES + _ROOM, second=no_keys)  # chunk key -> type
        self._proj: np.ndarray | None = None
        self._proj_coef: np.ndarray | None = None
        self._proj_rows = 0
        self._add_types(Joined.of([_SEP, ""]))  # type 0 separates texts; type 1: an empty chunk (merged away)

    def _type_arrays(self) -> dict[str, np.ndarray]:
        """Per-type token count, first/last word id, single-letter flag, chunk counts + lexicon classes."""
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
        parts = [m[max(0, start - s) :] for s, m in self._blocks if s + m.shape[0] > start]
        if not parts:
            return sp.csr_matrix((0, self.n_features))
        return sp.vstack(parts, format="csr")

    # ----- a batch -----
    def encode(self, texts: Sequence[str], windows: bool = False) -> Encoded:
        """Z (rows x (word pairs + chunk types)) counting cross-chunk word pairs and chunk types per row, the
        per-row scale 1/sqrt(tokens), token counts and summed chunk counts, and the first row of every text
        (plus the total).

        A row is a text; with ``windows``, repeated chunks are read once and a long text takes one row per
        window (auditor/classify/windows.py)."""
        if len(self._types) > _MAX_TYPES:
            self.reset_cache()
            if self._prewarmed:
                self.prewarm()
        joined = (" " + _SEP + " ").join(texts)
        if joined.count(_SEP) != max(len(texts) - 1, 0):  # a text holding the separator itself
            joined = (" " + _SEP + " ").join(t.replace(_SEP, " ") for t in texts)
        ids = self._chunk_ids(joined)
        if windows:
            keep = collapse_mask(ids)
            if not keep.all():
                ids = ids[keep]
        row, offsets = window_rows(ids == 0, self._len[ids], self._ends[ids], len(texts), windows)
        n = int(offsets[-1])
        arr = self._type_arrays()
        single = arr["single"][ids]
        if len(ids) > 2 and (single[:-2] & single[1:-1] & single[2:]).any():
            ids = self._merge_spaced(ids, single, row)
            arr = self._type_arrays()
        tok = arr["ntok"][ids]
        ntok = np.bincount(row, weights=tok, minlength=n)[:n]
        scale = 1.0 / np.sqrt(np.maximum(ntok, 1.0))
        # word pairs across chunk boundaries (chunks without tokens are skipped)
        pos = np.flatnonzero(tok > 0)
        r = row[pos]
        pair_rows, pair_cols = self._pairs(
            arr["last"][ids[pos[:-1]]], arr["first"][ids[pos[1:]]], r[:-1] == r[1:], r[:-1]
        )
        # CSR without sorting: per row, its chunk types first, then its word pairs (both already in order)
        n_pairs = len(self.bigram_keys)
        n_type = np.bincount(row, minlength=n)[:n]
        n_pair = np.bincount(pair_rows, minlength=n)[:n]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(n_type + n_pair, out=indptr[1:])
        cols = np.empty(int(indptr[-1]), dtype=np.int64)
        type_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(n_type, out=type_ptr[1:])
        cols[indptr[row] + np.arange(len(ids)) - type_ptr[row]] = ids + n_pairs
        if len(pair_rows):
            pair_start = np.cumsum(n_pair) - n_pair
            dest = indptr[pair_rows] + n_type[pair_rows] + np.arange(len(pair_rows)) - pair_start[pair_rows]
            cols[dest] = pair_cols
        z = sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(n, n_pairs + len(self._types)))
        ones = np.ones(len(ids), dtype=np.float32)
        types = sp.csr_matrix((ones, ids, type_ptr), shape=(n, len(self._types)))
        return Encoded(z, scale, ntok, offsets, types @ arr["counts"])

    def _chunk_ids(self, joined: str) -> np.ndarray:
        """The chunk type of every whitespace-separated chunk of joined, in order (as str.split() cuts them);
        chunks never seen before are featurised and cached first. Chunks of up to KEY_CHARS ASCII characters
        are found by their exact integer keys in one vectorised lookup, the others by string."""
        cp = codepoints(joined)
        starts, lengths = chunk_spans(cp)
        keys, second = chunk_keys(cp, starts, lengths)

        def text(at: np.ndarray) -> list[str]:
            return Joined.gather(cp, starts[at], lengths[at]).chunks

        ids = np.full(len(keys), -1, dtype=np.int64)
        short = np.flatnonzero(keys >= 0)
        ids[short] = self._keys.find(keys[short], second[short])
        other = np.flatnonzero(keys < 0)  # links, long and non-ASCII words
        found = map(self._lookup.get, text(other), repeat(-1))
        ids[other] = np.fromiter(found, dtype=np.int64, count=len(other))
        missing = np.flatnonzero(ids < 0)
        if len(missing):  # new chunk types: featurised together, then cached
            first_new = len(self._types)
            # equal keys are equal chunks: keyed ones are told apart by sorting their keys, the rest by string
            keyed = missing[keys[missing] >= 0]
            order = np.lexsort((second[keyed], keys[keyed]))  # stable: the first of equal chunks leads
            k1, k2 = keys[keyed[order]], second[keyed[order]]
            leads = np.ones(len(order), dtype=bool)
            leads[1:] = (k1[1:] != k1[:-1]) | (k2[1:] != k2[:-1])
            ids[keyed[order]] = first_new + np.cumsum(leads) - 1
            new = keyed[order[leads]]
            others: dict[str, int] = {}
            rest = missing[keys[missing] < 0]
            seen = np.array([others.setdefault(c, len(others)) for c in text(rest)], dtype=np.int64)
            ids[rest] = first_new + len(new) + seen
            new = np.append(new, rest[np.unique(seen, return_index=True)[1]])  # the first of each
            self._add_types(Joined.gather(cp, starts[new], lengths[new]))
        return ids

    def scores(self, texts: Sequence[str], coef: np.ndarray, windows: bool = True) -> np.ndarray:
        """Linear scores texts @ coef (coef: n_features x k) through one sparse product with the cached
        per-type projections; equal to transform(texts) @ coef. With ``windows`` a long text scores as its
        worst window, per column (a long post's length adds nothing)."""
        out, offsets, _ = self.row_scores(texts, coef, windows)
        if len(out) > len(offsets) - 1:
            out = np.maximum.reduceat(out, offsets[:-1], axis=0)
        return out

    def row_scores(
        self, texts: Sequence[str], coef: np.ndarray, windows: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Linear scores of every row (a text, or with ``windows`` one window of a long text), the first row
        of every text followed by the number of rows, and every row's scale 1/sqrt(tokens)."""
        z, scale, ntok, offsets, counts = self.encode(texts, windows)
        prod = z @ self._projection(coef)[: z.shape[1]]
        return prod * scale[:, None] + self.doc_features(counts, ntok) @ coef[self.off_doc :], offsets, scale

    def project(self, coef: np.ndarray) -> None:
        """Precompute the category scores of every cached chunk type (done once at model load); from here
        on word vectors are scored through these weights (transform() still builds every feature)."""
        if self.embed_dims and self._embed_coef is None:
            self._embed_coef = np.ascontiguousarray(coef[self.off_embed : self.off_doc], dtype=np.float64)
            self.reset_cache()
            if self._prewarmed:
                self.prewarm()
        self._projection(coef)

    def _projection(self, coef: np.ndarray) -> np.ndarray:
        """Rows: word pairs then chunk types; columns: their k category weights."""
        if self._proj is None or self._proj_coef is not coef:
            n_pairs = len(self.bigram_keys)
            # room for a full cache: untouched rows cost no memory, and growing would copy everything
            base = np.zeros((n_pairs + _MAX_TYPES + _ROOM, coef.shape[1]))
            base[:n_pairs] = coef[self.off_bigram : self.off_bigram + n_pairs]
            self._proj, self._proj_coef, self._proj_rows = base, coef, n_pairs
        n_rows = len(self.bigram_keys) + len(self._types)
        if self._proj_rows < n_rows:
            first = self._proj_rows - len(self.bigram_keys)
            block = self.type_matrix(first) @ coef
            if self._embed_coef is not None and self.embed_dims:
                block = block + self._type_embed[first : len(self._types)]
            if n_rows > len(self._proj):
                grown = np.zeros((max(n_rows, 2 * len(self._proj)), self._proj.shape[1]))
                grown[: self._proj_rows] = self._proj[: self._proj_rows]
                self._proj = grown
            self._proj[self._proj_rows : n_rows] = block
            self._proj_rows = n_rows
        return self._proj

    def _merge_spaced(self, ids: np.ndarray, single: np.ndarray, row: np.ndarray) -> np.ndarray:
        """Maximal runs of 3+ single-letter chunks that spell a lexicon word become that word (the other
        letters become empty chunks); the vectorised twin of _joined_chunks."""
        ids = ids.copy()
        starts = np.flatnonzero(single[:-2] & single[1:-1] & single[2:])
        done = -1
        for i in starts.tolist():
            if i <= done:
                continue
            j = i
            while j < len(ids) and single[j] and (j == i or row[j] == row[i]):  # not across windows
                j += 1
            hit = self.spaced_word([self._types[t] for t in ids[i:j].tolist()])
            if hit:
                k, word = i + hit[0], hit[1]  # a lexicon word: no whitespace
                ids[k] = self._chunk_ids(word)[0]
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
        if self._embed_coef is not None:  # the scoring cache holds no word-vector entries: build afresh
            lean, self._embed_coef = self._embed_coef, None
            self.reset_cache()
            try:
                return self.transform(texts)
            finally:
                self._embed_coef = lean
                self.reset_cache()
                if self._prewarmed:
                    self.prewarm()
        z, scale, ntok, _, counts = self.encode(texts)
        n_pairs = len(self.bigram_keys)
        pairs = sp.csr_matrix(
            (np.ones(n_pairs), (np.arange(n_pairs), self.off_bigram + np.arange(n_pairs))),
            shape=(n_pairs, self.n_features),
        )
        m = sp.vstack([pairs, self.type_matrix(0)]).tocsr()
        x = sp.diags(scale) @ (z @ m)
        doc = sp.csr_matrix(self.doc_features(counts, ntok))
        doc_part = sp.csr_matrix((doc.data, doc.indices + self.off_doc, doc.indptr), shape=x.shape)
        return (x + doc_part).tocsr()
