"""A fetch killed at page N resumes at page N: no duplicates, no gaps, earlier pages not fetched again."""

from __future__ import annotations

import pytest
from fakeserver import FakeServer, Fault, install_mastodon, install_reddit, json_reply, live_env
from test_mastodon_api import ACCOUNT, STATUSES_PATH, statuses
from test_reddit_api import comment

from auditor.errors import AuditorError
from auditor.sources import mastodon_api, reddit_api
from auditor.sources.http import Checkpoint, HttpClient, HttpConfig


def test_mastodon_run_killed_after_page_3_resumes_at_page_4(monkeypatch, tmp_path) -> None:
    many = statuses() + [{**statuses()[10], "id": str(120000000000000000 + i)} for i in range(110)]
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=many)
        live_env(monkeypatch, tmp_path, server)
        monkeypatch.setenv("AUDITOR_CACHE_TTL", "0")  # no response cache: only the checkpoint can help
        server.break_after(STATUSES_PATH, 3, Fault.http(503))  # pages 1-3 answer, then the server dies
        with pytest.raises(AuditorError) as err:
            mastodon_api.read_mastodon("@alice@example.social")
        assert str(err.value) == ("mastodon:@alice@example.social: server kept answering 503 after 3 tries; "
                                  "3 pages are saved, run again to resume at page 4")
        first_run = server.hits(STATUSES_PATH)
        server.heal()
        server.log.clear()
        result = mastodon_api.read_mastodon("@alice@example.social")
        second_run = server.hits(STATUSES_PATH)
    page4 = first_run[3]  # the request that failed (then its retries)
    assert "max_id=" in page4 and all(r == page4 for r in first_run[3:])
    assert second_run[0] == page4  # resumed exactly at page 4: pages 1-3 were not fetched again
    assert len(second_run) == 3  # pages 4, 5 and the empty page that ends the listing
    ids = [p.id for p in result.posts]
    assert len(ids) == len(set(ids)) == 200  # no duplicates
    assert set(ids) == {s["id"] for s in many}  # no gaps
    assert not list((tmp_path / "cache" / "checkpoints").glob("*/state.json"))  # done → checkpoint cleared


def test_reddit_interrupted_by_ctrl_c_resumes(monkeypatch, tmp_path) -> None:
    path = "/user/sam_example/comments.json"
    with FakeServer() as server:
        install_reddit(server, name="sam_example", comments=[comment(i) for i in range(450)], submissions=[])
        live_env(monkeypatch, tmp_path, server)
        monkeypatch.setenv("AUDITOR_CACHE_TTL", "0")
        real_get = HttpClient.get_json
        calls = {"n": 0}

        def interrupted(self, url, params=None, **kw):
            if url.endswith(path):
                calls["n"] += 1
                if calls["n"] == 3:
                    raise KeyboardInterrupt  # the user pressed Ctrl-C while page 3 was loading
            return real_get(self, url, params, **kw)

        monkeypatch.setattr(HttpClient, "get_json", interrupted)
        with pytest.raises(KeyboardInterrupt):
            reddit_api.read_reddit("sam_example")
        assert len(server.hits(path)) == 2
        monkeypatch.setattr(HttpClient, "get_json", real_get)
        server.log.clear()
        result = reddit_api.read_reddit("sam_example")
        resumed = server.hits(path)
    assert "after=t1_c00199" in resumed[0]  # page 3, not page 1
    assert len(resumed) == 3
    ids = [p.id for p in result.posts]
    assert len(ids) == len(set(ids)) == 450


def test_rerun_after_a_complete_fetch_uses_the_cache(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_reddit(server, name="sam_example", comments=[comment(i) for i in range(250)], submissions=[])
        live_env(monkeypatch, tmp_path, server)
        first = reddit_api.read_reddit("sam_example")
        server.log.clear()
        second = reddit_api.read_reddit("sam_example")
    assert server.log == []  # nothing refetched
    assert [p.id for p in first.posts] == [p.id for p in second.posts]


def pages_server() -> FakeServer:
    server = FakeServer()
    data = [{"id": f"item{i:03d}"} for i in range(50)]

    def page(m, q):
        start = int(q.get("cursor") or 0)
        nxt = start + 10
        return json_reply({"items": data[start:nxt], "cursor": str(nxt) if nxt < len(data) else None})

    server.route("/pages", page)
    return server


def test_partial_page_written_before_a_crash_is_not_counted_twice(tmp_path) -> None:
    cfg = HttpConfig(timeout=1, tries=1, min_interval=0, cache_dir=tmp_path, cache_ttl=0, progress=False)
    with pages_server() as server, HttpClient("test:pages", cfg) as http:
        def fetch(cursor, stop_at=None):
            if stop_at is not None and cursor == stop_at:
                raise KeyboardInterrupt
            data = http.get_json(f"{server.url}/pages", {"cursor": cursor})
            return data["items"], data["cursor"]

        with pytest.raises(KeyboardInterrupt):
            http.paginate("pages", lambda c: fetch(c, stop_at="30"), item_id=lambda i: i["id"])
        ckpt = Checkpoint(tmp_path, "pages")
        with open(ckpt.dir / "items.jsonl", "ab") as fh:  # a page appended, but the state never updated
            fh.write(b'{"id": "item030"}\n{"id": "item031"}\n{"id": "ite')
        server.log.clear()
        run = http.paginate("pages", fetch, item_id=lambda i: i["id"])
    assert run.resumed_at == 4 and server.log[0] == "/pages?cursor=30"
    assert [i["id"] for i in run.items] == [f"item{i:03d}" for i in range(50)]


def test_corrupt_checkpoint_starts_afresh(tmp_path) -> None:
    ckpt = Checkpoint(tmp_path, "k")
    ckpt.save("c2", [{"id": "a"}], 1, [])
    (ckpt.dir / "state.json").write_text("{not json", encoding="utf-8")
    assert Checkpoint(tmp_path, "k").load() is None
    ckpt.save("c2", [{"id": "a"}], 1, [])
    assert Checkpoint(tmp_path, "other-key").load() is None
    state = Checkpoint(tmp_path, "k").load()
    assert state is not None and state.cursor == "c2" and state.items == [{"id": "a"}]
