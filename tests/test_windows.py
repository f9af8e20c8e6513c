"""Length and repetition alone must not raise a score: long posts are read in tweet-sized windows."""

import pytest

from auditor.classify import CATEGORIES, Classifier
from auditor.classify.windows import WINDOW_CHARS, collapse_repeats, scoring_windows, window_spans

FAREWELL = (
    "Thrilled to share that after five wonderful years I am starting a new chapter. "
    "I want to thank my team for the late nights before launches, the endless coffee and the laughter. "
    "We shipped three product lines and learned so much together. "
    "I am grateful to my mentors who pushed me to take risks and to my family who put up with the travel. "
    "Next month I join a small studio working on packaging for local food makers. "
    "If you are in the area, come say hi at the open day. Onwards and upwards!"
)
LUNCH = "We had a lovely team lunch today and talked about the new garden project. " * 40


@pytest.fixture(scope="module")
def clf():
    return Classifier.load()


def test_windows_are_sentences_within_the_limit():
    spans = window_spans(FAREWELL)
    assert len(spans) > 1
    for a, b in spans:
        assert b - a <= WINDOW_CHARS
    covered = "".join(FAREWELL[a:b] for a, b in spans)
    assert covered.split() == FAREWELL.split()  # nothing lost, nothing repeated
    assert window_spans("short post") == [(0, 10)]


def test_a_sentence_longer_than_a_window_is_cut_at_spaces():
    text = " ".join(["word"] * 200)
    spans = window_spans(text)
    assert all(b - a <= WINDOW_CHARS for a, b in spans)
    assert "".join(text[a:b] for a, b in spans).split() == text.split()


def test_collapse_repeats_keeps_words_and_pairs_of_the_original():
    assert collapse_repeats("hello hello hello world") == "hello world"
    assert collapse_repeats("no no, fine") == "no no, fine"  # two in a row is ordinary speech
    assert collapse_repeats("damn " * 1000).strip() == "damn"
    assert scoring_windows("") == [""]


@pytest.mark.parametrize("text", ["hello " * 50, "hello " * 1000, LUNCH, FAREWELL])
def test_length_and_repetition_do_not_flag_friendly_text(clf, text):
    scores = clf.predict_proba([text])[0]
    assert max(scores[CATEGORIES.index(c)] for c in ("politics", "hate", "insult")) < 0.5


def test_a_risky_sentence_inside_a_long_post_is_still_found(clf):
    text = LUNCH + "Honestly the senator who voted against the climate bill should resign. " + LUNCH
    scores = dict(zip(CATEGORIES, clf.predict_proba([text])[0], strict=True))
    assert scores["politics"] >= 0.8
    evidence = clf.evidence(text, "politics")
    assert evidence and all(e in text for e in evidence)
    assert set(evidence) & {"senator", "climate", "bill", "climate bill", "resign"}


def test_repeated_swearing_is_still_profanity(clf):
    scores = dict(zip(CATEGORIES, clf.predict_proba(["damn " * 500])[0], strict=True))
    assert scores["profanity"] >= 0.5 and scores["insult"] < 0.5


def test_evidence_never_shows_function_words_alone(clf):
    for text in ("Huge crowd at the climate march downtown today.", "Oh sure, that will fix everything."):
        for cat in CATEGORIES:
            for phrase in clf.evidence(text, cat):
                assert phrase.lower() not in {"today", "that", "the", "oh", "about the", "you"}, (cat, phrase)
