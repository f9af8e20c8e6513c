"""Word lists written for this project (models/lexicons/*.txt): swear words, slurs, insults, topics."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.errors import AuditorError

# Lexicon classes in feature order; each is a file models/lexicons/<name>.txt.
CLASSES = (
    "profanity_strong",
    "profanity_mild",
    "slurs",
    "insult_words",
    "identity_terms",
    "politics_terms",
    "second_person",
    "first_person",
)
_RUN3 = re.compile(r"([a-z])\1{2,}")
_RUN2 = re.compile(r"([a-z])\1+")
_GAP = re.compile(r"\[a-z\]\{(\d+),(\d+)\}")  # a masked run in a match_masked pattern


def read_words(path: Path) -> list[str]:
    """A word list: one lower-case entry per line, blank lines and # comments skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AuditorError(str(path), f"cannot read word list ({exc.strerror or exc})") from exc
    return [w.strip().lower() for w in lines if w.strip() and not w.startswith("#")]


class Lexicons:
    """Membership tests and canonical forms for the project's word lists."""

    def __init__(self, words: dict[str, list[str]]) -> None:
        self.words = {name: list(words.get(name, [])) for name in CLASSES}
        self.classes_of: dict[str, tuple[int, ...]] = {}
        for idx, name in enumerate(CLASSES):
            for word in self.words[name]:
                self.classes_of[word] = (*self.classes_of.get(word, ()), idx)
        self._profane = [
            w for name in ("profanity_strong", "slurs", "profanity_mild") for w in self.words[name]
        ]
        self._profane_set = set(self._profane)
        self._masked: dict[str, str | None] = {}
        self._canonical: dict[str, str | None] = {}

    @classmethod
    def from_folder(cls, folder: Path) -> Lexicons:
        """Read models/lexicons/<class>.txt (used by training; shipped models embed their copy)."""
        return cls({name: read_words(folder / f"{name}.txt") for name in CLASSES})

    def canonical(self, word: str) -> str | None:
        """The lexicon word for `word`, allowing stretched letters (fuuuck, asss); None if not listed."""
        if word in self.classes_of:
            return word
        if word in self._canonical:
            return self._canonical[word]
        hit = next(
            (f for f in (_RUN3.sub(r"\1\1", word), _RUN2.sub(r"\1", word)) if f in self.classes_of), None
        )
        if len(self._canonical) < 200_000:
            self._canonical[word] = hit
        return hit

    def is_profane(self, word: str) -> bool:
        return word in self._profane_set

    def match_masked(self, pattern: str) -> str | None:
        """First swear word or slur that a masked pattern such as 'f[a-z]{1,2}ck' spells out fully."""
        if pattern not in self._masked:
            # Only words with the pattern's leading letters and a length it allows can match: most patterns
            # ("presenti[a-z]{1,2}ihavethebestboyfriend") have none and need no regular expression at all.
            prefix = pattern.split("[", 1)[0]
            gaps = [(int(a), int(b)) for a, b in _GAP.findall(pattern)]
            fixed = len(_GAP.sub("", pattern))
            shortest, longest = fixed + sum(a for a, _ in gaps), fixed + sum(b for _, b in gaps)
            words = [w for w in self._profane if w.startswith(prefix) and shortest <= len(w) <= longest]
            rx = re.compile(pattern) if words else None
            self._masked[pattern] = next((w for w in words if rx and rx.fullmatch(w)), None)
        return self._masked[pattern]
