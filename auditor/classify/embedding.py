"""Static word vectors from WordLlama (MIT licence), read offline from the files inside its wheel.

WordLlama ships a Llama-2 tokenizer file and a 32,000 x 256 token-embedding matrix (Matryoshka-trained, so
the first dimensions carry the most). A word's vector is the mean of its subword vectors, truncated to the
first ``dims`` dimensions and scaled to unit length. The featuriser adds these vectors, summed over a text's
words and scaled like every word feature, as dense columns: linear in the words, so each word's share of a
score is exact (and shown as evidence like any other word).

Files are opened by explicit path from the installed package; nothing is downloaded, no hub is consulted.
The weights file's SHA-256 is recorded in the model and checked when it is loaded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from auditor.errors import AuditorError

TOKENIZER_FILE = "tokenizers/l2_supercat_tokenizer_config.json"
WEIGHTS_FILE = "weights/l2_supercat_256.safetensors"


def package_dir() -> Path:
    """The installed wordllama package folder (its files are read, its loader is never called)."""
    spec = find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise AuditorError("wordllama", "package not installed (pip install wordllama)")
    return Path(list(spec.submodule_search_locations)[0])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=4)
def _load(dims: int) -> tuple[object, np.ndarray, str]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # defensive: the files below are local
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = package_dir()
    weights_path = folder / WEIGHTS_FILE
    try:
        tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        matrix = next(iter(load_file(str(weights_path)).values()))
    except Exception as exc:  # a missing or damaged file inside the package
        raise AuditorError(str(folder), f"cannot read WordLlama files ({type(exc).__name__})") from exc
    tokenizer.no_padding()
    tokenizer.no_truncation()
    table = np.ascontiguousarray(matrix[:, :dims], dtype=np.float32)
    return tokenizer, table, _sha256(weights_path)


class WordVectors:
    """Unit-length word vectors (first ``dims`` WordLlama dimensions) for any words, in one batch."""

    def __init__(self, dims: int, expected_sha256: str | None = None) -> None:
        self.dims = dims
        self._tokenizer, self._table, self.sha256 = _load(dims)
        if expected_sha256 and expected_sha256 != self.sha256:
            raise AuditorError(
                str(package_dir() / WEIGHTS_FILE),
                "WordLlama weights differ from those the model was trained with (install the pinned version)",
            )

    def vectors(self, words: Sequence[str]) -> np.ndarray:
        """(len(words), dims) float32: each word's mean subword vector, scaled to unit length (zeros for a
        word with no subwords)."""
        out = np.zeros((len(words), self.dims), dtype=np.float32)
        if not words:
            return out
        encoded = self._tokenizer.encode_batch(list(words), add_special_tokens=False)
        lengths = np.fromiter((len(e.ids) for e in encoded), dtype=np.int64, count=len(encoded))
        ids = np.fromiter((i for e in encoded for i in e.ids), dtype=np.int64, count=int(lengths.sum()))
        has = np.flatnonzero(lengths)
        if len(has):
            starts = np.cumsum(lengths) - lengths
            sums = np.add.reduceat(self._table[ids], starts[has], axis=0)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            out[has] = sums / np.maximum(norms, 1e-6)
        return out
