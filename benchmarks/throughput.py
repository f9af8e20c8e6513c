"""Throughput of all six categories and the threat signal in-process on one core, beside alt-profanity-check.

    python benchmarks/throughput.py [--data PATH] [--posts 100000] [--batch 10000]

The posts are --posts distinct texts of ../shared/data (fixed-seed shuffle); both
classifiers score the same posts in the same run. Timing starts from a freshly loaded model (cold caches).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data"

from benchmarks.machine import cpu_model  # noqa: E402


def load_posts(data: Path, n: int) -> list[str]:
    """``n`` DISTINCT posts from every labelled set (train and validation; speed only, not accuracy), shuffled
    with a fixed seed. Distinct, as in a real archive: resampling a few thousand texts would let the chunk
    cache answer almost everything and overstate the speed several times over."""
    seen: set[str] = set()
    posts: list[str] = []
    for path in sorted(data.rglob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("text")
                if isinstance(text, str) and text.strip() and len(text) < 1000 and text not in seen:
                    seen.add(text)
                    posts.append(text)
    random.Random(20261127).shuffle(posts)
    if len(posts) < n:
        raise SystemExit(f"only {len(posts):,} distinct texts in {data}; ask for fewer --posts")
    return posts[:n]


def timed(fn, posts: list[str], batch: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(posts), batch):
        fn(posts[i : i + batch])
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--record", action="store_true", help="save to models/speed.json and the cards")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    posts = load_posts(args.data, args.posts)
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} cores (benchmark pinned to 1), "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )
    print(
        f"posts: {len(posts):,} distinct texts from {args.data} (under 1,000 characters), "
        f"mean {sum(map(len, posts)) / len(posts):.0f} characters, batches of {args.batch:,}"
    )

    start = time.perf_counter()
    from auditor.classify import Classifier
    from auditor.classify.model import MODEL_FILE
    from auditor.resources import models_dir

    imported = time.perf_counter()
    clf = Classifier.load()
    loaded = time.perf_counter()
    folder = models_dir()
    sizes = {p.name: p.stat().st_size for p in sorted(folder.glob("*.skops"))}
    print(
        f"model load: {loaded - imported:.3f} s (import {imported - start:.3f} s); files: "
        + ", ".join(f"{k} {v / 1e6:.2f} MB" for k, v in sizes.items())
        + f"; total {sum(sizes.values()) / 1e6:.2f} MB ({MODEL_FILE})"
    )

    ours = timed(clf.predict_proba, posts, args.batch)
    ours_rate = len(posts) / ours
    print(f"auditor, all 6 categories + threat: {ours:.2f} s, {ours_rate:,.0f} posts/s")
    again = timed(clf.predict_proba, posts, args.batch)  # where the time goes: not the headline figure
    print(
        f"  (the same posts again, every chunk type now cached: {again:.2f} s, {len(posts) / again:,.0f} "
        f"posts/s; so {ours - again:.2f} s of the first pass went on featurising new chunk types)"
    )
    try:
        from profanity_check import predict_prob
    except ImportError:
        print("alt-profanity-check not installed (pip install alt-profanity-check): no comparison")
        return 0
    theirs = timed(predict_prob, posts, args.batch)
    theirs_rate = len(posts) / theirs
    print(f"alt-profanity-check, 1 category: {theirs:.2f} s, {theirs_rate:,.0f} posts/s")
    print(f"ratio auditor / alt-profanity-check: {ours_rate / theirs_rate:.2f}x")
    if args.record:
        record(
            folder,
            {
                "machine": f"{cpu_model()}, {os.cpu_count()} cores, pinned to 1, "
                f"Python {platform.python_version()}",
                "posts": len(posts),
                "ours_posts_per_s": round(ours_rate),
                "apc_posts_per_s": round(theirs_rate),
                "ratio": round(ours_rate / theirs_rate, 3),
                "load_s": round(loaded - imported, 3),
                "model_mb": round(sum(sizes.values()) / 1e6, 2),
                "model_version": clf.version,
                "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            },
        )
    return 0


def record(folder: Path, figures: dict) -> None:
    """Save the figures to models/speed.json and refresh the Speed section of every model card."""
    sys.path.insert(0, str(ROOT / "models"))
    from cards import SPEED_END, SPEED_FILE, SPEED_START, speed_section

    (folder / SPEED_FILE).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for card in sorted((folder / "cards").glob("*.md")):
        text = card.read_text(encoding="utf-8")
        start, end = text.find(SPEED_START), text.find(SPEED_END)
        if start >= 0 and end > start:
            new = text[:start] + speed_section(folder / "cards") + text[end + len(SPEED_END) :]
            card.write_text(new, encoding="utf-8")
    print(f"recorded in {folder / SPEED_FILE} and the model cards")


if __name__ == "__main__":
    raise SystemExit(main())
