"""The clean-up plan of a self-check: flagged posts grouped by what to delete first, and cleanup.csv.

cleanup.csv has one row per post, in the order to act on them: ``platform,id,url,reason,priority,kind``
(kind: post, or repost for a repost to undo). It is what
``auditor clean`` reads, and simple enough for other deletion tools.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from auditor.categories import LABELS
from auditor.report.writers import csv_safe

PLAN_COLUMNS = ["platform", "id", "url", "reason", "priority", "kind"]
#: Priority groups, first to act on first.
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("first", "Delete first", "High severity: the posts most likely to be read badly."),
    ("next", "Then", "Medium severity: likely to be read badly by some readers."),
    ("consider", "Worth a look", "Low severity: mostly harmless, but a strict reader may object."),
)
_GROUP_OF = {"high": "first", "medium": "next", "low": "consider"}
#: Why a reader may take a post badly, per category; a category without a line here gets a generic one.
WHY: dict[str, str] = {
    "politics": "reads as a political statement, which some readers and employers hold against people",
    "profanity": "swears, which reads as unprofessional",
    "insult": "insults or attacks someone",
    "hate": "may read as an attack on people for who they are",
    "snark": "sarcastic or mocking: tone is easily misread without context",
    "sensitive": "touches a tragedy or sensitive event, where jokes and hot takes read worst",
}


def why(category: str) -> str:
    return WHY.get(category, f"flagged as {LABELS.get(category, category).lower()}")


def reason_for(entry: Mapping[str, Any]) -> str:
    """One line: why this post may be read badly, with the words that drove it."""
    flags = list(entry.get("flags", []))
    parts = [why(c) for c in flags]
    words = [w for c in flags for w in entry.get("evidence", {}).get(c, [])][:4]
    text = "; ".join(parts) or "flagged"
    if entry.get("section") == "repost":
        text = "you reposted it: " + text
    if words:
        text += " (" + ", ".join(f'"{w}"' for w in words) + ")"
    return text[0].upper() + text[1:]


def _priority(entry: Mapping[str, Any]) -> str:
    if str(entry.get("excluded") or "").startswith("mild"):
        return "consider"  # mild swearing aimed at no one: worth a look, never first
    return _GROUP_OF.get(entry.get("severity") or "low", "consider")


def plan_entries(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The posts to consider deleting, worst first: flagged, online, not dismissed or already deleted."""
    rows = []
    for e in summary.get("flagged", []):
        if e.get("section") == "deleted" or e.get("decision") in ("dismissed", "deleted"):
            continue
        rows.append({"platform": e.get("platform", ""), "id": e.get("id", ""), "url": e.get("url") or "",
                     "reason": reason_for(e), "priority": _priority(e),
                     "kind": "repost" if e.get("section") == "repost" else "post",
                     "entry": e})
    order = {g[0]: i for i, g in enumerate(GROUPS)}
    return sorted(rows, key=lambda r: order[r["priority"]])  # stable: worst first within a group


def plan_groups(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """JSON-ready groups for summary.json and the report."""
    rows = plan_entries(summary)
    return [{"key": key, "title": title, "hint": hint,
             "posts": [{k: r[k] for k in PLAN_COLUMNS} for r in rows if r["priority"] == key]}
            for key, title, hint in GROUPS]


def write_plan(summary: Mapping[str, Any], path: Path) -> Path:
    """cleanup.csv (UTF-8); ids and links get the spreadsheet formula guard, which `auditor clean` undoes."""
    rows: Sequence[dict[str, Any]] = plan_entries(summary)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=PLAN_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({**r, "id": csv_safe(r["id"]), "url": csv_safe(r["url"])} for r in rows)
    return path
