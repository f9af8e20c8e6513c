"""A finding a stronger one covers is listed once (auditor.scoring.COVERED_BY): an attack on a protected group
is hate, not also an insult; the tone of an insulting or hateful post is not a second, snark finding."""

from types import SimpleNamespace

import pytest

from auditor.categories import CATEGORIES
from auditor.classify import Classifier
from auditor.policy import load_policy
from auditor.scoring import post_tiers, without_covered

DEFAULT = load_policy("default")


def res(top_tier: dict | None = None, **scores: float) -> SimpleNamespace:
    scores = dict.fromkeys(CATEGORIES, 0.0) | scores
    return SimpleNamespace(scores=scores, grades=None, top_tier=top_tier or {})


def test_hate_covers_an_insult_of_the_same_or_lower_tier():
    assert post_tiers(res(hate=0.9, insult=0.9), DEFAULT) == {"hate": "high"}
    assert post_tiers(res(hate=0.6, insult=0.4), DEFAULT) == {"hate": "low"}


def test_a_worse_insult_is_kept_beside_a_milder_hate_flag_so_the_post_keeps_its_severity():
    assert post_tiers(res(hate=0.6, insult=0.9), DEFAULT) == {"insult": "high", "hate": "low"}


def test_a_threat_is_never_covered():
    tiers = post_tiers(res({"insult": "threat"}, hate=0.9, insult=0.4), DEFAULT)
    assert tiers == {"insult": "high", "hate": "high"}


def test_snark_is_covered_by_hate_or_a_medium_insult_but_not_by_a_low_one():
    assert post_tiers(res(snark=0.9, insult=0.6), DEFAULT) == {"insult": "medium"}
    assert post_tiers(res(snark=0.9, hate=0.75), DEFAULT) == {"hate": "medium"}
    assert post_tiers(res(snark=0.3, insult=0.4), DEFAULT) == {"insult": "low", "snark": "low"}


def test_snark_of_a_higher_tier_than_its_cover_is_kept():
    assert post_tiers(res(snark=0.6, hate=0.6), DEFAULT) == {"hate": "low", "snark": "medium"}


def test_other_categories_are_never_covered():
    tiers = {"politics": "medium", "profanity": "high", "hate": "high", "sensitive": "low"}
    assert without_covered(tiers) == tiers


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


def flags(clf: Classifier, text: str) -> dict[str, str]:
    return post_tiers(clf.classify([text], thresholds=DEFAULT.thresholds)[0], DEFAULT)


def test_shipped_model_lists_an_attack_on_a_group_as_hate_only(clf):
    """Written for this test (not from any training, augment or check-set file)."""
    tiers = flags(clf, "Gypsies are filthy thieves and every one of them should be run out of town")
    assert "hate" in tiers and "insult" not in tiers


def test_shipped_model_does_not_call_an_insult_snark_as_well(clf):
    text = "@gareth_p you are a talentless, spineless fraud and the whole office knows it"
    tiers = flags(clf, text)
    assert "insult" in tiers and "snark" not in tiers
    scores = clf.classify([text])[0].scores
    assert scores["snark"] >= DEFAULT.thresholds["snark"], "the snark head still fires: covered, not unseen"
