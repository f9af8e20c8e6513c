"""Reddit live listings against a real loopback server: paging, the 1,000 cap, placeholders, refusals."""

from __future__ import annotations

import pytest
from fakeserver import FakeServer, Fault, install_reddit, live_env

from auditor.errors import AuditorError
from auditor.sources import reddit_api


def comment(i: int, **over) -> dict:
    d = {"id": f"c{i:05d}", "name": f"t1_c{i:05d}", "author": "sam_example",
         "body": f"comment number {i} & more",
         "created_utc": 1683327131.0 - i * 60, "edited": False, "score": 3, "subreddit": "example",
         "link_id": "t3_abc", "parent_id": "t3_abc", "permalink": f"/r/example/comments/abc/x/c{i:05d}/",
         "link_title": "A thread", "over_18": False}
    d.update(over)
    return d


def submission(i: int, **over) -> dict:
    d = {"id": f"s{i:04d}", "name": f"t3_s{i:04d}", "author": "sam_example", "title": f"title {i}",
         "selftext": f"body of post {i}", "is_self": True, "url": f"https://www.reddit.com/r/example/s{i:04d}",
         "created_utc": 1683000000 + i, "edited": 1683000999.0, "score": 10, "subreddit": "example",
         "permalink": f"/r/example/comments/s{i:04d}/title/", "over_18": False, "num_comments": 0}
    d.update(over)
    return d


def test_listings_paged_capped_and_classified(monkeypatch, tmp_path) -> None:
    comments = [comment(i) for i in range(1050)]
    comments[2] = comment(2, body="[removed]")
    comments[3] = comment(3, body="[deleted]", author="[deleted]")
    subs = [submission(i) for i in range(30)]
    subs[0] = submission(0, selftext="[removed]", removed_by_category="moderator")
    subs[1] = submission(1, is_self=False, selftext="", url="https://example.org/story")
    with FakeServer() as server:
        install_reddit(server, name="sam_example", comments=comments, submissions=subs)
        live_env(monkeypatch, tmp_path, server)
        result = reddit_api.read_reddit("u/sam_example")
        comment_calls = server.hits("/user/sam_example/comments.json")
    assert len(comment_calls) == 10  # 10 pages of 100, then the listing ends at 1,000
    assert all("limit=100" in c and "raw_json=1" in c for c in comment_calls)
    assert "after=t1_c00099" in comment_calls[1]
    kinds = [p.kind for p in result.posts]
    assert kinds.count("comment") == 1000 and kinds.count("post") == 30
    assert result.notes[0].startswith(reddit_api.CAP_NOTE) and "comments" in result.notes[0]
    assert "posts" not in result.notes[0]
    posts = {p.id: p for p in result.posts}
    first = posts["t1_c00000"]
    assert first.text == "comment number 0 & more" and first.extra["subreddit"] == "example"
    assert first.account == "reddit:u/sam_example" and first.author == "u/sam_example"
    assert result.account == "u/sam_example"
    assert posts["t1_c00000"].url == "https://www.reddit.com/r/example/comments/abc/x/c00000/"
    assert posts["t1_c00000"].created_at.isoformat() == "2023-05-05T22:52:11+00:00"
    for pid in ("t1_c00002", "t1_c00003", "t3_s0000"):
        assert posts[pid].deleted and posts[pid].text in ("", "title 0")
    assert posts["t3_s0002"].text == "title 2\n\nbody of post 2"
    assert posts["t3_s0001"].extra["link"] == "https://example.org/story"
    assert any("3 removed or deleted" in n for n in result.notes)


def test_small_account_has_no_cap_note(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_reddit(server, name="sam_example", comments=[comment(i) for i in range(120)], submissions=[])
        live_env(monkeypatch, tmp_path, server)
        result = reddit_api.read_reddit("sam_example")
    assert len(result.posts) == 120 and result.notes == []


def test_blocked_listing_suggests_the_data_export(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_reddit(server, name="sam_example", comments=[], submissions=[], status=403)
        live_env(monkeypatch, tmp_path, server)
        with pytest.raises(AuditorError) as err:
            reddit_api.read_reddit("sam_example")
    assert str(err.value).startswith("reddit:sam_example: Reddit refused the public listing (HTTP 403)")
    assert "data export" in str(err.value)


def test_unknown_user_and_bad_name(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_reddit(server, name="sam_example", comments=[], submissions=[])
        live_env(monkeypatch, tmp_path, server)
        with pytest.raises(AuditorError, match="no such Reddit user"):
            reddit_api.read_reddit("someone_else")
    with pytest.raises(AuditorError, match="not a Reddit username"):
        reddit_api.read_reddit("a b")


def test_truncated_body_and_429_are_retried(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_reddit(server, name="sam_example", comments=[comment(i) for i in range(150)], submissions=[])
        server.fail("/user/sam_example/comments.json", Fault.truncate(), Fault.retry_after(0))
        live_env(monkeypatch, tmp_path, server)
        result = reddit_api.read_reddit("sam_example")
        calls = server.hits("/user/sam_example/comments.json")
    assert len(result.posts) == 150 and len(calls) == 4
