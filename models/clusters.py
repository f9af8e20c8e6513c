"""Distributional word classes for the shared featuriser, learned from unlabelled training text.

Words that appear in similar contexts (PPMI of a +-2 word window -> truncated SVD -> k-means at a few
granularities, fixed seeds) share a class, so a rare or unseen spelling of an offensive word can borrow
the weight of the known ones. Built only from the TEXT of training rows of ../shared/data (never from
validation rows, never from labels); the word -> class table is stored in the model state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import scipy.sparse as sp
from data import Corpus, held_out
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

# Every training file, by name; files without a validation split of their own lose their hash-held-out rows
# (the politics validation mix takes those).
SOURCES = (
    "olid.jsonl",
    "davidson.jsonl",
    "isarcasmeval.jsonl",
    "sarcasm_headlines.jsonl",
    "parody_reddit_tiktok.jsonl",
    "politicians_posts.jsonl",
    "political_tweets_2020.jsonl",
    "political_tweets_2009.jsonl",
    "crisislex_t6.jsonl",
    "newsgroups20.jsonl",
    *(
        f"tweeteval/{n}.jsonl"
        for n in ("hate", "irony", "emotion", "emoji", "stance_abortion", "stance_atheism")
    ),
    *(f"tweeteval/stance_{n}.jsonl" for n in ("climate", "feminist", "hillary")),
)
WINDOW = 2
MIN_COUNT = 5  # a word needs this many occurrences to get a class
N_CONTEXT = 20_000  # the most frequent words serve as contexts
DIMS = 100
LEVELS = (1024,)  # cluster counts (coarser levels as well did not help offensive on validation)


def training_texts(corpus: Corpus) -> list[str]:
    """Distinct training texts of every file (long newsgroup posts cut to 1,000 characters)."""
    seen: set[str] = set()
    out: list[str] = []
    for name in SOURCES:
        own_val = name.startswith("tweeteval/") or name in ("olid.jsonl", "parody_reddit_tiktok.jsonl")
        for r in corpus.train_rows(name):
            text = r["text"][:1000]
            if (own_val or not held_out(text)) and text not in seen:
                seen.add(text)
                out.append(text)
    return out


def word_classes(
    docs: Iterable[list[str]], seed: int, log: Callable[[str], None] = print
) -> tuple[list[str], np.ndarray]:
    """(words, ids): ids[i, level] is word i's class at that level, numbered across levels (level l's
    classes follow those of levels < l), so one column per class."""
    words, ppmi = ppmi_rows(docs, log)
    with threadpool_limits(1):  # one thread: the same classes on every machine and core count
        return words, _kmeans_levels(word_vectors(ppmi, seed), seed)


def ppmi_rows(
    docs: Iterable[list[str]], log: Callable[[str], None] = print
) -> tuple[list[str], sp.csr_matrix]:
    """(words, PPMI): each word seen MIN_COUNT times, with its positive PMI against the N_CONTEXT most
    frequent words within +-WINDOW words."""
    counts: dict[str, int] = {}
    docs = [d for d in docs if d]
    for d in docs:
        for t in d:
            counts[t] = counts.get(t, 0) + 1
    words = sorted((w for w, c in counts.items() if c >= MIN_COUNT), key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(words)}
    flat = np.fromiter((index.get(t, -1) for d in docs for t in d), dtype=np.int64)
    doc_id = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
    rows, cols = [], []
    for off in range(1, WINDOW + 1):
        a, b = flat[:-off], flat[off:]
        ok = (doc_id[:-off] == doc_id[off:]) & (a >= 0) & (b >= 0)
        rows += [a[ok], b[ok]]
        cols += [b[ok], a[ok]]
    r, c = np.concatenate(rows), np.concatenate(cols)
    keep = c < N_CONTEXT
    m = sp.csr_matrix(
        (np.ones(int(keep.sum())), (r[keep], c[keep])), shape=(len(words), min(N_CONTEXT, len(words)))
    )
    m.sum_duplicates()
    total = m.sum()
    pw = np.asarray(m.sum(axis=1)).ravel() / total
    pc = np.asarray(m.sum(axis=0)).ravel() ** 0.75
    pc /= pc.sum()
    coo = m.tocoo()
    pmi = np.log(coo.data / total / (pw[coo.row] * pc[coo.col]))
    ok = pmi > 0
    ppmi = sp.csr_matrix((pmi[ok], (coo.row[ok], coo.col[ok])), shape=m.shape)
    log(f"  word classes: {len(words)} words, {ppmi.nnz} PPMI cells")
    return words, ppmi


def word_vectors(ppmi: sp.csr_matrix, seed: int) -> np.ndarray:
    """DIMS-dimensional unit-length word vectors: truncated SVD of the PPMI rows."""
    emb = TruncatedSVD(DIMS, algorithm="randomized", n_iter=5, random_state=seed).fit_transform(ppmi)
    return normalize(emb)


def _kmeans_levels(emb: np.ndarray, seed: int) -> np.ndarray:
    """k-means of the word vectors at every level in LEVELS."""
    ids = np.zeros((emb.shape[0], len(LEVELS)), dtype=np.int32)
    base = 0
    for j, k in enumerate(LEVELS):
        km = KMeans(n_clusters=k, n_init=1, max_iter=100, random_state=seed + j).fit(emb)
        ids[:, j] = km.labels_ + base
        base += k
    return ids
