"""Validation figures for the shipped classifier (used by train.py for the cards and by the benchmark)."""

from __future__ import annotations

import numpy as np
from data import PRIORS, Corpus, Split, augment, key, rows
from sklearn.metrics import average_precision_score, roc_auc_score

from auditor.classify.model import CATEGORIES

BINS = 10
# Held-out hand-written check files (models/augment/<name>.txt, never trained on): category, what they hold.
CHECKS = {
    "everyday_check": ("politics", "everyday work, community and holiday posts flagged"),
    "political_check": ("politics", "political posts caught"),
    "insult_check": ("insult", "targeted insults without swear words caught"),
    "criticism_check": ("insult", "harsh posts aimed at no one (complaints, self-talk, condemning) flagged"),
}


def check_summaries(summary: dict) -> list[str]:
    """One phrase per held-out check a category's validation summary holds, e.g. "0.767 of 30 ... caught"."""
    return [
        f"{summary[f'{name}_flagged']:.3f} of {summary[f'{name}_n']} {what} (models/augment/{name}.txt)"
        for name, (_, what) in CHECKS.items()
        if f"{name}_flagged" in summary
    ]


def f1_pos(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class."""
    tp = float(np.sum((pred == 1) & (y == 1)))
    fp = float(np.sum((pred == 1) & (y == 0)))
    fn = float(np.sum((pred == 0) & (y == 1)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return (f1_pos(y, pred)[2] + f1_pos(1 - y, 1 - pred)[2]) / 2


def bootstrap_ci(y: np.ndarray, pred: np.ndarray, fn, n: int = 1000, seed: int = 20261127) -> list[float]:
    """95% bootstrap interval of fn(y, pred) over the validation rows (fixed seed): how far the figure could
    move on another sample of the same kind of posts."""
    rng = np.random.default_rng(seed)
    values = [fn(y[i], pred[i]) for i in (rng.integers(0, len(y), len(y)) for _ in range(n))]
    return [round(float(v), 4) for v in np.percentile(values, [2.5, 97.5])]


def prior_weights(y: np.ndarray, prior: float | None) -> np.ndarray:
    """Weights that make positives `prior` of the total (None: all ones)."""
    if prior is None or y.min() == y.max():
        return np.ones(len(y))
    p = y.mean()
    return np.where(y == 1, prior / p, (1 - prior) / (1 - p))


def reliability(y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None) -> list[dict]:
    """Reliability curve: per probability bin, the mean predicted probability and the observed rate
    (weighted by w when the validation set is reweighted to an everyday share of positives)."""
    w = np.ones(len(y)) if w is None else w
    out = []
    edges = np.linspace(0, 1, BINS + 1)
    for i in range(BINS):
        lo, hi = edges[i], edges[i + 1]
        m = (p >= lo) & ((p < hi) if i < BINS - 1 else (p <= hi))
        if m.any():
            out.append(
                {
                    "bin": f"{lo:.1f}-{hi:.1f}",
                    "n": int(m.sum()),
                    "mean_predicted": round(float(np.average(p[m], weights=w[m])), 3),
                    "observed": round(float(np.average(y[m], weights=w[m])), 3),
                }
            )
    return out


def brier(y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None) -> float:
    return float(np.average((p - y) ** 2, weights=w))


def olid_fine_val(corpus: Corpus, swears) -> tuple[Split, Split]:
    """Profanity and insult labels for the offensive validation tweets, from OLID's level-B labels."""
    val_keys = {key(t) for t in corpus.offensive_val().texts}
    prof, ins = Split(), Split()
    for r in rows(corpus.data, "olid.jsonl"):
        if key(r["text"]) not in val_keys:
            continue
        off = r["label"] == "OFF"
        tin = off and r.get("label_b") == "TIN"
        unt = off and r.get("label_b") == "UNT"
        prof.add(r["text"], int(unt or (tin and swears(r["text"]))), "olid-val")
        ins.add(r["text"], int(tin), "olid-val")
    return prof, ins


def _block(
    y: np.ndarray, p: np.ndarray, measure: str, score, extra: dict, prior: float | None = None
) -> dict:
    """A category's card figures at threshold 0.5: the measure (score(y, pred)), precision, recall, Brier
    score and reliability curve (both reweighted to ``prior`` when given)."""
    pred = (p >= 0.5).astype(int)
    value = score(y, pred)
    prec, rec, f1 = f1_pos(y, pred)
    w = prior_weights(y, prior)
    summary = {
        "measure": measure,
        "value": round(value, 4),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1_positive": round(f1, 4),
        "brier": round(brier(y, p, w), 4),
        "calibration_share": prior,
        "n": int(len(y)),
        "positives": int(y.sum()),
        **extra,
    }
    return {"summary": summary, "reliability": reliability(y, p, w)}


def validation_report(clf, corpus: Corpus, thresholds: dict[str, float] | None = None) -> dict:
    """Every category's validation figures at 0.5, plus the issue's benchmark measures both at 0.5 and at
    the decision thresholds chosen on out-of-fold training scores (stored in the model)."""
    thresholds = dict(thresholds or clf.manifest.get("decision_thresholds") or {})
    norm = clf.featuriser.normaliser
    strong = set(clf.featuriser.lex.words["profanity_strong"]) | set(
        clf.featuriser.lex.words["profanity_mild"]
    )

    def swears(text: str) -> bool:
        return any(w in strong for w in norm.normalise(text).split())

    idx = {c: i for i, c in enumerate(CATEGORIES)}
    cats: dict[str, dict] = {}
    bench: dict[str, dict] = {}

    def measure_both(name: str, y: np.ndarray, p: np.ndarray, fn, label: str, split: str) -> None:
        t = float(thresholds.get(name, 0.5))
        pred = (p >= t).astype(int)
        bench[name] = {
            "measure": label,
            "value": round(fn(y, pred), 4),
            "ci95": bootstrap_ci(y, pred, fn),
            "threshold": t,
            "value_at_0.5": round(fn(y, (p >= 0.5).astype(int)), 4),
            "n": int(len(y)),
            "split": split,
        }

    def pos_f1(y: np.ndarray, pred: np.ndarray) -> float:
        return f1_pos(y, pred)[2]

    off = corpus.offensive_val()
    p = clf.predict_proba(off.texts)
    p_off = p[:, [idx["profanity"], idx["insult"], idx["hate"]]].max(axis=1)
    measure_both(
        "offensive",
        np.array(off.labels),
        p_off,
        macro_f1,
        "macro-F1, offensive = max(profanity, insult, hate)",
        "tweeteval/offensive val",
    )
    # threshold-free: how well the scores rank offensive above non-offensive tweets
    bench["offensive"]["roc_auc"] = round(float(roc_auc_score(off.labels, p_off)), 4)
    bench["offensive"]["average_precision"] = round(float(average_precision_score(off.labels, p_off)), 4)

    def labelled(split: Split, cat: str) -> tuple[np.ndarray, np.ndarray]:
        return np.array(split.labels), clf.predict_proba(split.texts)[:, idx[cat]]

    def check(name: str, cat: str) -> tuple[np.ndarray, dict]:
        """Scores of a held-out hand-written check file, and its share flagged at 0.5 and size."""
        scores = clf.predict_proba(augment(name))[:, idx[cat]]
        return scores, {f"{name}_flagged": round(float((scores >= 0.5).mean()), 4), f"{name}_n": len(scores)}

    prof, ins = olid_fine_val(corpus, swears)
    for cat, s in (("profanity", prof), ("insult", ins)):
        yy, pp = labelled(s, cat)
        measure = "F1 (positive class), OLID level-B labels of the offensive val tweets"
        extra = {"split": "olid rows of tweeteval/offensive val"}
        for name in (n for n, (c, _) in CHECKS.items() if c == cat):
            extra |= check(name, cat)[1]
        cats[cat] = _block(yy, pp, measure, pos_f1, extra)

    yy, pp = labelled(corpus.hate_val(), "hate")
    ident, _ = check("identity_check", "hate")
    cats["hate"] = _block(
        yy,
        pp,
        "macro-F1",
        macro_f1,
        {
            "split": "tweeteval/hate val (HatEval)",
            "identity_mention_fpr": round(float((ident >= 0.5).mean()), 4),
            "identity_mention_n": int(len(ident)),
            "identity_mention_max_score": round(float(ident.max()), 4),
        },
    )
    measure_both("hate", yy, pp, macro_f1, "macro-F1 of hate", "tweeteval/hate val")

    yy, pp = labelled(corpus.irony_val(), "snark")
    split = {"split": "tweeteval/irony val (SemEval-2018)"}
    cats["snark"] = _block(yy, pp, "F1 of the ironic class", pos_f1, split, prior=PRIORS["snark"])
    measure_both("snark", yy, pp, pos_f1, "F1 of the ironic class (snark)", "tweeteval/irony val")

    yy, pp = labelled(corpus.politics_val(), "politics")
    measure = "F1 (political class), everyday mix with 12% political"
    split = {"split": "everyday mix (see models/data.py politics_val)"}
    for name in (n for n, (c, _) in CHECKS.items() if c == "politics"):
        split |= check(name, "politics")[1]
    cats["politics"] = _block(yy, pp, measure, pos_f1, split)
    measure_both("politics", yy, pp, pos_f1, "F1 on the everyday mix, 12% political", "politics_val mix")
    yy, pp = labelled(corpus.sensitive_val(), "sensitive")
    split = {"split": "CrisisLex T6 hash-held-out rows (on-topic vs off-topic)"}
    cats["sensitive"] = _block(yy, pp, "F1 (positive class)", pos_f1, split)
    bench["politics"]["precision"] = cats["politics"]["summary"]["precision"]
    bench["politics"]["recall"] = cats["politics"]["summary"]["recall"]
    return {"benchmarks": bench, "categories": cats, "thresholds": thresholds}
