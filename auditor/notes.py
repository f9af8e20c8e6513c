"""Reviewer notes keyed by post id: a note shown beside the flag, and a decision ("dismissed" leaves the
tier).

CSV: columns ``id``, ``note``, ``decision`` (other columns are ignored, so a filled-in flagged.csv is a notes
file). YAML: a mapping ``post-id: {note: ..., decision: ...}`` (or ``post-id: "just a note"``), or a list of
``{id, note, decision}``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError
from auditor.report.writers import csv_unguard
from auditor.textfile import parse_yaml, read_small_text

DECISIONS: tuple[str, ...] = ("dismissed", "confirmed", "deleted")
MAX_NOTES_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Note:
    post_id: str
    note: str = ""
    decision: str = ""  # "" | dismissed | confirmed | deleted

    @property
    def dismissed(self) -> bool:
        return self.decision == "dismissed"


def _note(where: str, row: str, post_id: Any, note: Any, decision: Any) -> Note | None:
    pid = csv_unguard(str(post_id or "").strip())
    text = " ".join(str(note or "").split())
    dec = str(decision or "").strip().lower()
    if not pid:
        if text or dec:
            raise AuditorError(where, f"{row}: a note needs the post id")
        return None
    if dec and dec not in DECISIONS:
        allowed = ", ".join(DECISIONS)
        raise AuditorError(where, f"{row}: decision must be one of {allowed} or empty, got {dec!r}")
    return Note(pid, text, dec) if text or dec else None


def _from_csv(text: str, where: str) -> list[Note]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if "id" not in fields:
            raise AuditorError(where, "a notes CSV needs an id column (and note and/or decision)")
        reader.fieldnames = fields
        notes = [_note(where, f"row {reader.line_num}", r.get("id"), r.get("note"), r.get("decision"))
                 for r in reader]
    except csv.Error as exc:
        raise AuditorError(where, f"malformed CSV (line {reader.line_num}: {exc})") from None
    return [n for n in notes if n]


def _from_yaml(text: str, where: str) -> list[Note]:
    doc = parse_yaml(text, where)
    items: list[tuple[str, Any]]
    if isinstance(doc, dict):
        items = [(str(k), v) for k, v in doc.items()]
    elif isinstance(doc, list):
        items = [(str(v.get("id", "")) if isinstance(v, dict) else "", v) for v in doc]
    else:
        raise AuditorError(where, "a notes file maps post ids to {note, decision} (YAML) or has "
                           "id,note,decision (CSV)")
    notes = []
    for i, (pid, value) in enumerate(items, 1):
        if isinstance(value, dict):
            notes.append(_note(where, f"entry {i}", pid, value.get("note"), value.get("decision")))
        else:
            notes.append(_note(where, f"entry {i}", pid, value, ""))
    return [n for n in notes if n]


def load_notes(path: Path | str) -> dict[str, Note]:
    """Notes by post id (the last one wins when an id repeats)."""
    path = Path(path)
    text = read_small_text(path, "notes file", MAX_NOTES_BYTES).lstrip("\ufeff")
    first = text.lstrip().split("\n", 1)[0].lower()
    is_csv = path.suffix.lower() == ".csv" or ("," in first and "id" in [c.strip() for c in first.split(",")])
    notes = _from_csv(text, str(path)) if is_csv else _from_yaml(text, str(path))
    return {n.post_id: n for n in notes}
