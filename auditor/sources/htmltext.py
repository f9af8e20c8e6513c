"""Sanitized post HTML (Mastodon, ActivityPub) to the plain text a reader sees."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that start and end a paragraph (separated by a blank line).
_BLOCKS = frozenset({"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"})
# Elements whose content is never shown.
_HIDDEN = frozenset({"script", "style", "template"})
_SPACES = re.compile(r"[ \t\r\n\f]+")
_PARAGRAPH = "\x00"  # placeholder for a paragraph break while collecting text


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs=True: entities (&#39; &quot; &amp;) are unescaped exactly once, by the parser.
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":  # list items: one per line, inside the list's paragraph
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
            if tag == "pre":
                self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH)
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        # Mastodon wraps URL parts in <span class="invisible">/<span class="ellipsis">: their text is kept
        # and simply concatenated, which rebuilds the full URL (the "…" is CSS, not text).
        self.parts.append(data if self._pre else _SPACES.sub(" ", data))


def html_to_text(html: str | None) -> str:
    """Plain text from sanitized HTML: ``<p>`` → blank line, ``<br>`` → newline, URLs rebuilt from their
    invisible/ellipsis spans, h-card mentions as ``@user``, entities unescaped once."""
    if not html:
        return ""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = "".join(collector.parts)
    paragraphs = []
    for chunk in text.split(_PARAGRAPH):
        lines = [line.strip(" ") for line in chunk.split("\n")]
        para = "\n".join(lines).strip("\n")
        if para.strip():
            paragraphs.append(para)
    return "\n\n".join(paragraphs)
