"""Load and validate the frozen hand-written check set (benchmarks/checks/posts.jsonl).

Run as a script to print the counts per group and per label. See README.md in this folder for the rules:
the set is frozen, never trained on, and its wording must never be copied into lexicons or augment files.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

DEFAULT_PATH = Path(__file__).with_name("posts.jsonl")
BINARY_LABELS = ("politics", "insult", "threat", "hate", "snark", "sensitive", "sensitive_mockery")
PROFANITY_GRADES = ("none", "mild", "strong", "severe")
LABEL_KEYS = ("politics", "profanity", "insult", "threat", "hate", "snark", "sensitive", "sensitive_mockery")
ROW_KEYS = {"id", "text", "group", "lang", "labels"}
OPTIONAL_KEYS = {"note"}


class CheckSetError(ValueError):
    """Raised when posts.jsonl breaks the check-set schema."""


def _validate(row: object, lineno: int, seen: set[str]) -> dict:
    where = f"line {lineno}"
    if not isinstance(row, dict):
        raise CheckSetError(f"{where}: not a JSON object")
    missing = ROW_KEYS - row.keys()
    extra = row.keys() - ROW_KEYS - OPTIONAL_KEYS
    if missing or extra:
        raise CheckSetError(f"{where}: missing keys {sorted(missing)}, unexpected keys {sorted(extra)}")
    rid = row["id"]
    if not isinstance(rid, str) or not rid:
        raise CheckSetError(f"{where}: id must be a non-empty string")
    if rid in seen:
        raise CheckSetError(f"{where}: duplicate id {rid}")
    seen.add(rid)
    for key in ("text", "group", "lang"):
        if not isinstance(row[key], str) or not row[key].strip():
            raise CheckSetError(f"{where} ({rid}): {key} must be a non-empty string")
    labels = row["labels"]
    if not isinstance(labels, dict) or set(labels) != set(LABEL_KEYS):
        raise CheckSetError(f"{where} ({rid}): labels must have exactly the keys {list(LABEL_KEYS)}")
    for key in BINARY_LABELS:
        if labels[key] not in (0, 1) or isinstance(labels[key], bool):
            raise CheckSetError(f"{where} ({rid}): {key} must be 0 or 1, got {labels[key]!r}")
    if labels["profanity"] not in PROFANITY_GRADES:
        raise CheckSetError(f"{where} ({rid}): profanity must be one of {PROFANITY_GRADES}")
    if labels["threat"] and not labels["insult"]:
        raise CheckSetError(f"{where} ({rid}): threat=1 requires insult=1")
    if labels["sensitive_mockery"] and not labels["sensitive"]:
        raise CheckSetError(f"{where} ({rid}): sensitive_mockery=1 requires sensitive=1")
    return row


def load_checks(path: str | Path | None = None) -> list[dict]:
    """Read posts.jsonl (or `path`), validate every row and return the rows in file order."""
    source = Path(path) if path is not None else DEFAULT_PATH
    rows: list[dict] = []
    seen: set[str] = set()
    with source.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CheckSetError(f"line {lineno}: invalid JSON ({exc})") from exc
            rows.append(_validate(row, lineno, seen))
    if not rows:
        raise CheckSetError(f"{source}: no posts")
    return rows


def summarise(rows: list[dict]) -> str:
    """Return a plain-text table of counts per group, per label and per language."""
    lines = [f"posts: {len(rows)}", "", "per group:"]
    groups = Counter(row["group"] for row in rows)
    lines += [f"  {name:<22} {count:>4}" for name, count in groups.items()]
    lines += ["", "per label (positives):"]
    for key in BINARY_LABELS:
        lines.append(f"  {key:<22} {sum(row['labels'][key] for row in rows):>4}")
    grades = Counter(row["labels"]["profanity"] for row in rows)
    lines.append("  profanity             " + ", ".join(f"{g}={grades.get(g, 0)}" for g in PROFANITY_GRADES))
    langs = Counter(row["lang"] for row in rows)
    lines += ["", "per language: " + ", ".join(f"{lang}={n}" for lang, n in langs.most_common())]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Validate the file given on the command line (default: posts.jsonl) and print its counts."""
    print(summarise(load_checks(argv[1] if len(argv) > 1 else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
