"""The frozen check set (benchmarks/checks/posts.jsonl) must stay unseen: no augment file may share a run of
six words with one of its posts (23 lines from earlier rounds did, with 19 posts; they were removed and the
model retrained as 2026.12.06-4)."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = 6  # words in a row


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def test_no_augment_line_repeats_check_set_wording():
    posts = [json.loads(line) for line in (ROOT / "benchmarks/checks/posts.jsonl").open(encoding="utf-8")]
    owner: dict[tuple[str, ...], set[str]] = {}
    for post in posts:
        for run in _runs(post["text"]):
            owner.setdefault(run, set()).add(post["id"])
    found: dict[str, int] = {}
    for path in sorted((ROOT / "models/augment").iterdir()):
        for line in path.read_text(encoding="utf-8").splitlines():
            for pid in set().union(*(owner.get(run, set()) for run in _runs(line))):
                found[pid] = found.get(pid, 0) + 1
    assert not found, f"augment lines repeat check-set wording (posts {sorted(found)}): write fresh ones"
    assert len(posts) >= 400
