"""Language identification per post, so posts in languages without a model are "not assessed", never "clean".

Uses py3langid (BSD-3-Clause; its character n-gram model ships inside the wheel, nothing is downloaded),
restricted to common languages so short posts are not guessed as rare ones.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SUPPORTED_LANGUAGES = frozenset({"en"})
# Platform codes that mean "unknown", not a language (Twitter und/qme/zxx/qht/qam/qct/qst, Mastodon none).
_UNKNOWN_CODES = frozenset({"und", "qme", "zxx", "qht", "qam", "qct", "qst", "qmt", "art", "mis", "mul", ""})
_CANDIDATES = [
    "en",
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "sv",
    "da",
    "no",
    "fi",
    "pl",
    "cs",
    "sk",
    "sl",
    "hr",
    "sr",
    "ro",
    "hu",
    "el",
    "tr",
    "ru",
    "uk",
    "bg",
    "ar",
    "he",
    "fa",
    "hi",
    "bn",
    "ur",
    "id",
    "ms",
    "tl",
    "vi",
    "th",
    "zh",
    "ja",
    "ko",
    "ca",
    "eu",
    "gl",
    "cy",
    "ga",
    "et",
    "lv",
    "lt",
    "af",
    "sw",
]
# Links, @mentions, hashtags' '#', numbers and anything that is not a letter say nothing about the language.
_NOISE = re.compile(r"(?:https?://|www\.)\S+|[@＠]\w+|&\w+;|[\d_]+")
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_MIN_LETTERS = 12  # below this, a guess is noise
_MIN_CONFIDENCE = 0.85
_LONG = 25  # letters; longer texts may be trusted at a lower confidence
_MIN_CONFIDENCE_LONG = 0.5


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(_CANDIDATES)
    return ident


def _letters(text: str) -> str:
    return _NOISE.sub(" ", text or "")


def _guess(body: str) -> tuple[str, float, float]:
    """Top language, its probability, and the probability of English."""
    ranked = _identifier().rank(body)
    top, conf = ranked[0]
    en = next((p for lang, p in ranked[:5] if lang == "en"), 0.0)
    return str(top), float(conf), float(en)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code, or None when the text is too short or undetermined (links, mentions, emoji only)."""
    body = _letters(text)
    n = len(_LETTERS.findall(body))
    if n < _MIN_LETTERS:
        return None
    lang, conf, en = _guess(body)
    if conf >= _MIN_CONFIDENCE or (n >= _LONG and conf >= _MIN_CONFIDENCE_LONG and en < 0.2):
        return lang
    return None


def _english_looking(body: str) -> bool:
    """Short text in plain Latin letters (no accents beyond ASCII) is taken as English."""
    letters = _LETTERS.findall(body)
    return bool(letters) and all(c.isascii() for c in letters)


def assessable(text: str, declared: str | None = None) -> tuple[bool, str | None]:
    """(True, None) if the models can score the text, else (False, reason).

    The platform's declared language is only a hint: Twitter tags short replies wrongly, and pseudo codes
    (und, qme, zxx, ...) mean unknown.
    """
    body = _letters(text)
    if not _LETTERS.search(body):
        return False, "no text to assess"
    hint = (declared or "").strip().lower().split("-")[0].split("_")[0]
    if hint in _UNKNOWN_CODES:
        hint = ""
    lang = detect_language(text)
    if lang is None:
        # Too short to tell: a non-English tag counts only if the text agrees with it a little.
        if hint and hint not in SUPPORTED_LANGUAGES:
            guess, conf, _ = _guess(body)
            if guess == hint and conf >= 0.3:
                return False, f"language '{hint}' not covered"
        # Otherwise trust plain-ASCII text or an English platform tag.
        if _english_looking(body) or hint in SUPPORTED_LANGUAGES:
            return True, None
        if hint:
            return False, f"language '{hint}' not covered"
        return False, "language not determined"
    if lang in SUPPORTED_LANGUAGES:
        return True, None
    if hint in SUPPORTED_LANGUAGES and len(_LETTERS.findall(body)) < 40 and _english_looking(body):
        return True, None  # a short English-tagged ASCII post guessed as something else: trust the tag
    return False, f"language '{lang}' not covered"
