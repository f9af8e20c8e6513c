"""Model cards (models/cards/<category>.md) written from the measured validation figures."""

from __future__ import annotations

import json
from pathlib import Path

from clusters import LEVELS
from data import AUGMENT_WEIGHT, DAVIDSON_WEIGHT, UNT_INSULT_WEIGHT, UNTARGETED_SWEARING_INSULT_WEIGHT
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
    "crisislex": "CrisisLex T6 (Olteanu et al. 2014), on-topic vs off-topic tweets of six disasters, MIT",
    "dynahate": "DynaHate v0.1 rows (Vidgen et al. 2021), hash-split, no licence stated (cite the paper)",
    "dynahate-dev": "DynaHate official dev rows (Vidgen et al. 2021), no licence stated (cite the paper)",
    "toxigen": "ToxiGen human-written prompts (Hartvigsen et al. 2022), CDLA-Permissive-2.0 "
    "(models/TOXIGEN-CDLA-Permissive-2.0.txt)",
    "sbic": "Social Bias Frames v2 dev+test (Sap et al. 2020), CC BY 4.0",
    "sarcasm_mixed": "FigLang 2020, Sarcasm Corpus V2, Riloff 2013, Filatova 2012, Sarcasm SIGN; no licence "
    "stated",
    "reddit_politics": "Reddit Top 2.5 Million titles (2013), PDDL 1.0",
    "newsgroups": "20 Newsgroups bydate (first 400 characters), no licence stated, widely redistributed",
}
CALIBRATION = {
    "politics": "the whole training mix, reweighted to 12% political posts",
    "profanity": "OLID tweets",
    "insult": "OLID tweets",
    "hate": "HatEval tweets",
    "snark": "SemEval-2018 irony tweets, reweighted so that 25% are snark, the share of sarcastic tweets "
    "iSarcasmEval's authors marked in their own timelines",
    "sensitive": "the whole training mix",
}
WORD_CLASSES = {
    cat: f"{' + '.join(f'{k:,}' for k in LEVELS)} classes of words that occur in similar contexts, learned "
    "without labels from the text of the training rows of every file in shared/data"
    for cat in ("profanity", "insult", "hate")
} | {
    "snark": "present in the shared features but not used by this category: they did not help it",
    "sensitive": "used",
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
    "sensitive": "Posts about deaths, disasters, violence and tragedies, in any tone; with snark, insult or "
    "profanity (mockery of a tragedy) the top tier under every policy.",
}
LIMITS = {
    "sensitive": [
        "Trained mostly on tweets from six 2012-13 disasters (hurricane, floods, tornado, bombing, "
        "explosion) plus hand-written posts about deaths, attacks and accidents: other kinds of tragedy "
        "(illness, suicide, war) rely on the hand-written examples and the word vectors.",
        "The mockery rule is simple: sensitive and (snark or insult or profanity) at the model's own "
        'thresholds. A sincere condolence that swears ("fuck cancer") is read as mockery.',
    ],
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
        '(3 of the 50 hand-written everyday checks); political posts with no political word ("that '
        'party", "the ceasefire") are often missed.',
        "Worldwide and implicit politics (model 2026.12.07-2): 703 words for parties, leaders, institutions "
        "and policy debates of many countries were added to models/lexicons/politics_terms.txt, and about "
        "520 implicit and worldwide political posts with as many everyday posts that share politics' words "
        "(models/augment/political_implicit.txt, politics_words_everyday.txt), all written by independent "
        "helper sessions from shared/docs/categories.md alone, without seeing the check set or the data. "
        "Measured step by step (leave-one-source-out F1 on Reddit titles and 2020 tweets, then check-set "
        "F1): before, 0.666, 0.340, 0.744; with the word list, 0.663, 0.325, 0.779; with the first 220 + "
        "220 posts, 0.710, 0.346, 0.821; with the second 300 + 300, 0.734, 0.363, 0.831.",
        "All 256 WordLlama dimensions instead of the first 64 were tried and not kept (2026.12.06-4 recipe): "
        "leave-one-source-out Reddit titles 0.667, 2020 tweets 0.326 (64: 0.666, 0.340), check-set "
        "macro-F1 lower (identity-positive hate false positives 10.5%), model file 44 MB instead of 25 MB.",
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
        'self-deprecating posts ("I made a stupid mistake") can still score as insults.',
    ],
    "hate": [
        "Calibrated on HatEval tweets, which were collected with hate-related keywords (about 40% hateful); "
        "on everyday feeds the probabilities overstate.",
        "HatEval covers only hate against immigrants and women; its held-out tweets are known to "
        "differ from the "
        "training ones. Davidson adds racist/homophobic slurs. Other protected groups rely on the lexicon.",
        "Reclaimed slurs used by the group itself will usually still score high (the model cannot see who "
        "is speaking).",
        "The group words themselves (models/lexicons/identity_terms.txt) have no weight of their own in this "
        "head, and the hand-written support, counter-speech and neutral-mention examples count 15 times "
        "(train.py NO_IDENTITY_WORDS, data.py IDENTITY_WEIGHT): with model 2026.12.06-1 naming a group was "
        "the evidence for hate. A group word still counts through its word vector, word class and word "
        "pairs, so a neutral sentence can still score high (\"Lesbian couple next door just adopted a "
        "puppy.\" 0.59), and counter-speech that repeats the hateful claim (\"saying trans people are a "
        "threat is nonsense\") reads as hate.",
        "The default policy's threshold (0.55) was chosen on the check set and these held-out sources: "
        "0.50 gave every figure above the old model's (check-set F1 0.80, DynaHate 0.565, ToxiGen 0.689) "
        "but 7.0% identity-positive false positives; 0.55 gives the best check-set F1 and 5.3% (3 of 57) "
        "at DynaHate 0.535; 0.70 reaches 0% but the check-set F1 falls to 0.64 and DynaHate to 0.44.",
    ],
    "snark": [
        "Irony is hard for a linear model: it cannot see the contrast between words and situation, so it "
        "relies on cue words, punctuation and emoji. Expect many misses and false alarms.",
        "Probabilities assume that a quarter of posts are snarky (iSarcasmEval authors' own share); the "
        "SemEval irony set is about half ironic, so on it the F1-optimal flag threshold is low (see above).",
        "Trained on SemEval-2018 irony, iSarcasmEval tweets (quarter weight) and FigLang / Sarcasm Corpus "
        "V2 / Riloff / Filatova / Sarcasm SIGN posts (0.3); headlines and parody were not used.",
        "Sincere posts are hand-written negatives at weight 10: plain everyday posts (thanks, hiring, "
        "reading, weather; models/augment/everyday_plain.txt), praise, idioms, support for a group and "
        "community posts. Before model 2026.12.06-3 the head read \"Thanks\", \"love\" or \"Reading\" "
        "as irony and flagged about a fifth of everyday posts.",
        "Its own word 1-2-gram + character 2-5-gram TF-IDF head on the sarcasm sources only (alone or "
        "stacked with this one) was tried and not kept: leave-one-source-out ROC AUC 0.627 / 0.562 / 0.612 "
        "on iSarcasmEval / SemEval irony / FigLang against 0.593 / 0.582 / 0.613 for this head (plain "
        "TF-IDF word 1-2-grams: 0.619 / 0.571 / 0.596), and its character n-grams cost about 31 s per "
        "100,000 posts (classify takes about 12 s). WordLlama document vectors did worse (0.566 / 0.521 / "
        "0.542).",
        "Hand-written sarcasm without swearing at employers, brands and customers, with sincere posts on the "
        "same topics using the same words (models/augment/snark_workplace.txt, sincere_workplace.txt; about "
        "300 each, written by an independent helper session from shared/docs/categories.md alone) raised "
        "leave-one-source-out F1 on FigLang 0.434 -> 0.511, SemEval irony 0.489 -> 0.544 and iSarcasmEval "
        "0.360 -> 0.406, with ROC AUC up on all three (0.611 -> 0.619, 0.577 -> 0.581, 0.594 -> 0.613).",
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
            "All six categories and the threat signal together, in-process, one core: "
            f"**{sp['ours_posts_per_s']:,.0f} posts/s** "
            f"on {sp['posts']:,} posts; alt-profanity-check (one category) {sp['apc_posts_per_s']:,.0f} "
            f"posts/s in the same run (ratio {sp['ratio']:.2f}x). Model load {sp['load_s']:.2f} s; "
            f"model file {sp['model_mb']:.1f} MB. Machine: {sp['machine']}. Measured {sp['measured']}."
        )
    return f"{SPEED_START}\n{body}\n{SPEED_END}"


WORD_VECTORS = (
    "WordLlama word vectors (l2_supercat_256, first 64 of 256 dimensions; MIT licence, read from the "
    "installed wordllama wheel, SHA-256 checked): every word's vector, summed over the text and scaled like "
    "the word counts"
)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def ood_lines(cat: str, report: dict) -> list[str]:
    """The card's lead: leave-one-source-out figures of the category and its check-set figures."""
    ood = report.get("out_of_domain", {})
    names = [
        n
        for n in ood
        if n.split(":")[0] == cat or (cat in ("profanity", "insult", "hate") and n.startswith("offensive"))
    ]
    if cat == "insult":
        names += [n for n in ood if n.startswith("threat")]
    lines = ["## Out-of-domain figures (what predicts your experience)", ""]
    lines += [
        "Leave-one-source-out: the head refitted without one source, scored on that source, at the default "
        'policy\'s flag threshold (95% bootstrap interval in brackets; "best" = the best threshold on that '
        "source itself, an upper bound). `python benchmarks/accuracy.py` reprints these.",
        "",
        "| held-out source | measure | at default policy | best threshold | ROC AUC | n |",
        "|---|---|---|---|---|---|",
    ]
    for n in names:
        f = ood[n]
        lines.append(
            f"| {n} | {f['measure']} | **{f['value']:.3f}** ({f['ci95'][0]:.3f}-{f['ci95'][1]:.3f}) at "
            f"{f['threshold']:.2f} | {f['value_at_best_threshold']:.3f} at {f['best_threshold']:.2f} | "
            f"{_pct(f['roc_auc'])} | {f['n']} |"
        )
        if "recall_by_type" in f:
            lines.append(
                "| (recall by DynaHate type) | "
                + ", ".join(f"{k} {v:.2f}" for k, v in f["recall_by_type"].items())
                + " | | | | |"
            )
    checks = report.get("check_set")
    if checks:
        lines += [
            "",
            f"Frozen hand-written check set (`benchmarks/checks/posts.jsonl`, {checks['n']} English posts, "
            "never trained on), flagged as `auditor classify` flags them. The shipped policies' thresholds "
            "and the top-tier thresholds were chosen looking at these figures, so they are not an unseen "
            "test: read them as an upper bound for posts like these.",
            "",
            "| policy | F1 | precision | recall | positives |",
            "|---|---|---|---|---|",
        ]
        for pol, block in checks["policies"].items():
            c = block["categories"][cat]
            lines.append(
                f"| {pol} | **{c['f1']:.3f}** ({c['ci95'][0]:.3f}-{c['ci95'][1]:.3f}) | {c['precision']:.3f} "
                f"| {c['recall']:.3f} | {c['positives']} |"
            )
        d = checks["policies"]["default"]
        if cat == "hate":
            lines.append(
                f"\nIdentity-positive and counter-speech posts flagged as hate (default policy): "
                f"**{d['identity_positive_hate_fpr']:.3f}** of {d['identity_positive_n']}; hate posts "
                f"(implicit and explicit) flagged: {d['functional_hate_recall']:.3f}."
            )
        if cat == "insult":
            lines.append(
                f"\nThreats made top tier (HIGH under every policy): {d['threat_top_tier_recall']:.3f} of "
                f"the "
                f"threats; {d['threat_top_tier_false']} other posts."
            )
        if cat == "sensitive":
            lines.append(
                f"\nJokes about a tragedy made top tier: {d['mockery_top_tier_recall']:.3f}; "
                f"{d['mockery_top_tier_false']} other posts."
            )
        if cat == "profanity":
            lines.append(
                "\nProfanity counts as flagged only at or above the policy's grade (family: mild, default: "
                "strong, edgy: severe), and the gold label is graded the same way."
            )
    return lines + [""]


def write_cards(folder: Path, version: str, report: dict, manifest: dict, sources: dict) -> None:
    """One card per category: out-of-domain figures first, then the model, data, in-source validation."""
    folder.mkdir(parents=True, exist_ok=True)
    thresholds = report.get("thresholds", {})
    for cat in CATEGORIES:
        block = report["categories"].get(cat)
        counts = {src: sources[cat].count(src) for src in sorted(set(sources[cat]))}
        lines = [
            f"# Model card: {cat}",
            "",
            f"Version {version}. {PURPOSE[cat]} Definition: `shared/docs/categories.md`.",
            "",
            *ood_lines(cat, report),
            "## Model",
            "Logistic regression (liblinear, class-balanced) on the shared featuriser: de-obfuscated words "
            "(look-alike letters, leetspeak, masks, spacing and stretching undone; a hyphenated word is one "
            "word), word pairs, lexicon classes (models/lexicons), distributional word classes "
            f"(models/clusters.py; {WORD_CLASSES.get(cat, 'used')}), {WORD_VECTORS}, hashed character "
            "3-4-grams of words outside the vocabulary, and tone features (!, ?, CAPS, quotes, emoji, "
            "lexicon "
            "co-occurrences). Scores are calibrated with isotonic regression fitted on 3-fold out-of-fold "
            f"scores of the training split (calibrated on: {CALIBRATION[cat]}). Stored as column "
            f"{CATEGORIES.index(cat)} of `classifier.skops`. Rebuild: `python models/train.py`.",
            "",
            "## Training data",
            "| source | rows | licence |",
            "|---|---|---|",
        ]
        for src, n in counts.items():
            base = src.split("/")[0]
            lic = LICENCES.get(src) or LICENCES.get(base)
            lic = lic or "written for this project (models/augment), same licence as the project"
            lines.append(f"| {src} | {n} | {lic} |")
        lines += [
            "",
            f"Hand-written examples count {AUGMENT_WEIGHT:g} times; Davidson's tweets count "
            f"{DAVIDSON_WEIGHT:g} for profanity and insult, OLID's untargeted profanity "
            f"{UNT_INSULT_WEIGHT:g} "
            "as an insult negative (the hand-written untargeted swearing "
            f"{UNTARGETED_SWEARING_INSULT_WEIGHT:g}); the newer shared sets are weighted (models/data.py). "
            "Rows whose text repeats a validation tweet were removed. Word vectors: WordLlama (MIT).",
            "",
        ]
        if cat == "profanity":
            lines += [
                "Grades: `models/lexicons/profanity_grades.csv`, derived by `models/grades.py` from the "
                "Surge AI "
                "Obscenity List (MIT, `models/LICENSE-surge-ai-profanity.txt`) and the project's lists.",
                "",
            ]
        if block:
            s = block["summary"]
            lines += [
                "## In-source validation (same sources as training: optimistic)",
                f"Split: {s['split']} ({s['n']} texts, {s['positives']} positive). Threshold 0.5.",
                "",
                f"- {s['measure']}: {s['value']:.3f}; precision {s['precision']:.3f}, "
                f"recall {s['recall']:.3f}; "
                f"Brier score {s['brier']:.4f}",
            ]
            if checks := check_summaries(s):
                lines.append(f"- Small hand-written checks (never trained on): {'; '.join(checks)}")
            name = "offensive" if cat in ("profanity", "insult", "hate") else BENCH.get(cat)
            if name and name in report["benchmarks"]:
                b = report["benchmarks"][name]
                lines.append(
                    f"- {b['measure']} on {b['split']}: {b['value']:.3f} "
                    f"({b['ci95'][0]:.3f}-{b['ci95'][1]:.3f}) "
                    f"at {b['threshold']:.3f}"
                )
            lines += [
                "",
                "### Reliability curve (in-source validation)",
                "",
                _table(block["reliability"]),
                "",
            ]
        if cat in thresholds:
            lines.append(f"Model's own threshold (top-tier rules): {thresholds[cat]:.3f}.\n")
        lines += ["## Speed", "", speed_section(folder), "", "## Known limits", ""]
        lines += [f"- {x}" for x in LIMITS[cat]]
        lines += [
            "- English only: other languages are marked not assessed by auditor.lang, never scored.",
            "- A post longer than 280 characters is scored in windows of about a tweet, cut between "
            "sentences, and scores as its worst window.",
            "",
        ]
        (folder / f"{cat}.md").write_text("\n".join(lines), encoding="utf-8")


def rewrite_from(folder: Path) -> None:
    """Rewrite the cards from models/report.json.tmp (kept when a rebuild stopped while writing them)."""
    report = json.loads((folder / "report.json.tmp").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    sources = {c: [s for s, n in report["sources"][c].items() for _ in range(n)] for c in report["sources"]}
    write_cards(folder / "cards", manifest["version"], report, manifest, sources)
