"""LinkedIn export: Shares.csv and Comments.csv with both quoting bugs, naive dates and styled letters."""

import csv
import io
from datetime import datetime, timezone

import pytest
from export_fixtures import build_tree, build_zip, counts, fixture

from auditor.errors import AuditorError
from auditor.sources.linkedin_export import read, repair_commentary, sniff

NAMES = ["Shares.csv", "Comments.csv", "Profile.csv", "messages.csv"]
MEMBERS = {n: fixture("linkedin", n) for n in NAMES}
SHARES = {"not_public": 1, "post": 4, "quote": 1, "repost": 2}


@pytest.fixture(params=["zip", "folder"])
def export(request, tmp_path):
    if request.param == "zip":
        return build_zip(tmp_path / "Basic_LinkedInDataExport_07-11-2025.zip", MEMBERS)
    return build_tree(tmp_path / "linkedin", MEMBERS)


def _by_id(result):
    return {p.id: p for p in result.posts}


def test_export_counts_and_name(export):
    assert sniff(export)
    result = read(export)
    assert result.platform == "linkedin"
    assert result.display_name == "Jordan Rivera" and result.account == "Jordan Rivera"
    assert counts(result.posts) == {**SHARES, "comment": 4}
    assert any("UTC" in n for n in result.notes)
    assert not any("SECRET" in p.raw_text for p in result.posts)


def test_multiline_quoting_bug_repaired_and_math_letters_cleaned(export):
    post = _by_id(read(export))["urn:li:share:7080000000000000001"]
    assert post.raw_text == (
        "Proud of the team for shipping the mentoring program.\n\n𝗪𝗛𝗔𝗧 𝘄𝗲 𝗹𝗲𝗮𝗿𝗻𝗲𝗱: listen first, 𝘫𝘶𝘴𝘵 listen."
    )
    assert post.text == (
        "Proud of the team for shipping the mentoring program.\n\nWHAT we learned: listen first, just listen."
    )
    # Naive LinkedIn time read as UTC.
    assert post.created_at == datetime(2025, 7, 1, 14, 33, 22, tzinfo=timezone.utc)
    assert post.kind == "post" and post.visibility == "unlisted"


def test_kinds_of_shares(export):
    posts = _by_id(read(export))
    reshare = posts["urn:li:ugcPost:7080000000000000003"]
    assert reshare.kind == "repost" and reshare.text == ""
    assert reshare.raw_text == "https://www.linkedin.com/feed/update/urn:li:activity:7079999999999999999"
    photo = posts["urn:li:share:7080000000000000004"]
    assert photo.kind == "post" and photo.text == "" and photo.extra["media_url"].endswith("offsite.jpg")
    quote = posts["urn:li:share:7080000000000000005"]
    assert quote.kind == "quote" and quote.raw_text == "Great thread on hiring practices:\nread it twice."
    link = posts["urn:li:share:7080000000000000002"]
    assert link.kind == "post" and link.raw_text == 'Hiring: two roles, both remote. Say "hi" if interested.'
    assert posts["urn:li:share:7080000000000000007"].kind == "repost"
    private = posts["urn:li:share:7080000000000000006"]
    assert private.visibility == "private" and not private.auditable


def test_comments_backslash_escapes(export):
    posts = _by_id(read(export))
    escaped = posts["urn:li:comment:(activity:7081000000000000002,7081000000000000102)"]
    assert escaped.raw_text == 'I\'d call it a "quiet launch", not a failure.'
    assert escaped.kind == "comment" and escaped.extra["on"] == "urn:li:activity:7081000000000000002"
    assert escaped.created_at == datetime(2025, 7, 3, 10, 0, tzinfo=timezone.utc)
    assert posts["urn:li:comment:(activity:7081000000000000004,7081000000000000104)"].raw_text == (
        'He said "ship it", then left for lunch.'
    )
    multiline = [p for p in posts.values() if p.raw_text.startswith("Line one")]
    assert multiline[0].raw_text == "Line one\nline two, with a comma"
    assert len(multiline[0].id) == 16  # no comment URN in that link: a stable hash id


def test_default_csv_dialect_really_misparses_comments():
    # Guard for the fixture: without escapechar the \" rows fail, as in the real export.
    text = fixture("linkedin", "Comments.csv").read_text(encoding="utf-8")
    with pytest.raises(csv.Error):
        list(csv.DictReader(io.StringIO(text, newline=""), strict=True))


def test_single_files_renamed(tmp_path):
    shares = tmp_path / "posts-export.csv"
    shares.write_bytes(fixture("linkedin", "Shares.csv").read_bytes())
    comments = tmp_path / "mine.csv"
    comments.write_bytes(fixture("linkedin", "Comments.csv").read_bytes())
    assert sniff(shares) and sniff(comments)
    assert counts(read(shares).posts) == SHARES
    result = read(comments)
    assert counts(result.posts) == {"comment": 4}
    assert result.account == "LinkedIn member" and result.display_name is None


def test_ids_are_stable_across_runs(export):
    assert [p.id for p in read(export).posts] == [p.id for p in read(export).posts]


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ('"a."\n""\n"b"', "a.\n\nb"),
        ('"one"\r\n"two"', "one\ntwo"),
        ("no bug here", "no bug here"),
        ('He said "hi"', 'He said "hi"'),
    ],
)
def test_repair_commentary(raw, fixed):
    assert repair_commentary(raw) == fixed


def test_not_sniffed_and_errors(tmp_path):
    assert not sniff(fixture("linkedin", "Profile.csv"))
    assert not sniff(fixture("reddit", "comments.csv"))
    assert not sniff(build_zip(tmp_path / "x.zip", {"messages.csv": fixture("linkedin", "messages.csv")}))
    bad = tmp_path / "Shares.csv"
    bad.write_text("Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\nlast week,x,hi,,,PUBLIC\n")
    with pytest.raises(AuditorError, match="unreadable date"):
        read(bad)
