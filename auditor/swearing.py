"""Mild swearing aimed at no one ("sh1t, my build broke again"): listed, but never decides a tier alone.

A flagged post counts as mild, self-directed swearing when profanity is its only flag, every piece of
profanity evidence is a mild word below (after undoing common disguises: sh1t, s**t, shiiit), and it
addresses no one: no second-person word (you, your, u, ur, ya) and no @mention.
"""

from __future__ import annotations

import re

#: Mild swear words, as stems: a word matches when it starts with one (shit → shitty, shitshow).
MILD_STEMS: tuple[str, ...] = (
    "shit", "sht", "damn", "dammit", "darn", "hell", "crap", "bloody", "bugger", "arse", "ass", "piss",
    "frick", "freak", "heck", "sod", "bollock", "effing", "omfg", "wtf", "ffs",
)
_SECOND_PERSON = re.compile(r"(?<!\w)(you|your|yours|youre|you're|u|ur|ya|y'all|yall)(?!\w)", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w")
_LEET = str.maketrans({"1": "i", "!": "i", "0": "o", "3": "e", "4": "a", "@": "a", "$": "s", "*": ""})


def _plain(word: str) -> str:
    word = word.lower().translate(_LEET)
    word = re.sub(r"[^a-z]", "", word)
    return re.sub(r"(.)\1{2,}", r"\1", word)  # shiiiit → shit


def is_mild_word(phrase: str) -> bool:
    """True when every word of an evidence phrase is mild swearing (or a filler word around it)."""
    words = [_plain(w) for w in phrase.split()]
    words = [w for w in words if w]
    return bool(words) and any(w.startswith(MILD_STEMS) for w in words) and all(
        w.startswith(MILD_STEMS) or len(w) <= 3 for w in words)


def mild_self_directed(text: str, flags: list[str], evidence: dict[str, list[str]]) -> bool:
    """Profanity is the only flag, its evidence is mild, and the post addresses no one."""
    if flags != ["profanity"]:
        return False
    phrases = evidence.get("profanity") or []
    if not phrases or not all(is_mild_word(p) for p in phrases):
        return False
    return not (_SECOND_PERSON.search(text) or _MENTION.search(text))
