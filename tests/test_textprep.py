"""Text as a reader sees it: bidi tricks undone, look-alikes folded, spelled letters joined, emoji read."""

import pytest

from auditor.textprep import EMOJI_WORDS, prepare, prepare_all, source_phrase, source_phrases


def test_plain_ascii_is_returned_unchanged():
    text = "Just a normal post about the in-laws visiting, nothing to see here."
    assert prepare(text) is text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what the \u202ekcuf\u202c is this", "what the fuck is this"),
        ("\u202ekcuf", "fuck"),  # an unpaired override runs to the end of the line
        ("a \u202etihs\nsecond line", "a shit\nsecond line"),
        ("\u2067isolated\u2069 and \u200emarked\u200f", "isolated and marked"),
        ("\u202bembedded\u202c \u202altr\u202c \u061carabic mark", "embedded ltr arabic mark"),
    ],
)
def test_bidi_controls_removed_and_overrides_read_as_displayed(text, expected):
    assert prepare(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is a grεat day", "This is a great day"),  # Greek epsilon inside a Latin word
        ("Thаnks everyone", "Thanks everyone"),  # Cyrillic a
        ("ЅHIT happens", "SHIT happens"),  # Cyrillic capital dze
        ("Ｆｕｃｋ this", "Fuck this"),  # fullwidth
        ("𝐟𝐮𝐜𝐤 𝓉𝒽𝒾𝓈", "fuck this"),  # mathematical bold and script
        ("fu\u200bck th\u200dis sh\u00adit", "fuck this shit"),  # zero-width characters and soft hyphen
    ],
)
def test_look_alike_letters_are_folded(text, expected):
    assert prepare(text) == expected


def test_real_greek_and_cyrillic_words_are_kept():
    assert prepare("Καλημέρα σε όλους") == "Καλημέρα σε όλους"
    assert prepare("Привет всем, как дела?") == "Привет всем, как дела?"
    # a Cyrillic word made only of look-alike letters is kept in Cyrillic text...
    assert prepare("Он сказал: сор") == "Он сказал: сор"
    # ...and folded in Latin text, where it is a disguised English word
    assert prepare("what a рор star") == "what a pop star"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s h i t happens", "shit happens"),
        ("what the f.u.c.k", "what the fuck"),
        ("f u c k i n g hell", "fucking hell"),
        ("you b-i-t-c-h", "you bitch"),
        ("s*h*i*t", "shit"),
        ("ｓ ｈ ｉ ｔ", "shit"),  # fullwidth letters spelled out
    ],
)
def test_spelled_out_letters_are_joined(text, expected):
    assert prepare(text) == expected


@pytest.mark.parametrize(
    "text",
    ["in-laws are visiting", "e.g. the U.S. team", "plan B or C", "a b", "x-ray and T-shirt", "well-known"],
)
def test_hyphenated_words_and_short_runs_are_kept(text):
    assert prepare(text) == text


def test_mixed_separators_are_not_joined():
    assert prepare("a.b c") == "a.b c"


@pytest.mark.parametrize(
    ("text", "word"),
    [("you 🖕", "middle finger"), ("🖕🏿", "middle finger"), ("this is 💩", "shit"), ("sure 🙄", "eye roll"),
     ("🤡 take", "clown"), ("🔪 see you soon", "knife")],
)
def test_emoji_that_carry_meaning_become_words(text, word):
    assert word in prepare(text)
    assert prepare(text).split()  # words the model can read, separated from their neighbours


def test_skin_tone_alone_carries_nothing():
    assert prepare("👍🏽") == "👍"
    assert prepare("🏿") == ""
    assert all(EMOJI_WORDS[e].isascii() for e in EMOJI_WORDS)


def test_emoji_without_table_entry_are_kept():
    assert prepare("great game 😂🔥") == "great game 😂🔥"


def test_batch_matches_single_and_handles_empty():
    texts = ["s h i t", None, "", "grεat", "plain"]
    assert prepare_all(texts) == ["shit", "", "", "great", "plain"]
    assert prepare("") == ""


def test_prepare_is_idempotent():
    for text in ["what the \u202ekcuf\u202c", "f u c k", "🖕🏿", "grεat", "ＦＵＣＫ"]:
        once = prepare(text)
        assert prepare(once) == once


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("fuck", "what the f u c k is this", "f u c k"),
        ("fuck", "𝗳𝘂𝗰𝗸 this", "𝗳𝘂𝗰𝗸"),
        ("fuck", "what the \u202ekcuf\u202c is this", "\u202ekcuf\u202c"),
        ("middle finger", "you 🖕🏿 all", "🖕🏿"),
        ("shit", "this shit", "shit"),  # verbatim: unchanged
        ("absent", "nothing here", "absent"),  # not found: the phrase itself
    ],
)
def test_source_phrase_finds_the_words_as_written(phrase, text, expected):
    assert source_phrase(phrase, text) == expected


def test_source_phrases_drop_repeats():
    assert source_phrases(["middle finger", "middle", "you"], "you 🖕") == ["🖕", "you"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what a f u c k i n g mess", "what a fucking mess"),
        ("I s u c k", "I suck"),
        ("you a s s h o l e", "you asshole"),
        ("such an i d i o t", "such an idiot"),
        ("a s s", "ass"),
    ],
)
def test_article_or_pronoun_before_spelled_letters(text, expected):
    assert prepare(text) == expected


def test_cheap_hint_never_misses_spelled_letters():
    """The quick check before joining must hold wherever a spelled-out run is found."""
    import random

    from auditor import textprep

    rng = random.Random(5)
    alphabet = "ab I.-*_ xé1,!"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        if textprep._SPELLED.search(text):
            assert textprep._SPELLED_HINT.search(text), text


def test_source_phrase_search_is_bounded_on_huge_posts():
    text = "word " * 200_000 + "s h i t"
    assert source_phrase("shit", text) in ("s h i t", "shit")
    assert source_phrase("absent", text) == "absent"
