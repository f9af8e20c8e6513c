"""Text as a reader sees it, before language identification and classification.

`prepare(text)` undoes the tricks that hide a word from a model while a person still reads it:

- bidi controls are removed, and a run typed backwards between RIGHT-TO-LEFT OVERRIDE (U+202E) and POP
  DIRECTIONAL FORMATTING (U+202C) — or the end of the line — is reversed, so it reads as displayed;
- zero-width characters are removed; NFKC folds fullwidth forms and mathematical alphanumerics to plain
  letters; Cyrillic and Greek look-alike letters inside otherwise Latin words are folded to Latin;
- letters spelled out one at a time ("s h i t", "f.u.c.k", "f u c k i n g") are joined when there are at
  least three of them;
- the few emoji that carry profanity, insult, threat or snark are written as words (`EMOJI_WORDS`), and
  skin-tone modifiers are dropped, so a skin tone alone never carries weight.

Hyphenated words are left as they are (the featuriser tokenises them). Plain ASCII text without spelled-out
letters is returned unchanged after one `isascii()` and one regex search, so the cost on most posts is small.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
# Bidi embeddings/overrides/isolates/marks, zero-width characters, soft hyphen, variation selectors and
# skin-tone modifiers: dropped.
_INVISIBLE = (
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufe0e\ufe0f\ufeff\U0001f3fb-\U0001f3ff"
)
# An override run ends at PDF, at the end of its line, or at a paragraph separator.
_OVERRIDE_RUN = re.compile("\u202e([^\u202c\n\u2029]*)\u202c?")

# Emoji whose meaning matters for profanity, insult, threat, hate or snark, and the words a model reads.
EMOJI_WORDS = {
    "\U0001f595": "middle finger fuck you",  # 🖕 read as what the gesture says
    "\U0001f92c": "swearing",  # 🤬 face with symbols on mouth
    "\U0001f4a9": "shit",  # 💩
    "\U0001f921": "clown",  # 🤡
    "\U0001f644": "eye roll",  # 🙄
    "\U0001f612": "unamused",  # 😒
    "\U0001f92e": "vomit",  # 🤮
    "\U0001f52a": "knife",  # 🔪
    "\U0001f52b": "gun",  # 🔫
    "\U0001f4a3": "bomb",  # 💣
    "\u2620": "skull and crossbones",  # ☠
    "\U0001f412": "monkey",  # 🐒
    "\U0001f435": "monkey",  # 🐵
    "\U0001f98d": "gorilla",  # 🦍
    "\U0001f400": "rat",  # 🐀
    "\U0001f40d": "snake",  # 🐍
}
# Invisible characters dropped and meaningful emoji (single code points) replaced in one pass.
_SWAP = re.compile(f"[{_INVISIBLE}{''.join(EMOJI_WORDS)}]")
_SWAPPED = {e: f" {w} " for e, w in EMOJI_WORDS.items()}

# Cyrillic and Greek capitals and small letters that look like Latin ones.
_LOOKALIKE_FROM = "АВЕКМНОРСТУХЅІЈаеорсухѕіјԁһԛԝүΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεικνορτυχ"
_LOOKALIKE_TO = "ABEKMHOPCTYXSIJaeopcyxsijdhqwyABEZHIKMNOPTYXabeikvoptux"
_LOOKALIKE = str.maketrans(_LOOKALIKE_FROM, _LOOKALIKE_TO)
_LOOKALIKE_CHAR = re.compile(f"[{_LOOKALIKE_FROM}]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_LATIN_WORD = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")
_WORD = re.compile(r"[^\W\d_]+")

# Three or more single letters, each followed by the same separator: "s h i t", "f.u.c.k", "b-i-t-c-h".
_SPELLED = re.compile(
    r"(?<![^\W_])(?:[^\W\d_](?P<sep>[ .*_\-]))(?:[^\W\d_](?P=sep)){1,}[^\W\d_](?![^\W_])"
)
# Cheap necessary condition (a run's second and third letters, each after a separator), tried first.
_SPELLED_HINT = re.compile(r"[ .*_\-][^\W\d_][ .*_\-][^\W\d_](?![^\W\d_])")
_SEPARATORS = re.compile(r"[ .*_\-]")
_SPELLED_FROM_A_OR_I = ("ass", "arse", "anal", "idiot", "imbecile")


def _reverse_overrides(text: str) -> str:
    return _OVERRIDE_RUN.sub(lambda m: m.group(1)[::-1], text)


def _fold_word(match: re.Match[str], latin_text: bool) -> str:
    """A word mixing Latin with look-alikes is folded; a word of look-alikes only when the text is Latin."""
    word = match.group(0)
    if not _LOOKALIKE_CHAR.search(word):
        return word
    folded = word.translate(_LOOKALIKE)
    if _LATIN_WORD.fullmatch(folded) and (latin_text or _LATIN_LETTER.search(word)):
        return folded
    return word


def _fold_lookalikes(text: str) -> str:
    if not _LOOKALIKE_CHAR.search(text):
        return text
    letters = sum(map(len, _WORD.findall(text)))
    latin = len(_LATIN_LETTER.findall(text))
    shapes = len(_LOOKALIKE_CHAR.findall(text))
    latin_text = latin > letters - latin - shapes  # more Latin letters than letters of other scripts
    return _WORD.sub(lambda m: _fold_word(m, latin_text), text)


def _joined(match: re.Match[str]) -> str:
    """The letters joined; a leading "a" or "I" between spaces stays a word ("a f u c k i n g mess" → "a
    fucking mess") unless the whole reads as a word spelled from it ("a s s", "i d i o t")."""
    word = _SEPARATORS.sub("", match.group(0))
    if match.group("sep") == " " and len(word) > 3 and word[0] in "aAiI" and not word.lower().startswith(
        _SPELLED_FROM_A_OR_I
    ):
        return f"{word[0]} {word[1:]}"
    return word


def _join_spelled(text: str) -> str:
    return _SPELLED.sub(_joined, text)


def _swapped(match: re.Match[str]) -> str:
    return _SWAPPED.get(match.group(0), "")


def _unicode_path(text: str) -> str:
    if _RLO in text:
        text = _reverse_overrides(text)
    text = _SWAP.sub(_swapped, text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _fold_lookalikes(text)


def prepare(text: str) -> str:
    """The text as displayed and as a reader understands it (see the module docstring)."""
    if not text:
        return ""
    if not text.isascii():
        text = _unicode_path(text)
    return _join_spelled(text) if _SPELLED_HINT.search(text) else text


def prepare_all(texts: Iterable[str]) -> list[str]:
    """`prepare` over a batch (None and empty texts become "")."""
    return [prepare(t) if t else "" for t in texts]


_TOKEN = re.compile(r"\S+")
_MAX_TOKENS = 16  # "f u c k i n g" spelled out is 7 tokens; a phrase of two such words stays within this
_MAX_TRIES = 5_000  # runs tried per phrase: a post of a few hundred words is searched whole


def source_phrase(phrase: str, text: str) -> str:
    """The shortest run of whole tokens of `text` whose prepared form holds `phrase` (found in the prepared
    text), so evidence can be shown and highlighted as the post was written: "fuck" → "f u c k" or "𝗳𝘂𝗰𝗸".
    The phrase itself when it occurs verbatim or no run holds it."""
    if not phrase or phrase in text:
        return phrase
    spans = [m.span() for m in _TOKEN.finditer(text)]
    tries = 0
    for size in range(1, min(_MAX_TOKENS, len(spans)) + 1):
        for i in range(len(spans) - size + 1):
            piece = text[spans[i][0]:spans[i + size - 1][1]]
            if phrase in prepare(piece):
                return piece
            tries += 1
            if tries >= _MAX_TRIES:  # a huge post: show the phrase as read rather than search on
                return phrase
    return phrase


def source_phrases(phrases: Iterable[str], text: str) -> list[str]:
    """`source_phrase` for each phrase, without repeats."""
    return list(dict.fromkeys(source_phrase(p, text) for p in phrases))
