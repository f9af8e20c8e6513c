"""Language identification: English is assessed, other languages are not, empty posts have nothing to say."""

import pytest

from auditor.lang import SUPPORTED_LANGUAGES, assessable, detect_language


def test_english_sentence_detected_and_assessable():
    text = "Just finished the quarterly report and the numbers look better than expected."
    assert detect_language(text) == "en"
    assert assessable(text) == (True, None)


@pytest.mark.parametrize("text", ["lol same", "ok thanks!", "great game tonight", "RT @someone: so true"])
def test_short_english_looking_text_is_assessable(text):
    assert assessable(text) == (True, None)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ich habe heute keine Zeit, wir sehen uns morgen im Büro.", "de"),
        ("Mañana vamos a la playa con toda la familia, qué ganas tengo.", "es"),
        ("Je ne comprends pas pourquoi le train est encore en retard ce matin.", "fr"),
    ],
)
def test_other_languages_not_assessed_with_reason(text, lang):
    assert detect_language(text) == lang
    ok, reason = assessable(text)
    assert ok is False
    assert reason == f"language '{lang}' not covered"


@pytest.mark.parametrize(
    "text", ["", "   ", "https://example.com/some/page", "@alice @bob", "😂😂🔥", "#️⃣ 123"]
)
def test_nothing_to_assess(text):
    assert detect_language(text) is None
    assert assessable(text) == (False, "no text to assess")


def test_declared_language_is_only_a_hint():
    # Twitter tags short English replies wrongly; pseudo codes mean unknown.
    assert assessable("haha yes exactly", declared="tl") == (True, None)
    assert assessable("see you at the meeting", declared="und") == (True, None)
    assert assessable("sounds good to me", declared="en-GB") == (True, None)
    # A short post that agrees with its non-English tag is not assessed.
    ok, reason = assessable("Gracias amigo", declared="es")
    assert ok is False and "es" in reason


def test_supported_languages():
    assert "en" in SUPPORTED_LANGUAGES
