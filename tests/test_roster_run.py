"""Roster runs end to end: failures listed, colliding names kept apart, a killed run resumed, 50 people on
SQLite and PostgreSQL, the second quarter's changes, and the Dask path equal to the local one."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pgserver import fresh_database, postgres_server  # noqa: F401 - fixture
from roster_helpers import TEXTS, person_export, post, team_rows, write_export, write_roster
from test_cli import run

from auditor.categories import CATEGORIES


def audit_roster(roster: Path, out: Path, quarter: str, *extra: str) -> subprocess.CompletedProcess:
    return run("audit", "--roster", str(roster), "--quarter", quarter, "--out", str(out), *extra)


def summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_one_broken_person_and_two_colliding_names(tmp_path) -> None:
    person_export(tmp_path, "jr1")
    person_export(tmp_path, "jr2")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    roster = write_roster(
        tmp_path / "team.csv",
        [
            ("e1", "Jordan Reyes", "jr1.jsonl"),
            ("e2", "Jordan Reyes", "jr2.jsonl"),  # the same name: two people, two reports
            ("e3", "Broken Export", "broken.zip"),
        ],
    )
    out = tmp_path / "out"
    proc = audit_roster(roster, out, "2026Q3", "--no-pdf", "--workers", "1")
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = {r["id"]: r for r in team_rows(out)}
    assert rows["e3"]["status"] == "failed" and "broken.zip: corrupt or truncated zip" in rows["e3"]["reason"]
    assert rows["e1"]["status"] == rows["e2"]["status"] == "ok"
    assert list(rows) == ["e1", "e2", "e3"] or list(rows)[-1] == "e3"  # failures listed last
    folders = {rows[k]["report"].split("/")[0] for k in ("e1", "e2")}
    assert len(folders) == 2
    for folder in folders:
        assert summary(out / folder)["person"] == "Jordan Reyes"
    assert {summary(out / f)["audited"]["accounts"][0]["account"] for f in folders} == {"jr1", "jr2"}
    html = (out / "team-summary.html").read_text(encoding="utf-8")
    assert "Broken Export" in html and "corrupt or truncated zip" in html
    assert proc.stdout.split() == [str(out / "team-summary.html"), str(out / "team-summary.csv")]


def _audits_done(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM audits WHERE status = 'ok'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_run_killed_midway_resumes_without_duplicates(tmp_path) -> None:
    people = [(f"k{i}", f"Person {i}", f"p{i}.jsonl") for i in range(6)]
    for pid, _, _ in people:
        person_export(tmp_path, pid.replace("k", "p"), n=40)
    roster = write_roster(tmp_path / "team.csv", people)
    out = tmp_path / "out"
    args = [
        sys.executable,
        "-m",
        "auditor",
        "audit",
        "--roster",
        str(roster),
        "--quarter",
        "2026Q3",
        "--out",
        str(out),
        "--workers",
        "1",
    ]  # with PDFs: slow enough to be caught mid-way
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while _audits_done(out / "auditor.db") < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = _audits_done(out / "auditor.db")
    assert 2 <= done_before < 6, "the run finished before it could be killed"
    with sqlite3.connect(out / "auditor.db") as conn:
        assert conn.execute("SELECT count(*) FROM run_lock").fetchone()[0] == 1  # left by the killed run
        kept = dict(
            conn.execute("SELECT p.key, a.finished_at FROM audits a JOIN people p ON p.id = a.person_id")
        )
    assert not (out / "team-summary.csv").exists()
    kept_done = [k for k in kept if list(out.glob(f"*-{k}-*/summary.json"))]  # stored and its report in place
    assert kept_done
    again = audit_roster(roster, out, "2026Q3", "--workers", "1")
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(out / "auditor.db") as conn:
        audits = conn.execute(
            "SELECT p.key, a.finished_at FROM audits a JOIN people p ON p.id = a.person_id "
            "WHERE a.status = 'ok'"
        ).fetchall()
        assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 6 * 40
        assert conn.execute("SELECT count(*), count(DISTINCT post_id) FROM classifications").fetchone() == (
            240,
            240,
        )
    assert sorted(k for k, _ in audits) == sorted(p[0] for p in people)  # everyone once, no duplicates
    finished = dict(audits)
    assert all(finished[k] == kept[k] for k in kept_done)  # people done before the kill were not redone
    assert len(team_rows(out)) == 6 and all(r["status"] == "ok" for r in team_rows(out))
    assert not list(out.glob(".*.part"))  # no half-written report folder left


def _fifty_people(folder: Path) -> Path:
    people = []
    for i in range(50):
        rows = [post(f"u{i}", j) for j in range(i % 4, i % 4 + 6)]
        write_export(folder / f"u{i}.jsonl", rows)
        people.append((f"u{i:02d}", f"User {i}", f"u{i}.jsonl"))
    return write_roster(folder / "team.csv", people)


def _second_quarter(folder: Path) -> None:
    """u0 writes a new insulting post; u1 removed a flagged one."""
    rows0 = [json.loads(line) for line in (folder / "u0.jsonl").read_text().splitlines()]
    write_export(folder / "u0.jsonl", rows0 + [post("u0", 99, "You are a pathetic idiot and a liar")])
    rows1 = [json.loads(line) for line in (folder / "u1.jsonl").read_text().splitlines()]
    write_export(folder / "u1.jsonl", [r for r in rows1 if not r["text"].startswith(TEXTS[3][:10])])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_fifty_people_two_quarters_end_to_end(tmp_path, backend, request) -> None:
    roster = _fifty_people(tmp_path)
    out = tmp_path / "out"
    db = [] if backend == "sqlite" else ["--db", fresh_database(request.getfixturevalue("postgres_server"))]
    first = audit_roster(roster, out, "2026Q3", "--no-pdf", "--workers", "2", *db)
    assert first.returncode == 0, first.stderr
    rows = team_rows(out)
    assert len(rows) == 50 and {r["status"] for r in rows} == {"ok"}
    header = ["id", "name", "tier", "change", *CATEGORIES, "status", "reason"]
    assert list(rows[0])[: len(header)] == header
    assert {r["change"] for r in rows} == {"first audit"}
    order = ["high", "medium", "low", "not_assessed", "clear"]
    assert [order.index(r["tier"]) for r in rows] == sorted(order.index(r["tier"]) for r in rows)
    assert all((out / r["report"]).is_file() for r in rows)
    assert (out / "auditor.db").exists() == (backend == "sqlite")

    _second_quarter(tmp_path)
    second = audit_roster(roster, out, "2026Q4", "--no-pdf", "--workers", "2", *db)
    assert second.returncode == 0, second.stderr
    now = {r["id"]: r for r in team_rows(out)}
    assert now["u00"]["new_flags"] != "0" and int(now["u00"]["change_insult"]) == 1
    assert now["u01"]["removed_posts"] == "1" and int(now["u01"]["change_insult"]) == -1
    assert now["u02"]["change"] == "same" and now["u02"]["new_flags"] == "0"
    u0 = summary(out / now["u00"]["report"].split("/")[0])
    assert [e["id"] for e in u0["flagged"] if e["new"]] == ["u0-99"]
    u1 = summary(out / now["u01"]["report"].split("/")[0])
    assert u1["changes"]["removed_posts"] == 1 and u1["changes"]["removed_flagged"][0]["id"].startswith("u1-")
    html = (out / "team-summary.html").read_text(encoding="utf-8")
    assert "2026Q4" in html and "(+1)" in html and "(-1)" in html


def test_dask_cluster_gives_the_same_results_as_local_processes(tmp_path) -> None:
    from dask.distributed import LocalCluster

    from auditor.batch import run_roster

    people = []
    for i in range(4):
        person_export(tmp_path, f"d{i}", n=8 + i)
        people.append((f"d{i}", f"Dee {i}", f"d{i}.jsonl"))
    people.append(("bad", "Bad Export", "bad.jsonl"))
    (tmp_path / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    roster = write_roster(tmp_path / "team.csv", people)
    now = datetime.now(timezone.utc)  # both runs as of one moment: recency weights would drift otherwise
    local = run_roster(roster, "2026Q3", tmp_path / "local", workers=1, pdf=False, now=now)
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        dashboard_address="127.0.0.1:0",
        host="127.0.0.1",
        protocol="tcp://",
    ) as cluster:
        remote = run_roster(
            roster, "2026Q3", tmp_path / "dask", scheduler=cluster.scheduler_address, pdf=False, now=now
        )
    assert local.failed == remote.failed == 1
    assert (tmp_path / "local" / "team-summary.csv").read_text() == (
        tmp_path / "dask" / "team-summary.csv"
    ).read_text()
    for pid, _, _ in people[:4]:
        folder = next(p for p in (tmp_path / "local").iterdir() if f"-{pid}-" in p.name)
        a, b = summary(folder), summary(tmp_path / "dask" / folder.name)
        for key in ("overall", "categories", "flagged", "totals", "changes"):
            assert a[key] == b[key], key


def test_single_person_audit_writes_the_store_unless_told_not_to(tmp_path) -> None:
    export = person_export(tmp_path, "solo", n=5)
    proc = run("audit", str(export), "--person", "Solo Person", "--out", str(tmp_path / "a"), "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    with sqlite3.connect(tmp_path / "a" / "auditor.db") as conn:
        assert conn.execute("SELECT key FROM people").fetchall() == [("Solo Person",)]
        assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 5
    proc = run(
        "audit", str(export), "--person", "Solo", "--out", str(tmp_path / "b"), "--no-pdf", "--no-store"
    )
    assert proc.returncode == 0 and not (tmp_path / "b" / "auditor.db").exists()
    purged = run("purge", "--older-than", "2999-01-01", "--out", str(tmp_path / "a"))
    assert purged.returncode == 0 and purged.stdout.startswith("purged the text of 5 posts")
    bad = run("purge", "--older-than", "soon", "--out", str(tmp_path / "a"))
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "auditor: error: --older-than: 'soon' is not an age (365d, 26w, 1y) or a date (YYYY-MM-DD)"
    )
    flagged = summary(tmp_path / "a" / next(p.name for p in (tmp_path / "a").iterdir() if p.is_dir()))[
        "flagged"
    ]
    ok = run("dismiss", flagged[0]["id"], "--person", "Solo Person", "--out", str(tmp_path / "a"))
    assert ok.returncode == 0 and ok.stdout.startswith("dismissed every flag")
    assert os.path.exists(tmp_path / "a" / "auditor.db")


def test_roster_rows_carry_their_mode_and_consent(tmp_path) -> None:
    person_export(tmp_path, "hr1")
    person_export(tmp_path, "self1")
    roster = tmp_path / "team.csv"
    roster.write_text(
        "id,name,role,team,accounts,mode,consent_date,consent_scope,requested_by\n"
        "h1,Hana Ruiz,Lead,Brand,hr1.jsonl,hr,2026-09-01,public posts since 2020,Dana Lee\n"
        "s1,Sol Park,Support,Care,self1.jsonl,,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    proc = audit_roster(roster, out, "2026Q4", "--no-pdf", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    rows = {r["id"]: r for r in team_rows(out)}
    hr = summary(out / rows["h1"]["report"].split("/")[0])
    own = summary(out / rows["s1"]["report"].split("/")[0])
    assert hr["audit"]["mode"] == "hr" and own["audit"]["mode"] == "self"
    assert "public posts since 2020" in json.dumps(hr, ensure_ascii=False)  # the consent record travels
