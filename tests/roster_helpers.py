"""Synthetic people for the roster and store tests: JSONL exports on disk and a roster naming them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

# Some clean, some flagged by the shipped models (profanity, insult, politics), so quarters can differ.
TEXTS = (
    "Lovely morning walk by the river with the dog",
    "Great launch today, proud of the whole team",
    "what the fuck is this shit, absolute garbage service",
    "You are a pathetic idiot and everyone knows it",
    "The senate vote on the immigration bill is tomorrow, call your representative",
    "Coffee first, then the quarterly planning meeting",
    "Trying a new pasta recipe tonight",
)


def post(person: str, i: int, text: str | None = None) -> dict:
    return {
        "id": f"{person}-{i}",
        "text": text if text is not None else f"{TEXTS[i % len(TEXTS)]} ({i})",
        "created_at": f"2026-{1 + i % 9:02d}-{10 + i % 18:02d}T10:00:00Z",
        "author": person,
        "platform": "x",
    }


def write_export(path: Path, rows: Iterable[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def person_export(folder: Path, person: str, n: int = 14) -> Path:
    return write_export(folder / f"{person}.jsonl", (post(person, i) for i in range(n)))


def write_roster(path: Path, people: Sequence[tuple[str, str, str]], extra: str = "") -> Path:
    """people: (id, name, accounts) rows; role and team filled in."""
    lines = ["id,name,role,team,accounts" + extra]
    lines += [f"{pid},{name},Speaker,Brand,{accounts}" for pid, name, accounts in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def team_rows(out: Path) -> list[dict]:
    import csv

    with (out / "team-summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))
