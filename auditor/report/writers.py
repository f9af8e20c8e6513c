"""flagged.csv (for a spreadsheet) and summary.json (for scripts)."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from auditor.categories import CATEGORIES

CSV_COLUMNS = [
    "person", "account", "platform", "section", "date", "kind", "severity", "categories",
    *(f"score_{c}" for c in CATEGORIES), "evidence", "url", "text",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas: a text cell starting with = + - @ (or tab/CR) gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def flagged_rows(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per flagged post, worst first, as in the report."""
    rows = []
    for e in summary.get("flagged", []):
        scores = e.get("scores", {})
        evidence = "; ".join(f"{c}: {', '.join(v)}" for c, v in e.get("evidence", {}).items() if v)
        row = {
            "person": summary.get("person", ""),
            "account": e.get("account", ""),
            "platform": e.get("platform", ""),
            "section": e.get("section", ""),
            "date": e.get("date") or "",
            "kind": e.get("kind", ""),
            "severity": e.get("severity") or "",
            "categories": ", ".join(e.get("flags", [])),
            **{f"score_{c}": scores.get(c, "") for c in CATEGORIES},
            "evidence": evidence,
            "url": e.get("url") or "",
            "text": e.get("text") or "",
        }
        rows.append({k: csv_safe(v) for k, v in row.items()})
    return rows


def write_csv(summary: Mapping[str, Any], path: Path) -> Path:
    """UTF-8 with a BOM so spreadsheet programs pick the encoding; every text cell formula-guarded."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(flagged_rows(summary))
    return path


def write_json(summary: Mapping[str, Any], path: Path) -> Path:
    """summary.json, compact (no indentation: a third of the size at 100,000 posts; any JSON tool shows it
    indented)."""
    try:
        data = orjson.dumps(summary)
    except (orjson.JSONEncodeError, TypeError):  # what only json writes (a NaN, an integer past 64 bits)
        data = json.dumps(summary, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(data + b"\n")
    return path
