"""The shipped classifier: one featuriser, one stacked coefficient matrix, one calibration per category."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from auditor import timings
from auditor.categories import CATEGORIES, GRADES
from auditor.classify.evidence import Explainer
from auditor.classify.features import Featuriser
from auditor.classify.lexicon import Lexicons
from auditor.classify.store import read_state
from auditor.classify.windows import collapse_repeats, scoring_windows
from auditor.errors import AuditorError
from auditor.textprep import prepare, prepare_all, source_phrases

MODEL_FILE = "classifier.skops"
#: Model columns: the categories, then signals that are not categories of their own.
SIGNALS: tuple[str, ...] = ("threat",)
#: The insult score a threat signal needs beside it to make a post top tier, for models whose state does
#: not carry ``threat_insult`` (models/train.py TOP_TIER says how it was chosen).
THREAT_INSULT = 0.35
HEADS: tuple[str, ...] = (*CATEGORIES, *SIGNALS)
# Strong words that are also names or plain words when written as a name ("Moby Dick", "Dick Van Dyke").
_NAME_LIKE = frozenset({"dick", "cock", "willy", "fanny", "johnson", "knob", "pussy", "prick", "bugger"})


@dataclass
class Classification:
    """Calibrated scores for every category, and the phrases behind each score at or over its threshold."""

    scores: dict[str, float]
    evidence: dict[str, list[str]] = field(default_factory=dict)
    #: profanity grade ("mild" | "strong" | "severe") when a graded word is present (any spelling)
    grades: dict[str, str] = field(default_factory=dict)
    #: scores of the signals that are not categories ("threat")
    signals: dict[str, float] = field(default_factory=dict)
    #: reasons this post is top tier whatever the policy: "threat" (insult), "mockery" (sensitive)
    top_tier: dict[str, str] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Classifier:
    """Scores texts for all five categories at once and explains each flag with phrases from the text."""

    def __init__(self, state: Mapping[str, Any], manifest: Mapping[str, Any] | None = None) -> None:
        self.version: str = str(state["version"])
        self.manifest = dict(manifest or {})
        lex = Lexicons({k: [str(w) for w in v] for k, v in state["lexicons"].items()})
        options = state.get("featuriser", {})
        self.featuriser = Featuriser(
            lex,
            [str(w) for w in state["vocab"]],
            state["bigram_keys"],
            char_all=bool(options.get("char_all", False)),
            char_weight=float(options.get("char_weight", 1.0)),
            cluster_words=[str(w) for w in state.get("cluster_words", ())],
            cluster_ids=state.get("cluster_ids"),
            cluster_weight=float(options.get("cluster_weight", 1.0)),
            embed_dims=int(state.get("embed_dims", 0)),
            embed_vectors=state.get("embed_vectors"),
            embed_sha256=str(state["embed_sha256"]) if "embed_sha256" in state else None,
        )
        self.heads: tuple[str, ...] = tuple(state.get("heads", CATEGORIES))
        self.grades: dict[str, str] = dict(
            zip(map(str, state.get("grade_words", ())), map(str, state.get("grade_levels", ())), strict=True)
        )
        self.thresholds: dict[str, float] = {
            str(k): float(v) for k, v in dict(state.get("decision_thresholds", {})).items()
        }
        self.coef = np.asarray(state["coef"], dtype=np.float64)
        self.intercept = np.asarray(state["intercept"], dtype=np.float64)
        self.calib_x = [np.asarray(a, dtype=np.float64) for a in state["calib_x"]]
        self.calib_y = [np.asarray(a, dtype=np.float64) for a in state["calib_y"]]
        if not set(CATEGORIES) <= set(self.heads):
            raise ValueError(f"model lacks categories {sorted(set(CATEGORIES) - set(self.heads))}")
        if self.coef.shape != (self.featuriser.n_features, len(self.heads)):
            raise ValueError(f"coefficient matrix has shape {self.coef.shape}")
        self.featuriser.project(self.coef)  # scoring mode first, so the vocabulary is cached once, lean
        self.featuriser.prewarm()
        self.featuriser.project(self.coef)
        self.explainer = Explainer(self.featuriser, self.coef)

    @classmethod
    def load(cls, models_dir: Path | None = None) -> Classifier:
        """Load the shipped models (default: resources.models_dir()); AuditorError if missing or corrupt."""
        from auditor.resources import models_dir as default_dir

        folder = Path(models_dir) if models_dir is not None else default_dir()
        manifest_path = folder / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            expected = manifest["files"][MODEL_FILE]["sha256"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AuditorError(str(manifest_path), "model manifest missing or unreadable") from exc
        path = folder / MODEL_FILE
        try:
            if _sha256(path) != expected:
                raise AuditorError(str(path), "model file does not match its manifest (corrupt or replaced)")
            return cls(read_state(path), manifest)
        except AuditorError:
            raise
        except OSError as exc:
            raise AuditorError(str(path), f"cannot read model file ({exc.strerror or exc})") from exc
        except Exception as exc:  # zipfile, json and numpy raise many kinds of error for a damaged file
            raise AuditorError(str(path), f"model file is corrupt ({type(exc).__name__})") from exc

    def info(self) -> dict[str, Any]:
        """Version, and per category: model, training data, card and validation figures."""
        cats = self.manifest.get("categories", {})
        return {
            "version": self.version,
            "categories": {
                c: {k: cats.get(c, {}).get(k) for k in ("model", "trained_on", "card", "validation")}
                for c in CATEGORIES
            },
        }

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Raw linear scores (n, heads): one shared vectorisation, one sparse product for all heads."""
        texts = prepare_all(texts)  # as a reader sees them: auditor/textprep.py
        if not texts:
            return np.zeros((0, len(self.heads)))
        return self._rows(texts)[0]

    def _rows(
        self, texts: list[str], windows: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Raw scores per text, per row (a text or a window of a long one), the first row of every text
        (then the number of rows) and each row's scale. Repeats are read once and a long post scores as its
        worst window (auditor/classify/windows.py); without ``windows`` every text is one row."""
        rows, offsets, scale = self.featuriser.row_scores(texts, self.coef, windows=windows)
        rows += self.intercept
        raw = np.maximum.reduceat(rows, offsets[:-1], axis=0) if len(rows) > len(texts) else rows
        return raw, rows, offsets, scale

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Map raw scores to calibrated probabilities with each category's isotonic curve."""
        out = np.empty_like(raw)
        for j in range(raw.shape[1]):
            out[:, j] = np.interp(raw[:, j], self.calib_x[j], self.calib_y[j])
        return np.clip(out, 0.0, 1.0)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, shape (n, 6), columns in CATEGORIES order."""
        return self.predict_heads(texts)[:, : len(CATEGORIES)]

    def predict_heads(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities of every head (categories, then SIGNALS)."""
        return self.calibrate(self.decision_function(texts))

    def profanity_grade(self, text: str) -> str | None:
        """The highest grade of the graded words in the text, read as the featuriser reads them (masked,
        spaced and stretched spellings undone); None if it has none. A name-like word written as part of a
        name ("Moby Dick") is not graded."""
        return self.profanity_grades([text])[0]

    def profanity_grades(self, texts: Sequence[str]) -> list[str | None]:
        """`profanity_grade` of every text, all their chunks tokenised in one batch."""
        if not self.grades:
            return [None] * len(texts)
        read = [prepare(t) for t in texts]  # emoji as words, spelled-out letters joined, look-alikes folded
        chunks = [t.split() for t in read]
        tokens = iter(self.featuriser.tokens_of_texts([c for cs in chunks for c in cs]))
        best = []
        names: list[set[str]] = []
        for cs in chunks:
            top, named = -1, set()
            for i in range(len(cs)):
                for tok in next(tokens):
                    word = self.featuriser.lex.canonical(tok) or tok
                    grade = self.grades.get(word)
                    if grade is not None and word in _NAME_LIKE and _in_name(cs, i):
                        named.add(word)
                    elif grade is not None:
                        top = max(top, GRADES.index(grade))
            best.append(top)
            names.append(named)
        # letters spaced out across chunks ("s h i t") are read from the whole text
        again = [i for i, b in enumerate(best) if b < 0]
        for i, toks in zip(again, self.featuriser.tokens_of_texts([read[i] for i in again]), strict=True):
            for tok in toks:
                word = self.featuriser.lex.canonical(tok) or tok
                if (grade := self.grades.get(word)) is not None and word not in names[i]:
                    best[i] = max(best[i], GRADES.index(grade))
        return [GRADES[b] if b >= 0 else None for b in best]

    def classify(
        self,
        texts: Sequence[str],
        thresholds: Mapping[str, float] | None = None,
        explain: Sequence[bool] | None = None,
    ) -> list[Classification]:
        """Scores for every text; evidence for each category at or over its threshold (0.5 if None), for the
        texts ``explain`` marks (default: all; a text that is not assessed needs none)."""
        texts = [t or "" for t in texts]
        if not texts:
            return []
        with timings.phase("score"):
            read = prepare_all(texts)  # as a reader sees them: auditor/textprep.py
            raw, rows, offsets, scale = self._rows(read)
            heads = self.calibrate(raw)
        n_cat = len(CATEGORIES)
        probs = heads[:, :n_cat]
        top = self._top_tiers(heads)
        limits = np.array([0.5 if thresholds is None else float(thresholds.get(c, 1.01)) for c in CATEGORIES])
        over = probs >= limits
        for i, reasons in enumerate(top):  # a top-tier category is shown whatever the policy
            if reasons:
                over[i, [CATEGORIES.index(c) for c in reasons]] = True
        if explain is not None:
            over &= np.asarray(explain, dtype=bool)[:, None]
        todo = np.flatnonzero(over.any(axis=1)).tolist()
        with timings.phase("evidence"):
            found = self._explain(read, todo, over, rows, offsets, scale)
            evidence = {i: {c: source_phrases(phrases, texts[i]) for c, phrases in ev.items()}  # as written
                        for i, ev in zip(todo, found, strict=True)}
        profane = np.flatnonzero(over[:, CATEGORIES.index("profanity")]).tolist()
        grades = dict(zip(profane, self.profanity_grades([texts[i] for i in profane]), strict=True))
        signal_heads = self.heads[n_cat:]
        out = []
        for i, (row, sig) in enumerate(zip(probs.tolist(), heads[:, n_cat:].tolist(), strict=True)):
            grade = grades.get(i)
            out.append(
                Classification(
                    dict(zip(CATEGORIES, row, strict=True)),
                    evidence.get(i, {}),
                    {"profanity": grade} if grade else {},
                    dict(zip(signal_heads, sig, strict=True)),
                    top[i],
                )
            )
        return out

    def _top_tiers(self, heads: np.ndarray) -> list[dict[str, str]]:
        """Reasons each post (a row of calibrated head scores) is top tier under every policy, at the model's
        own thresholds: a threat (insult), or sensitive together with snark, insult or profanity (mockery of a
        tragedy). A threat is aimed at someone: the insult head must agree too (alone, the threat head, learnt
        from few examples, put template posts like "Long walk after work. Needed that." at the top tier)."""
        own = {h: self.thresholds.get(h, 0.5) for h in self.heads} | self.thresholds
        col = {h: heads[:, j] for j, h in enumerate(self.heads)}
        zero = np.zeros(len(heads))
        threat = (col.get("threat", zero) >= own.get("threat", 0.5)) & (
            col["insult"] >= own.get("threat_insult", THREAT_INSULT))
        mockery = col["sensitive"] >= own.get("mockery_sensitive", own["sensitive"])
        mockery &= np.logical_or.reduce([col[c] >= own.get(f"mockery_{c}", own[c])
                                         for c in ("snark", "insult", "profanity")])
        out: list[dict[str, str]] = [{} for _ in range(len(heads))]
        for i in np.flatnonzero(threat).tolist():
            out[i]["insult"] = "threat"
        for i in np.flatnonzero(mockery).tolist():
            out[i]["sensitive"] = "mockery"
        return out

    def _explain(
        self, texts: list[str], todo: list[int], over: np.ndarray, rows: np.ndarray, offsets: np.ndarray,
        scale: np.ndarray, k: int = 3,
    ) -> list[dict[str, list[str]]]:
        """Evidence of texts[i] for the categories over[i] marks, i in todo: the phrases of the window with
        the highest score in each category, all windows explained together."""
        windows: list[tuple[str, float, list[int]]] = []
        for i in todo:
            columns = np.flatnonzero(over[i]).tolist()
            first, n = int(offsets[i]), int(offsets[i + 1] - offsets[i])
            if n == 1:
                windows.append((collapse_repeats(texts[i]), float(scale[first]), columns))
                continue
            pieces = scoring_windows(texts[i])
            piece_rows, piece_scale = rows[first : first + n], scale[first : first + n]
            if len(pieces) != n:  # cut otherwise (a text holding the batch separator): score the pieces
                _, piece_rows, _, piece_scale = self._rows(pieces, windows=False)  # a piece may pass 280
            best = np.argmax(piece_rows, axis=0)
            for w in sorted({int(best[j]) for j in columns}):
                windows.append((pieces[w], float(piece_scale[w]), [j for j in columns if best[j] == w]))
        found = iter(self.explainer.explain(windows, k))
        out = []
        for i in todo:
            phrases: dict[int, list[str]] = {}
            while len(phrases) < int(over[i].sum()):
                phrases.update(next(found))
            out.append({self.heads[j]: phrases[j] for j in sorted(phrases)})
        return out

    def evidence(self, text: str, category: str, k: int = 3) -> list[str]:
        """Phrases of `text` behind the category's score: present units with the largest contributions."""
        if category not in self.heads:
            raise ValueError(f"unknown category {category!r}")
        text = text or ""
        read = prepare(text)
        _, rows, offsets, scale = self._rows([read])
        over = np.array([[c == category for c in self.heads]])
        phrases = self._explain([read], [0], over, rows, offsets, scale, k)[0][category]
        return source_phrases(phrases, text)  # as written in the post


def _in_name(chunks: list[str], i: int) -> bool:
    """Is chunks[i] a Capitalised word next to another Capitalised word (part of a name)?"""

    def cap(j: int) -> bool:
        w = chunks[j].strip(".,!?;:'\"()") if 0 <= j < len(chunks) else ""
        return len(w) > 1 and w[0].isupper() and w[1:].islower()

    return cap(i) and (cap(i - 1) or cap(i + 1))
