"""Model cards (models/cards/<category>.md) written from the measured validation figures."""

from __future__ import annotations

import json
from pathlib import Path

from clusters import LEVELS
from data import AUGMENT_WEIGHT, DAVIDSON_WEIGHT, UNT_INSULT_WEIGHT
from metrics import check_summaries

from auditor.classify.model import CATEGORIES

LICENCES = {
    "olid": "OLID v1.0 (Zampieri et al. 2019), no licence stated",
    "davidson": "Davidson et al. ICWSM 2017, MIT",
    "hateval": "SemEval-2019 HatEval via TweetEval, no restriction beyond the source's",
    "irony": "SemEval-2018 Task 3 via TweetEval, no restriction beyond the source's",
    "isarcasmeval": "SemEval-2022 iSarcasmEval, MIT",
    "isarcasmeval-rephrase": "SemEval-2022 iSarcasmEval authors' literal rewrites, MIT",
    "stance": "SemEval-2016 Task 6 via TweetEval, no restriction beyond the source's",
    "emoji": "SemEval-2018 Task 2 via TweetEval, no restriction beyond the source's",
    "politicians": "Figure Eight Political Social Media Posts, only those naming politics; no licence stated",
    "political_tweets_2020": "course case data, no licence stated (labels by search term, noisy)",
    "political_tweets_2009": "USNA general tweet corpus, no licence stated",
    "crisislex-off": "CrisisLex T6 off-topic tweets, MIT",
    "crisislex-on": "CrisisLex T6 on-topic disaster tweets (as non-political news), MIT",
    "newsgroups": "20 Newsgroups bydate (first 400 characters), no licence stated, widely redistributed",
}
CALIBRATION = {
    "politics": "the whole training mix, reweighted to 12% political posts",
    "profanity": "OLID tweets",
    "insult": "OLID tweets",
    "hate": "HatEval tweets",
    "snark": "SemEval-2018 irony tweets, reweighted so that 25% are snark, the share of sarcastic tweets "
    "iSarcasmEval's authors marked in their own timelines",
}
WORD_CLASSES = {
    cat: f"{' + '.join(f'{k:,}' for k in LEVELS)} classes of words that occur in similar contexts, learned "
    "without labels from the text of the training rows of every file in shared/data"
    for cat in ("profanity", "insult", "hate")
} | {
    "snark": "present in the shared features but not used by this category: they did not help it",
    "politics": "present in the shared features but not used by this category: the same F1 without them, "
    "and fewer everyday posts flagged",
}
PURPOSE = {
    "politics": "Politics and debated social issues (topic only: never which side, never the "
    "person's leaning).",
    "profanity": "Swearing and vulgarity in any spelling, whether or not it is aimed at anyone.",
    "insult": "Targeted insults, harassment and threats against a person or a non-protected group.",
    "hate": "Attacks on protected groups; slurs used as slurs.",
    "snark": "Sarcasm, irony and mockery (tone; often harmless).",
}
LIMITS = {
    "politics": [
        "No clean tweet-level training set exists: positives are stance tweets, politicians' posts, labelled "
        "political tweets and politics newsgroups; negatives are emoji tweets, crisis chatter and news, "
        "non-political tweets and hand-written work, community and holiday posts.",
        "Curation (models/data.py OnTopic, word list models/curation/policy_terms.txt): a politician's "
        "post is a positive only if it names politics (about half do; the greetings, visits and thanks "
        "are left out, neither positive nor negative), and 'not political' or disaster tweets that name "
        "politics are left out of the negatives. Labels of political_tweets_2020 were assigned by search "
        "term and are noisy.",
        "The validation mix is a proxy built from validation/held-out rows of those same sources at "
        "a 12% share of political posts, curated the same way; real feeds differ. Probabilities are "
        "calibrated to that 12% share.",
        "Religious holiday greetings and posts about local jobs or farming can still score political "
        "(3 of the 50 hand-written everyday checks); political posts with no political word (\"that "
        "party\", \"the ceasefire\") are often missed.",
    ],
    "profanity": [
        "Profanity labels come from OLID level B (UNT), Davidson's 'offensive language' class and "
        "the project "
        "lexicon; mild words score lower only as far as the data shows.",
        "Obfuscation is handled by the normaliser (look-alike letters, leetspeak, masks, spacing, "
        "stretching) "
        "for words in the lexicon; new coinages are only caught through character n-grams.",
    ],
    "insult": [
        "Trained on OLID targeted (TIN) vs untargeted/non-offensive tweets (a 2019 US-political Twitter "
        "sample), plus Davidson's offensive tweets that address someone (a second-person word) as insults.",
        "Sarcastic or indirect insults without insulting words are often missed; quoting-to-condemn and "
        "insult words aimed at oneself, a pet or a thing are handled only as far as the hand-written "
        "examples teach them (counter_speech.txt, condemning_insults.txt, self_talk.txt in models/augment); "
        "self-deprecating posts (\"I made a stupid mistake\") can still score as insults.",
    ],
    "hate": [
        "Calibrated on HatEval tweets, which were collected with hate-related keywords (about 40% hateful); "
        "on everyday feeds the probabilities overstate.",
        "HatEval covers only hate against immigrants and women; its held-out tweets are known to "
        "differ from the "
        "training ones. Davidson adds racist/homophobic slurs. Other protected groups rely on the lexicon.",
        "Reclaimed slurs used by the group itself will usually still score high (the model cannot see who "
        "is speaking).",
    ],
    "snark": [
        "Irony is hard for a linear model: it cannot see the contrast between words and situation, so it "
        "relies on cue words, punctuation and emoji. Expect many misses and false alarms.",
        "Probabilities assume that a quarter of posts are snarky (iSarcasmEval authors' own share); the "
        "SemEval irony set is about half ironic, so on it the F1-optimal flag threshold is low (see above).",
        "Trained on SemEval-2018 irony and iSarcasmEval tweets (the latter at quarter weight); headlines "
        "and parody were not used.",
    ],
}


def _table(rel: list[dict]) -> str:
    lines = ["| predicted bin | posts | mean predicted | observed rate |", "|---|---|---|---|"]
    lines += [f"| {r['bin']} | {r['n']} | {r['mean_predicted']:.3f} | {r['observed']:.3f} |" for r in rel]
    return "\n".join(lines)


SPEED_FILE = "speed.json"  # written by benchmarks/throughput.py --record
SPEED_START = "<!-- speed -->"
SPEED_END = "<!-- /speed -->"
BENCH = {"snark": "snark", "hate": "hate", "politics": "politics"}


def speed_section(folder: Path) -> str:
    """The measured speed (from models/speed.json) as a card section between markers."""
    path = folder.parent / SPEED_FILE
    if not path.exists():
        body = "Not measured yet: run `python benchmarks/throughput.py --record`."
    else:
        sp = json.loads(path.read_text(encoding="utf-8"))
        body = (
            f"All five categories together, in-process, one core: **{sp['ours_posts_per_s']:,.0f} posts/s** "
            f"on {sp['posts']:,} posts; alt-profanity-check (one category) {sp['apc_posts_per_s']:,.0f} "
            f"posts/s in the same run (ratio {sp['ratio']:.2f}x). Model load {sp['load_s']:.2f} s; "
            f"model file {sp['model_mb']:.1f} MB. Machine: {sp['machine']}. Measured {sp['measured']}."
        )
    return f"{SPEED_START}\n{body}\n{SPEED_END}"


def write_cards(folder: Path, version: str, report: dict, manifest: dict, splits: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    thresholds = report.get("thresholds", {})
    for cat in CATEGORIES:
        block = report["categories"][cat]
        s = block["summary"]
        sources = sorted(set(splits[cat].sources))
        counts = {src: splits[cat].sources.count(src) for src in sources}
        lines = [
            f"# Model card: {cat}",
            "",
            f"Version {version}. {PURPOSE[cat]} Definition: `shared/docs/categories.md`.",
            "",
            "## Model",
            "Logistic regression (liblinear, class-balanced) on the shared featuriser: de-obfuscated words "
            "(look-alike letters, leetspeak, masks, spacing and stretching undone), word pairs, lexicon "
            "classes (models/lexicons), distributional word classes (models/clusters.py; "
            f"{WORD_CLASSES[cat]}), hashed character 3-4-grams of words outside the vocabulary, and "
            "tone features (!, ?, CAPS, quotes, emoji, lexicon co-occurrences). Scores are calibrated with "
            "isotonic regression fitted on 5-fold out-of-fold scores of the training split, never on "
            f"validation (calibrated on: {CALIBRATION[cat]}). Stored as column {CATEGORIES.index(cat)} of "
            "`classifier.skops`. Rebuild: `python models/train.py`.",
            "",
            "## Training data",
            "| source | rows | licence |",
            "|---|---|---|",
        ]
        for src in sources:
            lic = LICENCES.get(src, "written for this project (models/augment), same licence as the project")
            lines.append(f"| {src} | {counts[src]} | {lic} |")
        lines += [
            "",
            f"Positives: {sum(splits[cat].labels)} of {len(splits[cat])}. Hand-written examples count "
            f"{AUGMENT_WEIGHT:g} times; for profanity and insult Davidson's tweets count {DAVIDSON_WEIGHT:g} "
            f"and (insult only) OLID's untargeted profanity {UNT_INSULT_WEIGHT:g} as a negative. Rows whose "
            "text repeats any validation tweet were removed.",
            "",
            "## Validation",
            f"Split: {s['split']} ({s['n']} texts, {s['positives']} positive). Threshold 0.5.",
            "",
            f"- {s['measure']}: **{s['value']:.3f}**",
            f"- precision {s['precision']:.3f}, recall {s['recall']:.3f}, F1 of the positive class "
            f"{s['f1_positive']:.3f}",
            f"- Brier score: {s['brier']:.4f}",
        ]
        if s.get("calibration_share"):
            lines.append(
                f"- Brier score and reliability curve on the validation tweets reweighted so that "
                f"{s['calibration_share']:.0%} are positive, the share the probabilities are calibrated to"
            )
        if cat == "hate":
            lines.append(
                f"- False-positive rate on {s['identity_mention_n']} held-out neutral identity mentions "
                f"(models/augment/identity_check.txt, never trained on): **{s['identity_mention_fpr']:.3f}** "
                f"(highest score {s['identity_mention_max_score']:.3f})"
            )
        if checks := check_summaries(s):
            lines.append(f"- Hand-written held-out checks (never trained on): {'; '.join(checks)}")
        bench_name = "offensive" if cat in ("profanity", "insult", "hate") else BENCH.get(cat)
        for name in [bench_name] + (["hate"] if cat == "hate" else []):
            if not name or name not in report["benchmarks"]:
                continue
            b = report["benchmarks"][name]
            how = "fixed" if name == "politics" else "chosen on out-of-fold training scores"
            lines.append(
                f"- Issue-3 measure, {b['measure']} on {b['split']}: **{b['value']:.3f}** (95% bootstrap "
                f"interval {b['ci95'][0]:.3f}-{b['ci95'][1]:.3f}) at the decision "
                f"threshold {b['threshold']:.3f} ({how}), {b['value_at_0.5']:.3f} at 0.5"
            )
            if "roc_auc" in b:
                lines.append(
                    f"- Threshold-free, on the same tweets: ROC AUC {b['roc_auc']:.3f}, average precision "
                    f"{b['average_precision']:.3f}"
                )
        if cat == "politics":
            lines.append("- Flag threshold 0.5 (fixed: the calibration already assumes 12% political posts)")
        elif cat in thresholds:
            lines.append(f"- Flag threshold that maximises the measure out of fold: {thresholds[cat]:.3f}")
        elif "offensive" in thresholds:
            lines.append(
                f"- Flag threshold for offensive = max(profanity, insult, hate), out of fold: "
                f"{thresholds['offensive']:.3f}"
            )
        lines += [
            "",
            "### Reliability curve (validation)",
            "",
            _table(block["reliability"]),
            "",
            "## Speed",
            "",
            speed_section(folder),
            "",
            "## Known limits",
            "",
        ]
        lines += [f"- {x}" for x in LIMITS[cat]]
        lines += [
            "- English only: other languages are marked not assessed by auditor.lang, never scored.",
            "- Learnt from tweets. A post longer than 280 characters is scored in windows of about equal "
            "length (at most 280 characters, whole words) and scores as its worst window; a word repeated "
            "three or more times in a row is read once. A window that repeats one sentence several times "
            "still weighs those words more than the sentence alone would.",
            "",
        ]
        (folder / f"{cat}.md").write_text("\n".join(lines), encoding="utf-8")
