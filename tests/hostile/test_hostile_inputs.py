"""Hostile files: each ends in one ``auditor: error: FILE: problem`` line (exit 2) under a 2 GB / 60 s cap,
nothing half-written. Bombs are built small and the limits lowered through their environment variables,
the way a user raises them, so the suite stays fast. Every attack runs once, two at a time, in a fixture."""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fakeserver import CarBuilder
from harness import (
    assert_nothing_written,
    assert_refused,
    cli,
    flat_tree,
    nested,
    post_record,
    tweet,
    x_archive,
)


@dataclass
class Attack:
    build: Callable[[Path], list[str]]  # makes the files in a folder, returns the CLI arguments
    needles: tuple[str, ...]  # what the one error line must say
    env: dict[str, str] = field(default_factory=dict)


_POST = "app.bsky.feed.post"


def _write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _posts(path: Path) -> list[str]:
    return ["posts", str(path), "-o", str(path.parent / "out" / "posts.jsonl")]


def _car(tmp: Path, build: Callable[[CarBuilder], bytes]) -> list[str]:
    return _posts(_write(tmp / "repo.car", build(CarBuilder())))


def _fan_out(b: CarBuilder) -> bytes:
    """20,000 entries pointing at one record (here 200): once 20,000 posts and 4.4 GB."""
    rec = b.put(post_record("the same post, again and again"))
    return flat_tree(b, [(f"app.bsky.feed.post/3k{i:011d}", rec) for i in range(200)])


def _out_of_order(b: CarBuilder) -> bytes:
    one, two = b.put(post_record("one")), b.put(post_record("two"))
    return flat_tree(b, [(f"{_POST}/3kbbbbbbbbb22", one), (f"{_POST}/3kaaaaaaaaa22", two)])


def _many_records(b: CarBuilder) -> bytes:
    recs = [b.put(post_record(f"post {i}")) for i in range(6)]
    return flat_tree(b, [(f"app.bsky.feed.post/3k{i:011d}", r) for i, r in enumerate(recs)])


def _tampered(b: CarBuilder) -> bytes:
    rec = b.put(post_record("an honest post"))
    return flat_tree(b, [(f"{_POST}/3kaaaaaaaaa22", rec)]).replace(b"an honest post", b"a dishonest po")


def _big_int_archive(tmp: Path) -> list[str]:
    """A 5,000-digit integer (past Python's int-from-text limit) where a count belongs."""
    path = x_archive(tmp / "x.zip", [tweet(1, "hi", retweet_count="__BIG__")])
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["data/tweets.js"] = members["data/tweets.js"].replace(b'"__BIG__"', b"9" * 5000)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return _posts(path)


def _person_file(tmp: Path, text: str) -> list[str]:
    return ["audit", "--person-file", str(_write(tmp / "person.yaml", text)), "-o", str(tmp / "out")]


_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
          "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
_TABLE = '{"id": "1", "text": "hello there", "created_at": "2024-01-01"}\n'

ATTACKS: dict[str, Attack] = {
    # 4: no size bounds
    "x: one huge post": Attack(
        lambda t: _posts(x_archive(t / "x.zip", [tweet(1, "word " * 1000)])),
        ("x.zip", "post 1", "AUDITOR_MAX_POST_CHARS"), {"AUDITOR_MAX_POST_CHARS": "1000"}),
    # a tweets.js is streamed (a heavy account passes the file and archive limits): the posts it keeps are
    # what is bounded, while it is read; its bytes only by the (time) stream limit
    "x: tweets.js with more posts than the limit": Attack(
        lambda t: _posts(x_archive(t / "x.zip", [tweet(i, "hello " * 20) for i in range(200)])),
        ("x.zip", "data/tweets.js", "AUDITOR_MAX_POSTS"), {"AUDITOR_MAX_POSTS": "50"}),
    "x: tweets.js over the stream limit": Attack(
        lambda t: _posts(x_archive(t / "x.zip", [tweet(i, "hello " * 20) for i in range(200)])),
        ("x.zip", "data/tweets.js", "AUDITOR_MAX_STREAM_BYTES"), {"AUDITOR_MAX_STREAM_BYTES": "10K"}),
    "x: note file (held whole) over the archive limit": Attack(
        lambda t: _posts(x_archive(t / "x.zip", [tweet(1, "hello")], files={"data/note-tweet.js": [
            {"noteTweet": {"noteTweetId": str(i), "core": {"text": "hello " * 40}}} for i in range(200)]})),
        ("x.zip", "data/note-tweet.js", "AUDITOR_MAX_ARCHIVE_BYTES"), {"AUDITOR_MAX_ARCHIVE_BYTES": "10K"}),
    "jsonl: more posts than the limit": Attack(
        lambda t: _posts(_write(t / "p.jsonl", _TABLE * 20)), ("p.jsonl", "AUDITOR_MAX_POSTS"),
        {"AUDITOR_MAX_POSTS": "5"}),
    "jsonl: one line past the line limit": Attack(
        lambda t: _posts(_write(t / "p.jsonl", '{"text": "' + "a" * 20_000 + '"}\n')),
        ("p.jsonl", "line 1", "AUDITOR_MAX_LINE_BYTES"), {"AUDITOR_MAX_LINE_BYTES": "4K"}),
    "car: file over the limit is not read": Attack(
        lambda t: _car(t, _many_records), ("repo.car", "AUDITOR_MAX_FILE_BYTES"),
        {"AUDITOR_MAX_FILE_BYTES": "100"}),
    # 2, 15: CAR fan-out and integrity
    "car: fan-out to one record": Attack(lambda t: _car(t, _fan_out), ("repo.car", "one record twice")),
    "car: keys out of order": Attack(lambda t: _car(t, _out_of_order), ("repo.car", "out of order")),
    "car: more records than the limit": Attack(
        lambda t: _car(t, _many_records), ("repo.car", "AUDITOR_MAX_CAR_RECORDS"),
        {"AUDITOR_MAX_CAR_RECORDS": "5"}),
    "car: block bytes do not match the CID": Attack(lambda t: _car(t, _tampered),
                                                    ("repo.car", "match its CID")),
    # 10: YAML billion laughs; 4: /dev/zero as a settings file; a 100,000-character name
    "person file: billion laughs": Attack(lambda t: _person_file(t, _LAUGHS + "name: *c\naccounts: [x]\n"),
                                          ("person.yaml", "aliases")),
    "policy: billion laughs": Attack(
        lambda t: ["audit", "--policy", str(_write(t / "p.yaml", _LAUGHS + "name: *c\n")), "x", "-o",
                   str(t / "out")], ("p.yaml", "aliases")),
    "policy: /dev/zero": Attack(lambda t: ["audit", "--policy", "/dev/zero", "x", "-o", str(t / "out")],
                                ("/dev/zero", "too large")),
    "person file: /dev/zero": Attack(lambda t: ["audit", "--person-file", "/dev/zero", "-o", str(t / "out")],
                                     ("/dev/zero", "too large")),
    "person file: a 100,000-character name": Attack(
        lambda t: _person_file(t, f"name: {'N' * 100_000}\naccounts: [x]\n"),
        ("person.yaml", "AUDITOR_MAX_NAME_CHARS")),
    "--person: a 100,000-character name": Attack(
        lambda t: ["audit", str(_write(t / "p.jsonl", _TABLE)), "--person", "N" * 100_000,
                   "-o", str(t / "out")],
        ("--person", "AUDITOR_MAX_NAME_CHARS")),
    # 11: internal errors that must be input errors
    "x: an integer of 5,000 digits": Attack(_big_int_archive, ("x.zip", "AUDITOR_MAX_NUMBER_DIGITS")),
    "jsonl: an integer of 5,000 digits": Attack(
        lambda t: _posts(_write(t / "p.jsonl", '{"text": "hi", "n": ' + "9" * 5000 + "}\n")),
        ("p.jsonl", "AUDITOR_MAX_NUMBER_DIGITS")),
    "x: JSON nested 100,000 deep": Attack(
        lambda t: _posts(_write(t / "tweets.js", f"window.YTD.tweets.part0 = {'[' * 10**5}{']' * 10**5}")),
        ("tweets.js", "nested too deeply")),
    "jsonl: a nested value past the depth limit": Attack(
        lambda t: _posts(_write(t / "p.jsonl", json.dumps({"text": "hi", "extra": nested(400)}) + "\n")),
        ("p.jsonl", "line 1", "AUDITOR_MAX_JSON_DEPTH")),
    "meta: posts nested past the depth limit": Attack(
        lambda t: _posts(_write(t / "your_posts_1.json", json.dumps(
            [{"timestamp": 1700000000, "data": [{"post": "hi"}], "attachments": [nested(900)]}]))),
        ("your_posts_1.json", "AUDITOR_MAX_JSON_DEPTH")),
    "env: AUDITOR_HTTP_TRIES=inf": Attack(lambda t: ["posts", "bsky:alice.example.com"],
                                          ("AUDITOR_HTTP_TRIES",), {"AUDITOR_HTTP_TRIES": "inf"}),
    "env: a limit that is not a number": Attack(
        lambda t: _posts(_write(t / "p.jsonl", _TABLE)), ("AUDITOR_MAX_POSTS", "not a number"),
        {"AUDITOR_MAX_POSTS": "lots"}),
    "-o pointing at a folder": Attack(
        lambda t: ["posts", str(_write(t / "p.jsonl", _TABLE)), "-o", str(t)], ("is a folder",)),
    # 16: NUL bytes
    "csv: NUL bytes": Attack(lambda t: _posts(_write(t / "p.csv", "id,text\n1,hel\0lo\n")), ("p.csv", "NUL")),
    # 4: classify streams with a line cap, whatever the input
    "classify: /dev/zero": Attack(lambda t: ["classify", "/dev/zero"],
                                  ("/dev/zero", "AUDITOR_MAX_LINE_BYTES"), {"AUDITOR_MAX_LINE_BYTES": "1M"}),
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    def run(name: str) -> tuple[subprocess.CompletedProcess, Path]:
        folder = tmp_path_factory.mktemp("attack")
        args = ATTACKS[name].build(folder)
        return cli(*args, env=ATTACKS[name].env), folder

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(ATTACKS, pool.map(run, ATTACKS), strict=True))


@pytest.mark.parametrize("name", list(ATTACKS))
def test_hostile_input_is_one_line_error(outcomes, name):
    proc, folder = outcomes[name]
    assert_refused(proc, *ATTACKS[name].needles)
    assert_nothing_written(folder / "out")
    assert not list(folder.glob(".*.part")), "no temporary file left beside the output"


def test_a_full_disk_is_one_line(tmp_path):
    table = _write(tmp_path / "p.jsonl", _TABLE * 2000)
    with open("/dev/full", "w") as full:
        proc = cli("posts", str(table), stdout=full)
    assert_refused(proc, "no space left on the disk")
