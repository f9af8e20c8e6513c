"""The command line end to end: the audit, the classify and posts contracts, and bad input."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from auditor.classify import CATEGORIES
from auditor.pipeline import demo_source, person_slug


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_DEBUG"}
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode != 0
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo-out")
    proc = run("audit", "--demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 1
    return folders[0]


def test_demo_audit_writes_all_four_files(demo_report):
    for name in ("report.html", "report.pdf", "flagged.csv", "summary.json"):
        assert (demo_report / name).stat().st_size > 0, name
    assert (demo_report / "report.pdf").read_bytes().startswith(b"%PDF")
    summary = json.loads((demo_report / "summary.json").read_text())
    html = (demo_report / "report.html").read_text()
    assert summary["person"] in html
    assert "<script" not in html.lower()
    assert "demo-archive.zip" in html and str(Path(demo_source()).parent) not in html  # no local folders
    with (demo_report / "flagged.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows, "the demo has risky posts, so flagged.csv has rows"


def test_demo_report_counts_match_the_archive(demo_report):
    from auditor.sources import read_source

    posts = read_source(demo_source()).posts
    summary = json.loads((demo_report / "summary.json").read_text())
    text = json.dumps(summary)
    reposts = sum(p.kind == "repost" for p in posts)
    deleted = sum(p.deleted for p in posts)
    assert reposts > 0 and deleted > 0
    assert str(len(posts)) in text or str(len(posts) - deleted) in text


def test_rerun_replaces_report_without_leftovers(tmp_path):
    out = tmp_path / "out"
    for _ in range(2):
        proc = run("audit", "--demo", "--out", str(out), "--no-pdf", "--person", "Demo Person")
        assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["auditor.db", person_slug("Demo Person")]  # + the store
    assert not (out / person_slug("Demo Person") / "report.pdf").exists()


def _classify_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _check_contract(lines: list[dict], ids: list[str]) -> None:
    assert [line["id"] for line in lines] == ids
    for line in lines:
        assert set(line) - {"not_assessed", "top_tier"} == {"id", "scores", "flags", "evidence", "grades"}
        assert set(line["grades"]) <= {"profanity"}
        assert list(line["scores"]) == list(CATEGORIES)
        assert all(0.0 <= p <= 1.0 for p in line["scores"].values())
        assert set(line["flags"]) <= set(CATEGORIES)
        assert set(line["evidence"]) == set(line["flags"])


TEXTS = [
    ("a", "Lovely morning run by the river, then pancakes."),
    ("b", "This traffic is f***ing awful, what the actual hell"),
    ("c", "Vote against the new immigration bill, call your senator today"),
]


def test_classify_jsonl(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in TEXTS))
    out = tmp_path / "out.jsonl"
    proc = run("classify", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    lines = _classify_lines(out)
    _check_contract(lines, ["a", "b", "c"])
    assert "profanity" in lines[1]["flags"]
    assert any("f***ing" in e or "hell" in e for e in lines[1]["evidence"]["profanity"])
    assert lines[0]["flags"] == []


def test_classify_marks_other_languages_not_assessed(tmp_path):
    """A text the models cannot read gets no flags and says why, so it is never taken as clean."""
    src = tmp_path / "in.jsonl"
    rows = [
        ("fr", "Quelle journée épouvantable, ce putain de train est encore en retard ce matin"),
        ("empty", "https://example.com 🙂"),
        ("en", "This traffic is f***ing awful, what the actual hell"),
    ]
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows))
    out = tmp_path / "out.jsonl"
    assert run("classify", str(src), "-o", str(out)).returncode == 0
    lines = {x["id"]: x for x in _classify_lines(out)}
    _check_contract(list(lines.values()), ["fr", "empty", "en"])
    assert lines["fr"]["not_assessed"] == "French: language not covered" and lines["fr"]["flags"] == []
    assert lines["empty"]["not_assessed"] == "no text to assess" and lines["empty"]["flags"] == []
    assert "not_assessed" not in lines["en"] and "profanity" in lines["en"]["flags"]


def test_classify_csv_and_stdin_agree(tmp_path):
    src = tmp_path / "in.csv"
    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerows(TEXTS)
    out = tmp_path / "out.jsonl"
    assert run("classify", str(src), "-o", str(out)).returncode == 0
    from_csv = _classify_lines(out)
    stdin = "".join(json.dumps({"text": t}) + "\n" for _, t in TEXTS)
    proc = run("classify", "-", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    from_stdin = [json.loads(x) for x in proc.stdout.splitlines()]
    _check_contract(from_csv, ["a", "b", "c"])
    assert [x["scores"] for x in from_stdin] == [x["scores"] for x in from_csv]


def test_classify_policy_changes_flags(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "Oh great, another Monday. Just what I needed."}) + "\n")
    flags = {}
    for policy in ("family", "edgy"):
        proc = run("classify", str(src), "--policy", policy)
        assert proc.returncode == 0, proc.stderr
        flags[policy] = set(json.loads(proc.stdout)["flags"])
    assert flags["edgy"] <= flags["family"]


def test_posts_contract(tmp_path):
    out = tmp_path / "posts.jsonl"
    proc = run("posts", demo_source(), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    records = _classify_lines(out)
    assert len(records) > 100
    fields = {"id", "platform", "author", "created_at", "text", "raw_text", "kind", "url", "lang",
              "visibility", "deleted"}
    for r in records:
        assert fields <= set(r)
        assert isinstance(r["id"], str)
        assert r["created_at"].endswith("+00:00")
        assert r["visibility"] in ("public", "unlisted")
    assert {"post", "reply", "repost"} <= {r["kind"] for r in records}


def _assert_nothing_written(out: Path) -> None:
    assert not out.exists() or not any(p for p in out.rglob("*") if not p.name.startswith("."))
    assert not out.exists() or not list(out.iterdir())


BAD_INPUTS = {
    "corrupt.zip": lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50),
    "traversal.zip": lambda p: _zip(p, {"../../evil.js": "x", "data/tweets.js": "window.YTD.x = []"}),
    "absolute.zip": lambda p: _zip(p, {"/etc/evil.js": "x"}),
    "bomb.zip": lambda p: _zip(p, {"data/tweets.js": b"window.YTD.tweets.part0 = [" + b" " * (60 << 20)}),
    "empty.zip": lambda p: _zip(p, {}),
    "random.json": lambda p: p.write_text(json.dumps({"hello": "world", "items": [1, 2, 3]})),
    "notes.txt": lambda p: p.write_text("just some notes\nnothing to see"),
}


def _zip(path: Path, members: dict) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_error_and_writes_nothing(tmp_path, name):
    bad = tmp_path / name
    BAD_INPUTS[name](bad)
    out = tmp_path / "out"
    proc = run("audit", str(bad), "--out", str(out))
    assert_one_line_error(proc, name)
    _assert_nothing_written(out)


def test_unknown_platform_and_missing_file(tmp_path):
    out = tmp_path / "out"
    assert_one_line_error(run("audit", "myspace:tom", "--out", str(out)), "myspace")
    assert_one_line_error(run("audit", str(tmp_path / "nope.zip"), "--out", str(out)), "nope.zip")
    _assert_nothing_written(out)


def test_unreadable_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    bad = tmp_path / "locked.zip"
    _zip(bad, {"data/tweets.js": "window.YTD.tweets.part0 = []"})
    bad.chmod(0)
    assert_one_line_error(run("audit", str(bad), "--out", str(tmp_path / "o")), "locked.zip")


def test_bad_policy_and_bad_classify_input(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("thresholds: [this is not a mapping\n")
    assert_one_line_error(run("audit", "--demo", "--policy", str(policy), "--out", str(tmp_path / "o")),
                          "policy.yaml")
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "fine"}\n{not json\n')
    out = tmp_path / "scores.jsonl"
    assert_one_line_error(run("classify", str(src), "-o", str(out)), "in.jsonl")
    assert not out.exists()


def test_version_and_help():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("auditor ")
    proc = run("formats")
    assert proc.returncode == 0 and "x-archive" in proc.stdout


def test_lone_surrogates_from_broken_json_escapes(tmp_path):
    """A JSON escape such as \\ud800 without its pair makes a string Python cannot write as UTF-8; the audit
    and classify still work, showing U+FFFD for the broken character."""
    src = tmp_path / "broken.jsonl"
    src.write_text(
        '{"id": "1", "text": "bad \\ud800 escape, you absolute idiot", "created_at": "2024-01-01"}\n'
        '{"id": "2", "text": "pair \\ud83d\\ude00 from you, absolute idiot", "created_at": "2024-01-02"}\n',
        encoding="ascii",
    )
    proc = run("classify", str(src))
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["id"] for x in proc.stdout.splitlines()] == ["1", "2"]
    out = tmp_path / "out"
    proc = run("audit", str(src), "--out", str(out), "--no-pdf", "--person", "Broken Escapes")
    assert proc.returncode == 0, proc.stderr
    html = (out / person_slug("Broken Escapes") / "report.html").read_text(encoding="utf-8")
    assert "bad \ufffd " in html  # (the next word may be wrapped as evidence)
    assert "\U0001f600" in html or "&#128512;" in html  # the valid pair is joined into one emoji


def test_classify_honours_a_rows_language(tmp_path):
    """A row's `lang` is used without identification: "fr" is not assessed, "en" is; pseudo codes: unknown."""
    rows = [
        {"id": "fr", "text": "lol same", "lang": "fr-CA"},  # English-looking, but the row says French
        {"id": "fr-en", "text": "What the hell is this, I can't believe they did that to you", "lang": "fr"},
        {"id": "en", "text": "C'est la vie mon ami", "lang": "en"},
        {"id": "und", "text": "Je ne comprends pas pourquoi le train est encore en retard.", "lang": "und"},
        {"id": "hinglish", "text": "bhai ye movie dekhi kya? ekdum bakwas thi", "lang": "en"},
        {"id": "odd", "text": "fucking hell", "lang": 5},
    ]
    proc = run("classify", "-", stdin="".join(json.dumps(r) + "\n" for r in rows))
    assert proc.returncode == 0, proc.stderr
    lines = {x["id"]: x for x in (json.loads(ln) for ln in proc.stdout.splitlines())}
    _check_contract(list(lines.values()), [r["id"] for r in rows])
    assert lines["fr"]["not_assessed"] == "French: language not covered"
    assert "not_assessed" not in lines["fr-en"]  # plainly English: the tag was wrong
    assert "not_assessed" not in lines["en"]
    assert lines["und"]["not_assessed"] == "French: language not covered"
    assert lines["hinglish"]["not_assessed"] == "Hindi/Urdu (romanized): language not covered"
    assert "not_assessed" not in lines["odd"] and "profanity" in lines["odd"]["flags"]
    for line in lines.values():
        if "not_assessed" in line:
            assert line["flags"] == [] and line["evidence"] == {}


def test_posts_piped_to_classify_agree_with_audit(demo_report, tmp_path):
    """`auditor posts … | auditor classify -` decides languages and flags exactly as `audit` does."""
    posts = run("posts", demo_source())
    assert posts.returncode == 0, posts.stderr
    proc = run("classify", "-", stdin=posts.stdout)
    assert proc.returncode == 0, proc.stderr
    lines = {x["id"]: x for x in (json.loads(ln) for ln in proc.stdout.splitlines())}
    summary = json.loads((demo_report / "summary.json").read_text())
    reasons: dict[str, int] = {}
    for line in lines.values():
        if "not_assessed" in line:
            reasons[line["not_assessed"]] = reasons.get(line["not_assessed"], 0) + 1
    assert reasons == summary["totals"]["not_assessed_reasons"]
    assert len(reasons) >= 2  # the demo holds posts in other languages and posts with no words
    assert summary["flagged"]
    for entry in summary["flagged"]:
        assert sorted(lines[entry["id"]]["flags"]) == sorted(entry["flags"]), entry["text"]
    flagged_ids = {e["id"] for e in summary["flagged"]}
    assert not any(line["flags"] for i, line in lines.items() if i not in flagged_ids)


def test_an_internal_error_is_one_line_and_exit_70_never_a_gate_status(tmp_path):
    """A bug must not look like --fail-on's 3 (a risky person) or bad input's 2."""
    posts = tmp_path / "p.jsonl"
    posts.write_text('{"id": "1", "text": "hello"}\n')
    crash = ("import sys, auditor.classify as c\n"
             "def broken(*a, **k): raise ZeroDivisionError('boom')\n"
             "c.Classifier.load = broken\n"
             "from auditor.cli import main\n"
             f"sys.argv = ['auditor', 'classify', {str(posts)!r}, '-o', '-']\n"
             "main()\n")
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_DEBUG"}
    proc = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 70
    assert_one_line_error(proc, "auditor: internal error", "ZeroDivisionError", "boom")
