"""snscrape live specs: telegram via the optional scraper; broken modules fail naming the better source."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from auditor.errors import AuditorError
from auditor.sources import snscrape_live
from auditor.sources.base import LIVE_READERS, read_source


@dataclass
class FakeTelegramPost:  # the fields of snscrape.modules.telegram.TelegramPost that we read
    url: str
    date: datetime
    content: str
    outlinks: list[str] = field(default_factory=list)


def install_fake_snscrape(monkeypatch, items=None, error: Exception | None = None) -> list[str]:
    asked: list[str] = []

    class TelegramChannelScraper:
        def __init__(self, name: str) -> None:
            asked.append(name)

        def get_items(self):
            yield from items or []
            if error:
                raise error

    telegram = types.ModuleType("snscrape.modules.telegram")
    telegram.TelegramChannelScraper = TelegramChannelScraper
    modules = types.ModuleType("snscrape.modules")
    modules.telegram = telegram
    root = types.ModuleType("snscrape")
    root.modules = modules
    monkeypatch.setitem(sys.modules, "snscrape", root)
    monkeypatch.setitem(sys.modules, "snscrape.modules", modules)
    monkeypatch.setitem(sys.modules, "snscrape.modules.telegram", telegram)
    return asked


def test_telegram_channel_posts(monkeypatch) -> None:
    when = datetime(2024, 3, 19, 7, 3, 6, tzinfo=timezone.utc)
    asked = install_fake_snscrape(monkeypatch, [
        FakeTelegramPost("https://t.me/s/example_channel/12", when, "𝗕𝗜𝗚 news today", ["https://example.org/x"]),
        FakeTelegramPost("https://t.me/s/example_channel/11", when, "older post"),
    ])
    result = snscrape_live.read_telegram("https://t.me/s/example_channel")
    assert asked == ["example_channel"]
    assert result.platform == "telegram" and result.account == "example_channel"
    first = result.posts[0]
    assert first.id == "example_channel/12" and first.text == "BIG news today"
    assert first.raw_text == "𝗕𝗜𝗚 news today" and first.extra["links"] == ["https://example.org/x"]
    assert first.created_at == when and first.url == "https://t.me/s/example_channel/12"


def test_missing_snscrape_tells_how_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "snscrape", None)  # import fails as if not installed
    monkeypatch.setitem(sys.modules, "snscrape.modules", None)
    monkeypatch.setitem(sys.modules, "snscrape.modules.telegram", None)
    with pytest.raises(AuditorError) as err:
        snscrape_live.read_telegram("example_channel")
    assert str(err.value) == ("telegram:example_channel: snscrape is not installed; "
                              "run: pip install 'auditor[snscrape]'")


def test_scraper_failure_is_one_line(monkeypatch) -> None:
    install_fake_snscrape(monkeypatch, error=RuntimeError("Unable to find channel\ntraceback noise"))
    with pytest.raises(AuditorError, match=r"telegram-channel scraper failed \(Unable to find channel\)$"):
        snscrape_live.read_telegram("@example_channel")


@pytest.mark.parametrize("spec,better", [
    ("twitter:@alice", "X archive"), ("x:alice", "X archive"), ("snscrape-twitter:alice", "X archive"),
    ("snscrape-mastodon:@alice@example.social", "mastodon:@user@host"),
    ("snscrape-reddit:alice", "reddit:<username>"),
])
def test_broken_modules_name_the_better_source(spec: str, better: str) -> None:
    assert spec.partition(":")[0] in LIVE_READERS
    with pytest.raises(AuditorError) as err:
        read_source(spec)
    assert str(err.value).startswith(f"{spec}: snscrape's") and better in str(err.value)
    assert "broken" in str(err.value)


def test_bad_channel_name() -> None:
    with pytest.raises(AuditorError, match="public channel username"):
        snscrape_live.read_telegram("no spaces allowed")
