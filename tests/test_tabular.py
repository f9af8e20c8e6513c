"""Plain JSONL/CSV tables of posts, and the row reader behind `auditor classify`."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from auditor.errors import AuditorError
from auditor.post import Post
from auditor.sources import read_source
from auditor.sources import tabular as tab

FIXTURES = Path(__file__).parent / "fixtures" / "tabular"
JSONL, CSV = FIXTURES / "posts.jsonl", FIXTURES / "posts.csv"


def test_jsonl_posts():
    assert tab.sniff(JSONL)
    result = tab.read(JSONL)
    assert (result.platform, result.account) == ("mastodon", "@rowan")
    posts = result.posts
    # blank lines are skipped and are not rows: the third row gets the default id "3"
    assert [p.id for p in posts] == ["a1", "a2", "3", "1789000000000000123"]
    assert [p.kind for p in posts] == ["post", "reply", "post", "repost"]
    assert posts[0].created_at == datetime(2024, 5, 2, 9, 15, tzinfo=timezone.utc)
    assert posts[1].created_at == datetime(2024, 5, 2, 8, 0, tzinfo=timezone.utc)
    assert posts[2].created_at == datetime.fromtimestamp(1714650000, tz=timezone.utc)
    assert posts[3].created_at.isoformat() == "2024-05-02T18:04:11+00:00"
    assert posts[0].url == "https://social.example/@rowan/a1" and posts[0].lang == "en"
    assert posts[2].visibility == "unlisted" and posts[2].extra == {"likes": 4}
    assert posts[3].raw_text == "Quarterly numbers are in & they look good"
    assert all(p.account == "mastodon:@rowan" for p in posts)


def test_csv_posts():
    assert tab.sniff(CSV)
    result = tab.read(CSV)
    assert (result.platform, result.account) == ("import", "posts")
    posts = result.posts
    assert [p.id for p in posts] == ["1", "r2", "r3"]  # an empty id cell gets the row number
    assert posts[0].created_at == datetime(2023, 7, 1, 14, 33, 22, tzinfo=timezone.utc)  # naive = UTC
    assert posts[1].created_at == datetime(2023, 7, 2, tzinfo=timezone.utc)
    assert posts[1].raw_text == "Two things:\n1. the new bridge lane is great\n2. the signage is not"
    assert posts[2].raw_text == 'Honestly, "quick sync" meetings, a thing of legend'
    assert [p.kind for p in posts] == ["post", "post", "comment"]
    assert posts[0].url == "https://blog.example/p/1" and posts[1].url is None
    assert all(p.author == "unknown" and p.platform == "import" for p in posts)


@pytest.mark.parametrize("fixture", [JSONL, CSV])
def test_bom_is_ignored(tmp_path, fixture):
    with_bom = tmp_path / fixture.name
    with_bom.write_bytes(b"\xef\xbb\xbf" + fixture.read_bytes())
    assert tab.sniff(with_bom)
    assert [p.to_dict() for p in tab.read(with_bom).posts] == [p.to_dict() for p in tab.read(fixture).posts]


def test_read_rows_for_classify():
    rows = list(tab.read_rows(str(JSONL)))
    assert [r["id"] for r in rows] == ["a1", "a2", "3", "1789000000000000123"]
    assert rows[0]["text"] == "Opening the new studio today, come by for coffee!"
    rows = list(tab.read_rows(CSV))
    assert [(r["id"], r["text"][:10]) for r in rows] == [("1", "Farmers ma"), ("r2", "Two things"),
                                                        ("r3", "Honestly, ")]


@pytest.mark.parametrize("data", [
    b'\xef\xbb\xbf{"text": "first"}\n\n{"id": "b", "text": "second"}\n',
    b"text,id\r\nfirst,\r\nsecond,b\r\n",
])
def test_read_rows_from_stdin(monkeypatch, data):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert list(tab.read_rows("-")) == [{"text": "first", "id": "1"}, {"id": "b", "text": "second"}]


def test_read_rows_streams(tmp_path):
    src = tmp_path / "big.jsonl"
    src.write_text('{"text": "fine"}\n' * 1000 + "{broken\n")
    rows = tab.read_rows(src)
    assert next(rows) == {"text": "fine", "id": "1"}  # nothing past the first line was needed yet
    with pytest.raises(AuditorError, match="line 1001: not valid JSON"):
        list(rows)


def _bad(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("in.jsonl", '{"text": "ok"}\n{not json\n', "line 2: not valid JSON"),
    ("in.jsonl", '{"text": "ok"}\n["a", "list"]\n', "line 2: not a JSON object"),
    ("in.jsonl", '{"text": "ok"}\n\n{"body": "no text here"}\n', "line 3: no 'text' field"),
    ("in.jsonl", '{"text": 42}\n', "line 1: 'text' is not a string"),
    ("in.jsonl", '{"text": null}\n{"text": ["a"]}\n', "line 2: 'text' is not a string"),
    ("in.csv", "id,body\n1,hello\n", "no 'text' column"),
    ("in.csv", 'text,id\n"unterminated,1\n', "line"),
    ("in.jsonl", b'{"text": "caf\xe9"}\n', "not UTF-8"),
])
def test_bad_rows(tmp_path, name, content, problem):
    path = _bad(tmp_path, name, content)
    with pytest.raises(AuditorError, match=problem) as err:
        list(tab.read_rows(path))
    assert str(path) in str(err.value)


@pytest.mark.parametrize(("content", "problem"), [
    ('{"text": "a"}\n{"text": "b", "kind": "tweet"}\n', "line 2: unknown kind 'tweet'"),
    ('{"text": "a", "visibility": "friends"}\n', "line 1: unknown visibility 'friends'"),
    ('{"text": "a", "created_at": "last tuesday"}\n', "line 1: unreadable date"),
])
def test_bad_post_fields(tmp_path, content, problem):
    path = _bad(tmp_path, "posts.jsonl", content)
    with pytest.raises(AuditorError, match=problem) as err:
        tab.read(path)
    assert "posts.jsonl" in str(err.value)


def test_bad_kind_in_csv_names_the_line(tmp_path):
    path = _bad(tmp_path, "posts.csv", 'text,kind\n"multi\nline",post\nhello,retweet\n')
    with pytest.raises(AuditorError, match=r"posts.csv: line 4: unknown kind 'retweet'"):
        tab.read(path)


def test_stdin_errors_name_stdin(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b'{"text": "a"}\nnope\n'), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(AuditorError, match="stdin: line 2: not valid JSON"):
        list(tab.read_rows("-"))


def test_empty_inputs(tmp_path):
    empty = _bad(tmp_path, "empty.jsonl", "")
    assert list(tab.read_rows(empty)) == []
    assert not tab.sniff(empty)
    with pytest.raises(AuditorError, match="empty.jsonl: no rows"):
        tab.read(empty)
    with pytest.raises(AuditorError, match="nope.jsonl"):
        list(tab.read_rows(tmp_path / "nope.jsonl"))
    with pytest.raises(AuditorError, match="folder"):
        list(tab.read_rows(tmp_path))


def test_sniff_only_takes_tables_with_text(tmp_path):
    assert not tab.sniff(_bad(tmp_path, "random.json", json.dumps({"hello": "world", "items": [1, 2, 3]})))
    assert not tab.sniff(_bad(tmp_path, "notes.txt", "just some notes\nnothing to see"))
    assert not tab.sniff(_bad(tmp_path, "other.csv", "date,body\n2024-01-01,hi\n"))
    assert tab.sniff(_bad(tmp_path, "rows.dat", '\n{"text": "a table by content, whatever its name"}\n'))
    z = tmp_path / "t.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("posts.jsonl", '{"text": "x"}\n')
    assert not tab.sniff(z) and not tab.sniff(tmp_path)


def test_read_source_and_posts_round_trip(tmp_path):
    result = read_source(str(JSONL))
    assert result.platform == "mastodon" and result.source == str(JSONL)
    # the output of `auditor posts` (Post.to_dict lines) reads back as the same posts
    exported = tmp_path / "exported.jsonl"
    exported.write_text("".join(json.dumps(p.to_dict()) + "\n" for p in result.posts))
    again = tab.read(exported).posts
    assert [p.to_dict() for p in again] == [p.to_dict() for p in result.posts]
    assert all(isinstance(p, Post) for p in again)
