"""Rebuild every shipped classifier from ../shared/data with fixed seeds.

    python models/train.py [--data PATH] [--out DIR]

Writes models/classifier.skops, models/manifest.json and models/cards/<category>.md. New files are written
next to the old ones and moved into place only after the whole recipe succeeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from cards import rewrite_from  # noqa: E402
from clusters import training_texts, word_classes  # noqa: E402
from data import DEFAULT_DATA, PRIORS, Corpus, Split  # noqa: E402
from grades import build as build_grades  # noqa: E402
from grades import write as write_grades  # noqa: E402
from metrics import f1_pos, macro_f1, validation_report  # noqa: E402
from yardstick import check_set_report, out_of_domain  # noqa: E402

from auditor.classify.features import DOC_FEATURES, Featuriser  # noqa: E402
from auditor.classify.lexicon import CLASSES, Lexicons  # noqa: E402
from auditor.classify.model import CATEGORIES, HEADS, MODEL_FILE, Classifier  # noqa: E402
from auditor.classify.store import read_state  # noqa: E402
from auditor.textprep import prepare_all  # noqa: E402

SEED = 20261127
VERSION = "2026.12.07-2"
# Inverse regularisation per head. Snark 2.0 (was 0.5): ROC AUC on the check set 0.736 -> 0.756 and on
# SemEval irony val 0.667 -> 0.686 with the snark head alone. Hate 1.0 (was 4.0): the same figures, and the
# fit on 80,000 rows takes a third of the time.
C = {
    "politics": 4.0,
    "profanity": 4.0,
    "insult": 4.0,
    "hate": 1.0,
    "snark": 2.0,
    "sensitive": 2.0,
    "threat": 1.0,
}
FOLDS = 3  # out-of-fold scores for calibration and thresholds
# WordLlama word vectors: the first 64 of 256 dimensions (auditor/classify/embedding.py).
FEATURISER = {"char_all": False, "char_weight": 1.0, "embed_dims": 64}
# Heads that ignore the word vectors. None: with the snark head alone they raised ROC AUC on the check set
# 0.726 -> 0.736 and on SemEval irony val 0.652 -> 0.667 (hate: see the cards).
NO_EMBED: set[str] = set()
# Vocabulary: word pairs seen in 2+ training texts (3+: about 0.003 lower offensive val F1, noise level).
VOCAB = {"min_df": 2, "min_df_bigram": 2}
# Politics is calibrated to the share of political posts in an everyday feed, not the training mix.
PRIOR = PRIORS
# The others are calibrated on the out-of-fold scores of the tweets they are measured on.
CALIBRATE_ON = {"profanity": {"olid"}, "insult": {"olid"}, "hate": {"hateval"}, "snark": {"irony"}}
# Top-tier rules hold under every policy, so a false one costs most: their thresholds were chosen for
# precision on the frozen check set (reported as such in the cards). The threat signal at 0.25 (out-of-fold
# F1 would pick 0.15: 28 of 570 check-set posts wrongly made top tier, 1 at 0.25), and only with an insult
# score of 0.35 beside it (template posts like "Long walk after work. Needed that." reached 0.25 alone; with
# it 7 of 24 check-set threats, 0 false, 1 of 3,000 emoji tweets; without 10, 1 and 6). The mockery rule
# (sensitive and snark, insult or profanity) at sensitive 0.6, snark 0.35, insult and profanity 0.7: 10 of 27
# check-set tragedy jokes, 2 other posts (at 0.5 / 0.25 / 0.5: 12 and 6, the 6 mostly sincere condolences
# and household mishaps such as a leaky roof in the rain; 0.7 of 3,000 emoji tweets per thousand either way).
# Model 2026.12.06-3 (sensitive without the emoji count, snark with sincere negatives) scores tragedy jokes
# lower: at 0.6 / 0.35 only 5 of 27 (0 other posts); sensitive 0.40 (the default flag threshold) gives 8 of 27
# with 2 other check-set posts and none of 3,000 synthetic everyday posts or 3,000 emoji tweets (0.5: 7 and
# 1; snark 0.25 at 0.40: 9, 2 other, 1 and 4).
# Model 2026.12.07-2 (sensitive trained on about 250 sincere and 200 mocking tragedy posts more) scores
# tragedy posts higher: at 0.40 / 0.35 11 of 27 check-set tragedy jokes and 3 other posts (1 of 3,000
# generated everyday posts); sensitive 0.50 gives 9 of 27 and 1 other post (none of 3,000 generated everyday
# posts or emoji tweets), the same share of jokes as 2026.12.06-4 at 0.40 with fewer false ones.
TOP_TIER = {"threat": 0.25, "threat_insult": 0.35, "mockery_sensitive": 0.50, "mockery_snark": 0.35,
            "mockery_insult": 0.70, "mockery_profanity": 0.70}
# Own thresholds of the heads that decide top-tier reasons (threat; sensitive x snark/insult/profanity),
# chosen for F1 on out-of-fold training scores; they hold whatever the policy.
OWN_THRESHOLD_FOR = ("profanity", "insult", "snark", "sensitive", "threat")
# Categories whose model ignores the distributional word classes (they helped offensive, not these:
# snark lost 0.005; politics scored the same F1 and the classes' reshuffles made its everyday checks jump).
NO_WORD_CLASSES = {"snark", "politics"}
# Only insult uses the first-person cues (they tell "I'm such an idiot" from an insult; politics and snark
# picked them up as a sign of their own topic and flagged more everyday posts).
SELF_CUES_FOR = {"insult"}
# Hate ignores the identity words themselves (models/lexicons/identity_terms.txt: "trans", "muslims",
# "refugees"…, as words and as their lexicon class): naming a group is not evidence of hate, so the head
# has to learn hate from what is said about the group. Hate posts name groups far more often than other
# posts, so with these words in, support and counter-speech scored as hate ("trans" was the evidence).
# Chosen on the check set and leave-one-source-out (models/cards/hate.md): with IDENTITY_WEIGHT, ranking of
# hate vs identity-positive posts on the check set ROC AUC 0.919 -> 0.945.
NO_IDENTITY_WORDS = {"hate"}
# Heads that ignore the "a post has an emoji" feature. The emoji tweets, their everyday negatives, come with
# their emoji taken out (it is that set's label), so these heads learnt that any emoji means a disaster or a
# political post (sensitive +2.98, politics +0.72): "Weather in Lisbon is perfect this morning" scored
# sensitive 0.07, with a 🙂 after it 0.79. Emoji that carry meaning are read as words (auditor/textprep.py).
# Putting the emoji back into those tweets instead was tried: the heads then read any emoji as everyday, and
# check-set sensitive recall fell to 0.36 (F1 0.50), politics F1 to 0.70.
NO_EMOJI_COUNT = {"politics", "sensitive"}


def unused_columns(feat: Featuriser, cat: str) -> np.ndarray:
    """Feature columns whose weights stay 0 for a category (they are zeroed before fitting)."""
    cols: list[int] = []
    if cat in NO_WORD_CLASSES:
        cols += range(feat.off_cluster, feat.off_cluster + feat.n_clusters)
    if cat not in SELF_CUES_FOR:
        cols += [feat.off_lex + CLASSES.index("first_person")]
        cols += [feat.off_doc + DOC_FEATURES.index("self_insult")]
    if cat in NO_IDENTITY_WORDS:
        words = feat.lex.words["identity_terms"]
        cols += [feat.index[w] for w in words if w in feat.index]
        cols += [feat.off_lex + CLASSES.index("identity_terms")]
    if cat in NO_EMOJI_COUNT:
        cols += [feat.off_doc + DOC_FEATURES.index("emoji")]
    if cat in NO_EMBED:
        cols += range(feat.off_embed, feat.off_embed + feat.embed_dims)
    return np.array(cols, dtype=np.int64)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def category_matrix(feat: Featuriser, texts: list[str], cat: str) -> sp.csr_matrix:
    """The shared features of the texts, with the columns the category does not use zeroed (so their
    weights stay 0)."""
    x = feat.transform(prepare_all(texts))  # as the Classifier reads them (auditor/textprep.py)
    keep = np.ones(x.shape[1])
    keep[unused_columns(feat, cat)] = 0.0
    return (x @ sp.diags(keep)).tocsr()


def fit_category(x: sp.csr_matrix, split: Split, c: float, prior: float | None, calib_sources=None):
    """Logistic regression + isotonic calibration fitted on out-of-fold scores (FOLDS folds) of the train
    split
    (x: its feature rows)."""
    y = np.array(split.labels)
    sw = np.array(split.weights)
    oof = np.zeros(len(y))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for tr, te in folds.split(x, y):
        lr = LogisticRegression(C=c, max_iter=2000, solver="liblinear", class_weight="balanced")
        lr.fit(x[tr], y[tr], sample_weight=sw[tr])
        oof[te] = lr.decision_function(x[te])
    rows = np.ones(len(y), dtype=bool)
    if calib_sources:  # calibrate on the tweets the category is measured on, not on the whole mix
        rows = np.isin(np.array(split.sources), list(calib_sources))
    weights = np.ones(int(rows.sum()))
    if prior is not None:  # reweight so the calibrated probability assumes the everyday share of positives
        p = y[rows].mean()
        weights = np.where(y[rows] == 1, prior / p, (1 - prior) / (1 - p))
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(oof[rows], y[rows], sample_weight=weights)
    lr = LogisticRegression(C=c, max_iter=2000, solver="liblinear", class_weight="balanced")
    lr.fit(x, y, sample_weight=sw)
    return lr, iso, oof, y


def _best(y: np.ndarray, p: np.ndarray, measure) -> float:
    grid = np.round(np.arange(0.10, 0.90, 0.025), 3)
    return float(max(grid, key=lambda t: (round(measure(y, (p >= t).astype(int)), 4), -abs(t - 0.5))))


def decision_thresholds(clf: Classifier, splits: dict[str, Split], oof_p: dict[str, np.ndarray]) -> dict:
    """Flag thresholds that maximise each issue measure on out-of-fold scores of the training tweets
    (never on validation): snark F1 on irony tweets, hate macro-F1 on HatEval tweets, offensive macro-F1 of
    max(profanity, insult, hate) on OLID tweets. Politics keeps 0.5 (its calibration already assumes 12%)."""

    def rows(cat: str, source: str) -> np.ndarray:
        return np.array(splits[cat].sources) == source

    out = {"politics": 0.5}
    for head in OWN_THRESHOLD_FOR:
        out[head] = _best(np.array(splits[head].labels), oof_p[head], lambda a, b: f1_pos(a, b)[2])
    out |= TOP_TIER
    r = rows("snark", "irony")
    out["snark"] = _best(np.array(splits["snark"].labels)[r], oof_p["snark"][r], lambda a, b: f1_pos(a, b)[2])
    r = rows("hate", "hateval")
    out["hate"] = _best(np.array(splits["hate"].labels)[r], oof_p["hate"][r], macro_f1)
    hate = CATEGORIES.index("hate")
    _, scores, y_off = olid_oof(splits, oof_p, lambda texts: clf.predict_proba(texts)[:, hate])
    out["offensive"] = _best(y_off, scores.max(axis=1), macro_f1)
    return out


def olid_oof(
    splits: dict[str, Split], oof_p: dict[str, np.ndarray], hate_full
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """OLID training tweets, their out-of-fold (profanity, insult, hate) scores and offensive labels. Hate
    trained only on OLID's non-offensive tweets; for the others its score is hate_full(texts)."""
    olid_p: dict[str, dict[str, float]] = {}
    for cat in ("profanity", "insult", "hate"):
        s = splits[cat]
        olid_p[cat] = {t: p for t, p, w in zip(s.texts, oof_p[cat], s.sources, strict=True) if w == "olid"}
    texts = [t for t in olid_p["insult"] if t in olid_p["profanity"]]
    full = hate_full(texts)
    scores = np.array(
        [
            (olid_p["profanity"][t], olid_p["insult"][t], olid_p["hate"].get(t, h))
            for t, h in zip(texts, full, strict=True)
        ]
    )
    ins = dict(zip(splits["insult"].texts, splits["insult"].labels, strict=False))
    prof = dict(zip(splits["profanity"].texts, splits["profanity"].labels, strict=False))
    return texts, scores, np.array([int(ins[t] or prof[t]) for t in texts])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_splits(lex: Lexicons, corpus: Corpus) -> dict[str, Split]:
    """Every head's training set (also used by the out-of-domain benchmark)."""
    strong = set(lex.words["profanity_strong"]) | set(lex.words["profanity_mild"])
    norm = Featuriser(lex, [], np.zeros(0, dtype=np.int64)).normaliser
    you = set(lex.words["second_person"])

    def swears(text: str) -> bool:
        return any(w in strong for w in norm.normalise(text).split())

    def addressed(text: str) -> bool:
        return any(w in you for w in norm.normalise(text).split())

    return {
        "politics": corpus.politics_train(),
        "profanity": corpus.profanity_train(swears),
        "insult": corpus.insult_train(addressed),
        "hate": corpus.hate_train(),
        "snark": corpus.snark_train(),
        "sensitive": corpus.sensitive_train(),
        "threat": corpus.threat_train(),
    }


def prepare(data: Path) -> tuple[Lexicons, Corpus, dict[str, Split], Featuriser]:
    """The lexicons, the corpus, every head's training set and the shared featuriser (vocabulary and
    word classes fitted on training text only)."""
    lex = Lexicons.from_folder(HERE / "lexicons")
    corpus = Corpus(data)
    log("building training sets")
    splits = build_splits(lex, corpus)
    probe = Featuriser(lex, [], np.zeros(0, dtype=np.int64))
    for cat, s in splits.items():
        log(f"  {cat}: {len(s)} texts, {sum(s.labels)} positive, sources {sorted(set(s.sources))}")
    log("learning word classes from unlabelled training text")
    unlabelled = prepare_all(training_texts(corpus))
    cluster_words, cluster_ids = word_classes(probe.tokens_of_texts(unlabelled), SEED, log)
    log("fitting the shared vocabulary")
    vocab_texts = sorted({t for s in splits.values() for t in prepare_all(s.texts)})
    feat = Featuriser.fit(
        lex, vocab_texts, cluster_words=cluster_words, cluster_ids=cluster_ids, **VOCAB, **FEATURISER
    )
    log(f"  {feat.n_vocab} words, {len(feat.bigram_keys)} word pairs, {feat.n_features} features")
    return lex, corpus, splits, feat


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the labelled data")
    ap.add_argument("--out", type=Path, default=HERE, help="where to write the models (default: models/)")
    ap.add_argument("--cards-only", action="store_true", help="rewrite the cards from a kept report.json.tmp")
    ap.add_argument(
        "--figures-only",
        action="store_true",
        help="keep the model; measure it again (a policy threshold changed), rewrite manifest and cards",
    )
    args = ap.parse_args(argv)
    if args.cards_only:
        rewrite_from(args.out)
        return 0
    if args.figures_only:
        refresh_figures(args.out, args.data)
        return 0
    started = time.time()
    np.random.seed(SEED)

    lex, corpus, splits, feat = prepare(args.data)
    grades = build_grades(args.data)
    write_grades(grades)

    coef = np.zeros((feat.n_features, len(HEADS)), dtype=np.float64)
    intercept = np.zeros(len(HEADS))
    calib_x, calib_y, cv, oof_p = [], [], {}, {}
    fitted: dict[str, sp.csr_matrix] = {}
    for j, cat in enumerate(HEADS):
        log(f"training {cat}")
        x = category_matrix(feat, splits[cat].texts, cat)
        lr, iso, oof, y = fit_category(x, splits[cat], C[cat], PRIOR.get(cat), CALIBRATE_ON.get(cat))
        coef[:, j] = lr.coef_[0]
        intercept[j] = lr.intercept_[0]
        calib_x.append(np.asarray(iso.X_thresholds_, dtype=np.float64))
        calib_y.append(np.asarray(iso.y_thresholds_, dtype=np.float64))
        cv[cat] = {"train_rows": int(len(y)), "train_positive": int(y.sum())}
        oof_p[cat] = iso.predict(oof)
        fitted[cat] = x

    state = {
        "format": 1,
        "version": VERSION,
        "categories": list(CATEGORIES),
        "heads": list(HEADS),
        "grade_words": np.array(list(grades)),
        "grade_levels": np.array(list(grades.values())),
        **feat.embedding_state(),
        "lexicons": {name: np.array(lex.words[name]) for name in CLASSES},
        "featuriser": dict(FEATURISER),
        "vocab": np.array(feat.vocab),
        "bigram_keys": feat.bigram_keys,
        "cluster_words": np.array(feat.cluster_words),
        "cluster_ids": feat.cluster_ids.astype(np.int16),
        "coef": coef.astype(np.float32),
        "intercept": intercept,
        "calib_x": calib_x,
        "calib_y": calib_y,
    }
    clf = Classifier(state)
    thresholds = decision_thresholds(clf, splits, oof_p)
    log(f"decision thresholds (chosen on out-of-fold training scores): {thresholds}")
    state["decision_thresholds"] = thresholds
    report = measure(Classifier(state), corpus, splits, fitted)
    write_all(args.out, state, report, splits, cv)
    log(f"done in {time.time() - started:.0f} s")
    return 0


def measure(clf: Classifier, corpus: Corpus, splits: dict[str, Split], matrices: dict | None = None) -> dict:
    """In-source validation, the out-of-domain yardstick and the check set, for the manifest and cards."""
    log("validating")
    report = validation_report(clf, corpus, clf.thresholds)
    log("out-of-domain yardstick: leave-one-source-out refits, and the check set")
    recipe = sys.modules[__name__]
    report["out_of_domain"] = out_of_domain(clf, corpus, splits, recipe, log, matrices=matrices)
    report["check_set"] = check_set_report(clf)
    report["sources"] = {cat: dict(Counter(s.sources)) for cat, s in splits.items()}
    return report


def refresh_figures(out: Path, data: Path) -> None:
    """Apply TOP_TIER to the shipped model (a rebuild sets the same), measure it again and rewrite the
    figures of its manifest and its cards."""
    import skops.io as sio

    state = read_state(out / MODEL_FILE)
    thresholds = {str(k): float(v) for k, v in dict(state["decision_thresholds"]).items()}
    if any(thresholds.get(k) != v for k, v in TOP_TIER.items()):
        state["decision_thresholds"] = thresholds | TOP_TIER
        tmp = out / (MODEL_FILE + ".tmp")
        sio.dump(state, tmp)
        Classifier(read_state(tmp))
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"][MODEL_FILE] = {"bytes": tmp.stat().st_size, "sha256": sha256(tmp)}
        manifest["decision_thresholds"] = state["decision_thresholds"]
        os.replace(tmp, out / MODEL_FILE)
        text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        (out / "manifest.json").write_text(text, encoding="utf-8")
    clf = Classifier.load(out)
    corpus = Corpus(data)
    splits = build_splits(clf.featuriser.lex, corpus)
    report = measure(clf, corpus, splits)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest |= {"metrics": report["benchmarks"], "out_of_domain": report["out_of_domain"]}
    manifest["check_set"] = report["check_set"]
    for cat in CATEGORIES:
        manifest["categories"][cat]["validation"] = report["categories"].get(cat, {}).get("summary")
    (out / "report.json.tmp").write_text(json.dumps(report, indent=1), encoding="utf-8")
    tmp_manifest = out / "manifest.json.tmp"
    tmp_manifest.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp_manifest, out / "manifest.json")
    rewrite_from(out)
    (out / "report.json.tmp").unlink()


def write_all(out: Path, state: dict, report: dict, splits: dict[str, Split], cv: dict) -> None:
    """Write model, manifest and cards atomically (temporary names, then os.replace)."""
    import skops.io as sio

    out.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out, suffix=".skops.tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    sio.dump(state, tmp)
    os.chmod(tmp, 0o644)
    if sio.get_untrusted_types(file=tmp):
        raise SystemExit("model state holds types skops does not trust")
    Classifier(read_state(tmp))  # refuse to ship a file that does not load back
    manifest = {
        "version": state["version"],
        "built": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "categories": {},
        "files": {MODEL_FILE: {"bytes": tmp.stat().st_size, "sha256": sha256(tmp)}},
        "metrics": report["benchmarks"],
        "decision_thresholds": state["decision_thresholds"],
        "out_of_domain": report["out_of_domain"],
        "check_set": report["check_set"],
    }
    for cat in CATEGORIES:
        sources = sorted(set(splits[cat].sources))
        manifest["categories"][cat] = {
            "model": f"{MODEL_FILE} (column {CATEGORIES.index(cat)}): logistic regression on the shared "
            "features, isotonic calibration",
            "trained_on": sources,
            "card": f"cards/{cat}.md",
            "validation": report["categories"].get(cat, {}).get("summary"),
            "train_rows": cv[cat]["train_rows"],
            "train_positive": cv[cat]["train_positive"],
        }
    tmp_manifest = out / "manifest.json.tmp"
    tmp_manifest.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / "report.json.tmp").write_text(json.dumps(report, indent=1), encoding="utf-8")
    os.replace(tmp, out / MODEL_FILE)
    os.replace(tmp_manifest, out / "manifest.json")
    rewrite_from(out)
    (out / "report.json.tmp").unlink()


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # BLAS threads changed the fits slightly: same numbers on any core count
        raise SystemExit(main())
