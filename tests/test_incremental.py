"""Incremental quarters of live accounts against loopback servers that answer like the real APIs: the next
quarter fetches only posts newer than the newest stored one, the older ones come from the store (flags kept,
never reported removed), a full fetch finds real deletions, and a failed fetch changes nothing."""

from __future__ import annotations

import contextlib
import functools
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fakeserver import (
    FakeServer,
    Fault,
    build_repo_car,
    install_bluesky,
    install_mastodon,
    install_reddit,
    live_env,
)
from pgserver import postgres_server, store_url  # noqa: F401 - fixtures
from roster_helpers import TEXTS, write_roster
from sqlalchemy import select
from test_cli import run
from test_snscrape_live import FakeTelegramPost, install_fake_snscrape
from test_store import CountingClassifier

from auditor.classify import Classifier
from auditor.errors import AuditorError
from auditor.pipeline import run_audit
from auditor.sources import SinceHint, read_source
from auditor.sources.bluesky import _TID_CHARS
from auditor.store import PersonHistory, PersonRecord, Store
from auditor.store.models import Account, Audit, StoredPost

ACCOUNT = {"id": "109300000000000001", "username": "alice", "acct": "alice", "display_name": "Alice Example",
           "url": "https://example.social/@alice", "created_at": "2022-11-01T00:00:00.000Z",
           "statuses_count": 0, "locked": False, "bot": False, "fields": []}
STATUSES = f"/api/v1/accounts/{ACCOUNT['id']}/statuses"
LABEL = "mastodon:@alice@example.social"
SPEC = LABEL
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
INSULT = TEXTS[3]  # flagged by the shipped models
SWEARING = TEXTS[2]


def status(i: int, text: str | None = None) -> dict:
    sid = str(110000000000000000 + i)
    when = (START + timedelta(hours=6 * i)).isoformat().replace("+00:00", ".000Z")
    body = text or f"{TEXTS[0] if i % 2 else TEXTS[5]} ({i})"
    return {"id": sid, "created_at": when, "in_reply_to_id": None, "sensitive": False, "spoiler_text": "",
            "visibility": "public", "language": "en", "uri": f"https://example.social/users/alice/statuses/{sid}",
            "url": f"https://example.social/@alice/{sid}", "edited_at": None, "content": f"<p>{body}</p>",
            "reblog": None, "account": ACCOUNT, "media_attachments": [], "tags": []}


@pytest.fixture(scope="module")
def models() -> Classifier:
    return Classifier.load()


def quarters_apart(monkeypatch, tmp_path, server) -> None:
    """Loopback hosts, and no response younger than a day reused: each audit here stands for a quarter."""
    live_env(monkeypatch, tmp_path, server)
    monkeypatch.setenv("AUDITOR_CACHE_TTL", "0")


@contextlib.contextmanager
def live_store(monkeypatch, tmp_path, install):
    """A loopback server set up by ``install(server)`` and an SQLite store, for audits a quarter apart."""
    with FakeServer() as server:
        install(server)
        quarters_apart(monkeypatch, tmp_path, server)
        store = Store.open(f"sqlite:///{tmp_path / 'auditor.db'}")
        try:
            yield server, store
        finally:
            store.close()


def audit(store, spec, out, quarter, models, *, full_fetch=False):
    counting = CountingClassifier(models)
    history = PersonHistory(store, quarter, PersonRecord(key="alice"), full_fetch=full_fetch)
    outcome = run_audit([spec], out, person="Alice Example", pdf=False, classifier=counting, history=history)
    return outcome.summary, counting


def flagged_ids(summary: dict) -> set[str]:
    return {f["id"] for f in summary["flagged"]}


def test_mastodon_next_quarter_fetches_only_new_statuses_and_a_full_fetch_finds_deletions(
    monkeypatch, tmp_path, store_url, models  # noqa: F811
) -> None:
    statuses = [status(i, INSULT if i == 3 else None) for i in range(60)]
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=statuses)
        quarters_apart(monkeypatch, tmp_path, server)
        store = Store.open(store_url)
        try:
            first, _ = audit(store, SPEC, tmp_path / "q1", "2026Q2", models)
            assert status(3)["id"] in flagged_ids(first)
            assert len(server.hits(STATUSES)) == 3  # 40 + 20, then an empty page
            # the next quarter: five new statuses (one swearing), and the flagged one deleted by its author
            statuses += [status(i, SWEARING if i == 62 else None) for i in range(60, 65)]
            statuses[:] = [s for s in statuses if s["id"] != status(3)["id"]]
            server.log.clear()
            second, counting = audit(store, SPEC, tmp_path / "q2", "2026Q3", models)
            calls = server.hits(STATUSES)
            assert calls and all(f"since_id={status(59)['id']}" in c for c in calls)
            assert len(calls) == 2  # the new page, then an empty one: nothing older is asked for
            assert counting.asked == 5  # only the new texts went to the models
            assert second["totals"]["public"] == 65  # the whole stored history (the deleted one unknown yet)
            assert status(3)["id"] in flagged_ids(second) and status(62)["id"] in flagged_ids(second)
            kept = next(f for f in second["flagged"] if f["id"] == status(3)["id"])
            assert kept["text"] == INSULT  # shown from the store, within retention
            changes = second["changes"]
            assert changes["new_posts"] == 5 and changes["removed_posts"] == 0  # not fetched is not removed
            assert changes["removals_unchecked"] == [LABEL]
            assert any("fetched only posts newer than" in n for s in second["audited"]["accounts"]
                       for n in s["notes"])
            # a full fetch tells the deletion apart
            server.log.clear()
            third, _ = audit(store, SPEC, tmp_path / "q3", "2026Q4", models,
                             full_fetch=True)
            calls = server.hits(STATUSES)
            assert len(calls) == 3 and not any("since_id" in c for c in calls)
            assert third["changes"]["removed_posts"] == 1 and third["changes"]["removals_unchecked"] == []
            assert [r["id"] for r in third["changes"]["removed_flagged"]] == [status(3)["id"]]
            assert status(3)["id"] not in flagged_ids(third)
            with store.session() as s:
                gone = s.scalars(select(StoredPost).where(StoredPost.post_id == status(3)["id"])).one()
                assert gone.removed_in == "2026Q4" and gone.text is None
        finally:
            store.close()


def _snapshot(store: Store) -> tuple:
    with store.session() as s:
        columns = (StoredPost.post_id, StoredPost.text, StoredPost.last_seen, StoredPost.removed_in)
        posts = s.execute(select(*columns).order_by(StoredPost.post_id)).all()
        accounts = s.execute(select(Account.last_post_id, Account.fetched_as, Account.full_fetch_at)).all()
        audits = s.execute(select(Audit.quarter, Audit.status)).all()
    return posts, accounts, audits


def test_a_failed_incremental_fetch_leaves_the_store_unchanged(monkeypatch, tmp_path, models) -> None:
    statuses = [status(i) for i in range(10)]
    install = functools.partial(install_mastodon, acct="alice", account=ACCOUNT, statuses=statuses)
    with live_store(monkeypatch, tmp_path, install) as (server, store):
        audit(store, SPEC, tmp_path / "q1", "2026Q2", models)
        before = _snapshot(store)
        statuses.append(status(10))
        server.break_after(STATUSES, 0, Fault.http(503))
        server.log.clear()
        with pytest.raises(AuditorError) as err:
            audit(store, SPEC, tmp_path / "q2", "2026Q3", models)
        assert "503" in str(err.value)
        assert server.hits(STATUSES) and all("since_id" in c for c in server.hits(STATUSES))
        assert _snapshot(store) == before
        assert not (tmp_path / "q2").exists() or not any((tmp_path / "q2").iterdir())


def tid(when: datetime, clock: int = 7) -> str:
    """A TID record key: microseconds since 1970 (53 bits) and a clock id (10 bits), base32-sortable."""
    value = (int(when.timestamp() * 1_000_000) << 10) | clock
    return "".join(_TID_CHARS[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def test_bluesky_next_quarter_lists_only_new_records(monkeypatch, tmp_path, models) -> None:
    did, handle = "did:plc:alice123", "alice.example.com"
    records = {}
    for i in range(30):
        when = START + timedelta(days=i)
        text = INSULT if i == 4 else f"{TEXTS[1]} ({i})"
        records[f"app.bsky.feed.post/{tid(when)}"] = {"$type": "app.bsky.feed.post", "text": text,
                                                     "createdAt": when.isoformat(), "langs": ["en"]}
    with FakeServer() as server:
        install_bluesky(server, handle=handle, did=did, car=build_repo_car(did, records), records=records,
                        profile={"displayName": "Alice", "postsCount": 30})
        quarters_apart(monkeypatch, tmp_path, server)
        store = Store.open(f"sqlite:///{tmp_path / 'auditor.db'}")
        try:
            first, _ = audit(store, f"bsky:{handle}", tmp_path / "q1", "2026Q2", models)
            assert len(server.hits("/xrpc/com.atproto.sync.getRepo")) == 1
            for i in range(30, 33):
                when = START + timedelta(days=i)
                records[f"app.bsky.feed.post/{tid(when)}"] = {"$type": "app.bsky.feed.post",
                                                             "text": f"{TEXTS[6]} ({i})",
                                                             "createdAt": when.isoformat()}
            server.log.clear()
            second, counting = audit(store, f"bsky:{handle}", tmp_path / "q2", "2026Q3", models)
            assert server.hits("/xrpc/com.atproto.sync.getRepo") == []  # no whole repository this time
            listed = server.hits("/xrpc/com.atproto.repo.listRecords")
            assert len(listed) == 2  # one page of posts (stopped at the stored one), one of reposts
            assert not any("cursor=" in c for c in listed)
            assert counting.asked == 3 and second["totals"]["public"] == 33
            assert first["flagged"][0]["id"] in flagged_ids(second)
            assert second["changes"]["new_posts"] == 3 and second["changes"]["removed_posts"] == 0
        finally:
            store.close()


def reddit_comment(i: int) -> dict:
    when = (START + timedelta(hours=i)).timestamp()
    return {"name": f"t1_c{i:04d}", "id": f"c{i:04d}", "author": "alice_r", "body": f"comment {i}",
            "created_utc": when, "subreddit": "test", "permalink": f"/r/test/comments/x/y/c{i:04d}/"}


def test_reddit_listings_stop_at_the_stored_post(monkeypatch, tmp_path) -> None:
    comments = [reddit_comment(i) for i in reversed(range(250))]  # newest first, as Reddit lists them
    with FakeServer() as server:
        install_reddit(server, name="alice_r", comments=comments, submissions=[])
        quarters_apart(monkeypatch, tmp_path, server)
        stored = comments[30]
        since = SinceHint(stored["name"], datetime.fromtimestamp(stored["created_utc"], timezone.utc))
        result = read_source("reddit:alice_r", since)
        assert [p.id for p in result.posts] == [c["name"] for c in comments[:30]]
        assert len(server.hits("/user/alice_r/comments.json")) == 1  # not the two older pages
        assert result.newer_than == since and result.live_spec == "reddit:alice_r"
        server.log.clear()
        whole = read_source("reddit:alice_r")
        assert len(whole.posts) == 250 and whole.newer_than is None
        assert len(server.hits("/user/alice_r/comments.json")) == 3


def test_telegram_scraping_stops_at_the_stored_date(monkeypatch) -> None:
    items = [FakeTelegramPost(f"https://t.me/s/example_channel/{n}", START + timedelta(days=n), f"post {n}")
             for n in reversed(range(1, 11))]
    seen = []

    def counted():
        for item in items:
            seen.append(item)
            yield item

    install_fake_snscrape(monkeypatch, counted())
    hint = SinceHint("example_channel/7", START + timedelta(days=7))
    result = read_source("telegram:example_channel", hint)
    assert [p.id for p in result.posts] == ["example_channel/10", "example_channel/9", "example_channel/8"]
    assert len(seen) == 4  # the scraper is not walked past the stored post


def test_roster_and_single_person_audits_fetch_incrementally_and_no_store_fetches_whole(
    monkeypatch, tmp_path
) -> None:
    statuses = [status(i) for i in range(45)]
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=statuses)
        quarters_apart(monkeypatch, tmp_path, server)
        roster = write_roster(tmp_path / "team.csv", [("e1", "Alice Example", SPEC)])
        assert run("audit", "--roster", str(roster), "--quarter", "2026Q2", "--out", str(tmp_path / "r"),
                   "--no-pdf", "--workers", "1").returncode == 0
        statuses.append(status(45))
        server.log.clear()
        proc = run("audit", "--roster", str(roster), "--quarter", "2026Q3", "--out", str(tmp_path / "r"),
                   "--no-pdf", "--workers", "1")
        assert proc.returncode == 0, proc.stderr
        calls = server.hits(STATUSES)
        assert calls and all(f"since_id={status(44)['id']}" in c for c in calls)
        folder = next(p for p in (tmp_path / "r").iterdir() if p.is_dir())
        changes = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["changes"]
        assert changes["new_posts"] == 1 and changes["removed_posts"] == 0
        # a single person, named by the account itself: the second run is incremental too
        single = ["audit", "mastodon:@alice@example.social", "--out", str(tmp_path / "s"), "--no-pdf"]
        assert run(*single, "--quarter", "2026Q2").returncode == 0
        server.log.clear()
        assert run(*single, "--quarter", "2026Q3").returncode == 0
        assert server.hits(STATUSES) and all("since_id" in c for c in server.hits(STATUSES)), server.log
        server.log.clear()
        assert run(*single, "--quarter", "2026Q3", "--full-fetch").returncode == 0
        assert len(server.hits(STATUSES)) == 3 and not any("since_id" in c for c in server.hits(STATUSES))
        server.log.clear()
        nostore = ["audit", "mastodon:@alice@example.social", "--out", str(tmp_path / "n"), "--no-pdf"]
        assert run(*nostore, "--no-store").returncode == 0
        assert len(server.hits(STATUSES)) == 3 and not any("since_id" in c for c in server.hits(STATUSES))
        assert not Path(tmp_path / "n" / "auditor.db").exists()


def test_posts_past_retention_are_carried_as_counts_with_their_stored_scores(
    monkeypatch, tmp_path, models
) -> None:
    from auditor.store.incremental import TEXT_GONE, fetch_hints

    statuses = [status(i, INSULT if i == 3 else None) for i in range(12)]
    install = functools.partial(install_mastodon, acct="alice", account=ACCOUNT, statuses=statuses)
    with live_store(monkeypatch, tmp_path, install) as (server, store):
        audit(store, SPEC, tmp_path / "q1", "2026Q2", models)
        assert store.purge(datetime.now(timezone.utc) + timedelta(days=1)) == 12  # all text purged
        with store.session() as s:  # an HR audit needs the text (a preset may withhold by topic)
            now = datetime.now(timezone.utc)
            assert fetch_hints(s, [SPEC], "alice", now, textless_ok=False) == {}
            assert set(fetch_hints(s, [SPEC], "alice", now)) == {SPEC}
        statuses += [status(12), status(13, SWEARING)]
        server.log.clear()
        second, counting = audit(store, SPEC, tmp_path / "q2", "2026Q3", models)
        assert server.hits(STATUSES) and all("since_id" in c for c in server.hits(STATUSES))
        assert second["totals"]["public"] == 14 and second["totals"]["assessed"] == 14
        old = next(f for f in second["flagged"] if f["id"] == status(3)["id"])
        assert old["text"] == TEXT_GONE and "insult" in old["flags"] and old["evidence"]["insult"] == []
        assert status(13)["id"] in flagged_ids(second)
        assert second["changes"]["removed_posts"] == 0
        assert {f["id"] for f in second["flagged"] if f["new"]} == {status(13)["id"]}  # old: not new
        with store.session() as s:  # the store still holds no text for the old posts
            assert s.scalar(select(StoredPost.text).where(StoredPost.post_id == status(3)["id"])) is None


def test_a_dask_roster_run_fetches_incrementally_and_fully_when_asked(monkeypatch, tmp_path) -> None:
    from dask.distributed import LocalCluster

    from auditor.batch import run_roster

    statuses = [status(i) for i in range(20)]
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=statuses)
        quarters_apart(monkeypatch, tmp_path, server)
        roster = write_roster(tmp_path / "team.csv", [("e1", "Alice Example", SPEC)])
        assert run_roster(roster, "2026Q2", tmp_path / "r", workers=1, pdf=False).failed == 0
        statuses.append(status(20))
        with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0",
                          host="127.0.0.1", protocol="tcp://") as cluster:
            on_dask = {"scheduler": cluster.scheduler_address, "pdf": False}
            server.log.clear()
            second = run_roster(roster, "2026Q3", tmp_path / "r", **on_dask)
            incremental = server.hits(STATUSES)
            server.log.clear()
            third = run_roster(roster, "2026Q4", tmp_path / "r", full_fetch=True, **on_dask)
            whole = server.hits(STATUSES)
    assert second.failed == third.failed == 0
    assert incremental and all(f"since_id={status(19)['id']}" in c for c in incremental)
    assert whole and not any("since_id" in c for c in whole)
    folder = next(p for p in (tmp_path / "r").iterdir() if p.is_dir())
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["totals"]["public"] == 21


def test_posts_past_reddits_listing_cap_are_not_taken_for_removed(monkeypatch, tmp_path, models) -> None:
    comments = [reddit_comment(i) for i in reversed(range(1000))]  # the listing is full: 1,000 items
    install = functools.partial(install_reddit, name="alice_r", comments=comments, submissions=[])
    with live_store(monkeypatch, tmp_path, install) as (server, store):
        audit(store, "reddit:alice_r", tmp_path / "q1", "2026Q2", models)
        comments[:0] = [reddit_comment(i) for i in reversed(range(1000, 1005))]  # 5 new push 5 old out
        second, _ = audit(store, "reddit:alice_r", tmp_path / "q2", "2026Q3", models, full_fetch=True)
        assert second["changes"]["new_posts"] == 5
        assert second["changes"]["removed_posts"] == 0  # out of the listing's reach is not removed
        assert second["changes"]["removals_unchecked"] == ["reddit:u/alice_r"]
        with store.session() as s:
            removed = select(StoredPost.post_id).where(StoredPost.removed_in.is_not(None))
            assert s.scalars(removed).all() == []


def test_bluesky_feed_fallback_stops_at_the_stored_post(monkeypatch, tmp_path) -> None:
    did, handle = "did:plc:bob456", "bob.example.com"
    feed = []
    for i in reversed(range(150)):  # newest first, as getAuthorFeed pages
        when = START + timedelta(hours=i)
        feed.append({"post": {"uri": f"at://{did}/app.bsky.feed.post/{tid(when)}", "cid": "bafyfake",
                              "author": {"did": did, "handle": handle},
                              "record": {"$type": "app.bsky.feed.post", "text": f"post {i}",
                                         "createdAt": when.isoformat()}}})
    with FakeServer() as server:  # the DID document names no usable PDS: only the public feed is left
        install_bluesky(server, handle=handle, did=did, car=None, feed=feed, pds="ftp://nowhere.example")
        quarters_apart(monkeypatch, tmp_path, server)
        stored = feed[120]["post"]
        since = SinceHint(stored["uri"], datetime.fromisoformat(stored["record"]["createdAt"]))
        result = read_source(f"bsky:{handle}", since)
        assert [p.id for p in result.posts] == [f["post"]["uri"] for f in feed[:120]]
        assert len(server.hits("/xrpc/app.bsky.feed.getAuthorFeed")) == 2  # not the third page
        assert result.newer_than == since and not result.complete  # the feed can skip posts


def test_a_full_fetch_the_same_day_asks_the_server_again_instead_of_the_cache(
    monkeypatch, tmp_path, models
) -> None:
    statuses = [status(i, INSULT if i == 3 else None) for i in range(30)]
    with FakeServer() as server:
        install_mastodon(server, acct="alice", account=ACCOUNT, statuses=statuses)
        live_env(monkeypatch, tmp_path, server)  # the default cache: responses stay fresh for a day
        store = Store.open(f"sqlite:///{tmp_path / 'auditor.db'}")
        try:
            audit(store, SPEC, tmp_path / "q1", "2026Q3", models)
            assert server.hits(STATUSES)
            # the author deletes the flagged post an hour later; HR asks for a whole fetch the same day
            statuses[:] = [s for s in statuses if s["id"] != status(3)["id"]]
            server.log.clear()
            again, _ = audit(store, SPEC, tmp_path / "q2", "2026Q4", models, full_fetch=True)
            assert server.hits(STATUSES) and not any("since_id" in c for c in server.hits(STATUSES))
            assert again["changes"]["removed_posts"] == 1  # seen on the server, not in a cached page
            assert status(3)["id"] not in flagged_ids(again)
        finally:
            store.close()
