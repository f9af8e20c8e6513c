"""auditor clean: exactly the planned posts go, only with --apply, after a backup; bad plans stop first."""

from __future__ import annotations

import csv
import json

import pytest
from fakewrite import FakeWriteServer
from typer.testing import CliRunner

from auditor.clean import run_clean
from auditor.cli import app
from auditor.errors import AuditorError

PLAN_COLUMNS = ["platform", "id", "url", "reason", "priority", "kind"]


def write_plan(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=PLAN_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({"reason": "Insults someone", "priority": "first", "kind": "post", **r})
    return path


@pytest.fixture
def server(monkeypatch):
    with FakeWriteServer() as srv:
        monkeypatch.setenv("AUDITOR_BSKY_HANDLE", srv.handle)
        monkeypatch.setenv("AUDITOR_BSKY_APP_PASSWORD", srv.password)
        monkeypatch.setenv("AUDITOR_BSKY_PDS", srv.url)
        monkeypatch.setenv("AUDITOR_MASTODON_TOKEN", srv.token)
        monkeypatch.setenv("AUDITOR_MASTODON_BASE", srv.url)
        yield srv


def populated(srv, tmp_path):
    """Three Bluesky posts and three Mastodon statuses; the plan names two of each plus an X link."""
    b1 = srv.add_record("app.bsky.feed.post", "3kaaa", "what an idiot")
    srv.add_record("app.bsky.feed.post", "3kbbb", "a nice day")
    b3 = srv.add_record("app.bsky.feed.post", "3kccc", "you clown")
    for sid, text in (("101", "idiot"), ("102", "lovely"), ("103", "clown")):
        srv.add_status(sid, text)
    rows = [
        {"platform": "bluesky", "id": b1, "url": f"https://bsky.app/profile/{srv.handle}/post/3kaaa"},
        {"platform": "mastodon", "id": "101", "url": f"{srv.url}/@sam/101"},
        {"platform": "x", "id": "1234567890", "url": "https://x.com/sam/status/1234567890"},
        {"platform": "bluesky", "id": b3, "url": f"https://bsky.app/profile/{srv.handle}/post/3kccc"},
        {"platform": "mastodon", "id": "103", "url": f"{srv.url}/@sam/103"},
    ]
    return write_plan(tmp_path / "cleanup.csv", rows), b1, b3


def test_dry_run_deletes_nothing_and_sends_nothing(server, tmp_path):
    plan, _, _ = populated(server, tmp_path)
    result = CliRunner().invoke(app, ["clean", str(plan)])
    assert result.exit_code == 0, result.output
    assert "would delete 4 post(s)" in result.output
    assert "https://x.com/sam/status/1234567890" in result.output
    assert server.log == [] and server.deleted == []
    assert len(server.records) == 3 and len(server.statuses) == 3


def test_apply_deletes_exactly_the_planned_posts_after_a_backup(server, tmp_path):
    plan, b1, b3 = populated(server, tmp_path)
    lines: list[str] = []
    result = run_clean(plan, apply=True, pace=0, say=lines.append)
    assert sorted(server.deleted) == sorted([b1, b3, "101", "103"])
    assert set(server.records) == {f"at://{server.did}/app.bsky.feed.post/3kbbb"}
    assert set(server.statuses) == {"102"}
    assert (result.deleted, result.already_gone, [r.platform for r in result.by_hand]) == (4, 0, ["x"])
    backup = [json.loads(ln) for ln in (tmp_path / "cleanup.backup.jsonl").read_text().splitlines()]
    assert {b["id"] for b in backup} == {b1, b3, "101", "103"}
    assert any(b["post"].get("value", {}).get("text") == "what an idiot" for b in backup)
    # every backup was written before the first delete request
    deletes = ("DELETE", "POST /xrpc/com.atproto.repo.deleteRecord")
    first_delete = next(i for i, e in enumerate(server.log) if e.startswith(deletes))
    fetches = [i for i, e in enumerate(server.log)
               if "getRecord" in e or e.startswith("GET /api/v1/statuses/")]
    assert len(fetches) == 4 and max(fetches) < first_delete
    log = [json.loads(ln) for ln in (tmp_path / "cleanup.clean-log.jsonl").read_text().splitlines()]
    assert sorted(e["id"] for e in log if e["action"] == "deleted") == sorted([b1, b3, "101", "103"])
    assert any("x.com/sam/status/1234567890" in ln for ln in lines)


def test_rerun_resumes_and_skips_done_rows(server, tmp_path):
    plan, b1, _ = populated(server, tmp_path)
    log = tmp_path / "cleanup.clean-log.jsonl"
    log.write_text(json.dumps({"platform": "bluesky", "id": b1, "action": "deleted"}) + "\n{cut sho")
    result = run_clean(plan, apply=True, pace=0, say=lambda _m: None)
    assert b1 not in server.deleted and result.skipped_done == 1 and result.deleted == 3
    again = run_clean(plan, apply=True, pace=0, say=lambda _m: None)
    assert again.deleted == 0 and again.skipped_done == 4


def test_a_post_already_gone_is_logged_not_an_error(server, tmp_path):
    plan, b1, _ = populated(server, tmp_path)
    del server.records[b1]
    result = run_clean(plan, apply=True, pace=0, say=lambda _m: None)
    assert result.already_gone == 1 and result.deleted == 3


@pytest.mark.parametrize("row, problem", [
    ({"platform": "myspace", "id": "1", "url": "https://myspace.com/1"}, "unknown platform 'myspace'"),
    ({"platform": "mastodon", "id": "101; rm", "url": ""}, "is not a Mastodon status id"),
    ({"platform": "mastodon", "id": "102", "url": "https://h.example/@sam/101"}, "does not match its link"),
    ({"platform": "bluesky", "id": "at://did:plc:selfcheck/app.bsky.graph.follow/3kx", "url": ""},
     "is not a Bluesky post id"),
    ({"platform": "bluesky", "id": "at://did:plc:selfcheck/app.bsky.feed.post/3kbbb",
      "url": "https://bsky.app/profile/sam.example.com/post/3kaaa"}, "does not match its link"),
])
def test_bad_plan_row_stops_with_one_line_and_deletes_nothing(server, tmp_path, row, problem):
    plan, _, _ = populated(server, tmp_path)
    rows = list(csv.DictReader(plan.open(encoding="utf-8")))
    write_plan(plan, rows[:2] + [row] + rows[2:])
    with pytest.raises(AuditorError) as exc:
        run_clean(plan, apply=True, pace=0, say=lambda _m: None)
    message = str(exc.value)
    assert str(plan) in message and "row 4" in message and problem in message and "\n" not in message
    assert server.log == [] and server.deleted == []


def test_someone_elses_post_stops_before_anything_is_deleted(server, tmp_path):
    plan, _, _ = populated(server, tmp_path)
    server.add_status("104", "not mine", owner="99")
    rows = list(csv.DictReader(plan.open(encoding="utf-8")))
    write_plan(plan, rows + [{"platform": "mastodon", "id": "104", "url": f"{server.url}/@other/104"}])
    other = server.add_record("app.bsky.feed.post", "3kzzz", "theirs", did="did:plc:someoneelse")
    with pytest.raises(AuditorError, match="not the signed-in account"):
        run_clean(plan, apply=True, pace=0, say=lambda _m: None)
    assert server.deleted == [] and other in server.records


def test_cli_bad_plan_is_one_line_exit_2(server, tmp_path):
    import subprocess
    import sys

    plan = write_plan(tmp_path / "plan.csv", [{"platform": "friendster", "id": "9", "url": ""}])
    proc = subprocess.run([sys.executable, "-m", "auditor", "clean", str(plan), "--apply"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "row 2: unknown platform 'friendster'" in proc.stderr
    assert server.log == []


def test_missing_credentials_is_a_clear_error(server, tmp_path, monkeypatch):
    plan, _, _ = populated(server, tmp_path)
    monkeypatch.delenv("AUDITOR_BSKY_APP_PASSWORD")
    with pytest.raises(AuditorError, match="AUDITOR_BSKY_APP_PASSWORD"):
        run_clean(plan, apply=True, pace=0, say=lambda _m: None)
    assert server.deleted == []


def test_backup_and_log_outlive_the_next_audit_of_the_report_folder(server, tmp_path):
    from auditor.fsutil import MARKER
    folder = tmp_path / "reports" / "sam-doe-123abc"
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("auditor\n")
    (folder / "summary.json").write_text("{}")
    plan, b1, b3 = populated(server, folder)
    run_clean(plan, apply=True, pace=0, say=lambda _m: None)
    outside = sorted(p.name for p in (tmp_path / "reports").iterdir() if p.is_file())
    assert outside == ["sam-doe-123abc.cleanup.backup.jsonl", "sam-doe-123abc.cleanup.clean-log.jsonl"]
    assert not list(folder.glob("*.jsonl"))


def test_a_rate_limited_delete_waits_and_goes_on(server, tmp_path):
    plan, b1, b3 = populated(server, tmp_path)
    server.rate_limit_deletes = 2
    result = run_clean(plan, apply=True, pace=0, say=lambda _m: None)
    assert result.deleted == 4 and sorted(server.deleted) == sorted([b1, b3, "101", "103"])
    assert sum(e == "POST /xrpc/com.atproto.repo.deleteRecord" for e in server.log) == 4  # 2 refused + 2 done
