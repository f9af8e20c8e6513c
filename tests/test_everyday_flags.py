"""Plain everyday posts are not flagged, and sarcasm still is (issue 10), on the shipped model and policies.

The everyday posts are the ones a new user saw flagged in their own report with model 2026.12.06-2 (snark
0.30 on "Thanks", politics 0.65 on "public speaking", sensitive on "Weather"). The sarcastic posts were
written for these tests. None comes from the training data, the augment files or the frozen check set.
"""

import pytest

from auditor.classify import Classifier
from auditor.policy import load_policy
from auditor.scoring import post_tiers

EVERYDAY = (
    "Thanks to everyone who came to Leeds all week!",
    "Hiring! We're looking for someone who loves data pipelines.",
    "Reading about public speaking today. Lots to think about.",
    "Reading about budget travel today.",
    "Weather in Lisbon is perfect this morning",
    "Weather in Lisbon is perfect this morning 🙂",
    "Weather in Lisbon is perfect this morning ☀️ Great chat with Maria about onboarding at the studio.",
)

# Known failure since model 2026.12.07-2: the contrastive "Small progress but progress." reads as deadpan
# irony (snark 0.33, the default policy flags from 0.25). The new hand-written sarcasm about daily life
# taught the head that shape of sentence; kept visible here rather than dropped from the list above.
DEADPAN_EVERYDAY = "Day 12 of learning Spanish. Small progress but progress."

SARCASTIC = (
    "Oh wonderful, the train is cancelled again. Really love paying 90 quid a month for this.",
    "Nothing says 'we value you' like a pizza party instead of a pay rise. Thanks so much, management.",
    "Wow, a two-hour meeting that could have been an email. What a great use of everyone's day.",
)


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


def flags(clf: Classifier, texts: tuple[str, ...], policy: str = "default") -> list[dict[str, str]]:
    pol = load_policy(policy)
    return [post_tiers(res, pol) for res in clf.classify(list(texts), thresholds=pol.thresholds)]


@pytest.mark.parametrize("policy", ["default", "edgy"])
def test_plain_everyday_posts_get_no_flag(clf, policy):
    for text, tiers in zip(EVERYDAY, flags(clf, EVERYDAY, policy), strict=True):
        assert tiers == {}, (text, tiers)


def test_plain_everyday_posts_score_low_for_snark_politics_and_sensitive(clf):
    thresholds = load_policy("default").thresholds
    for text, res in zip(EVERYDAY, clf.classify(list(EVERYDAY)), strict=True):
        for cat in ("snark", "politics", "sensitive"):
            assert res.scores[cat] < thresholds[cat], (text, cat, res.scores[cat])


def test_sarcasm_is_still_flagged_as_snark_at_default(clf):
    for text, tiers in zip(SARCASTIC, flags(clf, SARCASTIC), strict=True):
        assert "snark" in tiers, text


@pytest.mark.xfail(strict=True, reason="known failure since 2026.12.07-2: read as deadpan irony (README)")
def test_contrastive_progress_post_is_not_snark(clf):
    assert flags(clf, (DEADPAN_EVERYDAY,))[0] == {}
