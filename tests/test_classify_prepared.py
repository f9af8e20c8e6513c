"""The classifier reads posts as displayed (auditor/textprep.py) and shows evidence as written."""

import numpy as np
import pytest

from auditor.categories import CATEGORIES
from auditor.classify import Classifier


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


@pytest.mark.parametrize(
    ("disguised", "plain"),
    [
        ("what the \u202ekcuf\u202c is this", "what the fuck is this"),  # typed backwards under an override
        ("this is s h i t", "this is shit"),
        ("what a f u c k i n g mess", "what a fucking mess"),
        ("ЅHIT, I missed the bus", "SHIT, I missed the bus"),
        ("you 🖕🏿", "you 🖕"),  # a skin tone changes nothing
    ],
)
def test_disguised_text_scores_as_displayed(clf, disguised, plain):
    assert np.allclose(clf.predict_proba([disguised]), clf.predict_proba([plain]))


def test_reversed_profanity_is_flagged_with_evidence_as_written(clf):
    text = "what the \u202ekcuf\u202c is this"
    res = clf.classify([text], thresholds={c: 0.5 for c in CATEGORIES})[0]
    assert "profanity" in res.evidence
    assert res.evidence["profanity"] and all(p in text for p in res.evidence["profanity"])


def test_spelled_out_profanity_evidence_is_found_in_the_post(clf):
    text = "honestly this is s h i t"
    res = clf.classify([text], thresholds={c: 0.5 for c in CATEGORIES})[0]
    assert "s h i t" in res.evidence["profanity"]


def test_skin_tone_alone_scores_like_no_text(clf):
    assert np.allclose(clf.predict_proba(["🏽"]), clf.predict_proba([""]))


def test_middle_finger_emoji_is_profanity_with_the_emoji_as_evidence(clf):
    text = "great meeting today 🖕🏽"
    res = clf.classify([text], thresholds={c: 0.5 for c in CATEGORIES})[0]
    assert "profanity" in res.evidence
    assert res.evidence["profanity"] == ["🖕🏽"]
