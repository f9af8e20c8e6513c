"""Peak memory of `auditor audit --no-pdf` on a synthetic X archive of a given size (issue 12: an audit of
inputs within the limits stays under 2 GB). Prints one line per size; run on a quiet machine.

    python benchmarks/peak_memory.py --mib 64 128 256
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

WORDS = ["the", "a", "you", "idiot", "vote", "election", "love", "great", "terrible", "day", "night", "work",
         "brand", "coffee", "stupid", "damn", "hell", "party", "policy", "tax", "tonight", "weekend", "team"]
SOURCE = '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'


def tweet(i: int, rng: random.Random) -> dict:
    """One tweet shaped like X's archive (2024): ids, entities, edit info, counts as strings."""
    tid = str(1_500_000_000_000_000_000 + i)
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
    return {"tweet": {
        "edit_info": {"initial": {"editTweetIds": [tid], "editableUntil": "2024-01-01T00:00:00.000Z",
                                  "editsRemaining": "5", "isEditEligible": True}},
        "retweeted": False, "source": SOURCE,
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": [
            {"url": "https://t.co/abcdefghij", "expanded_url": "https://example.com/some/long/path",
             "display_url": "example.com/some", "indices": ["0", "23"]}]},
        "display_text_range": ["0", str(len(text))], "favorite_count": "3", "id_str": tid, "truncated": False,
        "retweet_count": "1", "id": tid, "favorited": False, "full_text": text, "lang": "en",
        "created_at": f"Mon Jan 01 12:00:00 +0000 {2010 + i % 15}"}}


def build(path: Path, mib: int) -> int:
    """An archive whose tweets.js is about ``mib`` MiB (indented as X writes it); returns the tweet count."""
    rng = random.Random(12)
    per_tweet = len(json.dumps(tweet(0, rng), indent=2)) + 4
    count = mib * 2**20 * 97 // 100 // per_tweet  # a little under: the first tweet is not the longest
    body = json.dumps([tweet(i, rng) for i in range(count)], indent=2)
    manifest = {"userInfo": {"userName": "big", "displayName": "Big Account"},
                "dataTypes": {"tweets": {"files": [{"fileName": "data/tweets.js", "count": str(count)}]}}}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/manifest.js", "window.__THAR_CONFIG = " + json.dumps(manifest))
        zf.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + body)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, nargs="+", default=[64, 128, 240])
    parser.add_argument("--build", nargs=2, metavar=("ZIP", "MIB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:  # in a process of its own: a child forked from a big parent would count its pages
        print(build(Path(args.build[0]), int(args.build[1])))
        return
    for mib in args.mib:
        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "x.zip"
            made = subprocess.run([sys.executable, __file__, "--build", str(archive), str(mib)],
                                  capture_output=True, text=True, check=True)
            count = int(made.stdout)
            started = time.monotonic()
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            proc = subprocess.run([sys.executable, "-m", "auditor", "audit", str(archive), "--no-pdf",
                                   "-o", str(Path(tmp) / "out")], capture_output=True, text=True)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            status = "ok" if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1][:120]
            note = "" if peak > before else " (peak not above an earlier run's; run sizes one at a time)"
            print(f"tweets.js {mib} MiB, {count:,} tweets: peak RSS {peak / 1024:,.0f} MiB, "
                  f"{time.monotonic() - started:,.0f} s, {status}{note}")


if __name__ == "__main__":
    main()
