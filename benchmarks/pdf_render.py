"""One person's PDF as the report step makes it: the PDF's HTML rendered, then laid out by WeasyPrint.

    python benchmarks/pdf_render.py [--cards 10,50] [--repeats 7] [--rounds 2] [--baseline DIR]

Audits one synthetic person once (benchmarks/roster.py's export: 2,000 posts, 5% risky, about 200 flagged
posts, self mode) with --no-pdf to get its summary.json; then, in a fresh process per source tree and card
count, times ``render_html(summary, pdf_max_cards=N)`` + ``write_pdf`` after one warm-up (fonts): the CPU
seconds (process time) of each repeat, min and median, with the PDF's pages and size, and the CPU seconds of
the full garbage collection that frees what one PDF leaves behind (its cycles are not freed by reference
counting). ``--baseline DIR`` times another source tree the same way (e.g. ``git archive main | tar -x -C
DIR``), alternating with this one round by round, so a change is compared on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import gc, io, json, sys, time
from pathlib import Path
import auditor.resources as resources
tree = Path(resources.__file__).resolve().parent.parent
resources._shipped = lambda package, repo_dir: tree / repo_dir  # this tree's templates, not pip's
from auditor.report.pdf import write_pdf
from auditor.report.render import render_html
summary = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
cards, repeats = int(sys.argv[2]), int(sys.argv[3])
def once():
    out = io.BytesIO()
    write_pdf(render_html(summary, None, pdf_max_cards=cards), Path("report.pdf"), out)
    return out.getvalue()
data = once()
gc.collect()
times, collect = [], []
for _ in range(repeats):
    start = time.process_time()
    once()
    times.append(time.process_time() - start)
    start = time.process_time()
    gc.collect()
    collect.append(time.process_time() - start)
try:
    from pypdf import PdfReader
    pages = len(PdfReader(io.BytesIO(data)).pages)
except ImportError:
    pages = "?"
print(json.dumps({"times": times, "collect": collect, "bytes": len(data), "pages": pages}))
"""


def person_summary(work: Path, posts: int) -> Path:
    """summary.json of one synthetic person audited with this tree (no PDF)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from roster import make_post

    rng = random.Random(20261206)
    export = work / "person.jsonl"
    export.write_text("".join(json.dumps(make_post(rng, "u00000", i)) + "\n" for i in range(posts)),
                      encoding="utf-8")
    out = work / "out"
    cmd = [sys.executable, "-m", "auditor", "audit", str(export), "--person", "Person 0", "--out", str(out),
           "--no-pdf", "--no-store"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode not in (0, 1):
        sys.exit(f"audit failed ({proc.returncode}): {proc.stderr[-2000:]}")
    (summary,) = out.glob("*/summary.json")
    return summary


def time_tree(tree: Path, summary: Path, cards: int, repeats: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(summary), str(cards), str(repeats)],
                          capture_output=True, text=True, env=env, cwd=tree)
    if proc.returncode:
        sys.exit(f"{tree}: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cards", default="10,50", help="cards per section: the roster's 10, the policy's 50")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=2, help="alternations of this tree and the baseline")
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--baseline", type=Path, default=None, help="another source tree to time the same way")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} at start; {os.cpu_count()} CPUs")
    trees = {"this tree": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    with tempfile.TemporaryDirectory(prefix="auditor-pdf-bench-") as tmp:
        summary = person_summary(Path(tmp), args.posts)
        flagged = len(json.loads(summary.read_text(encoding="utf-8"))["flagged"])
        print(f"one person: {args.posts:,} posts, {flagged} flagged")
        for cards in (int(c) for c in args.cards.split(",")):
            results: dict[str, dict] = {name: {"times": [], "collect": []} for name in trees}
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    r = time_tree(tree, summary, cards, args.repeats)
                    results[name]["times"] += r["times"]
                    results[name]["collect"] += r["collect"]
                    results[name].update(bytes=r["bytes"], pages=r["pages"])
            for name, r in results.items():
                t, c = sorted(r["times"]), sorted(r["collect"])
                print(f"{cards:3d} cards, {name}: PDF {t[0]:.3f} s min / {t[len(t) // 2]:.3f} s median CPU "
                      f"({len(t)} runs), then a full collection {c[len(c) // 2]:.3f} s; {r['pages']} pages, "
                      f"{r['bytes'] / 1024:.0f} KB")


if __name__ == "__main__":
    main()
