"""`auditor audit` picks the reader by content, whatever the file is called, and refuses unknown files."""

import json

import pytest
from export_fixtures import build_zip, fixture

from auditor.errors import AuditorError
from auditor.sources import FILE_READERS, load_readers, read_source


def detect(path):
    """Name of the first registered reader that claims ``path`` (the one read_source will use)."""
    load_readers()
    for reader in FILE_READERS:
        if reader.sniff(path):
            return reader.name
    return None


def _copy(tmp_path, src, name):
    dest = tmp_path / name
    dest.write_bytes(src.read_bytes())
    return dest


MASTODON = {n: fixture("mastodon", n) for n in ("outbox.json", "actor.json")}
REDDIT = {n: fixture("reddit", n) for n in ("posts.csv", "comments.csv", "statistics.csv", "messages.csv")}
LINKEDIN = {n: fixture("linkedin", n) for n in ("Shares.csv", "Comments.csv", "Profile.csv")}
FACEBOOK = {"your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json":
            fixture("meta", "your_posts_1.json"),
            "your_facebook_activity/comments_and_reactions/comments.json": fixture("meta", "comments.json")}

# (case id, how to build the input, expected reader, expected platform)
CASES = [
    ("mastodon zip", lambda t: build_zip(t / "archive.zip", MASTODON), "mastodon-archive", "mastodon"),
    ("outbox renamed", lambda t: _copy(t, fixture("mastodon", "outbox.json"), "data.json"),
     "mastodon-archive", "mastodon"),
    ("reddit zip", lambda t: build_zip(t / "export.zip", REDDIT), "reddit-export", "reddit"),
    ("reddit comments renamed", lambda t: _copy(t, fixture("reddit", "comments.csv"), "table.csv"),
     "reddit-export", "reddit"),
    ("linkedin zip", lambda t: build_zip(t / "Basic_LinkedInDataExport.zip", LINKEDIN), "linkedin-export",
     "linkedin"),
    ("linkedin shares renamed", lambda t: _copy(t, fixture("linkedin", "Shares.csv"), "posts.csv"),
     "linkedin-export", "linkedin"),
    ("linkedin comments renamed", lambda t: _copy(t, fixture("linkedin", "Comments.csv"), "comments.csv"),
     "linkedin-export", "linkedin"),
    ("facebook zip", lambda t: build_zip(t / "facebook-jamie.zip", FACEBOOK), "meta-export", "facebook"),
    ("facebook posts renamed", lambda t: _copy(t, fixture("meta", "your_posts_1.json"), "posts.json"),
     "meta-export", "facebook"),
    ("instagram posts renamed", lambda t: _copy(t, fixture("meta", "posts_1.json"), "ig.json"),
     "meta-export", "instagram"),
    ("threads renamed", lambda t: _copy(t, fixture("meta", "threads_and_replies.json"), "data.json"),
     "meta-export", "threads"),
    ("snscrape twitter renamed", lambda t: _copy(t, fixture("snscrape", "twitter-user.jsonl"), "posts.jsonl"),
     "snscrape-jsonl", "x"),
    # Toot rows carry a `text` field: the generic posts table must not grab them first.
    ("snscrape mastodon", lambda t: _copy(t, fixture("snscrape", "mastodon-profile.jsonl"), "toots.jsonl"),
     "snscrape-jsonl", "mastodon"),
    ("snscrape telegram", lambda t: _copy(t, fixture("snscrape", "telegram-channel.jsonl"), "t.jsonl"),
     "snscrape-jsonl", "telegram"),
]


@pytest.mark.parametrize(("build", "reader", "platform"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_reader_chosen_by_content(tmp_path, build, reader, platform):
    path = build(tmp_path)
    assert detect(path) == reader
    result = read_source(str(path))
    assert result.platform == platform and result.posts
    assert result.source == str(path)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("random.json", json.dumps({"temperature": 21.5, "readings": [1, 2, 3], "station": "roof"})),
        ("list.json", json.dumps([{"sku": "A1", "price": 3}, {"sku": "B2", "price": 4}])),
        ("notes.txt", "just some notes\nnothing to see\n"),
        ("prices.csv", "sku,price\nA1,3\n"),
    ],
)
def test_unknown_files_are_refused(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    assert detect(path) is None
    with pytest.raises(AuditorError, match="not a format auditor knows|not a known export"):
        read_source(str(path))


def test_unknown_archive_is_refused(tmp_path):
    path = build_zip(tmp_path / "photos.zip", {"img/a.jpg": b"\xff\xd8\xff", "readme.txt": "holiday"})
    with pytest.raises(AuditorError, match="not a format auditor knows"):
        read_source(str(path))


@pytest.mark.parametrize(("build", "reader", "platform"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_posts_round_trip_as_json(tmp_path, build, reader, platform):
    from auditor.post import Post

    for post in read_source(str(build(tmp_path))).posts:
        back = Post.from_dict(json.loads(json.dumps(post.to_dict(), ensure_ascii=False)))
        assert back == post
        assert post.account and post.account.startswith(f"{post.platform}:")
        assert post.created_at is not None and post.created_at.tzinfo is not None


def test_specific_formats_are_tried_before_the_generic_posts_table():
    load_readers()
    order = [r.name for r in FILE_READERS]
    mine = ["mastodon-archive", "meta-export", "reddit-export", "linkedin-export", "snscrape-jsonl"]
    assert all(name in order for name in mine)
    if "posts-table" in order:
        assert max(order.index(n) for n in mine) < order.index("posts-table")
