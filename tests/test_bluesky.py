"""Bluesky: live repo fetch through a real loopback server, the feed fallback, and local .car files."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from fakeserver import (
    CarBuilder,
    FakeServer,
    Fault,
    _layer,
    build_repo_car,
    install_bluesky,
    json_reply,
    live_env,
)

from auditor.errors import AuditorError
from auditor.sources import bluesky
from auditor.sources.base import SourceResult

DID = "did:plc:abcdefghijklmnopqrstuvwx"
HANDLE = "alice.example.com"
OTHER = "did:plc:zzzzzzzzzzzzzzzzzzzzzzzz"


def link_post() -> dict:
    # "Café ☕ read " is 16 bytes but 12 characters: the facet's byte offsets must be used, not str indices.
    text = "Café ☕ read example.org/long-arti... now"
    start = len("Café ☕ read ".encode())
    end = start + len(b"example.org/long-arti...")
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2024-02-22T19:58:13.903293+00:00",
            "langs": ["en"], "facets": [{"index": {"byteStart": start, "byteEnd": end}, "features": [
                {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/long-article-about-things"}]}]}


def records() -> dict[str, dict]:
    recs: dict[str, dict] = {
        "app.bsky.feed.post/3kabc2aaaaa22": link_post(),
        "app.bsky.feed.post/3kabc3aaaaa22": {
            "$type": "app.bsky.feed.post", "text": "I disagree with this",
            "createdAt": "2023-04-26T00:09:58-07:00",
            "reply": {"root": {"uri": f"at://{OTHER}/app.bsky.feed.post/3kroot", "cid": "bafyroot"},
                      "parent": {"uri": f"at://{OTHER}/app.bsky.feed.post/3kparent", "cid": "bafyparent"}}},
        "app.bsky.feed.post/3kabc4aaaaa22": {
            "$type": "app.bsky.feed.post", "text": "look at this take",
            "createdAt": "2023-07-21T01:33:51.481951",
            "lol": "kek",  # unknown extra fields must not break anything
            "embed": {"$type": "app.bsky.embed.recordWithMedia",
                      "record": {"$type": "app.bsky.embed.record",
                                 "record": {"uri": f"at://{OTHER}/app.bsky.feed.post/3kquoted",
                                            "cid": "bafyq"}},
                      "media": {"$type": "app.bsky.embed.images", "images": []}}},
        "app.bsky.feed.post/3kabc5aaaaa22": {
            "$type": "app.bsky.feed.post", "text": "seven digit fraction",
            "createdAt": "2024-11-18T18:02:15.8878051-05:00"},
        "app.bsky.feed.post/3kabc6aaaaa22": {"$type": "app.bsky.feed.post", "text": "clock was wrong",
                                             "createdAt": "yesterday-ish"},
        "app.bsky.feed.repost/3kabc7aaaaa22": {
            "$type": "app.bsky.feed.repost", "createdAt": "2024-03-01T10:00:00.000Z",
            "subject": {"uri": f"at://{OTHER}/app.bsky.feed.post/3kreposted", "cid": "bafyr"}},
        "app.bsky.actor.profile/self": {"$type": "app.bsky.actor.profile", "displayName": "Alice Example"},
        "app.bsky.feed.like/3kabc8aaaaa22": {
            "$type": "app.bsky.feed.like", "createdAt": "2024-01-01T00:00:00Z",
            "subject": {"uri": f"at://{OTHER}/app.bsky.feed.post/x", "cid": "b"}},
        "net.example.mushroom/3kabc9aaaaa22": {"$type": "net.example.mushroom", "kind": "chanterelle"},
    }
    for i in range(60):  # enough keys for a multi-level tree
        recs[f"app.bsky.feed.post/3kb{i:02d}aaaaaaa2"] = {
            "$type": "app.bsky.feed.post", "text": f"ordinary post number {i}",
            "createdAt": f"2024-01-{1 + i % 28:02d}T12:00:00.000Z"}
    return recs


def feed_items() -> list[dict]:
    author = {"did": DID, "handle": HANDLE}
    items = []
    for i in range(230):
        uri = f"at://{DID}/app.bsky.feed.post/3kf{i:03d}aaaaaa2"
        items.append({"post": {"uri": uri, "cid": "bafy", "author": author,
                               "indexedAt": "2024-01-01T00:00:00Z",
                               "record": {"$type": "app.bsky.feed.post", "text": f"feed post {i}",
                                          "createdAt": "2024-01-01T00:00:00Z"}}})
    items.insert(5, {"post": {"uri": f"at://{OTHER}/app.bsky.feed.post/3kother", "cid": "bafy",
                              "author": {"did": OTHER, "handle": "bob.example.net"},
                              "record": {"$type": "app.bsky.feed.post", "text": "bob's words",
                                         "createdAt": "2024-01-02T00:00:00Z"}},
                     "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": author,
                                "indexedAt": "2024-01-03T00:00:00Z"}})
    return items


def by_id(result: SourceResult) -> dict[str, object]:
    return {p.id.rsplit("/", 1)[-1]: p for p in result.posts}


def test_car_builder_makes_a_multi_level_tree() -> None:
    keys = list(records())
    assert max(_layer(k) for k in keys) >= 1  # the walk below crosses subtrees, not just one flat node


def test_live_repo_walks_the_tree_and_maps_every_record(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        views = {f"at://{OTHER}/app.bsky.feed.post/3kreposted": {
            "uri": f"at://{OTHER}/app.bsky.feed.post/3kreposted",
            "author": {"did": OTHER, "handle": "bob.example.net"},
            "record": {"$type": "app.bsky.feed.post", "text": "someone else's hot take",
                       "createdAt": "2024-02-28T00:00:00Z"}}}
        install_bluesky(server, handle=HANDLE, did=DID, car=build_repo_car(DID, records()),
                        profile={"displayName": "Alice E.", "postsCount": 65}, post_views=views)
        live_env(monkeypatch, tmp_path, server)
        result = bluesky.read_bsky("@Alice.Example.com")
        log = list(server.log)
    posts = by_id(result)
    assert result.platform == "bluesky" and result.account == HANDLE
    assert result.display_name == "Alice Example"  # from the repo's profile record
    assert len(result.posts) == 66  # 65 posts + 1 repost; likes, profile and foreign collections skipped
    link = posts["3kabc2aaaaa22"]
    assert link.raw_text == "Café ☕ read https://example.org/long-article-about-things now"
    assert link.extra["links"] == ["https://example.org/long-article-about-things"]
    assert link.account == f"bluesky:{HANDLE}" and link.author == HANDLE
    assert link.url == f"https://bsky.app/profile/{HANDLE}/post/3kabc2aaaaa22" and link.lang == "en"
    assert link.created_at == datetime(2024, 2, 22, 19, 58, 13, 903293, tzinfo=timezone.utc)
    assert posts["3kabc3aaaaa22"].kind == "reply"
    assert posts["3kabc3aaaaa22"].created_at == datetime(2023, 4, 26, 7, 9, 58, tzinfo=timezone.utc)
    assert posts["3kabc4aaaaa22"].kind == "quote"
    assert posts["3kabc4aaaaa22"].extra["quoted_uri"].endswith("/3kquoted")
    assert posts["3kabc5aaaaa22"].created_at.microsecond == 887805
    odd = posts["3kabc6aaaaa22"]  # unparseable createdAt: time taken from the TID record key
    assert odd.extra["created_at_raw"] == "yesterday-ish" and odd.created_at is not None
    repost = posts["3kabc7aaaaa22"]
    assert repost.kind == "repost" and not repost.authored
    assert repost.text == "someone else's hot take" and repost.extra["original_author"] == "bob.example.net"
    assert sum(p.kind == "post" for p in result.posts) == 63
    assert any(e.startswith("/xrpc/com.atproto.sync.getRepo") for e in log)
    assert not any("getAuthorFeed" in e for e in log)
    assert result.notes == []  # 65 authored = profile's postsCount


def test_repo_failure_falls_back_to_the_paged_feed(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_bluesky(server, handle=HANDLE, did=DID, car=build_repo_car(DID, records()), feed=feed_items())
        server.break_after("/xrpc/com.atproto.sync.getRepo", 0, Fault.http(503))
        live_env(monkeypatch, tmp_path, server)
        result = bluesky.read_bsky(HANDLE)
        feed_calls = server.hits("/xrpc/app.bsky.feed.getAuthorFeed")
        repo_calls = server.hits("/xrpc/com.atproto.sync.getRepo")
    assert len(repo_calls) == 3  # retried, then gave up
    assert len(feed_calls) == 3 and all("limit=100" in c for c in feed_calls)
    assert "cursor=" not in feed_calls[0] and "cursor=100" in feed_calls[1]
    assert len(result.posts) == 231
    reposts = [p for p in result.posts if p.kind == "repost"]
    assert len(reposts) == 1 and reposts[0].text == "bob's words" and reposts[0].author == HANDLE
    assert reposts[0].extra["original_author"] == "bob.example.net"
    assert "server kept answering 503 after 3 tries" in result.notes[0]
    assert "used the public author feed" in result.notes[0]


def test_repeating_cursor_stops_with_a_note(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_bluesky(server, handle=HANDLE, did=DID, car=None, feed=feed_items(), repeat_cursor_after=2)
        live_env(monkeypatch, tmp_path, server)
        result = bluesky.read_bsky(HANDLE)
        calls = server.hits("/xrpc/app.bsky.feed.getAuthorFeed")
    assert len(calls) == 3  # page 1, page 2 (cursor A), page 3 hands back cursor A again → stop
    assert len(result.posts) == 200
    assert any("repeated a page cursor" in n for n in result.notes)


def test_unknown_handle_is_one_clear_error(monkeypatch, tmp_path) -> None:
    with FakeServer() as server:
        install_bluesky(server, handle=HANDLE, did=DID, car=None)
        live_env(monkeypatch, tmp_path, server)
        with pytest.raises(AuditorError) as err:
            bluesky.read_bsky("nobody.example.com")
    assert str(err.value) == "bsky:nobody.example.com: no such Bluesky account (the handle does not resolve)"


def test_bad_handle_is_rejected_without_network() -> None:
    with pytest.raises(AuditorError, match="not a Bluesky handle"):
        bluesky.read_bsky("not a handle!")


def test_local_car_file_is_sniffed_by_content_and_read(tmp_path) -> None:
    path = tmp_path / "my-repo.bin"  # name says nothing: detected by the CAR header
    path.write_bytes(build_repo_car(DID, records()))
    assert bluesky.sniff_car(path)
    result = bluesky.read_car_file(path)
    assert result.account == DID and result.display_name == "Alice Example"
    assert len(result.posts) == 66
    assert by_id(result)["3kabc2aaaaa22"].url == f"https://bsky.app/profile/{DID}/post/3kabc2aaaaa22"
    assert any("reposted text is not in the file" in n for n in result.notes)


def test_sniff_rejects_other_files(tmp_path) -> None:
    others = {"a.json": b'{"version": 1}', "b.bin": b"\x00\x01\x02", "c.txt": b"", "d.zip": b"PK\x03\x04"}
    for name, data in others.items():
        (tmp_path / name).write_bytes(data)
        assert not bluesky.sniff_car(tmp_path / name)


def test_corrupt_and_looping_cars_are_auditor_errors(tmp_path) -> None:
    good = build_repo_car(DID, records())
    cut = tmp_path / "cut.car"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(AuditorError, match="not a readable Bluesky repository"):
        bluesky.read_car_file(cut)
    # a hostile tree whose node points back at itself
    b = CarBuilder()
    rec = b.put({"$type": "app.bsky.feed.post", "text": "x", "createdAt": "2024-01-01T00:00:00Z"})
    leaf = b.put({"l": None, "e": [{"p": 0, "k": b"app.bsky.feed.post/3kaaaaaaaaa22", "v": rec, "t": None}]})
    loop = {"l": leaf, "e": []}
    loop_cid = b.put(loop)
    b.blocks[loop_cid] = b.blocks[loop_cid]  # keep
    looping = b.put({"l": loop_cid, "e": [{"p": 0, "k": b"app.bsky.feed.post/3kzzzzzzzzz22", "v": rec,
                                            "t": loop_cid}]})
    car = tmp_path / "loop.car"
    car.write_bytes(_car_with_root(b, looping))
    with pytest.raises(AuditorError, match="loops|reaches one record twice"):
        bluesky.read_car_file(car)


def _car_with_root(b: CarBuilder, data_root: bytes) -> bytes:
    import libipld
    from fakeserver import _varint

    commit = b.put({"did": DID, "version": 3, "data": data_root, "rev": "x", "prev": None, "sig": b"\0" * 64})
    header = libipld.encode_dag_cbor({"version": 1, "roots": [commit]})
    out = bytearray(_varint(len(header)) + header)
    for cid, data in b.blocks.items():
        out += _varint(len(cid) + len(data)) + cid + data
    return bytes(out)


def test_facets_with_bad_offsets_keep_the_text() -> None:
    text, links = bluesky.expand_links("short", [{"index": {"byteStart": 3, "byteEnd": 99},
                                                  "features": [{"$type": "app.bsky.richtext.facet#link",
                                                                "uri": "https://x.example"}]}])
    assert text == "short" and links == ["https://x.example"]


def test_tid_time() -> None:
    when = bluesky.tid_time("3jzfcijpj2z2a")
    assert when is not None and 2022 <= when.year <= 2024
    assert bluesky.tid_time("self") is None


def test_did_web_account_and_unreadable_everything(monkeypatch, tmp_path) -> None:
    web_did = "did:web:alice.example.com"
    with FakeServer() as server:
        doc = {"id": web_did, "alsoKnownAs": [f"at://{HANDLE}"],
               "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                            "serviceEndpoint": server.url}]}
        server.route(r"/\.well-known/did\.json", lambda m, q: json_reply(doc))
        install_bluesky(server, handle=HANDLE, did=web_did, car=build_repo_car(web_did, records()))
        live_env(monkeypatch, tmp_path, server)
        monkeypatch.setenv("AUDITOR_DIDWEB_BASE", server.url)
        result = bluesky.read_bsky(web_did)
        assert result.account == HANDLE and len(result.posts) == 66
        server.break_after("/xrpc/com.atproto.sync.getRepo", 0, Fault.http(500))
        server.route(r"/xrpc/app\.bsky\.feed\.getAuthorFeed",
                     lambda m, q: json_reply({"error": "InvalidRequest", "message": "Profile not found"},
                                             400))
        server.routes.insert(0, server.routes.pop())  # the new route wins
        monkeypatch.setenv("AUDITOR_CACHE_TTL", "0")
        with pytest.raises(AuditorError) as err:
            bluesky.read_bsky(web_did)
    assert str(err.value) == (f"bsky:{web_did}: neither the repository nor the public feed can be read "
                              "(Profile not found)")


def test_garbage_in_feed_items_is_skipped_not_a_crash() -> None:
    author = {"did": DID, "handle": HANDLE}
    good = {"post": {"uri": f"at://{DID}/app.bsky.feed.post/3kgood", "author": author,
                     "record": {"text": "fine", "createdAt": "2024-01-01T00:00:00Z", "facets": "nope",
                                "embed": {"$type": "app.bsky.embed.recordWithMedia", "media": ["x"]},
                                "reply": "not a dict", "langs": [7]}}}
    items = [good, {"post": "text"}, {"post": {"author": "bob", "record": {}}, "reason": ["x"]},
             {"post": {"uri": 5, "record": {"text": 3}, "author": author},
              "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": "nobody"}}, "junk"]
    ids = [bluesky._feed_item_id(i) for i in items if isinstance(i, dict)]
    assert ids[0].endswith("/3kgood")
    posts = bluesky.feed_posts(items, DID, HANDLE, f"bluesky:{HANDLE}")
    assert [p.kind for p in posts] == ["post", "repost"]
    assert posts[0].text == "fine" and posts[0].lang is None and posts[1].text == ""


def test_replies_and_quotes_get_the_text_they_answer(monkeypatch, tmp_path) -> None:
    parent = f"at://{OTHER}/app.bsky.feed.post/3kparent0000a"
    quoted = f"at://{OTHER}/app.bsky.feed.post/3kquoted0000a"
    ref = {"uri": parent, "cid": "bafyreiparent"}
    recs = {
        "app.bsky.feed.post/3kreply00000a": {"$type": "app.bsky.feed.post", "text": "you are wrong",
                                             "createdAt": "2024-03-01T10:00:00Z",
                                             "reply": {"root": ref, "parent": ref}},
        "app.bsky.feed.post/3kquote00000a": {"$type": "app.bsky.feed.post", "text": "look at this",
                                             "createdAt": "2024-03-02T10:00:00Z", "embed": {
                                                 "$type": "app.bsky.embed.record",
                                                 "record": {"uri": quoted, "cid": "bafyreiquoted"}}},
    }
    views = {u: {"uri": u, "author": {"did": OTHER, "handle": "bob.example.com"},
                 "record": {"$type": "app.bsky.feed.post", "text": f"text of {u[-13:]}",
                            "createdAt": "2024-01-01T00:00:00Z"}}
             for u in (parent, quoted)}
    with FakeServer() as server:
        install_bluesky(server, handle=HANDLE, did=DID, car=build_repo_car(DID, recs), post_views=views)
        live_env(monkeypatch, tmp_path, server)
        result = bluesky.read_bsky(HANDLE)
    by_text = {p.text: p for p in result.posts}
    assert by_text["you are wrong"].extra["in_reply_to_text"] == "text of 3kparent0000a"
    assert by_text["look at this"].extra["quoted_text"] == "text of 3kquoted0000a"
