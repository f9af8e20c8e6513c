"""Mild swearing aimed at no one ("d4mn, my build broke again"): listed, but never decides a tier alone.

A flagged post counts as mild, self-directed swearing when profanity is its only flag, the worst swear word in
it is graded mild by the profanity severity lexicon (models/lexicons/profanity_grades.csv, read through every
disguise the featuriser undoes: d4mn, cr@p, daaamn), and it addresses no one: no second-person word (you,
your, u, ur, ya) and no @mention.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_SECOND_PERSON = re.compile(r"(?<!\w)(you|your|yours|youre|you're|u|ur|ya|y'all|yall)(?!\w)", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w")


def mild_self_directed(text: str, flags: list[str], grades: Mapping[str, str]) -> bool:
    """Profanity is the only flag, its worst word is mild, and the post addresses no one."""
    if flags != ["profanity"] or grades.get("profanity") != "mild":
        return False
    return not (_SECOND_PERSON.search(text) or _MENTION.search(text))
