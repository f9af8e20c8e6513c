"""The out-of-domain yardstick: figures on posts the model did not train on (issue 10).

1. Leave-one-source-out (LOSO): a head is refitted without one training source and scored on that source
   (or on rows of it no head ever trains on, such as DynaHate's official dev/test rows). The refit uses the
   shipped recipe (same features, same C, same weights) and the shipped head's isotonic calibration; the
   shared vocabulary and word classes are unsupervised and were fitted with the source's text in (no labels).
2. The frozen hand-written check set (benchmarks/checks/posts.jsonl, never trained on), scored by the
   shipped model through the three shipped policies exactly as `auditor classify` flags posts.

Both are what predict a user's experience; in-source validation splits do not (see README, model cards).
Shared by models/train.py (figures for the manifest and cards) and benchmarks/accuracy.py.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from data import Corpus, Split, capped, rows
from metrics import bootstrap_ci, f1_pos, macro_f1
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from auditor.categories import CATEGORIES, GRADES
from auditor.classify.model import Classifier
from auditor.scoring import COVERED_BY, post_tiers

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ROOT / "benchmarks" / "checks" / "check_set.py"
POLICIES = ("default", "family", "edgy")
EVAL_CAP = 3000  # rows scored per held-out source (fixed seed): keeps the yardstick to a few minutes
OFFENSIVE = ("profanity", "insult", "hate")


def pos_f1(y: np.ndarray, pred: np.ndarray) -> float:
    return f1_pos(y, pred)[2]


@dataclass
class Holdout:
    """One LOSO evaluation: refit `heads` without training rows whose source starts with one of `drop`,
    score `load(corpus)`; `measure` names the figure; offensive = any of profanity/insult/hate flagged."""

    name: str
    heads: tuple[str, ...]
    drop: tuple[str, ...]
    load: Callable[[Corpus], Split]
    measure: str  # "f1" (positive class) or "macro"


def _sample(s: Split, seed: int) -> Split:
    keep = sorted(capped(list(range(len(s))), EVAL_CAP, seed))
    out = Split()
    for i in keep:
        out.add(s.texts[i], s.labels[i], s.sources[i])
    return out


def _davidson(c: Corpus) -> Split:
    s = Split()
    for r in c.train_rows("davidson.jsonl"):
        s.add(r["text"], int(r["label"] != "neither"), "davidson")
    return _sample(s, 31)


def _sbic(c: Corpus) -> Split:
    s = Split()
    for r in rows(c.data, "sbic_devtest.jsonl"):
        s.add(r["text"], int(r["label"] == "offensive"), "sbic")
    return _sample(s, 32)


def _dynahate_official(c: Corpus) -> Split:
    s = Split()
    for r in rows(c.data, "dynahate.jsonl"):
        if r.get("split_source") == "official":
            s.add(r["text"], int(r["label"] == "hate"), f"dynahate/{r.get('type')}")
    return _sample(s, 33)


def _threat_test(c: Corpus) -> Split:
    s = Split()
    for r in rows(c.data, "dynahate.jsonl"):
        if r.get("split_source") == "official" and r["split"] == "test":
            s.add(r["text"], int(r.get("type") == "threatening"), "dynahate-test")
    return s


def _toxigen(c: Corpus) -> Split:
    s = Split()
    for r in rows(c.data, "toxigen_prompts.jsonl"):
        s.add(r["text"], int(r["label"] == "hate"), "toxigen")
    return s


def _reddit_politics(c: Corpus) -> Split:
    s = Split()
    for r in c.val_rows("reddit_politics_topic.jsonl"):
        s.add(r["text"], int(r["label"]), "reddit_politics")
    return _sample(s, 34)


def _tweets_2020(c: Corpus) -> Split:
    s = Split()
    for r in rows(c.data, "political_tweets_2020.jsonl"):
        s.add(r["text"], int(r["label"]), "political_tweets_2020")
    return s


def _isarcasm(c: Corpus) -> Split:
    s = Split()
    for r in c.train_rows("isarcasmeval.jsonl"):
        if r["split"] == "train":
            s.add(r["text"], int(r["label"]), "isarcasmeval")
    return s


def _irony(c: Corpus) -> Split:
    return c.irony_val()


def _figlang_twitter(c: Corpus) -> Split:
    s = Split()
    for r in rows(c.data, "sarcasm_mixed.jsonl"):
        if r["split"] == "test" and r.get("source") == "figlang2020_twitter":
            s.add(r["text"], int(r["label"]), "figlang2020_twitter")
    return s


def _boston(c: Corpus) -> Split:
    s = Split()
    for r in rows(c.data, "crisislex_t6.jsonl"):
        if r.get("event") == "2013_Boston_Bombings":
            s.add(r["text"], int(r["label"] == "on-topic"), "crisislex/2013_Boston_Bombings")
    return _sample(s, 35)


HOLDOUTS = (
    Holdout("offensive: Davidson tweets", OFFENSIVE, ("davidson",), _davidson, "macro"),
    Holdout("offensive: SBIC posts (Gab, Reddit, Twitter)", OFFENSIVE, ("sbic",), _sbic, "macro"),
    Holdout("hate: DynaHate official dev+test", ("hate",), ("dynahate",), _dynahate_official, "macro"),
    Holdout("hate: ToxiGen human-written prompts", ("hate",), ("toxigen",), _toxigen, "macro"),
    Holdout("politics: Reddit titles (val)", ("politics",), ("reddit_politics",), _reddit_politics, "f1"),
    Holdout("politics: 2020 tweets", ("politics",), ("political_tweets_2020",), _tweets_2020, "f1"),
    Holdout("snark: iSarcasmEval (author-labelled)", ("snark",), ("isarcasmeval",), _isarcasm, "f1"),
    Holdout("snark: SemEval-2018 irony val", ("snark",), ("irony",), _irony, "f1"),
    Holdout(
        "snark: FigLang 2020 Twitter test",
        ("snark",),
        ("sarcasm_mixed/figlang2020_twitter",),
        _figlang_twitter,
        "f1",
    ),
    Holdout(
        "sensitive: Boston bombings tweets",
        ("sensitive",),
        ("crisislex/2013_Boston_Bombings",),
        _boston,
        "f1",
    ),
    Holdout("threat: DynaHate official test (threatening vs rest)", ("threat",), (), _threat_test, "f1"),
)


def _refit(x, split: Split, c: float, drop: tuple[str, ...], seed: int) -> LogisticRegression:
    keep = np.array([not s.startswith(drop) for s in split.sources])
    lr = LogisticRegression(
        C=c, max_iter=2000, solver="liblinear", class_weight="balanced", random_state=seed
    )
    lr.fit(x[keep], np.array(split.labels)[keep], sample_weight=np.array(split.weights)[keep])
    return lr


def _figures(y: np.ndarray, p: np.ndarray, t: float, measure: str, covered: np.ndarray | None = None) -> dict:
    """Figures at threshold t and at the source's best threshold; covered: posts whose flag a stronger finding
    covers (auditor.scoring.COVERED_BY), never flagged at any threshold (the ranking, ROC AUC, keeps them)."""
    fn = macro_f1 if measure == "macro" else pos_f1
    shown = np.ones(len(p), dtype=bool) if covered is None else ~covered

    def flagged(g: float) -> np.ndarray:
        return ((p >= g) & shown).astype(int)

    pred = flagged(t)
    grid = np.round(np.arange(0.05, 0.96, 0.025), 3)
    best_t = float(max(grid, key=lambda g: fn(y, flagged(g))))
    prec, rec, f1 = f1_pos(y, pred)
    return {
        "measure": "macro-F1" if measure == "macro" else "F1 (positive class)",
        "value": round(fn(y, pred), 4),
        "ci95": bootstrap_ci(y, pred, fn, n=500),
        "threshold": t,
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if 0 < y.sum() < len(y) else None,
        "best_threshold": best_t,
        "value_at_best_threshold": round(fn(y, flagged(best_t)), 4),
        "n": int(len(y)),
        "positives": int(y.sum()),
    }


def _covered(head: str, p: np.ndarray, shipped: np.ndarray, clf: Classifier, policy) -> np.ndarray:
    """Posts whose `head` flag (score p, at least a low-tier flag) the shipped model's covering categories
    (insult, hate: COVERED_BY) leave out, as `auditor classify` flags posts under the policy."""
    least = policy.thresholds[head]
    covers = [c for c, _ in COVERED_BY[head]]
    cols = [clf.heads.index(c) for c in covers]
    top = clf._top_tiers(shipped)
    out = np.zeros(len(shipped), dtype=bool)
    for i, row in enumerate(shipped):
        scores = dict.fromkeys(CATEGORIES, 0.0) | dict(zip(covers, row[cols], strict=True))
        res = SimpleNamespace(
            scores=scores | {head: max(float(p[i]), least)},
            top_tier={c: r for c, r in top[i].items() if c in covers},
        )
        out[i] = head not in post_tiers(res, policy)
    return out


def out_of_domain(
    clf: Classifier,
    corpus: Corpus,
    splits: dict[str, Split],
    recipe,
    log=print,
    policy: str = "default",
    matrices: dict | None = None,
) -> dict:
    """LOSO figures at the given policy's thresholds. Refits use the shipped model's featuriser and
    calibration and the recipe's C and feature columns (recipe: the train module); matrices[head] = the
    feature rows of its training split, if already built."""
    from auditor.policy import load_policy

    C, SEED, category_matrix = recipe.C, recipe.SEED, recipe.category_matrix

    feat = clf.featuriser
    matrices = dict(matrices or {})

    def calibrated(head: str, raw: np.ndarray) -> np.ndarray:
        j = clf.heads.index(head)
        return np.clip(np.interp(raw, clf.calib_x[j], clf.calib_y[j]), 0.0, 1.0)

    pol = load_policy(policy)
    thresholds = pol.thresholds
    out: dict[str, dict] = {}
    for h in HOLDOUTS:
        ev = h.load(corpus)
        if not len(ev):
            continue
        y = np.array(ev.labels)
        probs: dict[str, np.ndarray] = {}
        shipped = clf.predict_heads(ev.texts)
        for head in h.heads:
            if not h.drop:
                probs[head] = shipped[:, clf.heads.index(head)]
                continue
            if head not in matrices:
                matrices[head] = category_matrix(feat, splits[head].texts, head)
            lr = _refit(matrices[head], splits[head], C[head], h.drop, SEED)
            probs[head] = calibrated(head, lr.decision_function(category_matrix(feat, ev.texts, head)))
        covered = None
        if h.heads == OFFENSIVE:  # any of the three flagged: one score that crosses 0.5 exactly then
            margin = np.max([probs[c] - thresholds[c] for c in OFFENSIVE], axis=0)
            p, t = 0.5 + margin, 0.5
        else:
            head = h.heads[0]
            p = probs[head]
            t = thresholds.get(head, clf.thresholds.get(head, 0.5))
            if head in COVERED_BY:
                covered = _covered(head, p, shipped, clf, pol)
        out[h.name] = {"dropped": list(h.drop), **_figures(y, p, float(t), h.measure, covered)}
        if h.name.startswith("hate: DynaHate"):
            types = np.array([s.split("/", 1)[1] for s in ev.sources])
            out[h.name]["recall_by_type"] = {
                k: round(float((p[types == k] >= t).mean()), 4) for k in sorted(set(types)) if k != "none"
            }
        f = out[h.name]
        log(
            f"  {h.name}: {f['measure']} {f['value']:.3f} {f['ci95']} at {f['threshold']:.2f} "
            f"(best {f['value_at_best_threshold']:.3f} at {f['best_threshold']:.2f}, AUC {f['roc_auc']})"
        )
    return out


# ----- the check set -----
def load_check_set() -> list[dict]:
    spec = importlib.util.spec_from_file_location("check_set", CHECKS)
    if spec is None or spec.loader is None:
        raise SystemExit(f"check set loader not found: {CHECKS}")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_set", module)
    spec.loader.exec_module(module)
    return module.load_checks()


def _gold(row: dict, cat: str, min_grade: str) -> int:
    labels = row["labels"]
    if cat == "profanity":
        g = labels["profanity"]
        return int(g != "none" and GRADES.index(g) >= GRADES.index(min_grade))
    return int(labels[cat])


def check_set_report(clf: Classifier) -> dict:
    """Per policy: per-category F1 (with 95% intervals) on the English posts of the check set, as flagged by
    `auditor classify` (policy thresholds, profanity grade, top-tier reasons); macro-F1 over the six
    categories; per-group pass rates; the identity-positive and counter-speech hate false-positive rate;
    non-English posts marked not assessed."""
    from auditor.lang import assessable
    from auditor.policy import load_policy
    from auditor.scoring import post_tiers

    rows_ = load_check_set()
    english = [r for r in rows_ if r["lang"] == "en"]
    results = clf.classify([r["text"] for r in english], thresholds={c: 0.0 for c in CATEGORIES})
    ok = [assessable(r["text"])[0] for r in english]
    foreign = [r for r in rows_ if r["lang"] != "en"]
    out: dict = {
        "n": len(english),
        "english_not_assessed": int(sum(not a for a in ok)),
        "non_english": len(foreign),
        "non_english_not_assessed": int(sum(not assessable(r["text"])[0] for r in foreign)),
        "policies": {},
    }
    for name in POLICIES:
        policy = load_policy(name)
        least = policy.min_grades.get("profanity", "mild")
        flags = [set(post_tiers(res, policy)) if a else set() for res, a in zip(results, ok, strict=True)]
        per: dict[str, dict] = {}
        for cat in CATEGORIES:
            y = np.array([_gold(r, cat, least) for r in english])
            pred = np.array([int(cat in f) for f in flags])
            prec, rec, f1 = f1_pos(y, pred)
            per[cat] = {
                "f1": round(f1, 4),
                "ci95": bootstrap_ci(y, pred, pos_f1, n=500),
                "precision": round(prec, 4),
                "recall": round(rec, 4),
                "positives": int(y.sum()),
            }
        groups: dict[str, dict] = {}
        for g in sorted({r["group"] for r in english}):
            idx = [i for i, r in enumerate(english) if r["group"] == g]
            correct = [
                all(int(c in flags[i]) == _gold(english[i], c, least) for c in CATEGORIES) for i in idx
            ]
            groups[g] = {"n": len(idx), "all_categories_right": round(float(np.mean(correct)), 4)}
        tt = [r["labels"]["threat"] for r in english]
        threat_hit = [
            ("insult" in f and res.top_tier.get("insult") == "threat")
            for f, res in zip(flags, results, strict=True)
        ]
        mock = [r["labels"]["sensitive_mockery"] for r in english]
        mock_hit = [res.top_tier.get("sensitive") == "mockery" for res in results]
        pos = [i for i, r in enumerate(english) if r["group"] in ("identity_positive", "counter_speech")]
        hate_groups = [i for i, r in enumerate(english) if r["group"].startswith("hate_")]
        out["policies"][name] = {
            "categories": per,
            "macro_f1": round(float(np.mean([per[c]["f1"] for c in CATEGORIES])), 4),
            "macro_f1_five": round(float(np.mean([per[c]["f1"] for c in CATEGORIES if c != "sensitive"])), 4),
            "groups": groups,
            "identity_positive_hate_fpr": round(float(np.mean(["hate" in flags[i] for i in pos])), 4),
            "identity_positive_n": len(pos),
            "functional_hate_recall": round(float(np.mean(["hate" in flags[i] for i in hate_groups])), 4),
            "threat_top_tier_recall": round(
                float(np.mean([h for h, t in zip(threat_hit, tt, strict=True) if t])), 4
            ),
            "threat_top_tier_false": int(sum(h and not t for h, t in zip(threat_hit, tt, strict=True))),
            "mockery_top_tier_recall": round(
                float(np.mean([h for h, m in zip(mock_hit, mock, strict=True) if m])), 4
            ),
            "mockery_top_tier_false": int(sum(h and not m for h, m in zip(mock_hit, mock, strict=True))),
        }
    return out
