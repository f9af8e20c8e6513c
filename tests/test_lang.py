"""Language identification: English is assessed, other languages (named) are not, empty posts say so."""

import pytest

import auditor.lang as lang
from auditor.lang import SUPPORTED_LANGUAGES, assess_languages, assessable, detect_language, language_name


def test_english_sentence_detected_and_assessable():
    text = "Just finished the quarterly report and the numbers look better than expected."
    assert detect_language(text) == "en"
    assert assessable(text) == (True, None)


@pytest.mark.parametrize("text", ["lol same", "ok thanks!", "great game tonight", "RT @someone: so true"])
def test_short_english_looking_text_is_assessable(text):
    assert assessable(text) == (True, None)


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        ("Ich habe heute keine Zeit, wir sehen uns morgen im Büro.", "de", "German"),
        ("Mañana vamos a la playa con toda la familia, qué ganas tengo.", "es", "Spanish"),
        ("Je ne comprends pas pourquoi le train est encore en retard ce matin.", "fr", "French"),
        ("Hujan terus dari tadi pagi, nggak bisa keluar rumah.", "id", "Indonesian"),
        ("今日はとても疲れました。明日は雨が降るそうです。", "ja", "Japanese"),
    ],
)
def test_other_languages_not_assessed_and_named(text, code, name):
    assert detect_language(text) == code
    assert assessable(text) == (False, f"{name}: language not covered")


@pytest.mark.parametrize(
    "text", ["", "   ", "https://example.com/some/page", "@alice @bob", "😂😂🔥", "#️⃣ 123", "👍🏽"]
)
def test_nothing_to_assess(text):
    assert detect_language(text) is None
    assert assessable(text) == (False, "no text to assess")


@pytest.mark.parametrize(
    "text",
    [
        "yaar aaj office mein bahut kaam hai",
        "bhai ye movie dekhi kya? ekdum bakwas thi",
        "mujhe nahi pata tum kya bol rahe ho",
        "I am so tired yaar, aaj kuch nahi karna",
    ],
)
def test_romanized_hindi_is_named_and_not_assessed(text):
    assert assessable(text) == (False, "Hindi/Urdu (romanized): language not covered")
    # ...even when a platform tagged it English: English models must not score it
    assert assessable(text, declared="en")[0] is False


def test_english_with_a_hindi_word_stays_english():
    assert assessable("My bhai and I watched the match last night, what a game that was") == (True, None)


@pytest.mark.parametrize(
    "text",
    [
        "This is a grεat day for the whole team and I am proud of it",  # one Greek epsilon
        "Thаnks everyone for coming to the event tonight",  # Cyrillic a
        "Ｔｈｉｓ ｉｓ ｔｈｅ ｂｅｓｔ ｎｅｗｓ ｏｆ ｔｈｅ ｙｅａｒ",  # fullwidth
        "𝐓𝐡𝐢𝐬 𝐢𝐬 𝐭𝐡𝐞 𝐛𝐞𝐬𝐭 𝐧𝐞𝐰𝐬 𝐨𝐟 𝐭𝐡𝐞 𝐲𝐞𝐚𝐫",  # mathematical bold
    ],
)
def test_look_alike_letters_are_still_english(text):
    assert assessable(text) == (True, None)


def test_plainly_english_skips_the_identifier(monkeypatch):
    def no_identifier(body):
        raise AssertionError("the identifier ran on plainly English text")

    monkeypatch.setattr(lang, "_identify", no_identifier)
    verdicts = assess_languages(["I think it's time to update my resume, what do you think?",
                                 "We are so proud of the team and what they built this year"])
    assert verdicts == [(True, None), (True, None)]


@pytest.mark.parametrize(
    "text",
    [
        "Estoy muy cansado de trabajar todos los dias sin parar",  # no English function words
        "Die Kinder spielen im Garten und der Hund schläft",  # German "die", "in", "und" are not English cues
        "Aku lagi males banget kerja hari ini, mau tidur aja",
    ],
)
def test_fast_path_does_not_take_other_languages(text):
    assert lang._plainly_english(lang._ASCII_WORDS.findall(text.lower())) is False


def test_declared_language_is_honoured():
    # A declared non-English language is not assessed, without identification...
    assert assessable("Bonjour à tous", declared="fr") == (False, "French: language not covered")
    assert assessable("Gracias amigo", declared="es") == (False, "Spanish: language not covered")
    assert assessable("Hallo zusammen", declared="de-AT") == (False, "German: language not covered")
    # ...unless the text is plainly English (platforms mis-tag replies, Mastodon tags the account's default).
    assert assessable("yes I know, see you at the office when you are back", declared="tl") == (True, None)
    # A declared English is assessed; pseudo codes mean unknown and fall back to identification.
    assert assessable("sounds good to me", declared="en-GB") == (True, None)
    assert assessable("C'est la vie mon ami", declared="en") == (True, None)
    assert assessable("see you at the meeting", declared="und") == (True, None)
    assert assessable("see you at the meeting", declared=5) == (True, None)  # not a string: ignored


def test_batch_agrees_with_single_texts():
    texts = ["lol same", "Je ne comprends pas pourquoi le train est encore en retard ce matin.",
             "yaar aaj office mein bahut kaam hai", "", "Hallo zusammen", "lol same", "This is a grεat day"]
    langs = [None, None, None, None, "de", "fr", None]
    assert assess_languages(texts, langs) == [assessable(t, d) for t, d in zip(texts, langs, strict=True)]
    assert assess_languages(texts) == [assessable(t) for t in texts]
    with pytest.raises(ValueError):
        assess_languages(texts, langs[:2])


def test_language_names():
    assert language_name("fr") == "French"
    assert language_name("ja") == "Japanese"
    assert language_name("zz") == "language 'zz'"


def test_lone_surrogates_do_not_break_identification():
    text = "Je ne comprends pas pourquoi le train est \ud800 encore en retard ce matin."
    assert assessable(text)[0] is False


def test_supported_languages():
    assert "en" in SUPPORTED_LANGUAGES


@pytest.mark.parametrize(
    "text",
    [
        "Lol. Nice crutch hoe.",  # CLD2 alone says Manx
        "Fine I'll settle for an Oreo milkshake",  # ...and Scots
        "Fuck her pussy fuck her mouth fuck her ass cause she nasty",  # slang and swearing are English cues
        "&#8220;@someone: Ain't that a bitch&#8221; &#128514;",  # HTML entities are not words
        "That bitch a tha tha",  # "tha" alone is not Hindi
    ],
)
def test_slangy_english_is_not_taken_for_another_language(text):
    assert assessable(text) == (True, None)


def test_declared_english_is_not_believed_on_a_long_text_in_another_language():
    german = "Ich habe heute leider keine Zeit, wir sehen uns dann morgen früh im Büro am Marktplatz."
    assert assessable(german, declared="en") == (False, "German: language not covered")
    assert assessable("Hallo zusammen", declared="en") == (True, None)  # short: the tag is believed
