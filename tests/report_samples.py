"""Invented posts and a deterministic stub classifier for the policy, scoring and report tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from auditor.categories import CATEGORIES
from auditor.post import Post
from auditor.sources.base import SourceResult

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)

# word -> (category, score): what the stub "model" reacts to.
LEXICON: dict[str, tuple[str, float]] = {
    "idiot": ("insult", 0.91),
    "clown": ("insult", 0.72),
    "useless": ("insult", 0.62),
    "vermin": ("hate", 0.93),
    "damn": ("profanity", 0.55),
    "crap": ("profanity", 0.7),
    "fucking": ("profanity", 0.97),
    "election": ("politics", 0.88),
    "senator": ("politics", 0.96),
    "tax bill": ("politics", 0.78),
    "oh great": ("snark", 0.8),
    "just what i needed": ("snark", 0.93),
    "sure, that will fix": ("snark", 0.6),
}


# profanity word -> its grade, as the shipped model's grade list has them
GRADED = {"damn": "mild", "crap": "mild", "fucking": "strong"}


@dataclass
class Classification:
    scores: dict[str, float]
    evidence: dict[str, list[str]] = field(default_factory=dict)
    grades: dict[str, str] = field(default_factory=dict)
    top_tier: dict[str, str] = field(default_factory=dict)


class StubClassifier:
    """Scores from LEXICON; records every batch so tests can check what was (not) classified."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def classify(self, texts, thresholds=None):
        texts = list(texts)
        self.batches.append(texts)
        out = []
        for text in texts:
            low = text.lower()
            scores = dict.fromkeys(CATEGORIES, 0.03)
            evidence: dict[str, list[str]] = {c: [] for c in CATEGORIES}
            for word, (cat, score) in LEXICON.items():
                if word in low:
                    scores[cat] = max(scores[cat], score)
                    evidence[cat].append(word)
            ranks = ("mild", "strong", "severe")
            graded = [GRADED[w] for w in evidence["profanity"] if w in GRADED]
            grades = {"profanity": max(graded, key=ranks.index)} if graded else {}
            out.append(Classification(scores, {c: v for c, v in evidence.items() if v}, grades))
        return out

    def info(self) -> dict:
        return {"version": "stub-1.2", "categories": {c: {"validation_f1": 0.8} for c in CATEGORIES}}


def post(pid: str, text: str, days_ago: float = 30, *, kind: str = "post", visibility: str = "public",
         deleted: bool = False, lang: str | None = "en", account: str = "@jordan", platform: str = "x",
         url: str | None = "default") -> Post:
    if url == "default":
        url = f"https://x.com/jordan/status/{pid}"
    return Post(id=pid, platform=platform, author=account, created_at=NOW - timedelta(days=days_ago),
                text=text, raw_text=text, kind=kind, url=url, lang=lang, visibility=visibility,
                deleted=deleted, account=f"{platform}:{account}")


def sample_posts() -> list[Post]:
    """About forty posts over two years: mostly harmless, some flagged, plus the edge cases."""
    harmless = [
        "Great team lunch today, thanks everyone for coming along",
        "New blog post on planning a content calendar is up now",
        "Reading a good book about typography on the train",
        "Coffee first, then the quarterly report",
        "Proud of how the spring campaign turned out",
        "Who else is watching the football tonight?",
        "Trying a new pasta recipe, wish me luck",
        "Conference slides are online, link in bio",
        "Sunny weekend walk by the river",
        "Happy birthday to my favourite colleague!",
        "Loved the keynote this morning, lots to think about",
        "Learning to knit, progress is slow but steady",
        "Our podcast episode on customer stories is live",
        "Packing for the trip, forgot my charger again",
        "Thanks for the warm welcome to the new office",
        "Planning the team offsite, ideas welcome",
        "Cat decided the keyboard is a bed today",
        "Three years at this company today, grateful",
    ]
    posts = [post(f"h{i}", t, days_ago=20 + i * 37) for i, t in enumerate(harmless)]
    posts += [
        post("f1", "Only an idiot would ship that update on a Friday", 12),
        post("f2", "The senator should resign over this, vote them out at the election", 40),
        post("f3", "This traffic is fucking awful, an hour to go two miles", 95),
        post("f4", "Oh great, the printer is broken again. Just what I needed.", 130),
        post("f5", "Our rival's CEO is a clown and everyone knows it", 220, kind="reply"),
        post("f6", "Damn, missed the bus again", 300),
        post("f7", "The new tax bill is a mess, write to your representative", 410, kind="quote"),
        post("f8", "That support agent was useless and rude to me", 560),
        post("f9", "What a load of crap this season finale was", 690),
        post("f10", "Sure, that will fix everything. Another meeting.", 15, kind="reply"),
        post("r1", "RT @someone: they are vermin and should leave", 60, kind="repost"),
        post("r2", "RT @critic: what an idiot move by the board", 200, kind="repost"),
        post("d1", "Honestly that referee is an idiot", 100, deleted=True),
        post("p1", "private idiot rant about my manager SECRETWORD", 10, visibility="private"),
        post("p2", "direct message: you idiot SECRETDM", 5, visibility="direct"),
        post("n1", "Heute ist ein schöner Tag im Büro", 50, lang="de"),
        post("n2", "", 70),
    ]
    return posts


def sample_source(posts: list[Post] | None = None) -> SourceResult:
    return SourceResult(platform="x", account="@jordan", posts=posts if posts is not None else sample_posts(),
                        display_name="Jordan Reyes", source="twitter-archive.zip",
                        notes=["2 deleted posts read from deleted-tweets.js"])


def fake_assessable(text: str, lang: str | None) -> tuple[bool, str | None]:
    """Deterministic stand-in for auditor.lang.assessable: English only."""
    if not text.strip():
        return False, "no text"
    if lang not in (None, "en"):
        return False, f"language not covered ({lang})"
    return True, None


def fake_assess_languages(texts, langs=None) -> list[tuple[bool, str | None]]:
    """Deterministic stand-in for auditor.lang.assess_languages: `fake_assessable` per text."""
    return [fake_assessable(t, lang) for t, lang in zip(texts, langs or [None] * len(texts), strict=True)]
