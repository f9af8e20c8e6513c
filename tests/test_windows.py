"""Length and repetition alone must not raise a score: long posts are read in tweet-sized windows."""

import pytest

from auditor.classify import CATEGORIES, Classifier
from auditor.classify.windows import WINDOW_CHARS, collapse_repeats, scoring_windows
from auditor.policy import load_policy

FAREWELL = (
    "Thrilled to share that after five wonderful years I am starting a new chapter. "
    "I want to thank my team for the late nights before launches, the endless coffee and the laughter. "
    "We shipped three product lines and learned so much together. "
    "I am grateful to my mentors who pushed me to take risks and to my family who put up with the travel. "
    "Next month I join a small studio working on packaging for local food makers. "
    "If you are in the area, come say hi at the open day. Onwards and upwards!"
)
LUNCH = "We had a lovely team lunch today and talked about the new garden project. " * 40
OFFSITE = (
    'Back from our team offsite in the mountains and my heart is full. We started each morning with '
    'a slow walk by the lake, then spent the days sketching ideas for next year on big sheets of '
    'paper. Priya ran a brilliant workshop on customer interviews, and Tom taught half of us how to '
    'make proper sourdough in the lodge kitchen. The evenings were board games, terrible karaoke and'
    ' far too many marshmallows by the fire. I came home with a notebook full of plans, a slightly '
    'sunburnt nose and a real sense of how lucky I am to work with these people. Huge thanks to Mei '
    'for organising everything down to the last packed lunch, and to the lodge staff who looked '
    'after us so well. If your team has never done an offsite like this, I cannot recommend it '
    'enough. Now back to the inbox, coffee in hand, ready for a busy quarter.'
)


@pytest.fixture(scope="module")
def clf():
    return Classifier.load()


def test_windows_are_runs_of_whole_sentences_of_about_a_tweet():
    text = FAREWELL * 2
    pieces = scoring_windows(text)
    n = -(-len(" ".join(text.split())) // WINDOW_CHARS)
    assert 1 < len(pieces) <= n
    assert all(len(p) <= 2 * WINDOW_CHARS for p in pieces)  # a sentence that fits a window is never cut
    assert all(p.endswith((".", "!")) for p in pieces)
    assert " ".join(pieces).split() == text.split()  # nothing lost, nothing repeated
    assert all(p in text for p in pieces)  # slices of the post: evidence is quoted from them
    assert scoring_windows("short post") == ["short post"]
    assert scoring_windows("x" * 1000) == ["x" * 1000]  # one chunk cannot be cut
    run_on = " ".join(f"word{i}" for i in range(150))  # a sentence longer than a window: cut between chunks
    assert len(scoring_windows(run_on)) == -(-len(run_on.strip()) // WINDOW_CHARS)


def test_a_sentence_that_fits_a_window_is_never_cut():
    risky = "Honestly the senator who voted against the climate bill should resign."
    for before in range(0, 600, 7):  # wherever the sentence falls in the post
        text = "Lunch was lovely. " * (before // 18) + risky + " The garden is lovely too." * 12
        assert any(risky in piece for piece in scoring_windows(text)), before


def test_collapse_repeats_keeps_words_and_pairs_of_the_original():
    assert collapse_repeats("hello hello hello world") == "hello world"
    assert collapse_repeats("no no, fine") == "no no, fine"  # two in a row is ordinary speech
    assert collapse_repeats("damn " * 1000).strip() == "damn"
    assert scoring_windows("") == [""]




@pytest.mark.parametrize(
    "text",
    [
        "hello " * 50,
        "hello " * 1000,
        OFFSITE,
        OFFSITE * 3,
        FAREWELL,
    ],
)
def test_length_and_repetition_do_not_flag_friendly_text(clf, text):
    scores = clf.predict_proba([text])[0]
    assert max(scores[CATEGORIES.index(c)] for c in ("politics", "hate", "insult")) < 0.5


@pytest.mark.parametrize("text", [OFFSITE, OFFSITE * 3])
def test_long_friendly_post_is_not_flagged_at_the_default_policy(clf, text):
    flag_at = load_policy("default").thresholds
    scores = clf.predict_proba([text])[0]
    assert all(scores[CATEGORIES.index(c)] < flag_at[c] for c in ("politics", "hate", "insult"))


# Windows cut at sentence ends: the cut used to fall inside this sentence ("...the senator who voted
# against" | "the climate bill should resign."), and neither half was political enough (0.23, model -3).
def test_a_risky_sentence_inside_a_long_post_is_still_found(clf):
    text = LUNCH + "Honestly the senator who voted against the climate bill should resign. " + LUNCH
    scores = dict(zip(CATEGORIES, clf.predict_proba([text])[0], strict=True))
    assert scores["politics"] >= load_policy("default").thresholds["politics"]  # the default policy flags it
    evidence = clf.evidence(text, "politics")
    assert evidence and all(e in text for e in evidence)
    assert set(evidence) & {"senator", "climate", "bill", "climate bill", "resign"}


def test_repeated_swearing_is_still_profanity(clf):
    scores = dict(zip(CATEGORIES, clf.predict_proba(["damn " * 500])[0], strict=True))
    assert scores["profanity"] >= 0.5 and scores["insult"] < 0.5


def test_evidence_never_shows_function_words_alone(clf):
    flag_at = load_policy("family").thresholds  # evidence is shown for flags; the strictest policy's
    for text in ("Huge crowd at the climate march downtown today.", "Oh sure, that will fix everything."):
        scores = dict(zip(CATEGORIES, clf.predict_proba([text])[0], strict=True))
        for cat in (c for c in CATEGORIES if scores[c] >= flag_at[c]):
            for phrase in clf.evidence(text, cat):
                assert phrase.lower() not in {"today", "that", "the", "oh", "about the", "you"}, (cat, phrase)


def test_evidence_of_a_long_post_holding_the_batch_separator(clf):
    """A text holding the featuriser's separator is cut otherwise: its pieces are scored whole."""
    text = ("Lunch was lovely.\x01 " * 12 + "Honestly the senator who voted against the climate bill should "
            "resign and the whole parliament with him, what a shameful vote on the pension reform. "
            + "The garden is lovely too. " * 10)
    [result] = clf.classify([text], thresholds=load_policy("default").thresholds)
    assert result.scores["politics"] >= load_policy("default").thresholds["politics"]
    assert result.evidence["politics"] and all(e in text for e in result.evidence["politics"])
