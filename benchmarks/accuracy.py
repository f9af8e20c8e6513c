"""Accuracy of the shipped classifiers on the validation splits of ../shared/data, next to the baselines.

    python benchmarks/accuracy.py [--data PATH] [--json OUT] [--models DIR]

Measures (issue 3), on calibrated probabilities, at each category's decision threshold (chosen by train.py on
out-of-fold scores of the training tweets, stored in models/manifest.json) and, for reference, at 0.5:
- offensive: macro-F1 on TweetEval offensive val, offensive = max(profanity, insult, hate) >= threshold
  (no dedicated offensive head);
- snark: F1 of the ironic class on TweetEval irony val;
- hate: macro-F1 on TweetEval hate val (HatEval);
- politics: F1 on an everyday mix where 12% of posts are political (models/data.py politics_val: stance val
  tweets and held-out politics rows as positives; emoji val tweets and held-out crisis/everyday rows as
  negatives).
Baseline: TF-IDF word 1-2-grams + class-balanced logistic regression trained on the same training rows as the
README of shared/data describes (per task), evaluated on the same splits; alt-profanity-check if installed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "models"))

from data import DEFAULT_DATA, Corpus, capped, held_out  # noqa: E402
from metrics import check_summaries, f1_pos, macro_f1, validation_report  # noqa: E402

from auditor.classify import CATEGORIES, Classifier  # noqa: E402

TARGETS = {"offensive": 0.80, "snark": 0.65, "hate": 0.55, "politics": 0.75}


def baseline_model(texts: list[str], labels: list[int]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced"),
    )
    return model.fit(texts, labels)


def baseline_politics_train(corpus: Corpus) -> tuple[list[str], list[int]]:
    """The README's mix: positives stance, politicians, HatEval, politics/religion newsgroups; negatives
    emoji,
    crisis off-topic, non-political 2009/2020 tweets, other newsgroups; each source capped at 5,000 rows."""
    pos: dict[str, list[str]] = {"stance": [], "politicians": [], "hateval": [], "ng": []}
    neg: dict[str, list[str]] = {"emoji": [], "crisis": [], "tweets": [], "ng": []}
    for t in ("abortion", "atheism", "climate", "feminist", "hillary"):
        pos["stance"] += [r["text"] for r in corpus.train_rows(f"tweeteval/stance_{t}.jsonl")]
    pos["politicians"] = [
        r["text"] for r in corpus.train_rows("politicians_posts.jsonl") if not held_out(r["text"])
    ]
    pos["hateval"] = [r["text"] for r in corpus.train_rows("tweeteval/hate.jsonl")]
    for r in corpus.train_rows("newsgroups20.jsonl"):
        group = r["label"]
        (pos if group.startswith(("talk.", "alt.atheism", "soc.religion")) else neg)["ng"].append(r["text"])
    neg["emoji"] = [r["text"] for r in corpus.train_rows("tweeteval/emoji.jsonl")]
    neg["crisis"] = [
        r["text"]
        for r in corpus.train_rows("crisislex_t6.jsonl")
        if r["label"] == "off-topic" and not held_out(r["text"])
    ]
    for name in ("political_tweets_2020.jsonl", "political_tweets_2009.jsonl"):
        for r in corpus.train_rows(name):
            if not held_out(r["text"]):
                (pos["stance"] if int(r["label"]) else neg["tweets"]).append(r["text"])
    texts: list[str] = []
    labels: list[int] = []
    for i, (group, label) in enumerate([(pos, 1), (neg, 0)]):
        for j, items in enumerate(group.values()):
            chosen = capped(items, 5000, 100 + 10 * i + j)
            texts += chosen
            labels += [label] * len(chosen)
    return texts, labels


def baselines(corpus: Corpus) -> dict[str, float]:
    out: dict[str, float] = {}
    tasks = {
        "offensive": ("tweeteval/offensive.jsonl", "offensive", corpus.offensive_val(), "macro"),
        "snark": ("tweeteval/irony.jsonl", "irony", corpus.irony_val(), "pos"),
        "hate": ("tweeteval/hate.jsonl", "hate", corpus.hate_val(), "macro"),
    }
    for cat, (name, positive, val, measure) in tasks.items():
        train = list(corpus.train_rows(name))
        model = baseline_model([r["text"] for r in train], [int(r["label"] == positive) for r in train])
        pred = (model.predict_proba(val.texts)[:, 1] >= 0.5).astype(int)
        y = np.array(val.labels)
        out[cat] = macro_f1(y, pred) if measure == "macro" else f1_pos(y, pred)[2]
    texts, labels = baseline_politics_train(corpus)
    model = baseline_model(texts, labels)
    val = corpus.politics_val()
    pred = (model.predict_proba(val.texts)[:, 1] >= 0.5).astype(int)
    p, r, f = f1_pos(np.array(val.labels), pred)
    out["politics"] = f
    out["politics_precision"] = p
    return out


def alt_profanity_check(corpus: Corpus) -> float | None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    val = corpus.offensive_val()
    pred = (predict_prob(val.texts) >= 0.5).astype(int)
    return macro_f1(np.array(val.labels), pred)


def everyday_flag_rates(clf: Classifier, corpus: Corpus) -> tuple[int, dict[str, float]]:
    """Share of everyday tweets (the emoji task's validation tweets) at or over 0.5, per category."""
    texts = [r["text"] for r in corpus.val_rows("tweeteval/emoji.jsonl")]
    probs = clf.predict_proba(texts)
    return len(texts), {c: float((probs[:, j] >= 0.5).mean()) for j, c in enumerate(CATEGORIES)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--models", type=Path, help="a models folder other than the shipped one")
    args = ap.parse_args(argv)
    started = time.time()
    corpus = Corpus(args.data)
    clf = Classifier.load(args.models)
    report = validation_report(clf, corpus)
    base = baselines(corpus)
    apc = alt_profanity_check(corpus)
    bench = report["benchmarks"]
    print(f"auditor classifiers {clf.version} on the validation splits of {args.data}")
    print(
        "ours = at the model's decision threshold (chosen on out-of-fold TRAINING scores, not on validation);"
    )
    print("@0.5 = at probability 0.5; the baseline flags at 0.5 of its (class-balanced) probability.")
    print(
        f"{'category':<10} {'measure':<52} {'thr':>5} {'ours':>6} {'@0.5':>6} {'TF-IDF+LR':>9} "
        f"{'target':>6}  met"
    )
    for cat in ("offensive", "snark", "hate", "politics"):
        b = bench[cat]
        ok = "yes" if b["value"] >= TARGETS[cat] else "no"
        lo, hi = b["ci95"]
        print(
            f"{cat:<10} {b['measure']:<52} {b['threshold']:>5.3f} {b['value']:>6.3f} "
            f"{b['value_at_0.5']:>6.3f} "
            f"{base[cat]:>9.3f} {TARGETS[cat]:>6.2f}  {ok:<3}  [{lo:.3f}, {hi:.3f}]"
        )
    if apc is not None:
        print(f"{'':<10} {'alt-profanity-check on offensive val (macro-F1)':<62} {apc:>6.3f}")
    off = bench["offensive"]
    print(
        f"offensive, threshold-free: ROC AUC {off['roc_auc']:.3f}, "
        f"average precision {off['average_precision']:.3f}"
    )
    pol = bench["politics"]
    print(
        f"politics mix: {pol['n']} posts, precision {pol['precision']:.3f} recall {pol['recall']:.3f} "
        f"(baseline precision {base['politics_precision']:.3f})"
    )
    print("per category (validation, threshold 0.5):")
    for cat, block in report["categories"].items():
        s = block["summary"]
        extra = f", identity-mention FPR {s['identity_mention_fpr']:.3f}" if cat == "hate" else ""
        if checks := check_summaries(s):
            extra += "; hand-written checks: " + "; ".join(checks)
        print(
            f"  {cat:<10} {s['measure']}: {s['value']:.3f} (P {s['precision']:.3f} R {s['recall']:.3f}, "
            f"Brier {s['brier']:.4f}, n={s['n']}){extra}"
        )
    n_everyday, rates = everyday_flag_rates(clf, corpus)
    print(
        f"everyday tweets at 0.5 or more ({n_everyday:,} emoji-task val tweets): "
        + ", ".join(f"{c} {r:.1%}" for c, r in rates.items())
    )
    print(f"({time.time() - started:.0f} s)")
    if args.json:
        args.json.write_text(
            json.dumps({"ours": report, "baseline": base, "alt_profanity_check": apc}, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
