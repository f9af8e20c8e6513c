"""A quarterly roster audit at scale: synthetic people × posts from exports on disk, then the next quarter.

    python benchmarks/roster.py [--people 1000] [--posts 2000] [--workers N] [--no-pdf] [--pdf-cards N]
                                [--db URL] [--dir DIR]

Writes one JSONL export per person (fixed seed: clean posts and --risky-share, default 5%, profane,
insulting, political or sarcastic ones built from word pools) and a roster; runs ``auditor audit --roster``
for 2026Q3 (every report, HTML + PDF unless --no-pdf, and the team summary); appends 1% new posts to every
export and runs 2026Q4. Prints for both quarters the wall time; the CPU seconds of the auditor and its
workers (on a shared machine, CPU s / workers is what the run would take with the cores to itself); the
per-stage timings the CLI prints; and memory: the peak of the summed proportional set size of the process
tree (PSS: a page the workers share, e.g. a library, is split between them instead of counted once per
process), sampled every 0.25 s, with the summed RSS beside it, and each process's own high-water mark
(VmHWM, which catches a peak between samples) added up: an upper bound, since the processes need not peak at
the same moment. Issue 14's targets: first quarter ≤ 10 min and ≤ 2 GB for 1,000 × 2,000 on the 2-core
machine; the next quarter ≤ 1 min.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]

CLEAN = ["Lovely walk by the river this morning with {n}", "Great launch today, proud of {n} and the team",
         "Trying a new {f} recipe tonight", "Coffee first, then planning with {n}",
         "Reading a good book about {t} this weekend", "Congrats to {n} on the new role"]
RISKY = ["what the fuck is this {f}, total shit", "{n} is a pathetic idiot and everyone knows it",
         "Call your senator about the {t} bill before the vote",
         "Oh great, another {t} meeting, just what I needed",
         "the election results for {t} are a disgrace"]
WORDS = {"n": ["Sam", "Ana", "Lee", "Kim", "Ola", "Raj", "Mia", "Tom"],
         "f": ["pasta", "curry", "soup", "tofu", "bread", "salad", "pie"],
         "t": ["tax", "housing", "climate", "transit", "school", "budget", "health"]}


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def make_post(rng: random.Random, person: str, i: int, risky_share: float = 0.05) -> dict:
    pool = RISKY if rng.random() < risky_share else CLEAN
    text = rng.choice(pool).format(**{k: rng.choice(v) for k, v in WORDS.items()}) + f" #{i}"
    day = 1 + i % 28
    return {"id": f"{person}-{i}", "text": text, "created_at": f"2026-{1 + i % 9:02d}-{day:02d}T12:00:00Z",
            "author": person, "platform": "x"}


def write_people(folder: Path, people: int, posts: int, risky_share: float) -> Path:
    rng = random.Random(20261206)
    lines = ["id,name,role,team,accounts"]
    for p in range(people):
        pid = f"u{p:05d}"
        with (folder / f"{pid}.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(posts):
                fh.write(json.dumps(make_post(rng, pid, i, risky_share)) + "\n")
        lines.append(f"{pid},Person {p},Speaker,Team {p % 12},{pid}.jsonl")
    roster = folder / "roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return roster


def add_new_posts(folder: Path, people: int, posts: int, share: float) -> int:
    rng = random.Random(20270101)
    extra = max(1, round(posts * share))
    for p in range(people):
        pid = f"u{p:05d}"
        with (folder / f"{pid}.jsonl").open("a", encoding="utf-8") as fh:
            for i in range(posts, posts + extra):
                fh.write(json.dumps(make_post(rng, pid, i)) + "\n")
    return extra


def _high_water(pid: int) -> int:
    """A process's own peak resident size (VmHWM, bytes), 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class TreeMemory:
    """Memory of a process and all its descendants, sampled: peak summed PSS and RSS, and the high-water
    mark of every process seen (by pid and start time, so a reused pid is another process)."""

    def __init__(self, root: psutil.Process) -> None:
        self.root = root
        self.peak_pss = self.peak_rss = 0
        self.hwm: dict[tuple[int, float], int] = {}

    def sample(self) -> None:
        pss = rss = 0
        for p in [self.root, *self.root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error, OSError):
                info = p.memory_full_info()
                pss, rss = pss + info.pss, rss + info.rss
                key = (p.pid, p.create_time())
                self.hwm[key] = max(self.hwm.get(key, 0), _high_water(p.pid))
        self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)

    @property
    def hwm_sum(self) -> int:
        return sum(self.hwm.values())

    def line(self) -> str:
        gb = 2**30
        return (f"peak memory {self.peak_pss / gb:.2f} GB (summed PSS; summed RSS "
                f"{self.peak_rss / gb:.2f} GB; each process's own peak added up {self.hwm_sum / gb:.2f} GB)")


def next_quarter_changes(summary_csv: Path) -> str:
    """What the next quarter changed per person, from team-summary.csv: whether a report could have been
    kept instead of written again (it could only if nothing in it changed)."""
    import csv

    rows = [r for r in csv.DictReader(summary_csv.open(encoding="utf-8")) if r["status"] == "ok"]

    def num(value: str) -> int:
        return int(float(value)) if value not in ("", None) else 0

    with_new = sum(num(r["new_posts"]) > 0 for r in rows)
    new_flags = sum(num(r["new_flags"]) > 0 for r in rows)
    counts = sum(any(num(r[k]) for k in r if k.startswith("change_")) for r in rows)
    tier = sum(bool(r["previous_tier"]) and r["previous_tier"] != r["tier"] for r in rows)
    same = sum(num(r["new_flags"]) == 0 and not any(num(r[k]) for k in r if k.startswith("change_"))
               and num(r["removed_posts"]) == 0 for r in rows)
    return (f"next quarter, of {len(rows)} people: {with_new} have new posts, {new_flags} new flags, "
            f"{counts} a changed flag count in some category, {tier} a changed tier; {same} the same flagged "
            f"posts as last quarter (their report still changes: new posts counted, what changed, ages)")


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished descendant so far: the auditor and its workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_quarter(
    args: argparse.Namespace, roster: Path, out: Path, quarter: str
) -> tuple[float, float, TreeMemory, int]:
    cmd = [sys.executable, "-m", "auditor", "audit", "--roster", str(roster), "--quarter", quarter,
           "--out", str(out)]
    cmd += ["--workers", str(args.workers)] if args.workers else []
    cmd += ["--no-pdf"] if args.no_pdf else []
    cmd += ["--pdf-cards", str(args.pdf_cards)] if args.pdf_cards is not None else []
    cmd += ["--db", args.db] if args.db else []
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(psutil.Process(proc.pid))
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                memory.sample()
            except psutil.Error:
                return
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    stop.set()
    sampler.join()
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    print(err.rstrip())
    return seconds, cpu, memory, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=1000)
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=None, help="local processes (default: CPUs)")
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDFs (HTML, CSV and JSON only)")
    ap.add_argument("--pdf-cards", type=int, default=None, help="flagged posts per section in each PDF "
                    "(default: the roster's, 10)")
    ap.add_argument("--db", default=None, help="a PostgreSQL URL instead of OUT/auditor.db")
    ap.add_argument("--risky-share", type=float, default=0.05, help="posts drawn from the risky templates")
    ap.add_argument("--new-share", type=float, default=0.01, help="new posts per person next quarter")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one, removed)")
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="auditor-roster-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {cpu_model()}, {os.cpu_count()} CPUs; python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f} at start")
    print(f"scale: {args.people:,} people × {args.posts:,} posts; PDFs {'off' if args.no_pdf else 'on'}; "
          f"workers {args.workers or os.cpu_count()}; store {args.db or 'SQLite'}")
    try:
        t = time.perf_counter()
        roster = write_people(work, args.people, args.posts, args.risky_share)
        print(f"exports written in {time.perf_counter() - t:.1f} s ({work})")
        out = work / "out"
        q1, cpu1, peak1, rc1 = run_quarter(args, roster, out, "2026Q3")
        extra = add_new_posts(work, args.people, args.posts, args.new_share)
        q2, cpu2, peak2, rc2 = run_quarter(args, roster, out, "2026Q4")
        pdfs = len(list(out.glob("*/report.pdf")))
        cores = args.workers or os.cpu_count() or 1
        print()
        print(f"first quarter (2026Q3): {q1:.1f} s wall, {cpu1:.1f} CPU s, {peak1.line()}, exit {rc1}, "
              f"{pdfs:,} PDFs")
        print(f"next quarter (2026Q4, +{extra} posts each): {q2:.1f} s wall, {cpu2:.1f} CPU s, "
              f"{peak2.line()}, exit {rc2}")
        print(next_quarter_changes(out / "team-summary.csv"))
        people = max(1, args.people)
        for name, wall, cpu in (("first", q1, cpu1), ("next", q2, cpu2)):
            print(f"{name} quarter per person: {wall / people:.2f} s wall, {cpu / people:.2f} CPU s; "
                  f"at 1,000 people about {wall / people * 1000 / 60:.1f} min at this load, "
                  f"{cpu / people * 1000 / cores / 60:.1f} min if {cores} cores were all its own")
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
