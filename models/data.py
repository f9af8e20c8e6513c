"""Training and validation sets for the five categories, built from ../shared/data (see models/cards/).

Shared by models/train.py and benchmarks/accuracy.py so both see exactly the same splits. Sets that only have
a train split are split here by a stable hash of the text (20 % held out as validation).
"""

from __future__ import annotations

import html
import json
import random
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from auditor.classify.lexicon import read_words

# ../shared/data next to the repository (or next to the folder of worktrees it sits in)
DEFAULT_DATA = next(
    (d for d in (Path(__file__).resolve().parents[i] / "shared" / "data" for i in (2, 3)) if d.is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "data",
)
AUGMENT = Path(__file__).resolve().parent / "augment"
CURATION = Path(__file__).resolve().parent / "curation"
LEXICONS = Path(__file__).resolve().parent / "lexicons"
AUGMENT_WEIGHT = 5.0  # a hand-written example counts as this many tweets
# Sarcasm at brands, employers and customers is rare in the tweet sets: its hand-written examples count
# double (ROC AUC on the check set 0.757 -> 0.770 with the snark head alone, SemEval irony val unchanged).
SNARK_AUGMENT_WEIGHT = 10.0
# Davidson's tweets (2017, mostly US slang) differ from OLID's: as profanity/insult examples they count less.
DAVIDSON_WEIGHT = 0.1
# OLID's untargeted profanity (UNT) is a weak negative for insult: it keeps swearing apart from insults
# without teaching the insult head that every offensive tweet is clean (the hand-written untargeted
# exclamations stay full-weight negatives).
UNT_INSULT_WEIGHT = 0.3
# The hand-written untargeted swearing (at the weather, traffic, machines, one's own luck; happy exclamations)
# counts 15 as insult negatives (not 5): OLID's targeted insults are full of swear words, so the head read any
# strong swear word as an attack. Chosen on the check set and LOSO (model 2026.12.07-1, insult head refit
# alone with the new augment lines): insult F1 0.637 -> 0.655, precision 0.55 -> 0.60, the profanity groups'
# posts flagged as insult 18 -> 8 of 98; LOSO Davidson 0.804 -> 0.802, SBIC 0.603 -> 0.602 (25: F1 0.658, but
# swearing insults caught 14 -> 12 of 16 and SBIC 0.598).
UNTARGETED_SWEARING_INSULT_WEIGHT = 15.0
SARCASM_WEIGHT = 0.25  # iSarcasmEval tweets (author-labelled sarcasm) count less: a different notion of irony
# New shared sets (issue 10), weighted rather than pooled: synthetic or off-platform text counts less.
DYNAHATE_WEIGHT = (
    0.5  # annotator-written adversarial sentences (hash-split v0.1 rows only; official rows = test)
)
TOXIGEN_WEIGHT = 2.0  # few, curated: implicit hate vs benign statements about the same groups
# Support, counter-speech and neutral mentions of a group are hate's hardest negatives: as hate examples the
# hand-written ones count 15 (not 5). With the identity words out of the hate head (train.py
# NO_IDENTITY_WORDS) this cut identity-positive false positives on the check set (see models/cards/hate.md).
IDENTITY_WEIGHT = 15.0
SBIC_WEIGHT = 0.5  # Social Bias Frames: group stereotypes in real posts (Gab, Reddit, Twitter)
SARCASM_MIXED_WEIGHT = 0.3  # conversational and product sarcasm: a broader notion than SemEval irony
REDDIT_POLITICS_WEIGHT = 0.5  # subreddit is a proxy label
REDDIT_POLITICS_CAP = 16000
CRISIS_SENSITIVE_CAP = 12000  # per label, for the sensitive-events head
# Plain everyday posts are the sensitive head's hardest negatives: disaster tweets share their words
# ("Weather", "Thanks", "Hope", "after", "this morning"). As sensitive negatives the hand-written everyday and
# community posts count 15 (not 5). Measured when chosen (head refit alone, before train.py NO_EMOJI_COUNT):
# the speed benchmark's everyday posts 18.5% -> 13.2% flagged, check-set identity-positive posts flagged
# 7 -> 3 of 36, check sensitive F1 0.591 -> 0.583 (recall 0.68 -> 0.60), LOSO Boston 0.836 -> 0.812 at 0.40.
SENSITIVE_EVERYDAY_WEIGHT = 15.0
POLITICS_SHARE = 0.12  # share of political posts in the everyday mix used to validate politics
SNARK_SHARE = 0.25  # share of sarcastic posts iSarcasmEval's authors marked in their own timelines
# Probabilities of these categories are calibrated to an everyday share of positives, not to the training mix.
PRIORS = {"politics": POLITICS_SHARE, "snark": SNARK_SHARE}
_KEY = re.compile(r"[^a-z0-9]+")


@dataclass
class Split:
    """Texts with 0/1 labels and where each came from."""

    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)

    def add(self, text: str, label: int, source: str, weight: float = 1.0) -> None:
        self.texts.append(text)
        self.labels.append(int(label))
        self.sources.append(source)
        self.weights.append(weight)

    def __len__(self) -> int:
        return len(self.texts)


def key(text: str) -> str:
    """Comparison key for de-duplication: letters and digits only, @USER and @user alike."""
    return _KEY.sub(" ", text.lower()).strip()


def held_out(text: str, share: float = 0.2) -> bool:
    """Stable pseudo-random 20 % validation split for sets that ship only a train split."""
    return (zlib.crc32(key(text).encode()) % 1000) < share * 1000


def rows(data: Path, name: str) -> Iterator[dict]:
    path = data / name
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                row["text"] = html.unescape(str(row.get("text") or "")).strip()
                if row["text"]:
                    yield row


class OnTopic:
    """Does a text name politics? The politics lexicon plus the curation-only policy words and two-word
    phrases (models/curation/policy_terms.txt), matched on lower-case words (hashtags too: "#obamacare")."""

    def __init__(self) -> None:
        own = read_words(CURATION / "policy_terms.txt")
        ambiguous = {t[1:] for t in own if t.startswith("-")}
        lexicon = [t for t in read_words(LEXICONS / "politics_terms.txt") if t not in ambiguous]
        terms = [key(t).split() for t in lexicon + [t for t in own if not t.startswith("-")]]
        self.words = frozenset(t[0] for t in terms if len(t) == 1)
        self.phrases = frozenset(tuple(t) for t in terms if len(t) == 2)

    def __call__(self, text: str) -> bool:
        words = key(text).split()
        pairs = zip(words, words[1:], strict=False)
        return not self.words.isdisjoint(words) or not self.phrases.isdisjoint(pairs)


def augment(name: str) -> list[str]:
    """Hand-written examples in models/augment/<name>.txt (one per line, # comments)."""
    lines = (AUGMENT / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.startswith("#")]


def _add_clean(s: Split, davidson: list[dict]) -> None:
    """Davidson's 'neither' tweets as down-weighted negatives."""
    for r in davidson:
        if r["label"] == "neither":
            s.add(r["text"], 0, "davidson", DAVIDSON_WEIGHT)


def capped(items: list, cap: int, seed: int) -> list:
    if len(items) <= cap:
        return items
    return random.Random(seed).sample(items, cap)


class Corpus:
    """All training and validation splits, with validation texts removed from every training set."""

    def __init__(self, data: Path = DEFAULT_DATA) -> None:
        if not (data / "tweeteval" / "offensive.jsonl").exists():
            raise SystemExit(f"training data not found in {data} (pass --data PATH)")
        self.data = data
        self.val_keys: set[str] = set()
        for name in (
            "offensive",
            "irony",
            "hate",
            "emotion",
            "emoji",
            *(f"stance_{t}" for t in ("abortion", "atheism", "climate", "feminist", "hillary")),
        ):
            for r in rows(data, f"tweeteval/{name}.jsonl"):
                if r["split"] in ("val", "validation", "test"):
                    self.val_keys.add(key(r["text"]))

    def train_rows(self, name: str) -> Iterator[dict]:
        """Training rows of a file, without any whose text repeats a validation or test tweet."""
        for r in rows(self.data, name):
            if r["split"] in ("train", "train_rephrase") and key(r["text"]) not in self.val_keys:
                yield r

    def val_rows(self, name: str) -> Iterator[dict]:
        """Validation rows of a file."""
        for r in rows(self.data, name):
            if r["split"] in ("val", "validation"):
                yield r

    # ----- offensive family: profanity, insult, hate -----
    def profanity_train(self, lex_hit) -> Split:
        """OLID untargeted (UNT) and Davidson offensive language = profane; OLID/Davidson 'not' = clean."""
        s = Split()
        for r in self.train_rows("olid.jsonl"):
            if r["label"] == "NOT":
                s.add(r["text"], 0, "olid")
            elif r.get("label_b") == "UNT":
                s.add(r["text"], 1, "olid")
            else:  # targeted: profane only if it swears
                s.add(r["text"], int(lex_hit(r["text"])), "olid")
        dav = list(self.train_rows("davidson.jsonl"))
        for r in capped([r for r in dav if r["label"] == "offensive_language"], 6000, 11):
            s.add(r["text"], 1, "davidson", DAVIDSON_WEIGHT)
        _add_clean(s, dav)
        self._augment(
            s,
            {
                "untargeted_swearing": 1,
                "targeted_insults": 0,
                "identity_neutral": 0,
                "counter_speech": 0,
                "everyday": 0,
                "political": 0,
            },
        )
        return s

    def insult_train(self, second_person=None) -> Split:
        """OLID targeted insults/threats (TIN) vs untargeted profanity and non-offensive tweets, plus up to
        3,000 of Davidson's offensive tweets addressed to someone (a second-person word) as insults."""
        s = Split()
        for r in self.train_rows("olid.jsonl"):
            unt = r["label"] == "OFF" and r.get("label_b") == "UNT"
            tin = r["label"] == "OFF" and r.get("label_b") == "TIN"
            s.add(r["text"], int(tin), "olid", UNT_INSULT_WEIGHT if unt else 1.0)
        dav = list(self.train_rows("davidson.jsonl"))
        if second_person is not None:
            offensive = [r["text"] for r in dav if r["label"] == "offensive_language"]
            for text in capped([t for t in offensive if second_person(t)], 3000, 5):
                s.add(text, 1, "davidson", DAVIDSON_WEIGHT)
        _add_clean(s, dav)
        self._augment(
            s,
            {
                "targeted_insults": 1,
                "threats": 1,
                "violent_idioms": 0,
                "threat_lookalikes": 0,
                "identity_neutral": 0,
                "counter_speech": 0,
                "everyday": 0,
                "self_talk": 0,
                "condemning_insults": 0,
            },
        )
        self._augment(s, {"untargeted_swearing": 0}, UNTARGETED_SWEARING_INSULT_WEIGHT)
        return s

    def hate_train(self) -> Split:
        """HatEval (immigrants, women) + Davidson hate speech vs offensive-only and clean tweets."""
        s = Split()
        for r in self.train_rows("tweeteval/hate.jsonl"):
            s.add(r["text"], int(r["label"] == "hate"), "hateval")
        for r in self.train_rows("olid.jsonl"):  # not offensive at all, so not hate (many mention groups)
            if r["label"] == "NOT":
                s.add(r["text"], 0, "olid")
        for r in self.train_rows("davidson.jsonl"):
            s.add(r["text"], int(r["label"] == "hate_speech"), "davidson")
        for r in self.train_rows("dynahate.jsonl"):  # official dev/test rows are never trained on
            if r.get("split_source") != "official":
                s.add(r["text"], int(r["label"] == "hate"), "dynahate", DYNAHATE_WEIGHT)
        for r in self.train_rows("toxigen_prompts.jsonl"):
            s.add(r["text"], int(r["label"] == "hate"), "toxigen", TOXIGEN_WEIGHT)
        for r in rows(self.data, "sbic_devtest.jsonl"):  # stereotyping offensive posts vs inoffensive ones
            if r["label"] == "not_offensive":
                s.add(r["text"], 0, "sbic", SBIC_WEIGHT)
            elif r.get("implies_group_stereotype"):
                s.add(r["text"], 1, "sbic", SBIC_WEIGHT)
        identity = {"identity_neutral": 0, "counter_speech": 0, "identity_positive": 0, "identity_support": 0}
        self._augment(s, identity, IDENTITY_WEIGHT)
        self._augment(s, {"untargeted_swearing": 0, "targeted_insults": 0, "implicit_hate": 1})
        return s

    def sensitive_val(self) -> Split:
        """CrisisLex rows held out by hash (the sensitive head trains on the others), at most 2,000."""
        s = Split()
        crisis = [r for r in rows(self.data, "crisislex_t6.jsonl") if held_out(r["text"])]
        for r in capped(crisis, 2000, 24):
            s.add(r["text"], int(r["label"] == "on-topic"), f"crisislex/{r['event']}")
        return s

    def threat_train(self) -> Split:
        """Threats of violence (hand-written, and DynaHate's official dev rows typed 'threatening') vs
        DynaHate's other dev rows, OLID and the hand-written everyday, insult and idiom examples."""
        s = Split()
        for r in rows(self.data, "dynahate.jsonl"):
            if r.get("split_source") == "official" and r["split"] == "dev":
                s.add(r["text"], int(r.get("type") == "threatening"), "dynahate-dev")
        for r in self.train_rows("olid.jsonl"):
            s.add(r["text"], 0, "olid", 0.5)
        self._augment(
            s,
            {
                "threats": 1,
                "violent_idioms": 0,
                "targeted_insults": 0,
                "everyday": 0,
                "untargeted_swearing": 0,
            },
        )
        return s

    def sensitive_train(self) -> Split:
        """Posts about a disaster, death, violence or tragedy: CrisisLex on-topic tweets of six disasters vs
        the off-topic ones, plus hand-written posts (bereavement, attacks, accidents) and everyday posts."""
        s = Split()
        crisis = [r for r in self.train_rows("crisislex_t6.jsonl") if not held_out(r["text"])]
        for label, name in ((1, "on-topic"), (0, "off-topic")):
            picked = capped([r for r in crisis if r["label"] == name], CRISIS_SENSITIVE_CAP, 21 + label)
            for r in picked:
                s.add(r["text"], label, f"crisislex/{r['event']}")
        emoji = [r["text"] for r in self.train_rows("tweeteval/emoji.jsonl")]
        for t in capped(emoji, 8000, 23):
            s.add(t, 0, "emoji")
        self._augment(
            s,
            {
                "sensitive": 1,
                "sensitive_sincere": 1,
                "tragedy_jokes": 1,
                "tragedy_mockery": 1,
                "violent_idioms": 0,
                "figurative_harm": 0,
                "political": 0,
            },
        )
        self._augment(s, {"everyday": 0, "everyday_plain": 0, "community": 0}, SENSITIVE_EVERYDAY_WEIGHT)
        return s

    def snark_train(self) -> Split:
        """SemEval-2018 irony + iSarcasmEval (authors' own labels; their literal rewrites as negatives).

        Sincere hand-written posts are negatives at SNARK_AUGMENT_WEIGHT: plain everyday posts (thanks,
        hiring, reading, weather), praise, idioms ("killing it"), support for a group and community posts.
        Without them the head read "Thanks", "love" and "Reading" as irony: on the check set it flagged 14 of
        64 everyday posts, 12 of 31 idioms and 12 of 36 identity-positive posts; with them (model
        2026.12.06-3) 4, 3 and 1, check snark F1 0.355 -> 0.424 at 0.25 (recall 0.79 -> 0.60), LOSO ROC AUC
        within 0.01 (see models/cards/snark.md)."""
        s = Split()
        for r in self.train_rows("tweeteval/irony.jsonl"):
            s.add(r["text"], int(r["label"] == "irony"), "irony")
        for r in self.train_rows("isarcasmeval.jsonl"):
            s.add(r["text"], int(r["label"]), "isarcasmeval", SARCASM_WEIGHT)
            if r.get("rephrase") and int(r["label"]) == 1:
                s.add(str(r["rephrase"]), 0, "isarcasmeval-rephrase", SARCASM_WEIGHT)
        for r in self.train_rows("sarcasm_mixed.jsonl"):
            s.add(r["text"], int(r["label"]), f"sarcasm_mixed/{r['source']}", SARCASM_MIXED_WEIGHT)
        emoji = [r["text"] for r in self.train_rows("tweeteval/emoji.jsonl")]
        # Everyday tweets, mostly sincere, as noisy negatives (weight 0.3): without them the head flagged 33%
        # of held-out emoji tweets at the default 0.25, with them 17.5% (model 2026.12.06-4: 26%); LOSO ROC
        # AUC up on all three sarcasm sources, check-set snark F1 0.547 -> 0.538.
        for text in capped(emoji, 3000, 11):
            s.add(text, 0, "emoji", 0.3)
        self._augment(
            s,
            {
                "snark": 1,
                "snark_workplace": 1,
                "sincere_workplace": 0,
                "snark_daily": 1,
                "sincere_daily": 0,
                "tragedy_jokes": 1,
                "everyday": 0,
                "everyday_plain": 0,
                "sincere_love": 0,
                "violent_idioms": 0,
                "identity_positive": 0,
                "community": 0,
            },
            SNARK_AUGMENT_WEIGHT,
        )
        return s

    # ----- politics -----
    def politics_train(self) -> Split:
        """Curated: stance, politicians, labelled political tweets, politics newsgroups vs everyday posts."""
        s = Split()
        for text, label, source in self._politics_rows(train=True):
            s.add(text, label, source, REDDIT_POLITICS_WEIGHT if source == "reddit_politics" else 1.0)
        self._augment(
            s,
            {
                "political": 1,
                "political_world": 1,
                "political_implicit": 1,
                "politics_words_everyday": 0,
                "everyday": 0,
                "everyday_plain": 0,
                "community": 0,
                "family_words": 0,
                "identity_neutral": 0,
                "untargeted_swearing": 0,
                "snark": 0,
            },
        )
        return s

    def _politics_rows(self, train: bool) -> list[tuple[str, int, str]]:
        out: list[tuple[str, int, str]] = []
        pick = (lambda t: not held_out(t)) if train else held_out
        if train:
            for t in ("abortion", "atheism", "climate", "feminist", "hillary"):
                for r in self.train_rows(f"tweeteval/stance_{t}.jsonl"):
                    if r["label"] != "none":
                        out.append((r["text"], 1, "stance"))
            emoji = [r["text"] for r in self.train_rows("tweeteval/emoji.jsonl")]
            out += [(t, 0, "emoji") for t in capped(emoji, 12000, 1)]
            news = [(r["text"], r["label"]) for r in self.train_rows("newsgroups20.jsonl")]
            pol = [t[:400] for t, lab in news if lab.startswith("talk.politics")]
            other = [
                t[:400] for t, lab in news if not lab.startswith(("talk.", "alt.atheism", "soc.religion"))
            ]
            out += [(t, 1, "newsgroups") for t in capped(pol, 1200, 2)]
            out += [(t, 0, "newsgroups") for t in capped(other, 1500, 3)]
            reddit = [(r["text"], int(r["label"])) for r in self.train_rows("reddit_politics_topic.jsonl")]
            out += [(t, lab, "reddit_politics") for t, lab in capped(reddit, REDDIT_POLITICS_CAP, 8)]
        # Politicians also post greetings, visits and thanks: only posts that name politics are examples.
        on_topic = OnTopic()
        pos_pol = [r["text"] for r in self.train_rows("politicians_posts.jsonl") if pick(r["text"])]
        pos_pol = [t for t in pos_pol if on_topic(t)]
        out += [(t, 1, "politicians") for t in (pos_pol if train else capped(pos_pol, 400, 4))]
        for name in ("political_tweets_2020.jsonl", "political_tweets_2009.jsonl"):
            for r in self.train_rows(name):
                label = int(r["label"])
                if pick(r["text"]) and (label or not on_topic(r["text"])):  # labelled by search term: noisy
                    out.append((r["text"], label, name.split(".")[0]))
        crisis = [
            (r["text"], r["label"])
            for r in self.train_rows("crisislex_t6.jsonl")
            if pick(r["text"]) and not on_topic(r["text"])  # disaster news with a policy angle is politics
        ]
        off = [t for t, lab in crisis if lab == "off-topic"]
        on = [t for t, lab in crisis if lab == "on-topic"]
        out += [(t, 0, "crisislex-off") for t in capped(off, 5000 if train else 600, 5)]
        out += [(t, 0, "crisislex-on") for t in capped(on, 3000 if train else 300, 6)]
        return out

    def politics_val(self) -> Split:
        """Everyday mix with POLITICS_SHARE political posts: stance val + held-out politics sets as positives,
        emoji val tweets + held-out everyday/crisis tweets as negatives (fixed seed)."""
        pos: list[tuple[str, str]] = []
        neg: list[tuple[str, str]] = []
        for t in ("abortion", "atheism", "climate", "feminist", "hillary"):
            pos += [
                (r["text"], "stance")
                for r in self.val_rows(f"tweeteval/stance_{t}.jsonl")
                if r["label"] != "none"
            ]
        neg += [(r["text"], "emoji") for r in self.val_rows("tweeteval/emoji.jsonl")]
        for text, label, source in self._politics_rows(train=False):
            (pos if label else neg).append((text, source))
        n_neg = int(round(len(pos) * (1 - POLITICS_SHARE) / POLITICS_SHARE))
        neg = capped(neg, n_neg, 7)
        s = Split()
        for t, src in pos:
            s.add(t, 1, src)
        for t, src in neg:
            s.add(t, 0, src)
        return s

    # ----- validation splits -----
    def _tweeteval_val(self, task: str, positive: str) -> Split:
        """A TweetEval task's validation tweets, labelled 1 where the label is `positive`."""
        s = Split()
        for r in self.val_rows(f"tweeteval/{task}.jsonl"):
            s.add(r["text"], int(r["label"] == positive), f"tweeteval-{task}")
        return s

    def offensive_val(self) -> Split:
        return self._tweeteval_val("offensive", "offensive")

    def hate_val(self) -> Split:
        return self._tweeteval_val("hate", "hate")

    def irony_val(self) -> Split:
        return self._tweeteval_val("irony", "irony")

    def texts_for_vocabulary(self) -> list[str]:
        """Every training text (the vocabulary never sees validation text)."""
        seen: list[str] = []
        for r in self.train_rows("olid.jsonl"):
            seen.append(r["text"])
        for name in ("davidson.jsonl", "tweeteval/hate.jsonl", "tweeteval/irony.jsonl", "isarcasmeval.jsonl"):
            seen += [r["text"] for r in self.train_rows(name)]
        seen += self.politics_train().texts
        return seen

    def _augment(self, s: Split, files: dict[str, int], weight: float = AUGMENT_WEIGHT) -> None:
        for name, label in files.items():
            for text in augment(name):
                s.add(text, label, f"augment/{name}", weight)
