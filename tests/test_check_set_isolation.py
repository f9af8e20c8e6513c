"""The frozen check set (benchmarks/checks/posts.jsonl) must stay unseen: no augment file may share a run of
six words with one of its posts. Twenty-three augment lines from earlier rounds do (19 check-set posts); they
are listed here so no new one can be added, and are to be removed with a retrain (README, "How well it
judges")."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = 6  # words in a row

KNOWN_OVERLAPS = {  # check-set post id -> number of augment lines sharing a six-word run with it
    "c0021": 1, "c0036": 1, "c0110": 1, "c0165": 1, "c0196": 1, "c0212": 2, "c0288": 1, "c0290": 1,
    "c0340": 1, "c0350": 1, "c0351": 1, "c0356": 1, "c0360": 1, "c0376": 1, "c0399": 1, "c0401": 2,
    "c0402": 1, "c0441": 2, "c0523": 2,
}


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def test_no_new_augment_line_repeats_check_set_wording():
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
    new = {pid: n for pid, n in found.items() if n > KNOWN_OVERLAPS.get(pid, 0)}
    assert not new, f"augment lines repeat check-set wording (posts {sorted(new)}): write fresh ones"
    assert len(posts) >= 400
