"""Mastodon-style sanitized HTML becomes the plain text a reader sees."""

import pytest

from auditor.sources.htmltext import html_to_text

LINK = (
    '<a href="https://news.example.org/2024/03/a-very-long-article-slug" rel="nofollow noopener noreferrer" '
    'target="_blank"><span class="invisible">https://</span><span class="ellipsis">news.example.org/2024/03'
    '/a-very-lon</span><span class="invisible">g-article-slug</span></a>'
)
MENTION = (
    '<span class="h-card" translate="no"><a href="https://social.example/@bob" class="u-url mention">'
    "@<span>bob</span></a></span>"
)


def test_paragraphs_breaks_links_and_mentions():
    html = f"<p>Read this {LINK} now</p><p>Line one<br />line two<br>{MENTION} agreed</p>"
    assert html_to_text(html) == (
        "Read this https://news.example.org/2024/03/a-very-long-article-slug now\n\n"
        "Line one\nline two\n@bob agreed"
    )


def test_entities_are_unescaped_exactly_once():
    html = "<p>It&#39;s &quot;fine&quot; &amp; so is &amp;lt;b&amp;gt;</p>"
    assert html_to_text(html) == 'It\'s "fine" & so is &lt;b&gt;'


def test_hashtags_and_source_whitespace():
    html = (
        '<p>Morning\n   all <a href="https://social.example/tags/coffee" class="mention hashtag" rel="tag">'
        "#<span>coffee</span></a></p>\n<p></p>"
    )
    assert html_to_text(html) == "Morning all #coffee"


def test_lists_quotes_and_hidden_content():
    html = "<blockquote><p>quoted</p></blockquote><ul><li>one</li><li>two</li></ul><script>alert(1)</script>"
    assert html_to_text(html) == "quoted\n\n- one\n- two"


@pytest.mark.parametrize("value", [None, "", "<p></p>", "<br>"])
def test_empty_inputs(value):
    assert html_to_text(value) == ""


def test_plain_text_and_broken_markup_do_not_raise():
    assert html_to_text("no tags at all") == "no tags at all"
    assert html_to_text("<p>unclosed <a href='x'>link") == "unclosed link"
    assert html_to_text("<p>a</p><<<>>>") == "a\n\n<<<>>>"
