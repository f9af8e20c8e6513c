"""Mastodon archive: zip, tar.gz, folder or bare outbox.json, with every real-export quirk."""

from datetime import datetime, timezone

import pytest
from export_fixtures import build_targz, build_tree, build_zip, counts, fixture

from auditor.errors import AuditorError
from auditor.sources import mastodon_export
from auditor.sources.mastodon_export import read, sniff, visibility

OUTBOX = fixture("mastodon", "outbox.json")
MEMBERS = {
    "outbox.json": OUTBOX,
    "actor.json": fixture("mastodon", "actor.json"),
    "likes.json": fixture("mastodon", "likes.json"),
    "media_attachments/files/111/000/000/original/a1b2.jpg": b"\xff\xd8\xff\xe0 not really a jpeg",
}
EXPECTED = {"not_public": 3, "post": 8, "reply": 2, "repost": 2}


def _by_id(result):
    return {p.id: p for p in result.posts}


@pytest.fixture(params=["zip", "targz", "folder"])
def archive(request, tmp_path):
    if request.param == "zip":
        return build_zip(tmp_path / "archive-20240601.zip", MEMBERS)
    if request.param == "targz":
        return build_targz(tmp_path / "archive-20220101.tar.gz", MEMBERS, tmp_path)
    return build_tree(tmp_path / "archive", MEMBERS)


def test_archive_counts_and_account(archive):
    assert sniff(archive)
    result = read(archive)
    assert result.platform == "mastodon"
    assert result.account == "@alice@social.example"
    assert result.display_name == "Alice Example"
    # The duplicate "orderedItems": [] before the real list must not hide the 12 activities.
    assert len(result.posts) == 12
    assert counts(result.posts) == EXPECTED
    assert all(p.account == "mastodon:@alice@social.example" for p in result.posts)


def test_bare_outbox_renamed_is_read_by_content(tmp_path):
    renamed = tmp_path / "data.json"
    renamed.write_bytes(OUTBOX.read_bytes())
    assert sniff(renamed)
    result = read(renamed)
    assert counts(result.posts) == EXPECTED
    # Without actor.json the handle comes from the activities' actor URI.
    assert result.account == "@alice@social.example"
    assert result.display_name is None


def test_visibility_from_to_and_cc(archive):
    posts = _by_id(read(archive))
    assert posts["111000000000000001"].visibility == "public"
    assert posts["111000000000000003"].visibility == "unlisted"
    assert posts["111000000000000004"].visibility == "private"
    assert posts["111000000000000005"].visibility == "direct"
    assert posts["111000000000000011"].visibility == "direct"
    assert posts["111000000000000011"].kind == "reply"
    assert posts["111000000000000010"].visibility == "public"  # "as:Public" short form
    assert not posts["111000000000000005"].auditable and posts["111000000000000003"].auditable


@pytest.mark.parametrize(
    ("to", "cc", "expected"),
    [
        (["https://www.w3.org/ns/activitystreams#Public"], [], "public"),
        ("as:Public", None, "public"),
        (["https://h/users/a/followers"], ["Public"], "unlisted"),
        (["https://h/users/a/followers"], [], "private"),
        (["https://h/users/b"], ["https://h/users/a/followers"], "direct"),
        (None, None, "direct"),
    ],
)
def test_visibility_rule(to, cc, expected):
    assert visibility(to, cc, "https://h/users/a") == expected


def test_text_links_mentions_cw_and_entities(archive):
    posts = _by_id(read(archive))
    first = posts["111000000000000001"]
    assert first.raw_text == (
        "New write-up on our team's offsite: https://blog.example.net/2024/05/why-we-moved-our-team-offsite"
        "\n\nWorth a read!"
    )
    assert first.kind == "post" and first.lang == "en"
    assert first.url == "https://social.example/@alice/111000000000000001"
    assert first.created_at == datetime(2024, 5, 2, 9, 15, tzinfo=timezone.utc)
    reply = posts["111000000000000002"]
    assert reply.kind == "reply"
    assert reply.raw_text == 'work rant\n\n@bob that\'s a fair point, I\'ll rethink the "quick fix".'
    assert reply.extra["in_reply_to"] == "https://other.example/users/bob/statuses/9001"
    assert posts["111000000000000003"].raw_text == "Quiet post about gardening.\nTomatoes are in."


def test_boosts_are_reposts_without_text(archive):
    posts = _by_id(read(archive))
    boost = posts["111000000000000006"]
    assert boost.kind == "repost" and not boost.authored
    assert boost.text == ""
    assert boost.raw_text == "https://news.example.org/users/desk/statuses/555"
    assert boost.visibility == "public"
    assert posts["111000000000000007"].visibility == "unlisted"


def test_language_poll_edit_and_missing_content_map(archive):
    posts = _by_id(read(archive))
    assert posts["111000000000000008"].lang == "zh"  # contentMap key "zhCn"
    assert posts["111000000000000009"].lang is None
    assert posts["111000000000000009"].text == "No contentMap on this one."
    poll = posts["111000000000000012"]
    assert poll.raw_text == "Best lunch spot near the office?\n\n- Noodle bar\n- Salad place"
    assert poll.extra["poll"] is True
    edited = posts["111000000000000010"]
    assert edited.extra["edited"] == "2024-05-10T12:30:00Z" and edited.extra["attachments"] == 1


def test_notes_tell_the_report_what_was_not_assessed(archive):
    notes = " ".join(read(archive).notes)
    assert "2 boosts" in notes
    assert "2 direct messages and 1 followers-only posts" in notes


def test_2022_pretty_printed_export_with_signatures(tmp_path):
    folder = build_tree(tmp_path / "old", {
        "outbox.json": fixture("mastodon", "outbox-2022.json"),
        "actor.json": fixture("mastodon", "actor-2022.json"),
    })
    result = read(folder)
    assert result.account == "@carol@old.example"
    assert counts(result.posts) == {"post": 1, "repost": 1}
    first = result.posts[0]
    assert first.raw_text == "Hello fediverse & friends, first post here."
    assert first.id == "109300000000000001"


def test_first_wins_duplicate_order_also_handled(tmp_path):
    path = tmp_path / "outbox.json"
    path.write_text(
        '{"@context":"https://www.w3.org/ns/activitystreams","type":"OrderedCollection",'
        '"orderedItems":[{"type":"Announce","id":"https://h/users/a/statuses/1/activity","actor":"https://h/users/a",'
        '"published":"2024-01-01T00:00:00Z","to":["as:Public"],"object":"https://h/users/b/statuses/2"}],'
        '"orderedItems":[]}'
    )
    assert len(read(path).posts) == 1


def test_totalitems_is_not_trusted(tmp_path):
    # The fixture claims totalItems 15 for 12 items; the reader counts what is there.
    assert len(read(OUTBOX).posts) == 12


@pytest.mark.parametrize(
    "content",
    ['{"@context":"https://www.w3.org/ns/activitystreams","type":"OrderedCollection","orderedItems":',
     '{"@context":"https://www.w3.org/ns/activitystreams","type":"OrderedCollection","orderedItems":{}}'],
)
def test_broken_outbox_is_an_auditor_error(tmp_path, content):
    path = tmp_path / "outbox.json"
    path.write_text(content)
    assert sniff(path)
    with pytest.raises(AuditorError) as err:
        read(path)
    assert str(path) in str(err.value)


def test_bad_date_names_the_file(tmp_path):
    path = tmp_path / "outbox.json"
    path.write_text(OUTBOX.read_text().replace("2024-05-02T09:15:00Z", "yesterday-ish"))
    with pytest.raises(AuditorError, match="unreadable date"):
        read(path)


def test_not_sniffed(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"orderedItems": []}')
    zipped = build_zip(tmp_path / "x.zip", {"tweets.js": "window.YTD.tweets.part0 = []"})
    assert not sniff(other) and not sniff(zipped) and not sniff(tmp_path)
    assert mastodon_export.PLATFORM == "mastodon"


def test_bare_outbox_picks_up_sibling_actor(tmp_path):
    folder = build_tree(tmp_path / "unpacked", {k: v for k, v in MEMBERS.items() if k.endswith(".json")})
    result = read(folder / "outbox.json")
    assert result.display_name == "Alice Example" and len(result.posts) == 12
