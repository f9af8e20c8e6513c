"""flagged.csv (for a spreadsheet) and summary.json (for scripts)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from auditor.categories import CATEGORIES

CSV_COLUMNS = [
    "id", "person", "account", "platform", "section", "date", "age", "kind", "severity", "categories",
    *(f"score_{c}" for c in CATEGORIES), "evidence", "url", "text", "decision", "note",
]
_FORMULA_START = ("=", "+", "-", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas with a leading quote, only where one could start.

    Guarded: a text cell starting with = + - (or tab/CR), and one starting with @ that holds a "(" (a
    function call, as in ``@SUM(…)``). A reply such as ``@alice thanks!`` is left as written: without a
    call it cannot run anything.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) or (value.startswith("@") and "(" in value):
        return "'" + value
    return value


def csv_unguard(value: str) -> str:
    """A cell written through csv_safe, read back as it was written."""
    guarded = value.startswith("'") and csv_safe(value[1:]) == value
    return value[1:] if guarded else value


def flagged_rows(summary: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per flagged post, worst first, as in the report (made as they are written)."""
    for e in summary.get("flagged", []):
        scores = e.get("scores", {})
        evidence = "; ".join(f"{c}: {', '.join(v)}" for c, v in e.get("evidence", {}).items() if v)
        row = {
            "id": e.get("id", ""),
            "person": summary.get("person", ""),
            "account": e.get("account", ""),
            "platform": e.get("platform", ""),
            "section": e.get("section", ""),
            "date": e.get("date") or "",
            "age": e.get("age") or "",
            "kind": e.get("kind", ""),
            "severity": e.get("severity") or "",
            "categories": ", ".join(e.get("flags", [])),
            **{f"score_{c}": scores.get(c, "") for c in CATEGORIES},
            "evidence": evidence,
            "url": e.get("url") or "",
            "text": e.get("text") or "",
            "decision": e.get("decision") or "",  # a reviewer fills these in; the file is then a notes file
            "note": e.get("note") or "",
        }
        yield {k: csv_safe(v) for k, v in row.items()}


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
    with path.open("wb") as fh:  # not data + b"\n": a second copy of a summary that can be 100 MB
        fh.write(data)
        fh.write(b"\n")
    return path
