"""De-obfuscation: fold look-alike letters, leetspeak, masks, spaced and stretched letters to plain words.

`normalise(text, lex)` is the fast path used for scoring; `normalise_mapped(text, lex)` applies the very same
steps but also returns, for every output character, the span of the original text it came from, so evidence
can be highlighted in the post as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from auditor.classify.lexicon import Lexicons

Span = tuple[int, int]

# Combining marks (accents stripped after NFKD) and invisible characters used to split words.
_DROP = re.compile("[\u0300-\u036f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufe00-\ufe0f\ufeff]")
# Cyrillic and Greek letters that look like Latin ones, plus typographic quotes; applied after lower().
_LOOKALIKE = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ԁ": "d",
        "ɡ": "g",
        "ʋ": "v",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ү": "y",
        "һ": "h",
        "ԛ": "q",
        "ԝ": "w",
        "ℓ": "l",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
    }
)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_MENTION = re.compile(r"(?<![\w@])@(\w+)")
# Letters separated by single spaces/dots/dashes: "f u c k", "s.h.i.t".
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z][ .\-_*]){2,}[a-z](?![a-z0-9])")
# A word-like run mixing letters with digits or symbols used as letters or masks: sh1t, a$$, f*ck, b!tch.
_OBFUSCATED = re.compile(r"(?<![\w@$*#!])(?=[\w@$*#!|+]*[@$*#!0-9|+])(?=[\w@$*#!|+]*[a-z])[\w@$*#!|+]{3,}")
# A word with a letter repeated three times or more: fuuuck, shiiit, sooo.
_STRETCHED = re.compile(r"[a-z]*([a-z])\1{2,}[a-z]*")
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "i",
        "+": "t",
    }
)
_MASK = re.compile(r"[*#]+")
_RUNS = re.compile(r"([a-z])\1{2,}")


def _two(m: re.Match[str]) -> str:
    return m.group(1) * 2


def fold(text: str) -> str:
    """NFKD, strip accents and invisible characters, lower-case, map look-alike letters to Latin."""
    if text.isascii():
        return text.lower()
    text = _DROP.sub("", unicodedata.normalize("NFKD", text))
    return text.lower().translate(_LOOKALIKE)


def _mask_class(m: re.Match[str]) -> str:
    """A run of n mask characters stands for about n letters."""
    n = len(m.group())
    return f"[a-z]{{{max(1, n - 1)},{n + 1}}}"


def _decode_obfuscated(word: str, lex: Lexicons) -> str | None:
    """The lexicon word hidden behind leetspeak or masks, or None."""
    core = word.strip("!")
    if len(core) < 2:
        return None
    plain = core.translate(_LEET)
    hit = lex.canonical(plain)
    if hit:
        return hit
    if plain[0] not in "*#" and _MASK.search(plain) and re.search("[a-z]", plain):  # not #hashtags
        return lex.match_masked(_MASK.sub(_mask_class, plain))
    return None


def _steps(lex: Lexicons) -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    """The ordered substitutions shared by the fast and the mapped path."""

    def url(m: re.Match[str]) -> str:
        return " httpurl "

    def mention(m: re.Match[str]) -> str:
        hidden = lex.canonical(("a" + m.group(1)).translate(_LEET)) if len(m.group(1)) <= 8 else None
        return hidden if hidden and lex.is_profane(hidden) else " @user "

    def spaced(m: re.Match[str]) -> str:
        joined = re.sub(r"[^a-z]", "", m.group())
        hit = lex.canonical(joined)
        return hit if hit else m.group()

    decoded: dict[str, str] = {}  # "@user" (every mention) and other repeats decoded once

    def obfuscated(m: re.Match[str]) -> str:
        word = m.group()
        out = decoded.get(word)
        if out is None:
            out = _decode_obfuscated(word, lex) or word
            if len(decoded) < 200_000:
                decoded[word] = out
        return out

    def stretched(m: re.Match[str]) -> str:
        word = m.group()
        return lex.canonical(word) or _RUNS.sub(_two, word)

    return [
        (_URL, url),
        (_MENTION, mention),
        (_SPACED, spaced),
        (_OBFUSCATED, obfuscated),
        (_STRETCHED, stretched),
    ]


class Normaliser:
    """Applies the de-obfuscation steps; one instance per lexicon set."""

    def __init__(self, lex: Lexicons) -> None:
        self.lex = lex
        self.steps = _steps(lex)

    def normalise(self, text: str) -> str:
        """Folded, de-obfuscated, lower-case text (fast path)."""
        text = fold(text)
        for pattern, fn in self.steps:
            text = pattern.sub(fn, text)
        return text

    def normalise_mapped(self, text: str) -> tuple[str, list[Span]]:
        """Same as normalise(), plus the original span of every output character."""
        out: list[str] = []
        spans: list[Span] = []
        for i, ch in enumerate(text):
            f = fold(ch)
            out.append(f)
            spans.extend([(i, i + 1)] * len(f))
        current = "".join(out)
        for pattern, fn in self.steps:
            current, spans = _sub_mapped(pattern, fn, current, spans)
        return current, spans


def _sub_mapped(
    pattern: re.Pattern[str], fn: Callable[[re.Match[str]], str], text: str, spans: list[Span]
) -> tuple[str, list[Span]]:
    """re.sub that carries the original spans along; a replaced match maps to the whole matched span."""
    pieces: list[str] = []
    new_spans: list[Span] = []
    pos = 0
    for m in pattern.finditer(text):
        start, end = m.span()
        pieces.append(text[pos:start])
        new_spans.extend(spans[pos:start])
        repl = fn(m)
        pieces.append(repl)
        if repl == m.group():
            new_spans.extend(spans[start:end])
        elif end > start:
            whole = (spans[start][0], spans[end - 1][1])
            new_spans.extend([whole] * len(repl))
        pos = end
    pieces.append(text[pos:])
    new_spans.extend(spans[pos:])
    return "".join(pieces), new_spans
