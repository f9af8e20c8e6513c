"""Report folders under attack: names that collide, a user's own file or link where the report goes,
concurrent writers, and runs killed at any moment (SIGKILL leaves no half report and the next run cleans
up; SIGTERM cleans up at once)."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from harness import assert_refused, cli

from auditor.fsutil import MARKER, atomic_dir
from auditor.pipeline import demo_source, person_slug

_TABLE = '{"id": "1", "text": "hello there", "created_at": "2024-01-01"}\n'


def test_names_that_lose_every_letter_get_folders_of_their_own():
    names = ["王小明", "李小龙", "Иван Петров", "محمد علي", "Zoë Lee", "Zoe Lee"]
    slugs = {person_slug(n) for n in names}
    assert len(slugs) == len(names)
    assert person_slug("Jordan  Reyes") == person_slug("jordan reyes")  # same person, same folder
    assert person_slug("Jordan Reyes").startswith("jordan-reyes-")


@pytest.mark.parametrize("kind", ["file", "symlink", "folder"])
def test_what_the_user_put_there_is_never_replaced(tmp_path, kind):
    table = tmp_path / "p.jsonl"
    table.write_text(_TABLE)
    out = tmp_path / "out"
    out.mkdir()
    target = out / person_slug("Sam Doe")
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    if kind == "file":
        target.write_text("mine")
    elif kind == "symlink":
        target.symlink_to(precious, target_is_directory=True)
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    proc = cli("audit", str(table), "--person", "Sam Doe", "-o", str(out), "--no-pdf")
    assert_refused(proc, str(target), "not written by auditor")
    assert sorted(p.name for p in out.iterdir()) == [target.name]  # nothing renamed away, nothing added
    assert (precious / "notes.txt").read_text() == "mine"
    if kind != "symlink":
        assert (target if kind == "file" else target / "notes.txt").read_text() == "mine"


def _write_report(out: str, n: int) -> None:
    with atomic_dir(Path(out) / "someone") as tmp:
        for name in ("report.html", "summary.json"):
            (tmp / name).write_text(f"writer {n}\n" * 2000)
            time.sleep(0.01)


def test_concurrent_writers_never_race(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_write_report, args=(str(tmp_path), n)) for n in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 8
    assert sorted(p.name for p in tmp_path.iterdir()) == ["someone"]  # no .part, no .old left
    folder = tmp_path / "someone"
    assert sorted(p.name for p in folder.iterdir()) == sorted([MARKER, "report.html", "summary.json"])
    writers = {(folder / n).read_text().split("\n")[0] for n in ("report.html", "summary.json")}
    assert len(writers) == 1  # both files from the same run


def test_stale_part_folders_go_live_ones_stay(tmp_path):
    stale = tmp_path / ".someone.0123456789ab.part"
    stale.mkdir()
    (stale / MARKER).write_text("")
    (stale / "report.html").write_text("half")
    live = tmp_path / ".someone.ba9876543210.part"
    live.mkdir()
    (live / MARKER).write_text("")
    foreign = tmp_path / ".someone.notours.part"  # no marker: not ours to remove
    foreign.mkdir()
    fd = os.open(live / MARKER, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another run still writing
        with atomic_dir(tmp_path / "someone") as tmp:
            (tmp / "summary.json").write_text("{}")
    finally:
        os.close(fd)
    assert not stale.exists() and live.exists() and foreign.exists()
    assert (tmp_path / "someone" / "summary.json").exists()


def _killed_while_writing(out: str) -> None:
    with atomic_dir(Path(out) / "someone") as tmp:
        (tmp / "report.html").write_text("half a report")
        os.kill(os.getpid(), signal.SIGKILL)


def test_sigkill_inside_the_write_leaves_debris_the_next_run_removes(tmp_path):
    child = multiprocessing.get_context("fork").Process(target=_killed_while_writing, args=(str(tmp_path),))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]  # hidden, never "someone"
    assert not (tmp_path / "someone").exists()
    with atomic_dir(tmp_path / "someone") as tmp:
        (tmp / "summary.json").write_text("{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["someone"]


def _complete(folder: Path) -> bool:
    names = {p.name for p in folder.iterdir()}
    return {MARKER, "report.html", "flagged.csv", "summary.json"} <= names


def test_sigkill_at_any_point_leaves_no_half_report(tmp_path):
    out = tmp_path / "out"
    args = [sys.executable, "-m", "auditor", "audit", demo_source(), "--person", "Kill Me", "--no-pdf",
            "-o", str(out)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUDITOR_")}
    started = time.monotonic()
    assert subprocess.run(args, env=env, capture_output=True, timeout=300).returncode == 0
    full = time.monotonic() - started
    for fraction, sig in ((0.3, signal.SIGKILL), (0.7, signal.SIGTERM), (0.85, signal.SIGKILL),
                          (0.95, signal.SIGKILL), (0.97, signal.SIGTERM)):
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(full * fraction)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
        assert "Traceback" not in stderr, stderr
        if sig == signal.SIGTERM:  # unwinds like Ctrl-C: its own temporary folder is gone at once
            assert not [p for p in out.iterdir() if p.name.endswith(".part")]
        shown = [p for p in out.iterdir() if not p.name.startswith((".", "auditor.db"))]  # the store aside
        assert [p.name for p in shown] == [person_slug("Kill Me")]  # the last complete report stays
        assert all(_complete(p) for p in shown)
    assert subprocess.run(args, env=env, capture_output=True, timeout=300).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == ["auditor.db", person_slug("Kill Me")]  # no debris
    assert _complete(out / person_slug("Kill Me"))
