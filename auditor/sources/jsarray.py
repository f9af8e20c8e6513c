"""The items of an X archive data file (``window.YTD.tweets.part0 = [ … ]``), parsed one at a time as its
bytes arrive, so a tweets.js of any size is read in bounded memory: only the item being parsed and the rest of
the current chunk are held, and the caller can turn each item into a Post and let the raw dict go.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from auditor.errors import AuditorError

MAX_ITEM_CHARS = 64 * 1024 * 1024  # one tweet is a few KB; an "item" this large is not a tweet
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _Text:
    """The decoded text of a stream, read on demand; ``buf[pos:]`` is what is still unparsed."""

    def __init__(self, chunks: Iterable[bytes], where: str) -> None:
        self._chunks = iter(chunks)
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self.where = where
        self.buf = ""
        self.pos = 0
        self.lines_before = 0  # newlines in text already dropped from buf (for error line numbers)
        self.done = False

    def more(self) -> bool:
        """Read the next chunk; False at the end of the stream."""
        if self.done:
            return False
        chunk = next(self._chunks, None)
        try:
            text = self._utf8.decode(chunk or b"", final=chunk is None)
        except UnicodeDecodeError as exc:
            raise AuditorError(self.where, f"not UTF-8 text ({exc.reason})") from None
        if chunk is None:
            self.done = True
        if self.pos > len(self.buf) // 2:  # drop what was parsed before growing the buffer
            self.lines_before += self.buf.count("\n", 0, self.pos)
            self.buf, self.pos = self.buf[self.pos :], 0
        self.buf += text
        return True

    def skip_space(self) -> str:
        """Skip whitespace, reading on as needed; the next character, '' at the end of the stream."""
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def line(self, pos: int) -> int:
        return self.lines_before + self.buf.count("\n", 0, pos) + 1


def js_array_items(chunks: Iterable[bytes], where: str, prefix: re.Pattern[str]) -> Iterator[Any]:
    """The values of the JSON array assigned in a ``window.X = [ … ]`` file, one at a time. ``prefix``
    matches the assignment up to the ``=``. Bad input raises AuditorError naming ``where``."""
    text = _Text(chunks, where)
    while not text.done and "=" not in text.buf and len(text.buf) < 4096:
        text.more()
    text.buf = text.buf.lstrip("\ufeff")
    head = prefix.match(text.buf)
    if not head:
        raise AuditorError(where, "not an X archive data file (no window.YTD… = prefix)")
    text.pos = head.end()
    opening = text.skip_space()
    if opening != "[":
        raise AuditorError(where, "malformed X archive data file (expected a list)")
    text.pos += 1
    first = True
    while True:
        ch = text.skip_space()
        if ch == "]":
            break
        if not first:
            if ch != ",":
                raise AuditorError(where, f"not valid JSON (line {text.line(text.pos)}: expected ',' or ']')")
            text.pos += 1
            text.skip_space()
        yield _next_value(text)
        first = False
    text.pos += 1
    while text.skip_space() == ";":
        text.pos += 1
    if text.skip_space():
        raise AuditorError(where, f"not valid JSON (line {text.line(text.pos)}: extra data after the list)")


def _next_value(text: _Text) -> Any:
    """Parse the value at text.pos, reading more of the stream while it is cut off by the chunk's end."""
    while True:
        try:
            value, end = _DECODER.raw_decode(text.buf, text.pos)
        except json.JSONDecodeError as exc:
            if len(text.buf) - text.pos > MAX_ITEM_CHARS:
                too_big = f"an item over {MAX_ITEM_CHARS >> 20} MiB (not a post)"
                raise AuditorError(text.where, too_big) from None
            if text.more():
                continue
            raise AuditorError(text.where, f"not valid JSON (line {text.line(exc.pos)}: {exc.msg})") from None
        except RecursionError:
            raise AuditorError(text.where, "JSON nested too deeply") from None
        if end == len(text.buf) and text.more():  # a number or literal may go on in the next chunk
            continue
        text.pos = end
        return value
