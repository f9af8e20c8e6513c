"""De-obfuscation: fold look-alike letters, leetspeak, masks, spaced and stretched letters to plain words.

`normalise(text, lex)` is the fast path used for scoring; `normalise_mapped(text, lex)` applies the very same
steps but also returns, for every output character, the span of the original text it came from, so evidence
can be highlighted in the post as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np

from auditor.classify.chunkstats import Joined, any_of
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
        "ƒ": "f",
        "ı": "i",
        "ȷ": "j",
        "ɑ": "a",
        # small capitals, a "font" trick that NFKD leaves alone
        **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz", strict=True)),
        # negative circled and negative squared capitals (🅕🅤🅒🅚, 🅵🆄🅲🅺), which NFKD leaves alone too
        **{chr(base + k): chr(97 + k) for base in (0x1F150, 0x1F170) for k in range(26)},
    }
)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_LONG_MENTION = re.compile(r"(?<![\w@])@\w{9,}")  # too long to hide a swear word ("@ss" does)
_MENTION = re.compile(r"(?<![\w@])@(?!user(?!\w))(\w{1,8})(?!\w)")  # "@user" is already a mention token
# Letters separated by single spaces/dots/dashes: "f u c k", "s.h.i.t".
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z][ .\-_*]){2,}[a-z](?![a-z0-9])")
# A word-like run mixing letters with digits or symbols used as letters or masks: sh1t, a$$, f*ck, b!tch.
_OBFUSCATED = re.compile(
    r"(?<![\w@$*#!])(?![#*])(?!@user(?![\w@$*#!|+]))(?=[\w@$*#!|+]*[@$*#!0-9|+])(?=[\w@$*#!|+]*[a-z])"
    r"[\w@$*#!|+]{3,}"
)
# A word with a letter repeated three times or more: fuuuck, shiiit, sooo.
_STRETCHED = re.compile(r"(?<![a-z])[a-z]*([a-z])\1{2,}[a-z]*")  # tried at word starts only
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
_LETTER = re.compile("[a-z]")
_MARKED = re.compile(r"[@$*#!0-9|+]")
_RUNS = re.compile(r"([a-z])\1{2,}")
# A hyphenated word ("in-laws", "mother-in-law", "by-election") is one token: its parts are joined by "_",
# which the tokeniser keeps inside a word, unless a part is a swear word, slur or insult ("f*cking-idiot").
_COMPOUND = re.compile(r"(?<![a-z0-9_'])[a-z0-9]+(?:-[a-z0-9]+)+(?![a-z0-9_'])")
_KEEP_SPLIT = ("profanity_strong", "profanity_mild", "slurs", "insult_words")


def lines_for_steps(j: Joined) -> list[np.ndarray]:
    """For each normalising step, the indices of the chunks it could change, found with numpy on the code
    points of the folded chunks (supersets; see test_batch_normalising_equals_one_chunk_at_a_time). Chunks
    left with non-ASCII characters go to the obfuscation step, whose word characters (\\w) include them."""
    raw = j.cp
    n = len(raw)
    if not n:
        return [np.zeros(0, dtype=np.int64)] * len(STEP_NAMES)
    lc = raw | 32  # ASCII letters lower-cased (other ASCII never becomes a letter this way)
    letter = (lc >= 97) & (lc <= 122) & (raw < 128)
    digit = (raw >= 48) & (raw <= 57)
    at = raw == 64
    nxt = np.append(raw[1:], 10)  # the character after each one (a newline after the last)
    wordish = letter | digit | (raw > 127) | any_of(raw, "_@$*#|+")
    obfuscated = _obfuscation_candidates(raw, letter, digit, wordish)
    triple = np.zeros(n, dtype=bool)
    triple[:-2] = letter[:-2] & (lc[:-2] == lc[1:-1]) & (lc[1:-1] == lc[2:])
    url = ((raw == 58) & (nxt == 47)) | (triple & (lc == 119))  # "://" or "www"
    spaced = np.zeros(n, dtype=bool)
    if n >= 5:
        sep = any_of(raw, " .-_*")
        spaced[:-4] = letter[:-4] & sep[1:-3] & letter[2:-2] & sep[3:-1] & letter[4:]

    def lines(mask: np.ndarray) -> np.ndarray:
        return np.unique(j.line[mask])

    mentions = lines(at)
    # A replaced mention can free a decodable word glued to it (".@_i$t*" becomes ". @user $t*"): the
    # mention name ends at a non-word character, so only a mark or another "@" can be glued to it.
    n_at = j.per_chunk(at)
    glued = np.flatnonzero((n_at > 1) | ((n_at > 0) & (j.per_chunk(any_of(raw, "$*#|+!")) > 0)))
    found = {
        "url": lines(url),
        "long_mention": mentions,
        "mention": mentions,
        "spaced": lines(spaced),
        # spaced letters too ("a_s_s*" becomes "ass*")
        "obfuscated": np.union1d(lines(obfuscated | spaced | (raw > 127)), glued),
        "stretched": lines(triple),
        "compound": lines(raw == 45),
    }
    return [found[name] for name in STEP_NAMES]


def _obfuscation_candidates(
    raw: np.ndarray, letter: np.ndarray, digit: np.ndarray, wordish: np.ndarray
) -> np.ndarray:
    """Characters of the words the obfuscation step could decode: a run of word characters (as _OBFUSCATED
    sees them) made only of letters, leetspeak digits, @ $ ! | + and masks, with a letter and a mark that is
    not a leading or trailing "!" ("sh1t", "a$$", "f**k", "b!tch"; not "covid19", "h2o", "wow!!"). An "@"
    after $ * # ! | + also counts: replacing the mention there could leave such a word."""
    n = len(raw)
    bang = raw == 33
    wordish = wordish | bang  # _OBFUSCATED's word characters include "!"
    run_start = wordish & ~np.append(False, wordish[:-1])
    run = np.cumsum(run_start) - 1  # run index of each character (meaningful where wordish)
    n_runs = int(run[-1]) + 1 if n else 0
    if not n_runs:
        return np.zeros(n, dtype=bool)
    leet = any_of(raw, "013457@$!|+*#")
    allowed = letter | leet
    marked = (leet & ~bang) | _inner_bangs(bang, wordish & ~bang)
    # a word starting with # or * is never decoded (#hashtags, *emphasis*); "@name" was a mention
    word_char = letter | digit | (raw == 95)
    marked &= ~(run_start & (any_of(raw, "#*") | ((raw == 64) & np.append(word_char[1:], False))))

    def per_run(mask: np.ndarray) -> np.ndarray:
        return np.bincount(run[mask & wordish], minlength=n_runs) > 0

    good = ~per_run(wordish & ~allowed) & per_run(marked) & per_run(letter)
    out = wordish & good[np.maximum(run, 0)]
    out[1:] |= (raw[1:] == 64) & any_of(raw[:-1], "$*#!|+")
    # a match may also start inside a run, right after "|" or "+" ("#rop4_a+da*" holds "da*")
    out[1:] |= wordish[1:] & any_of(raw[:-1], "|+")
    return out


def _inner_bangs(bang: np.ndarray, word: np.ndarray) -> np.ndarray:
    """Where the "!" are that sit in a run of "!" with a word character (not "!") on both sides."""
    out = np.zeros(len(bang), dtype=bool)
    at = np.flatnonzero(bang)
    if len(at):
        first = np.flatnonzero(np.diff(at, prepend=-2) > 1)  # where each run of "!" starts in at
        size = np.diff(np.append(first, len(at)))
        before, after = at[first] - 1, at[first] + size  # the characters around each run
        inner = (before >= 0) & word[np.maximum(before, 0)] & (after < len(bang))
        inner &= word[np.minimum(after, len(bang) - 1)]
        out[at] = np.repeat(inner, size)
    return out


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
    if len(core) < 2 or not _MARKED.search(core):  # "fuck!" is a word and an exclamation mark, as written
        return None
    plain = core.translate(_LEET)
    if plain.isalpha():  # lexicon words are letters: "matthews2", "10am" cannot be one
        return lex.canonical(plain)
    if plain[0] not in "*#" and _MASK.search(plain) and _LETTER.search(plain):  # not #hashtags
        return lex.match_masked(_MASK.sub(_mask_class, plain))
    return None  # digits that are not leetspeak ("covid19", "2a") stay as written


Step = tuple[re.Pattern[str], "str | Callable[[re.Match[str]], str]"]
# in the order applied
STEP_NAMES = ("url", "long_mention", "mention", "spaced", "obfuscated", "stretched", "compound")


def _steps(lex: Lexicons) -> list[Step]:
    """The ordered substitutions shared by the fast and the mapped path (a plain string where the
    replacement never depends on the match)."""
    mentions: dict[str, str] = {}

    def mention(m: re.Match[str]) -> str:
        name = m.group(1)
        out = mentions.get(name)
        if out is None:
            hidden = lex.canonical(("a" + name).translate(_LEET))
            out = hidden if hidden and lex.is_profane(hidden) else " @user "
            if len(mentions) < 200_000:
                mentions[name] = out
        return out

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

    split_words = {w for name in _KEEP_SPLIT for w in lex.words[name]}

    def compound(m: re.Match[str]) -> str:
        parts = m.group().split("-")
        return m.group() if any(lex.canonical(p) in split_words for p in parts) else "_".join(parts)

    steps = {
        "compound": (_COMPOUND, compound),
        "url": (_URL, " httpurl "),
        "long_mention": (_LONG_MENTION, " @user "),
        "mention": (_MENTION, mention),
        "spaced": (_SPACED, spaced),
        "obfuscated": (_OBFUSCATED, obfuscated),
        "stretched": (_STRETCHED, stretched),
    }
    return [steps[name] for name in STEP_NAMES]


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

    def normalise_many(self, chunks: list[str], joined: Joined | None = None) -> str:
        """normalise() of many whitespace-free chunks, joined by newlines; equal to normalising each chunk,
        but each step's regular expression runs once, over only the chunks it could change."""
        j = joined if joined is not None else Joined.of(chunks)
        lines = j.text.lower().split("\n")
        odd = np.flatnonzero(np.bincount(j.line[j.cp > 127], minlength=len(chunks))).tolist()
        for i in odd:
            lines[i] = fold(chunks[i])
        per_step = lines_for_steps(Joined.of(lines) if odd else j)  # on the text the steps see
        for (pattern, fn), todo in zip(self.steps, per_step, strict=True):  # no step crosses a newline
            if len(todo):
                idx = todo.tolist()
                changed = pattern.sub(fn, "\n".join([lines[i] for i in idx])).split("\n")
                for i, line in zip(idx, changed, strict=True):
                    lines[i] = line
        return "\n".join(lines)

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
            current, spans = _sub_mapped(pattern, fn if callable(fn) else lambda m, s=fn: s, current, spans)
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
