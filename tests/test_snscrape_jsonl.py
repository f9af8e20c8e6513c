"""snscrape --jsonl import: Twitter, Mastodon, Reddit and Telegram modules."""

from datetime import datetime, timezone

import pytest
from export_fixtures import counts, fixture

from auditor.errors import AuditorError
from auditor.sources.snscrape_jsonl import read, sniff

F = lambda name: fixture("snscrape", name)  # noqa: E731


def _by_id(result):
    return {p.id: p for p in result.posts}


def test_twitter_user_scrape():
    path = F("twitter-user.jsonl")
    assert sniff(path)
    result = read(path)
    assert result.platform == "x" and result.account == "@riley_ops" and result.display_name == "Riley Ops"
    assert counts(result.posts) == {"post": 2, "quote": 1, "reply": 1, "repost": 1}
    posts = _by_id(result)
    first = posts["1770000000000000001"]  # from "id.str", exact beyond 2^53
    assert first.raw_text == "Shipping the new dashboard today, details here https://blog.example.net/dashboard"
    assert first.created_at == datetime(2024, 3, 19, 7, 3, 6, tzinfo=timezone.utc)
    assert first.url == "https://twitter.com/riley_ops/status/1770000000000000001"
    assert first.account == "x:@riley_ops"
    rt = posts["1770000000000000002"]
    assert rt.kind == "repost" and not rt.authored
    assert rt.raw_text == "Big storm expected tonight, stay safe everyone."  # the full original, not "RT @…"
    assert rt.extra["original_author"] == "@bob_news"
    assert posts["1770000000000000003"].extra["in_reply_to"] == "1700000000000000001"
    quote = posts["1770000000000000004"]
    assert quote.kind == "quote" and quote.extra["quoted_text"] == "Our new office opens Monday."
    assert posts["1770000000000000005"].lang == "es"
    assert any("280" in n for n in result.notes)


def test_mastodon_profile_scrape():
    result = read(F("mastodon-profile.jsonl"))
    assert result.platform == "mastodon" and result.account == "@alice@social.example"
    assert counts(result.posts) == {"post": 2, "repost": 1}
    posts = _by_id(result)
    assert posts["112000000000000002"].raw_text == "hiring\n\nLong thread about hiring, part 1.\nMore soon."
    boost = posts["boost-99"]
    assert boost.kind == "repost" and boost.raw_text == "Conference tickets are on sale now."
    assert boost.extra["original_author"] == "@bob@other.example"


def test_reddit_scrape_leaves_out_other_authors():
    result = read(F("reddit-user.jsonl"))
    assert result.platform == "reddit" and result.account == "u/tomato_planner"
    assert counts(result.posts) == {"comment": 2, "deleted": 1, "post": 1}
    assert "1 items by other accounts" in " ".join(result.notes)
    posts = _by_id(result)
    assert posts["x1a2b3"].raw_text == "First tomatoes of the year\n\nPlanted them in April.\n\nWater early."
    assert posts["k9z002"].deleted and posts["k9z002"].text == ""


def test_telegram_channel_with_entity():
    result = read(F("telegram-channel.jsonl"))
    assert result.platform == "telegram" and result.account == "@cityops_updates"
    assert result.display_name == "City Ops Updates"
    assert counts(result.posts) == {"post": 2}
    first = result.posts[0]
    assert first.id == "cityops_updates/101" and first.extra["outlinks"] == ["https://city.example/roadworks"]
    assert result.posts[1].text == ""


def test_renamed_file_is_sniffed(tmp_path):
    renamed = tmp_path / "scrape.txt"
    renamed.write_bytes(F("mastodon-profile.jsonl").read_bytes())
    assert sniff(renamed)


def test_not_snscrape(tmp_path):
    plain = tmp_path / "posts.jsonl"
    plain.write_text('{"text": "hello", "id": 1}\n')
    assert not sniff(plain) and not sniff(tmp_path) and not sniff(fixture("meta", "posts_1.json"))


def test_bad_lines_and_unknown_types(tmp_path):
    path = tmp_path / "s.jsonl"
    good = F("telegram-channel.jsonl").read_text(encoding="utf-8")
    vk = '{"_type": "snscrape.modules.vkontakte.VKontaktePost", "url": "x"}\n'
    path.write_text(good + vk, encoding="utf-8")
    assert "1 vkontakte.VKontaktePost" in " ".join(read(path).notes)
    path.write_text(good + '{"url": "https://t.me/s/cityops_updates/103", "date": "202\n', encoding="utf-8")
    with pytest.raises(AuditorError, match="not valid JSON") as err:
        read(path)
    assert f"{path}:4" in str(err.value)
    only_entity = tmp_path / "e.jsonl"
    only_entity.write_text(good.splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(AuditorError, match="no posts"):
        read(only_entity)
