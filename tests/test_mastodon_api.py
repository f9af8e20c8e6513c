"""Mastodon live source: Mastodon.py over our HTTP client, against a real loopback server."""

from __future__ import annotations

import time

import pytest
from fakeserver import FakeServer, Fault, install_mastodon, live_env

from auditor.errors import AuditorError
from auditor.sources import mastodon_api

ACCOUNT = {"id": "109300000000000001", "username": "alice", "acct": "alice", "display_name": "Alice Example",
           "note": "<p>hi</p>", "url": "https://example.social/@alice",
           "created_at": "2022-11-01T00:00:00.000Z",
           "statuses_count": 95, "last_status_at": "2024-03-01", "locked": False, "bot": False, "fields": []}
STATUSES_PATH = f"/api/v1/accounts/{ACCOUNT['id']}/statuses"


def status(i: int, **over) -> dict:
    sid = str(110000000000000000 + i)
    base = {"id": sid, "created_at": f"2024-01-{1 + i % 28:02d}T10:00:{i % 60:02d}.000Z",
            "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
            "language": "en", "uri": f"https://example.social/users/alice/statuses/{sid}",
            "url": f"https://example.social/@alice/{sid}", "replies_count": 0, "reblogs_count": 0,
            "favourites_count": 0, "edited_at": None, "content": f"<p>status number {i}</p>", "reblog": None,
            "account": ACCOUNT, "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
            "card": None,
            "poll": None}
    base.update(over)
    return base


def statuses() -> list[dict]:
    out = [status(i) for i in range(90)]
    out[3] = status(3, content=(
        '<p>read <a href="https://example.org/a/very/long/path"><span class="invisible">https://</span>'
        '<span class="ellipsis">example.org/a/very</span><span class="invisible">/long/path</span></a>'
        ' &amp; weep</p>'))
    out[4] = status(4, in_reply_to_id="109999", in_reply_to_account_id="42")
    out[5] = status(5, content="", reblog=status(500, content="<p>someone else said this</p>",
                                                 account={**ACCOUNT, "acct": "bob@other.example"},
                                                 url="https://other.example/@bob/1"))
    out[6] = status(6, visibility="unlisted", spoiler_text="politics", content="<p>behind a warning</p>")
    out[7] = status(7, visibility="private", content="<p>followers only secret</p>")
    out[8] = status(8, visibility="direct", content="<p>a direct message</p>")
    return out


def test_statuses_paged_by_link_header_with_kinds_and_visibility(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=statuses())
        live_env(monkeypatch, tmp_path, server)
        result = mastodon_api.read_mastodon("@alice@example.social")
        calls = server.hits(STATUSES_PATH)
    assert [c.split("max_id=")[-1][:3] if "max_id" in c else "first" for c in calls][0] == "first"
    assert len(calls) == 4 and all("limit=40" in c for c in calls)  # 40 + 40 + 10, then an empty page
    assert result.account == "@alice@example.social" and result.display_name == "Alice Example"
    posts = {p.id: p for p in result.posts}
    assert len(posts) == 90
    link = posts[status(3)["id"]]
    assert link.raw_text == "read https://example.org/a/very/long/path & weep"
    assert posts[status(4)["id"]].kind == "reply"
    boost = posts[status(5)["id"]]
    assert boost.kind == "repost" and boost.text == "someone else said this"
    assert boost.extra["original_author"] == "bob@other.example" and boost.url == "https://other.example/@bob/1"
    cw = posts[status(6)["id"]]
    assert cw.visibility == "unlisted" and cw.auditable and cw.text == "politics\n\nbehind a warning"
    for i in (7, 8):
        hidden = posts[status(i)["id"]]
        assert not hidden.auditable and hidden.text == "" and hidden.raw_text == ""
    assert posts[status(0)["id"]].created_at.isoformat() == "2024-01-01T10:00:00+00:00"
    assert posts[status(0)["id"]].account == "mastodon:@alice@example.social"
    assert any("reports 95 posts; 90" in n for n in result.notes)


def test_429_with_iso_reset_and_5xx_are_retried(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=statuses())
        server.fail(STATUSES_PATH, Fault.reset_iso(1.0), Fault.http(502))
        live_env(monkeypatch, tmp_path, server)
        started = time.monotonic()
        result = mastodon_api.read_mastodon("alice@example.social")
        waited = time.monotonic() - started
    assert len(result.posts) == 90
    assert 0.3 <= waited < 4  # slept until the ISO reset time, not the 5-minute Mastodon.py default


def test_rate_limit_longer_than_max_wait_fails_fast(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=statuses())
        server.fail(STATUSES_PATH, Fault.reset_iso(3600))
        live_env(monkeypatch, tmp_path, server)
        started = time.monotonic()
        with pytest.raises(AuditorError) as err:
            mastodon_api.read_mastodon("@alice@example.social")
    assert time.monotonic() - started < 2
    assert str(err.value).startswith("mastodon:@alice@example.social: 127.0.0.1:")
    assert "rate limiting" in str(err.value) and "AUDITOR_MAX_WAIT" in str(err.value)


def test_unknown_account_and_limited_instance(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=[])
        live_env(monkeypatch, tmp_path, server)
        with pytest.raises(AuditorError) as err:
            mastodon_api.read_mastodon("@nobody@example.social")
        assert str(err.value) == "mastodon:@nobody@example.social: no such account on example.social"
        server.fail("/api/v1/accounts/lookup", Fault.http(401))
        with pytest.raises(AuditorError, match="signed-in users"):
            mastodon_api.read_mastodon("@alice@example.social")


def test_server_errors_give_up_with_one_line(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=statuses())
        server.break_after(STATUSES_PATH, 0, Fault.http(503))
        live_env(monkeypatch, tmp_path, server)
        with pytest.raises(AuditorError) as err:
            mastodon_api.read_mastodon("@alice@example.social")
    assert str(err.value) == "mastodon:@alice@example.social: server kept answering 503 after 3 tries"


@pytest.mark.parametrize("target", ["alice", "@alice", "https://example.social/"])
def test_bad_account_spec(target: str) -> None:
    with pytest.raises(AuditorError, match="expected @user@host"):
        mastodon_api.read_mastodon(target)


def test_profile_url_is_accepted() -> None:
    assert mastodon_api.parse_account("https://Example.Social/@alice") == ("alice", "example.social")


def test_flagged_replies_get_the_text_they_answer(monkeypatch, tmp_path) -> None:
    from fakeserver import json_reply

    from auditor.post import Post

    parent = {"id": "555", "visibility": "public", "content": "<p>Pineapple belongs on pizza</p>",
              "url": "https://example.social/@bob/555"}
    private = {"id": "556", "visibility": "private", "content": "<p>secret</p>"}
    with FakeServer() as server:
        server.route(r"/api/v1/statuses/([0-9]+)", lambda m, q: json_reply(
            {"555": parent, "556": private}.get(m.group(1), {"error": "Record not found"}),
            200 if m.group(1) in ("555", "556") else 404))
        live_env(monkeypatch, tmp_path, server)
        replies = [Post(id=str(i), platform="mastodon", author="@alice@example.social", created_at=None,
                        text="no way", raw_text="no way", kind="reply",
                        account="mastodon:@alice@example.social", extra={"in_reply_to": ref})
                   for i, ref in enumerate(("555", "556", "557"))]
        mastodon_api.fetch_parent_texts(replies)
        assert replies[0].extra["in_reply_to_text"] == "Pineapple belongs on pizza"
        assert replies[0].extra["in_reply_to_url"] == "https://example.social/@bob/555"
        assert "in_reply_to_text" not in replies[1].extra  # followers-only parents are never shown
        assert "in_reply_to_text" not in replies[2].extra  # gone: the report links instead
        assert sorted(server.hits("/api/v1/statuses/555") + server.hits("/api/v1/statuses/557")) == [
            "/api/v1/statuses/555", "/api/v1/statuses/557"]
