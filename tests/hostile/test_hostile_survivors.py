"""Hostile inputs that are still honest exports: read in bounded time and memory, nothing private shown,
impossible dates kept out of the timeline, the same export never counted twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness import CANARY, assert_no_canary, cli, tweet, x_archive

from auditor.pipeline import person_slug


def _posts(*sources: Path | str, env: dict[str, str] | None = None) -> list[dict]:
    proc = cli("posts", *map(str, sources), env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert_no_canary(proc.stdout, proc.stderr)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _protected_archive(path: Path) -> Path:
    """Public before 2021, protected (followers-only) through 2021, public again from 2022."""
    history = [{"protectedHistory": {"protectedAt": "2021-01-01T00:00:00.000Z", "action": "Protect"}},
               {"protectedHistory": {"protectedAt": "2022-01-01T00:00:00.000Z", "action": "Unprotect"}}]
    tweets = [tweet(1, "public before", "Wed Jun 10 12:00:00 +0000 2020"),
              tweet(2, f"{CANARY} for followers only", "Thu Jun 10 12:00:00 +0000 2021"),
              tweet(3, "public after", "Fri Jun 10 12:00:00 +0000 2022")]
    return x_archive(path, tweets, files={"data/protected-history.js": history})


def _dm_manifest_archive(path: Path) -> Path:
    """A manifest that lists direct-messages.js as a tweets file."""
    dms = [{"dmConversation": {"conversationId": "1-2", "messages": [
        {"messageCreate": {"id": "9", "text": f"{CANARY} a direct message",
                           "createdAt": "2024-01-01T00:00:00Z"}}]}}]
    types = {"tweets": {"files": [{"fileName": "data/tweets.js", "count": "1"},
                                  {"fileName": "data/direct-messages.js", "count": "1"}]}}
    return x_archive(path, [tweet(5, "an ordinary post")], data_types=types,
                     files={"data/direct-messages.js": dms})


def test_link_expansion_is_bounded(tmp_path):
    """40 entities "a" → "aa" once doubled the text 40 times; an empty url inserted between every letter."""
    entities = {"urls": [{"url": "a", "expanded_url": "aa", "indices": [i, i + 1]} for i in range(40)]
                + [{"url": "", "expanded_url": "https://x.example/" + "z" * 50, "indices": [0, 0]}]}
    archive = x_archive(tmp_path / "bomb.zip", [tweet(1, "a" * 50, entities=entities)])
    [post] = _posts(archive)
    assert post["raw_text"] == "aa" * 40 + "a" * 10  # each entity once, at its own span


def test_snscrape_links_are_expanded_once_each(tmp_path):
    row = {"_type": "snscrape.modules.twitter.Tweet", "id": 1, "url": "https://x.com/u/status/1",
           "date": "2024-01-01T00:00:00+00:00", "rawContent": "a" * 30, "lang": 5, "user": {"username": "u"},
           "links": [{"url": "aa", "tcourl": "a", "indices": [i, i + 1]} for i in range(30)]}
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(row) + "\n")
    [post] = _posts(path)
    assert post["raw_text"] == "aa" * 30 and post["lang"] is None  # "lang": 5 is no language


def test_odd_manifest_values_are_no_crash(tmp_path):
    """A count of "²", a display name that is an object, a user name that is a list."""
    types = {"tweets": {"files": [{"fileName": "data/tweets.js", "count": "²"}]}}
    archive = x_archive(tmp_path / "odd.zip", [tweet(1, "hello"), tweet("²", "no id")], data_types=types,
                        user_info={"userName": ["a"], "displayName": {"x": 1}})
    posts = _posts(archive)
    assert [p["id"] for p in posts] == ["1"]


def test_impossible_dates_are_date_unknown(tmp_path):
    rows = [{"id": "1", "text": "year one", "created_at": "0001-01-01T00:00:00Z"},
            {"id": "2", "text": "year one, an hour east", "created_at": "0001-01-01T00:00:00+01:00"},
            {"id": "3", "text": "the last year", "created_at": "9999-12-31T23:59:59-05:00"},
            {"id": "4", "text": "an ordinary day", "created_at": "2024-05-01T10:00:00Z"}]
    path = tmp_path / "dates.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    posts = {p["id"]: p for p in _posts(path)}
    assert [posts[i]["created_at"] for i in "123"] == [None, None, None]
    assert all(posts[i]["extra"]["date_given"] for i in "123")
    assert posts["4"]["created_at"].startswith("2024-05-01")


def test_tables_with_odd_first_rows_are_still_tables(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf\n\nid,text\n1,hello\n")
    wide = tmp_path / "wide.jsonl"
    wide.write_text(json.dumps({"id": "1", "text": "w" * 1_200_000}) + "\n")  # a first row over 1 MiB
    posts = _posts(bom, wide, env={"AUDITOR_MAX_POST_CHARS": "2000000"})
    assert [p["text"][:5] for p in posts] == ["hello", "wwwww"]


def test_same_export_twice_is_read_once(tmp_path):
    archive = x_archive(tmp_path / "x.zip", [tweet(1, "one"), tweet(2, "two")])
    (tmp_path / "link.zip").symlink_to(archive)
    proc = cli("posts", str(archive), f"{tmp_path}/./x.zip", str(tmp_path / "link.zip"))
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 2, proc.stderr


def test_private_posts_never_leave_the_archive(tmp_path):
    posts = _posts(_protected_archive(tmp_path / "p.zip"), _dm_manifest_archive(tmp_path / "dm.zip"))
    assert sorted(p["raw_text"] for p in posts) == ["an ordinary post", "public after", "public before"]


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> tuple[Path, dict]:
    """One audit over every hostile-but-honest source at once (the models load once)."""
    tmp = tmp_path_factory.mktemp("survivors")
    protected = _protected_archive(tmp / "p.zip")
    _dm_manifest_archive(tmp / "dm.zip")
    dates = tmp / "dates.jsonl"
    dates.write_text("".join(json.dumps(r) + "\n" for r in [
        {"id": "d1", "text": "you absolute idiot", "created_at": "0001-01-01T00:00:00Z", "platform": "x"},
        {"id": "d2", "text": "what an idiot you are", "created_at": "9999-12-31T23:59:59Z", "platform": "x"},
        {"id": "d3", "text": "a lovely day", "created_at": "2024-05-01T10:00:00Z", "platform": "x"}]))
    person = tmp / "person.yaml"
    person.write_text(f"name: \"Eve \\u202eevil\\u202c Example\"\naccounts: [p.zip, dm.zip, {dates.name}]\n")
    out = tmp / "out"
    proc = cli("audit", str(protected), "--person-file", str(person), "--no-pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert_no_canary(proc.stdout, proc.stderr, out)
    folder = out / person_slug("Eve evil Example")
    return folder, json.loads((folder / "summary.json").read_text())


def test_audit_counts_each_export_once_and_hides_private_posts(audited):
    _, summary = audited
    t = summary["totals"]
    assert t["total"] == 3 + 1 + 3  # p.zip given as an argument and in the person file: read once
    assert t["not_public"] == 1 and t["public"] == 6


def test_audit_keeps_impossible_dates_out_of_the_timeline(audited):
    folder, summary = audited
    assert summary["totals"]["date_unknown"] == 2
    months = [row["month"] for row in summary["timeline"]]
    assert months and min(months) >= "2006-03" and max(months) <= "2024-12"
    assert "date unknown" in (folder / "report.html").read_text(encoding="utf-8")


def test_audit_shows_names_without_bidi_controls(audited):
    folder, summary = audited
    assert summary["person"] == "Eve evil Example"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "\u202e" not in html and "<bdi>" in html


def test_a_very_long_flagged_post_is_shown_as_an_excerpt():
    from auditor.report.render import MAX_CARD_CHARS, excerpt

    text = "calm words " * 5000 + "you absolute idiot " + "more calm words " * 5000
    shown, cut = excerpt(text, {"insult": ["idiot"]})
    assert cut and "idiot" in shown and len(shown) <= MAX_CARD_CHARS + 10
