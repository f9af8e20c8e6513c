"""What a reader of the reports must see (issue 10), on the shipped model and the shipped policies.

Every sentence here was written for these tests: none comes from the training data, the augment files or the
frozen check set (benchmarks/checks).
"""

import pytest

from auditor.categories import CATEGORIES, GRADES
from auditor.classify import Classifier
from auditor.policy import load_policy
from auditor.scoring import post_tiers


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


def tiers(clf: Classifier, text: str, policy: str = "default") -> dict[str, str]:
    pol = load_policy(policy)
    return post_tiers(clf.classify([text], thresholds=pol.thresholds)[0], pol)


def test_threat_without_swear_words_is_top_tier_under_every_policy(clf):
    text = "I know which hospital you work at, and I will be there when your shift ends."
    for policy in ("default", "family", "edgy"):
        assert tiers(clf, text, policy).get("insult") == "high", policy
    res = clf.classify([text])[0]
    assert res.top_tier.get("insult") == "threat"
    assert res.signals["threat"] >= clf.thresholds["threat"]


def test_violent_idiom_is_not_a_threat(clf):
    res = clf.classify(["Our team absolutely murdered the quiz tonight, what a laugh"])[0]
    assert "insult" not in res.top_tier


def test_slur_free_generalisation_about_a_religion_is_hate(clf):
    assert "hate" in tiers(
        clf, "Hindus are dirty liars, every single one of them, and they ruin every street they live on"
    )


def test_support_for_trans_people_is_not_hate(clf):
    text = "I stand with my trans friends. They deserve safety, healthcare and respect like everyone else."
    assert "hate" not in tiers(clf, text)
    assert clf.classify([text])[0].scores["hate"] < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Jews are vermin and they control the banks, everyone knows it",
        "Refugees are parasites who should be thrown back into the sea",
        "Gay people are disgusting perverts and should stay away from schools",
    ],
)
def test_hate_naming_a_group_is_flagged_for_what_it_says(clf, text):
    """The hate head gives the group words no weight of their own (models/train.py NO_IDENTITY_WORDS): a
    hateful post is still flagged, for what it says about the group."""
    res = clf.classify([text], thresholds=load_policy("default").thresholds)[0]
    assert "hate" in tiers(clf, text)
    assert res.evidence["hate"]


@pytest.mark.parametrize(
    "text",
    [
        "Proud of my sister for coming out as gay, love you always",
        "Muslims in our town organised the flood relief, thank you all",
        "Immigrants built half the businesses on my street and I am grateful for every one of them",
    ],
)
def test_support_and_counter_speech_about_a_group_are_not_hate(clf, text):
    assert "hate" not in tiers(clf, text)


@pytest.mark.parametrize("emoji", ["👍🏽", "🙋🏿", "👋🏾 hi all"])
def test_skin_tone_emoji_alone_is_not_hate(clf, emoji):
    assert "hate" not in tiers(clf, emoji, "family")


@pytest.mark.parametrize(
    "text",
    [
        "Modi's cabinet reshuffle shows the BJP is nervous about next year's vote",
        "Modi and the BJP swept the state election",
        "Raising the state pension age to 68 is a disgrace",
        "Proud of the striking nurses outside the hospital today, pay them properly",
    ],
)
def test_politics_beyond_us_uk_vocabulary(clf, text):
    assert "politics" in tiers(clf, text), clf.classify([text])[0].scores


# Known failure since model 2026.12.06-3. Model 2026.12.06-2 passed only through an artefact: any emoji added
# about +3 to the sensitive score (the emoji tweets, its everyday negatives, have theirs taken out); without
# the 😂 it scored sensitive 0.03 on this post too. Since 2026.12.07-2 the sensitive head knows the sinking
# (0.90, flagged), but the mockery rule also needs snark 0.35 (or insult or profanity 0.70): snark 0.28.
@pytest.mark.xfail(reason="known miss: sensitive 0.90 but snark 0.28, so not top tier (README)", strict=True)
def test_joke_about_a_tragedy_is_top_tier_under_every_policy(clf):
    text = "That ferry sinking was the only time those tourists went for a proper swim lmao 😂"
    for policy in ("default", "family", "edgy"):
        assert tiers(clf, text, policy).get("sensitive") == "high", policy


def test_sincere_condolence_is_not_top_tier(clf):
    text = (
        "Thinking of everyone in the valley after the floods. "
        "Our hearts are with the families who lost loved ones."
    )
    got = tiers(clf, text)
    assert got.get("sensitive") != "high"
    assert clf.classify([text])[0].scores["sensitive"] >= 0.5


def test_in_laws_is_not_politics(clf):
    text = "Dinner with the in-laws on Sunday, send help"
    res = clf.classify([text], thresholds={c: 0.0 for c in CATEGORIES})[0]
    assert "politics" not in tiers(clf, text)
    assert res.scores["politics"] < 0.3
    assert all(p != "laws" for p in res.evidence["politics"])  # a hyphenated word is never split


def test_moby_dick_is_not_profanity(clf):
    text = "Finally finished reading Moby Dick, what a book"
    res = clf.classify([text], thresholds={c: 0.0 for c in CATEGORIES})[0]
    assert "profanity" not in res.grades
    for policy in ("default", "family"):
        assert "profanity" not in tiers(clf, text, policy)


def test_damn_is_graded_mild_and_below_fucking(clf):
    low, high = clf.classify(
        ["Damn, missed the bus again", "Fucking missed the bus again"],
        thresholds={c: 0.0 for c in CATEGORIES},
    )
    assert low.grades["profanity"] == "mild"
    assert high.grades["profanity"] == "strong"
    assert GRADES.index(low.grades["profanity"]) < GRADES.index(high.grades["profanity"])
    assert "profanity" not in tiers(clf, "Damn, missed the bus again", "default")  # default: strong and up
    assert "profanity" in tiers(clf, "Fucking missed the bus again", "default")


def test_slur_is_graded_severe_and_edgy_flags_only_severe(clf):
    assert clf.profanity_grade("what a c*nt") == "severe"
    assert "profanity" not in tiers(clf, "well shit, that went badly", "edgy")


def test_spaced_letters_are_read(clf):
    res = clf.classify(["this meeting is s h i t"], thresholds={c: 0.0 for c in CATEGORIES})[0]
    assert res.grades.get("profanity") == "strong"


def test_love_alone_does_not_make_snark(clf):
    for text in ("I love my new running shoes", "Love this song so much", "love you grandma"):
        assert "snark" not in tiers(clf, text), text


def test_sarcasm_at_an_employer_is_flagged_at_default(clf):
    text = "Oh fantastic, another unpaid overtime weekend. Truly the best employer in the world 🙃"
    assert "snark" in tiers(clf, text)


def test_harmless_template_posts_are_never_top_tier_threats(clf):
    texts = ["Long walk around the north trail after work. Needed that.",
             "Our spring launch sold out in four hours. I need a nap and a sandwich.",
             "Made a frittata tonight. Ten out of ten, would cook again."]
    for text, res in zip(texts, clf.classify(texts), strict=True):
        assert "insult" not in res.top_tier, text


def test_profanity_grade_reads_every_chunk_at_once_and_empty_text_has_none(clf):
    assert clf.featuriser.tokens_of_texts(["", "   "]) == [[], []]
    assert clf.profanity_grade("") is None
    assert clf.profanity_grade("well damn, that fucking printer") == "strong"
