"""X/Twitter archive import: both archive eras, zip and folder, and hostile or broken input."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections import Counter
from datetime import timezone
from pathlib import Path

import pytest

from auditor.errors import AuditorError
from auditor.sources import archive, read_source
from auditor.sources import twitter_archive as xa
from auditor.sources.archive import ArchiveTree

FIXTURES = Path(__file__).parent / "fixtures" / "twitter"
X2019, X2020, X2025 = FIXTURES / "x-2019", FIXTURES / "x-2020", FIXTURES / "x-2025"


def zip_folder(folder: Path, dest: Path, prefix: str = "") -> Path:
    """Zip a fixture folder the way users get it (optionally under one top-level folder)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return dest


def make_zip(dest: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return dest


def by_id(result) -> dict:
    return {p.id: p for p in result.posts}


# -- 2025 era: tweets.js + parts from the manifest, note tweets, deleted tweets ------------------------------

@pytest.fixture(params=["folder", "zip", "zip-with-top-folder"])
def x2025(request, tmp_path) -> Path:
    if request.param == "folder":
        return X2025
    prefix = "twitter-2025-12-03-abc123/" if request.param == "zip-with-top-folder" else ""
    return zip_folder(X2025, tmp_path / "twitter-2025.zip", prefix)


def test_2025_account_and_kinds(x2025):
    assert xa.sniff(x2025)
    result = xa.read(x2025)
    assert (result.platform, result.account, result.display_name) == ("x", "@leeharlow", "Lee Harlow")
    assert Counter(p.kind for p in result.posts) == {"post": 10, "reply": 2, "repost": 1, "quote": 1}
    assert len(result.posts) == 14
    for p in result.posts:
        assert p.author == "@leeharlow" and p.account == "x:@leeharlow"
        assert p.visibility == "public"
        assert p.url == f"https://x.com/leeharlow/status/{p.id}"
        assert p.created_at is not None and p.created_at.tzinfo == timezone.utc


def test_2025_manifest_lists_the_parts(x2025):
    posts = by_id(xa.read(x2025))
    assert "1700000000000000211" in posts  # data/tweets-part1.js, listed in manifest.js
    assert "1999999999999999913" not in posts  # data/tweets-part9.js exists but the manifest does not list it


def test_2025_note_tweet_joined_to_the_truncated_reply(x2025):
    result = xa.read(x2025)
    reply = by_id(result)["1995717789903192574"]
    assert reply.kind == "reply"
    assert reply.extra["note_tweet_id"] == "1995717789827600384"
    # the full note text, with the @handle the note omits put back, and its entity unescaped once
    assert reply.raw_text.startswith("@harbor_books I've been thinking about what keeps a neighbourhood")
    assert reply.raw_text.endswith("That's why I'll keep buying my books there & not online.")
    assert "…" not in reply.raw_text and len(reply.raw_text) > 400
    assert reply.text.endswith("not online.")
    standalone = by_id(result)["1980000000000000416"]  # a note without its tweet is still a post
    assert standalone.kind == "post" and standalone.extra["note_only"] is True
    assert standalone.raw_text.startswith("A long post that has no matching tweet")


def test_2025_deleted_tweets_are_flagged(x2025):
    result = xa.read(x2025)
    deleted = {p.id: p for p in result.posts if p.deleted}
    assert set(deleted) == {"1990000000000000314", "1985000000000000315"}
    assert deleted["1985000000000000315"].extra["deleted_at"] == "2025-11-24T06:05:11+00:00"
    assert "Posts the person deleted, still in the archive (deleted-tweets.js): 2." in result.notes


def test_2025_edited_post_keeps_only_the_last_version(x2025):
    posts = by_id(xa.read(x2025))
    assert "1995600000000000102" not in posts
    assert posts["1995600900000000103"].raw_text == "Meet me at the library at 5"
    assert posts["1995600900000000103"].extra["edited"] is True
    assert "Earlier versions of edited posts left out (last version kept): 1." in xa.read(x2025).notes


def test_2025_entities_links_quotes_and_langs(x2025):
    posts = by_id(xa.read(x2025))
    assert posts["1995100000000000108"].raw_text == "Q&A tonight at the shop: bring questions & snacks"
    assert posts["1995000500000000109"].raw_text == "Literally typed &gt; into the caption tool by mistake"
    quote = posts["1995400000000000105"]
    assert quote.kind == "quote" and quote.extra["quoted"] == "https://x.com/citydesk/status/1995000000000000001"
    assert quote.raw_text.endswith("https://x.com/citydesk/status/1995000000000000001")
    assert posts["1994900000000000110"].raw_text.endswith("https://trails.example/quiet-ones")
    assert posts["1995500000000000104"].kind == "repost"
    assert posts["1995300000000000106"].kind == "reply"
    # Twitter's pseudo language codes are kept as they are; the pipeline decides what they mean
    assert posts["1995200000000000107"].lang == "qme" and posts["1690000000000000212"].lang == "und"


def test_private_files_are_never_opened(x2025, monkeypatch):
    opened: list[str] = []
    real = ArchiveTree.read_text

    def spy(self, name):
        opened.append(name)
        return real(self, name)

    monkeypatch.setattr(ArchiveTree, "read_text", spy)
    result = xa.read(x2025)
    assert opened and not [n for n in opened if "direct-message" in n or "like.js" in n or "headers" in n]
    assert not [p for p in result.posts if "never to be read" in p.raw_text]


# -- 2020 and earlier: tweet.js, {"tweet": …} wrappers and bare objects, account.js ------------------------

@pytest.mark.parametrize("as_zip", [False, True])
def test_2020_archive(tmp_path, as_zip):
    src = zip_folder(X2020, tmp_path / "twitter-2020.zip") if as_zip else X2020
    assert xa.sniff(src)
    result = xa.read(src)
    assert (result.account, result.display_name) == ("@samo_writes", "Sam Okoro")  # from account.js
    assert Counter(p.kind for p in result.posts) == {"post": 4, "repost": 1, "reply": 2, "quote": 1}
    posts = by_id(result)
    big = posts["1219876543210987654"]  # > 2^53: a float would have made it ...987520
    assert big.id == "1219876543210987654" and isinstance(big.id, str)
    assert big.created_at.isoformat() == "2020-01-22T18:04:11+00:00"
    assert big.raw_text == 'Rent went 950->1100 this year & the landlord calls it "fair".'
    # "&amp;lt;3" is unescaped once: the user typed "&lt;3"
    assert posts["1219000000000000011"].raw_text.endswith("you type &lt;3 not <3")
    rt = posts["1218700000000000022"]
    assert rt.kind == "repost" and rt.extra["reposted_user"] == "cityfoodfest"
    assert rt.raw_text.endswith("https://t.co/PxwGCm…")  # a truncated RT link stays as it is
    assert posts["1218600000000000044"].kind == "reply"
    assert posts["1217000000000000055"].kind == "reply"  # only in_reply_to_user_id_str, starts with @
    assert posts["1215000000000000088"].kind == "post"  # a mention mid-text is not a reply
    assert posts["1215000000000000088"].raw_text.endswith("https://blog.example/2020/01/ferry-weekend")
    assert posts["1216100000000000077"].kind == "quote"
    assert posts["1214000000000000099"].lang == "und"
    assert not [p for p in result.posts if "never to be read" in p.raw_text]


def test_pre_2020_bare_tweet_objects():
    result = xa.read(X2019)
    assert result.account == "@samo_writes"
    posts = by_id(result)
    assert Counter(p.kind for p in result.posts) == {"post": 1, "reply": 1, "repost": 1}
    assert posts["1086351234567890123"].raw_text == "Snow day. Kettle on, dog asleep, nowhere to be & happy."
    assert posts["1050119988776655443"].created_at.isoformat() == "2018-10-10T09:14:40+00:00"


def test_bare_tweets_js_file(tmp_path):
    single = tmp_path / "tweet.js"
    shutil.copy(X2020 / "data" / "tweet.js", single)
    assert xa.sniff(single)
    result = xa.read(single)
    assert result.account == "unknown" and len(result.posts) == 8
    assert result.posts[0].url == f"https://x.com/i/web/status/{result.posts[0].id}"


def test_without_manifest_all_tweet_parts_are_globbed(tmp_path):
    folder = shutil.copytree(X2025, tmp_path / "x")
    (folder / "data" / "manifest.js").unlink()
    result = xa.read(folder)
    posts = by_id(result)
    assert "1999999999999999913" in posts and "1700000000000000211" in posts
    assert "1995717789903192574" in posts and posts["1995717789903192574"].extra.get("note_tweet_id")
    assert result.account == "unknown"  # no manifest and no account.js
    assert not [p for p in result.posts if "never to be read" in p.raw_text]


def test_manifest_count_mismatch_is_noted(tmp_path):
    folder = shutil.copytree(X2025, tmp_path / "x")
    manifest = folder / "data" / "manifest.js"
    manifest.write_text(manifest.read_text().replace('"count" : "10"', '"count" : "11"'))
    notes = xa.read(folder).notes
    assert any("announces 11 items, 10 were read" in n for n in notes)


def test_ids_never_go_through_float(tmp_path):
    when = "Tue Dec 02 06:23:48 +0000 2025"
    tweets = [
        {"tweet": {"id": 1.2345678901234568e18, "id_str": "1234567890123456789", "full_text": "a",
                   "created_at": when}},
        {"tweet": {"id": 1234567890123456700, "full_text": "b", "created_at": when}},
        {"tweet": {"id": 1.2345678901234568e18, "full_text": "c", "created_at": when}},  # float only: skipped
    ]
    z = make_zip(tmp_path / "ids.zip", {"data/tweets.js": "window.YTD.tweets.part0 = " + json.dumps(tweets)})
    result = xa.read(z)
    assert [p.id for p in result.posts] == ["1234567890123456789", "1234567890123456700"]
    assert "Items without an id or text, skipped: 1." in result.notes


def test_registered_and_found_by_content(tmp_path):
    renamed = zip_folder(X2025, tmp_path / "my-download.bin")  # the name says nothing; the content does
    result = read_source(str(renamed))
    assert result.platform == "x" and result.account == "@leeharlow"
    assert result.source == str(renamed)


def test_sniff_refuses_other_things(tmp_path):
    other = make_zip(tmp_path / "other.zip", {"outbox.json": "{}", "data/notes.txt": "hi"})
    plain = tmp_path / "posts.jsonl"
    plain.write_text('{"text": "hello"}\n')
    headers_only = make_zip(tmp_path / "h.zip",
                            {"data/tweet-headers.js": "window.YTD.tweet_headers.part0 = []"})
    assert not xa.sniff(other) and not xa.sniff(plain) and not xa.sniff(headers_only)


# -- bad input: every problem is an AuditorError naming the file ------------------------------------------

def _raises(path: Path, *needles: str) -> str:
    with pytest.raises(AuditorError) as err:
        xa.read(path)
    message = str(err.value)
    assert path.name in message, message
    for needle in needles:
        assert needle in message, message
    return message


def test_corrupt_zip(tmp_path):
    junk = tmp_path / "corrupt.zip"
    junk.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    _raises(junk)
    with pytest.raises(AuditorError, match="corrupt.zip"):
        read_source(str(junk))


def test_zip_with_damaged_member_data(tmp_path):
    good = zip_folder(X2025, tmp_path / "good.zip")
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("data/tweets.js")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start, start + info.compress_size, 3):  # scramble the deflate stream, keep the directory
        data[i] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    _raises(damaged)


@pytest.mark.parametrize("evil", ["../evil.js", "data/../../evil.js", "/etc/x"])
def test_zip_with_unsafe_member_paths(tmp_path, evil):
    z = make_zip(tmp_path / "evil.zip", {"data/tweets.js": "window.YTD.tweets.part0 = []", evil: "x"})
    _raises(z, "unsafe path")
    with pytest.raises(AuditorError, match="evil.zip"):
        read_source(str(z))


def test_decompression_bomb_by_ratio(tmp_path):
    zeros = b"window.YTD.tweets.part0 = [" + b"0" * (8 << 20)
    bomb = make_zip(tmp_path / "bomb.zip", {"data/tweets.js": zeros})
    assert bomb.stat().st_size < 100_000
    _raises(bomb, "decompression bomb")
    with pytest.raises(AuditorError, match="bomb.zip"):
        read_source(str(bomb))


def _big_tweets_js(n: int) -> str:
    """A tweets.js of n distinct tweets, pretty-printed like a real export (about 300 bytes a tweet)."""
    items = [{"tweet": {"id_str": str(10**17 + i), "created_at": "Tue Dec 02 06:23:48 +0000 2025",
                        "full_text": f"Post number {i} about the garden &amp; the \u00e9t\u00e9 \U0001F331",
                        "lang": "en", "entities": {"urls": [], "hashtags": []}}} for i in range(n)]
    return "window.YTD.tweets.part0 = " + json.dumps(items, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("container", ["zip", "folder", "bare"])
def test_tweets_file_over_the_member_cap_is_read_incrementally(tmp_path, monkeypatch, container):
    """A tweets.js larger than the member and archive caps (256 MiB in use, 64 KiB here) is parsed a chunk at
    a time, not refused (what it keeps is bounded by the posts limit): every tweet arrives, in order, with
    multi-byte characters cut across chunks intact."""
    monkeypatch.setenv("AUDITOR_MAX_FILE_BYTES", str(64 * 1024))
    monkeypatch.setenv("AUDITOR_MAX_ARCHIVE_BYTES", str(64 * 1024))
    monkeypatch.setattr(archive, "_CHUNK", 4096)  # many chunk boundaries inside tweets
    text = _big_tweets_js(6000)
    assert len(text.encode()) > 25 * 64 * 1024
    if container == "zip":
        source = make_zip(tmp_path / "big.zip", {"data/tweets.js": text})
    elif container == "folder":
        (tmp_path / "big" / "data").mkdir(parents=True)
        (tmp_path / "big" / "data" / "tweets.js").write_text(text, encoding="utf-8")
        source = tmp_path / "big"
    else:
        source = tmp_path / "tweets.js"
        source.write_text(text, encoding="utf-8")
    posts = xa.read(source).posts
    assert [p.id for p in posts] == [str(10**17 + i) for i in range(6000)]
    assert posts[4321].raw_text == "Post number 4321 about the garden & the \u00e9t\u00e9 \U0001F331"


def test_other_members_over_the_size_cap_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_MAX_FILE_BYTES", str(64 * 1024))
    manifest = "window.__THAR_CONFIG = " + json.dumps({"userInfo": {"userName": "x" * 200_000}})
    z = make_zip(tmp_path / "huge.zip", {"data/manifest.js": manifest, "data/tweets.js": _big_tweets_js(3)})
    _raises(z, "AUDITOR_MAX_FILE_BYTES")


@pytest.mark.parametrize("broken", ["[{}, {} {}]", "[{}, {\"a\": }]", "[{}", "{}", "[{}] trailing"])
def test_broken_tweets_file_is_one_error(tmp_path, broken):
    z = make_zip(tmp_path / "broken.zip", {"data/tweets.js": "window.YTD.tweets.part0 = " + broken})
    _raises(z)


def test_json_file_that_is_not_an_archive(tmp_path):
    other = tmp_path / "random.json"
    other.write_text(json.dumps({"hello": "world", "items": [1, 2, 3]}))
    assert not xa.sniff(other)
    _raises(other, "not an X archive")


def test_empty_archive(tmp_path):
    empty = make_zip(tmp_path / "empty.zip", {})
    _raises(empty, "empty")
    with pytest.raises(AuditorError, match="empty.zip.*empty"):
        read_source(str(empty))


def test_archive_without_tweets_file(tmp_path):
    manifest = (X2025 / "data" / "manifest.js").read_text()
    z = make_zip(tmp_path / "notweets.zip", {"data/manifest.js": manifest, "data/like.js": "x"})
    _raises(z, "without any tweets file")
    unrelated = make_zip(tmp_path / "unrelated.zip", {"README.txt": "hello"})
    _raises(unrelated, "not an X archive")


@pytest.mark.parametrize("payload", [
    "window.YTD.tweets.part0 = [ {\"tweet\" : { garbage",
    "window.YTD.tweets.part0 = ",
    "window.YTD.tweets.part0 = {\"tweet\": {}}",
    "this is not javascript at all",
])
def test_garbage_tweets_member(tmp_path, payload):
    z = make_zip(tmp_path / "garbage.zip", {"data/tweets.js": payload})
    message = _raises(z)
    assert "data/tweets.js" in message


def test_garbage_manifest(tmp_path):
    z = make_zip(tmp_path / "badmanifest.zip", {"data/manifest.js": "window.__THAR_CONFIG = {oops",
                                                 "data/tweets.js": "window.YTD.tweets.part0 = []"})
    assert "data/manifest.js" in _raises(z)


def test_member_that_is_not_utf8(tmp_path):
    z = make_zip(tmp_path / "latin.zip", {"data/tweets.js": "window.YTD.tweets.part0 = [\"caf\xe9\"]"
                                          .encode("latin-1")})
    _raises(z, "UTF-8")


# -- the shipped demo ----------------------------------------------------------------------------------------

def test_demo_archive_is_current_and_realistic():
    from auditor.demo import build_demo
    from auditor.resources import demo_dir

    shipped = demo_dir() / "demo-archive.zip"
    with zipfile.ZipFile(shipped) as zf:
        assert {n: zf.read(n) for n in zf.namelist()} == build_demo.members(), "rerun build_demo.py"
        assert all(i.date_time == build_demo.ZIP_TIME for i in zf.infolist())
    result = xa.read(shipped)
    assert result.account == "@jreyes_social" and result.display_name == "Jordan Reyes"
    assert 300 <= len(result.posts) <= 400
    kinds = Counter(p.kind for p in result.posts)
    assert kinds["post"] > 250 and kinds["reply"] >= 20 and kinds["repost"] >= 5 and kinds["quote"] >= 5
    assert sum(p.deleted for p in result.posts) == 6
    assert sum("note_tweet_id" in p.extra for p in result.posts) == 2
    assert sum(p.lang in ("es", "de", "fr") for p in result.posts) >= 10
    years = {p.created_at.year for p in result.posts}
    assert {2022, 2023, 2024} <= years
    bodies = {re.sub(r"^(@\w+ )+", "", p.text) for p in result.posts}
    assert len(bodies) == len(result.posts)  # no sentence used twice, not even as a reply


def test_demo_build_is_deterministic(tmp_path):
    from auditor.demo import build_demo

    a = build_demo.write(tmp_path / "a.zip").read_bytes()
    b = build_demo.write(tmp_path / "b.zip").read_bytes()
    assert a == b
    assert zipfile.ZipFile(io.BytesIO(a)).namelist()[0] == "Your archive.html"
