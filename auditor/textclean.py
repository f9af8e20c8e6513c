"""Clean text for classifying: the same letters a reader sees, without styling tricks."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and invisible formatting characters used to hide words from filters.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def valid_unicode(text: str) -> str:
    """The text with surrogate pairs joined and lone surrogates (from broken JSON escapes such as "\\ud800")
    replaced by U+FFFD, so it can be written as UTF-8."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def clean_text(text: str | None) -> str:
    """NFKC (math bold 𝗪𝗛𝗔𝗧 → WHAT, full-width → ASCII), drop zero-width characters, tidy whitespace."""
    if not text:
        return ""
    if not text.isascii():  # ASCII is its own NFKC and holds no invisible characters
        text = unicodedata.normalize("NFKC", text)
        text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    text = _BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()
