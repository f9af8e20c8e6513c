"""How far can offensive macro-F1 go with these data and the shared features? (issue 3 asks for 0.80)

    python benchmarks/offensive_ceiling.py [--data PATH]   # about 2-3 minutes on one core

Trains on the training sets and shared features of models/train.py and prints, on the TweetEval offensive
validation tweets, the macro-F1 at the threshold that is best ON VALIDATION ITSELF (an upper bound: a
shipped model must choose its threshold without seeing validation) and the ROC AUC, for:

1. the shipped recipe: max of the profanity, insult and hate heads;
2. one dedicated head: logistic regression on OLID's own offensive / not-offensive labels;
3. head 2 plus document vectors: the mean of 100-dimension word vectors (PPMI + SVD of the unlabelled
   training text, models/clusters.py);
4. gradient boosting stacked on the three heads' out-of-fold scores and the document vectors;
5. a neural network (one hidden layer of 64 units) on the shared features;
6. recipe 1 with alt-profanity-check's score (its model was trained on other data) as one more feature,
   when that package is installed.

None of these ships: they measure whether a richer model over the same data would reach the target.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "models"))

from clusters import ppmi_rows, training_texts, word_vectors  # noqa: E402
from data import DEFAULT_DATA  # noqa: E402
from metrics import macro_f1  # noqa: E402
from train import CALIBRATE_ON, PRIOR, SEED, C, category_matrix, fit_category, olid_oof, prepare  # noqa: E402

HEADS = ("profanity", "insult", "hate")
TARGET = 0.80


def best_on_validation(y: np.ndarray, p: np.ndarray) -> float:
    """Macro-F1 at the best of 200 thresholds (quantiles 0.3-0.9 of the scores)."""
    grid = np.quantile(p, np.linspace(0.3, 0.9, 200))
    return max(macro_f1(y, (p >= t).astype(int)) for t in grid)


class DocVectors:
    """Mean of the unit word vectors of a text's tokens, unit length (zeros when no word is known)."""

    def __init__(self, feat, corpus) -> None:
        self.feat = feat
        words, ppmi = ppmi_rows(feat.tokens_of_texts(training_texts(corpus)), lambda _: None)
        self.index = {w: i for i, w in enumerate(words)}
        self.vectors = word_vectors(ppmi, SEED)

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.vectors.shape[1]))
        for i, toks in enumerate(self.feat.tokens_of_texts(texts)):
            ids = [self.index[t] for t in toks if t in self.index]
            if ids:
                out[i] = self.vectors[ids].mean(axis=0)
        return normalize(out)


def heads(feat, splits, val_texts, extra=None) -> tuple[np.ndarray, dict[str, np.ndarray], dict]:
    """Validation scores (n x 3) of the three heads, their out-of-fold calibrated scores on their training
    rows, and the fitted (logistic regression, calibration) of each; extra(texts) adds columns to every
    feature matrix."""
    val, oof_p, fitted = [], {}, {}
    for cat in HEADS:
        x, xv = category_matrix(feat, splits[cat].texts, cat), category_matrix(feat, val_texts, cat)
        if extra is not None:
            x = sp.hstack([x, sp.csr_matrix(extra(splits[cat].texts))]).tocsr()
            xv = sp.hstack([xv, sp.csr_matrix(extra(val_texts))]).tocsr()
        lr, iso, oof, _ = fit_category(x, splits[cat], C[cat], PRIOR.get(cat), CALIBRATE_ON.get(cat))
        val.append(iso.predict(lr.decision_function(xv)))
        oof_p[cat] = iso.predict(oof)
        fitted[cat] = (lr, iso)
    return np.array(val).T, oof_p, fitted


def alt_profanity_check():
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    return lambda texts: predict_prob(texts)[:, None]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the labelled data")
    args = ap.parse_args(argv)
    _, corpus, splits, feat = prepare(args.data)
    val = corpus.offensive_val()
    y_val = np.array(val.labels)
    results: list[tuple[str, np.ndarray]] = []

    val_heads, oof_p, fitted = heads(feat, splits, val.texts)
    results.append(("1 shipped recipe: max(profanity, insult, hate)", val_heads.max(axis=1)))

    olid = list(corpus.train_rows("olid.jsonl"))
    texts = [r["text"] for r in olid]
    y = np.array([int(r["label"] == "OFF") for r in olid])
    x, xv = feat.transform(texts), feat.transform(val.texts)
    lr = LogisticRegression(C=C["insult"], max_iter=2000, solver="liblinear", class_weight="balanced")
    results.append(("2 dedicated head on OLID offensive labels", lr.fit(x, y).decision_function(xv)))

    docvec = DocVectors(feat, corpus)
    d, dv = docvec(texts), docvec(val.texts)
    x2, xv2 = sp.hstack([x, sp.csr_matrix(d)]).tocsr(), sp.hstack([xv, sp.csr_matrix(dv)]).tocsr()
    results.append(("3 dedicated head + document vectors", lr.fit(x2, y).decision_function(xv2)))

    lr_h, iso_h = fitted["hate"]
    hate_full = lambda t: iso_h.predict(lr_h.decision_function(category_matrix(feat, t, "hate")))  # noqa: E731
    s_texts, s_scores, s_y = olid_oof(splits, oof_p, hate_full)
    gb = HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.05, max_leaf_nodes=15, random_state=SEED
    )
    gb.fit(np.hstack([s_scores, docvec(s_texts)]), s_y)
    results.append(
        (
            "4 boosting on the heads' scores + document vectors",
            gb.predict_proba(np.hstack([val_heads, dv]))[:, 1],
        )
    )

    def log1p(m: sp.csr_matrix) -> sp.csr_matrix:
        m = m.copy()
        m.data = np.sign(m.data) * np.log1p(np.abs(m.data))
        return m

    mlp = MLPClassifier(
        (64,), alpha=1e-2, early_stopping=True, max_iter=50, n_iter_no_change=3, random_state=SEED
    )
    results.append(("5 neural network, 64 hidden units", mlp.fit(log1p(x), y).predict_proba(log1p(xv))[:, 1]))

    apc = alt_profanity_check()
    if apc is not None:
        results.append(
            ("6 recipe 1 + alt-profanity-check score", heads(feat, splits, val.texts, apc)[0].max(axis=1))
        )

    print(
        f"offensive validation tweets: {len(y_val)} ({int(y_val.sum())} offensive); target macro-F1 {TARGET}"
    )
    print(f"{'variant':<55} {'best-on-val macro-F1':>20} {'ROC AUC':>8}")
    for name, p in results:
        print(f"{name:<55} {best_on_validation(y_val, p):>20.3f} {roc_auc_score(y_val, p):>8.3f}")
    if apc is None:
        print("(6 skipped: pip install alt-profanity-check)")
    return 0


if __name__ == "__main__":
    with threadpool_limits(1):
        raise SystemExit(main())
