"""Meta exports: Facebook (every path era), Instagram and Threads, with mojibake repaired."""

from datetime import datetime, timezone

import pytest
from export_fixtures import build_tree, build_zip, counts, fixture

from auditor.errors import AuditorError
from auditor.sources.archive import ArchiveTree
from auditor.sources.meta_export import fix_mojibake, read, sniff

F = lambda name: fixture("meta", name)  # noqa: E731

FB_ERAS = {
    "2022": ("posts/your_posts_1.json", "posts/your_posts_2.json", "comments/comments.json",
             "profile_information/profile_information.json", "messages/inbox/samlee_1/message_1.json"),
    "2023": ("your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_1.json",
             "your_activity_across_facebook/posts/your_posts__check_ins__photos_and_videos_2.json",
             "your_activity_across_facebook/comments_and_reactions/comments.json",
             "personal_information/profile_information/profile_information.json",
             "your_activity_across_facebook/messages/inbox/samlee_1/message_1.json"),
    "2024": ("your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json",
             "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_2.json",
             "your_facebook_activity/comments_and_reactions/comments.json",
             "personal_information/profile_information/profile_information.json",
             "your_facebook_activity/messages/inbox/samlee_1/message_1.json"),
}
SOURCES = ("your_posts_1.json", "your_posts_2.json", "comments.json", "profile_information.json",
           "message_1.json")
FB_EXPECTED = {"comment": 4, "post": 6, "repost": 1}
IG = {"your_instagram_activity/content/posts_1.json": F("posts_1.json"),
      "personal_information/personal_information/personal_information.json": F("personal_information.json")}
THREADS = {"your_instagram_activity/threads/threads_and_replies.json": F("threads_and_replies.json")}


def _fb_members(era):
    return {path: F(src) for path, src in zip(FB_ERAS[era], SOURCES, strict=True)}


@pytest.mark.parametrize("era", sorted(FB_ERAS))
@pytest.mark.parametrize("container", ["zip", "folder"])
def test_facebook_every_era(tmp_path, era, container):
    members = _fb_members(era)
    path = (build_zip(tmp_path / f"facebook-jamie-{era}.zip", members) if container == "zip"
            else build_tree(tmp_path / f"facebook-{era}", members))
    assert sniff(path)
    result = read(path)
    assert result.platform == "facebook"
    assert result.display_name == "Jamie Doë" and result.account == "Jamie Doë"
    assert counts(result.posts) == FB_EXPECTED
    assert "3 entries without text or attachment" in " ".join(result.notes)
    assert not any("SECRET" in p.raw_text for p in result.posts)


def test_messages_are_never_opened(tmp_path, monkeypatch):
    path = build_tree(tmp_path / "fb", _fb_members("2024"))
    cls = type(ArchiveTree.open(path))
    original, opened = cls.read_bytes, []
    monkeypatch.setattr(cls, "read_bytes", lambda self, name: opened.append(name) or original(self, name))
    read(path)
    assert opened and not any("message" in name for name in opened)


def _fb_posts(tmp_path):
    return {p.created_at.timestamp(): p for p in read(build_tree(tmp_path / "fb", _fb_members("2024"))).posts}


def test_mojibake_repaired_everywhere(tmp_path):
    posts = _fb_posts(tmp_path)
    status = posts[1471086224]
    assert status.raw_text == "Monday again 😂 coffee first, then spreadsheets."
    assert status.extra["title"] == "Jamie Doë updated his status."
    assert status.kind == "post" and status.visibility == "public"
    assert status.created_at == datetime(2016, 8, 13, 11, 3, 44, tzinfo=timezone.utc)
    assert posts[1471786224].extra["place"] == "Café Délice"
    assert posts[1480000000].raw_text == "Haha so true 👍"


def test_facebook_kinds_and_context(tmp_path):
    posts = _fb_posts(tmp_path)
    link = posts[1471186224]
    assert link.kind == "post" and link.extra["link"].endswith("city-budget-explained")
    assert posts[1471286224].kind == "comment"  # wrote on someone else's timeline
    shared = posts[1471586224]
    assert shared.kind == "repost" and shared.text == ""
    # A photo caption repeating the post text is kept once.
    assert posts[1471686224].raw_text == "Team offsite, day two — rain all day ☔"
    assert posts[1480100000].extra["group"] == "Local Runners"
    assert posts[1300000000].raw_text == "An old post from the second part file."
    assert len({p.id for p in posts.values()}) == len(posts)


def test_instagram_alone(tmp_path):
    result = read(build_zip(tmp_path / "instagram-jamie.doe.zip", IG))
    assert result.platform == "instagram" and result.account == "@jamie.doe"
    assert counts(result.posts) == {"post": 3}
    texts = [p.raw_text for p in result.posts]
    assert texts == ["Sunset run 🌅 #running", "Weekend in the mountains — two photos", ""]
    assert result.posts[1].extra["media"] == 2


def test_threads_alone_and_renamed(tmp_path):
    renamed = tmp_path / "export.json"
    renamed.write_bytes(F("threads_and_replies.json").read_bytes())
    assert sniff(renamed)
    result = read(renamed)
    assert result.platform == "threads"
    assert counts(result.posts) == {"post": 2, "reply": 1}
    assert result.posts[0].raw_text == "Hot take — half of all meetings should be emails."
    assert result.posts[1].kind == "reply" and result.posts[1].raw_text.startswith("Agreed")
    assert "1 entries without text" in " ".join(result.notes)


def test_instagram_and_threads_in_one_accounts_center_export(tmp_path):
    result = read(build_tree(tmp_path / "meta", {**IG, **THREADS}))
    assert result.platform == "meta"
    assert counts(result.posts) == {"post": 5, "reply": 1}
    assert {p.platform for p in result.posts} == {"instagram", "threads"}
    assert {p.account for p in result.posts} == {"instagram:@jamie.doe", "threads:@jamie.doe"}


@pytest.mark.parametrize("name", ["your_posts_1.json", "comments.json", "posts_1.json"])
def test_single_files_sniffed_by_content(tmp_path, name):
    renamed = tmp_path / "data.json"
    renamed.write_bytes(F(name).read_bytes())
    assert sniff(renamed)
    assert read(renamed).posts


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [("\u00f0\u009f\u0098\u0082", "😂"), ("Caf\u00c3\u00a9", "Café"), ("Café", "Café"), ("plain", "plain"),
     ("😂 already fine", "😂 already fine"), ("\u00e2\u0080\u0094", "—")],
)
def test_fix_mojibake(broken, fixed):
    assert fix_mojibake(broken) == fixed


def test_not_meta_and_broken(tmp_path):
    assert not sniff(F("message_1.json"))
    other = tmp_path / "comments.json"
    other.write_text('{"items": []}')
    assert not sniff(other)
    assert not sniff(build_tree(tmp_path / "x", {"comments.json": other}))
    broken = tmp_path / "your_posts_1.json"
    broken.write_text('[{"timestamp": 1, "data": [{"post": "unterminated')
    with pytest.raises(AuditorError, match="not valid JSON"):
        read(broken)
