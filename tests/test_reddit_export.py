"""Reddit data-request export: posts.csv and comments.csv, never the messages."""

from datetime import datetime, timezone

import pytest
from export_fixtures import build_targz, build_tree, build_zip, counts, fixture

from auditor.errors import AuditorError
from auditor.sources.archive import ArchiveTree
from auditor.sources.reddit_export import read, sniff

NAMES = ["posts.csv", "comments.csv", "statistics.csv", "messages.csv", "chat_history.csv", "post_votes.csv",
         "saved_comments.csv"]
MEMBERS = {f"export_tomato_planner_20240105/{n}": fixture("reddit", n) for n in NAMES}
EXPECTED = {"comment": 5, "deleted": 4, "post": 4}


@pytest.fixture(params=["zip", "folder", "targz"])
def export(request, tmp_path):
    if request.param == "zip":
        return build_zip(tmp_path / "export_tomato_planner_20240105.zip", MEMBERS)
    if request.param == "targz":
        return build_targz(tmp_path / "reddit.tar.gz", MEMBERS, tmp_path)
    return build_tree(tmp_path / "reddit", MEMBERS)


def _by_id(result):
    return {p.id: p for p in result.posts}


def test_counts_and_username(export):
    assert sniff(export)
    result = read(export)
    assert result.platform == "reddit" and result.account == "u/tomato_planner"
    assert counts(result.posts) == EXPECTED
    assert all(p.visibility == "public" and p.account == "reddit:u/tomato_planner" for p in result.posts)


def test_messages_and_chats_are_never_opened(export, monkeypatch):
    opened = []
    cls = type(ArchiveTree.open(export))
    original = cls.read_bytes

    def spy(self, name):
        opened.append(name.rsplit("/", 1)[-1])
        return original(self, name)

    monkeypatch.setattr(cls, "read_bytes", spy)
    result = read(export)
    assert set(opened) <= {"posts.csv", "comments.csv", "statistics.csv"}
    assert not any("SECRET" in p.raw_text for p in result.posts)


def test_posts_title_body_and_multiline(export):
    posts = _by_id(read(export))
    first = posts["x1a2b3"]
    assert first.kind == "post"
    assert first.raw_text == (
        "First tomatoes of the year\n\nPlanted them in April.\n\nTips that worked:\n"
        '* water early, "deep" not often\n* mulch, mulch, mulch'
    )
    assert first.created_at == datetime(2023, 6, 14, 18, 2, 11, tzinfo=timezone.utc)
    assert first.url == "https://www.reddit.com/r/gardening/comments/x1a2b3/first_tomatoes_of_the_year/"
    assert first.extra["subreddit"] == "gardening"
    link = posts["x1a2b4"]
    assert link.text == "A calendar trick that saved my week"
    assert link.extra["url"] == "https://blog.example.net/calendar-trick"
    # A relative permalink becomes a full URL.
    assert posts["x1a2b6"].url == "https://www.reddit.com/r/boardgames/comments/x1a2b6/looking_for_a_two_player_game/"


def test_removed_and_deleted_are_flagged_not_scored(export):
    posts = _by_id(read(export))
    removed = posts["x1a2b5"]
    assert removed.deleted and removed.text == "Parking fines downtown"
    assert removed.raw_text == "Parking fines downtown\n\n[removed]"
    for cid in ("k9z003", "k9z004"):
        assert posts[cid].deleted and posts[cid].text == "" and posts[cid].kind == "comment"
    assert "4 posts or comments were removed or deleted" in " ".join(read(export).notes)


def test_comments_crlf_entities_and_parent(export):
    posts = _by_id(read(export))
    two = posts["k9z002"]
    assert two.raw_text == "Two rules:\n\n1. plan the night before\n2. never book back-to-back meetings, ever"
    assert two.extra["parent"] == "k9y999"
    assert posts["k9z005"].raw_text.endswith("&amp; snacks") is False
    assert posts["k9z005"].raw_text.endswith("& snacks")


def test_single_comments_csv_without_media_column(tmp_path):
    renamed = tmp_path / "my-reddit-stuff.csv"
    renamed.write_bytes(fixture("reddit", "comments_nomedia.csv").read_bytes())
    assert sniff(renamed)
    result = read(renamed)
    assert counts(result.posts) == {"comment": 2}
    assert result.account == "u/unknown"
    assert any("username" in n for n in result.notes)
    assert result.posts[1].raw_text == 'Quote from it:\n\n> "the map is not the territory"\n\nstill true'


def test_single_posts_csv():
    result = read(fixture("reddit", "posts.csv"))
    assert counts(result.posts) == {"deleted": 2, "post": 4}


def test_not_sniffed_for_other_csvs(tmp_path):
    assert not sniff(fixture("reddit", "messages.csv"))
    assert not sniff(fixture("reddit", "statistics.csv"))
    only_private = build_zip(tmp_path / "x.zip", {"messages.csv": fixture("reddit", "messages.csv")})
    assert not sniff(only_private)


def test_bad_date_and_broken_csv_are_auditor_errors(tmp_path):
    bad = tmp_path / "posts.csv"
    bad.write_text(fixture("reddit", "posts.csv").read_text().replace("2023-07-01 08:30:00 UTC", "someday"))
    with pytest.raises(AuditorError, match="unreadable date") as err:
        read(bad)
    assert "x1a2b4" in str(err.value)
    broken = tmp_path / "comments.csv"
    broken.write_text('id,permalink,date,ip,subreddit,gildings,link,parent,body\n"k1,\x00oops')
    with pytest.raises(AuditorError):
        read(broken)
