"""A roster: everyone to audit this quarter, as CSV or YAML, checked whole before anything runs.

CSV (``accounts`` holds one or more SOURCEs separated by ``;``)::

    id,name,role,team,accounts,policy,mode,consent_date,consent_scope
    e042,Jordan Reyes,Social lead,Brand,exports/jordan.zip;bsky:jordan.example.com,,hr,2026-09-01,public

YAML: a list of the same fields, ``accounts`` a list::

    - id: e042
      name: Jordan Reyes
      accounts: [exports/jordan.zip, bsky:jordan.example.com]

Relative paths are read from the roster's folder. Every problem is reported, one line each, naming the row
(CSV: the spreadsheet row, header = row 1; YAML: the entry) and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError, AuditorErrors
from auditor.person import resolve_account
from auditor.textfile import parse_yaml, read_small_text

MAX_BYTES = 64 * 1024 * 1024
REQUIRED = ("id", "name", "role", "team", "accounts")
OPTIONAL = ("policy", "mode", "consent_date", "consent_scope", "requested_by")
MODES = ("self", "hr")


@dataclass
class RosterEntry:
    """One person on the roster."""

    id: str
    name: str
    role: str = ""
    team: str = ""
    accounts: list[str] = field(default_factory=list)
    policy: str | None = None
    mode: str | None = None
    consent_date: date | None = None
    consent_scope: str | None = None
    requested_by: str | None = None  # who asked for an HR audit (part of its consent record)


def load_roster(path: Path | str) -> list[RosterEntry]:
    """Read and check the whole roster; AuditorErrors listing every problem (one per line) if any."""
    where = str(path)
    path = Path(path).resolve()
    text = read_small_text(path, "roster", MAX_BYTES)
    rows = _csv_rows(text, where) if _looks_like_csv(text) else _yaml_rows(text, where)
    problems: list[AuditorError] = []
    entries: list[RosterEntry] = []
    seen: dict[str, str] = {}
    for label, row in rows:
        pid = _text(row.get("id"))
        if pid in seen:
            problems.append(
                AuditorError(where, f"{label}, column id: duplicate person id {pid!r} (first on {seen[pid]})")
            )
        elif pid:
            seen[pid] = label
        entry = _entry(row, label, path.parent, where, problems)
        if entry is not None and seen.get(pid) == label:
            entries.append(entry)
    if not problems and not entries:
        problems.append(AuditorError(where, "the roster lists nobody"))
    if problems:
        raise AuditorErrors(problems)
    return entries


def _looks_like_csv(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    return "," in first and not first.lstrip().startswith(("-", "[", "{", "#"))


def _csv_rows(text: str, where: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [f.strip().lower() for f in reader.fieldnames or []]
        _check_columns(header, where)
        reader.fieldnames = header
        rows = []
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue
            if row.get(None):
                raise AuditorError(where, f"row {reader.line_num}: more cells than columns")
            row["accounts"] = [a for a in (row.get("accounts") or "").split(";") if a.strip()]
            rows.append((f"row {reader.line_num}", row))
    except csv.Error as exc:
        raise AuditorError(where, f"malformed CSV (row {reader.line_num}: {exc})") from None
    return rows


def _yaml_rows(text: str, where: str) -> list[tuple[str, dict[str, Any]]]:
    doc = parse_yaml(text, where)
    if not isinstance(doc, list):
        raise AuditorError(where, "a roster is a CSV with columns id,name,role,team,accounts or a YAML list")
    rows = []
    problems = []
    for i, item in enumerate(doc, start=1):
        if not isinstance(item, dict):
            problems.append(AuditorError(where, f"entry {i}: expected id, name, role, team and accounts"))
            continue
        row = {str(k).strip().lower(): v for k, v in item.items()}
        try:
            _check_columns(list(row), where, f"entry {i}: ")
        except AuditorErrors as exc:
            problems.extend(exc.problems)
            continue
        accounts = row.get("accounts")
        row["accounts"] = [accounts] if isinstance(accounts, str) else accounts
        rows.append((f"entry {i}", row))
    if problems:
        raise AuditorErrors(problems)
    return rows


def _check_columns(columns: list[str], where: str, prefix: str = "") -> None:
    problems = [AuditorError(where, f"{prefix}missing column {c!r}") for c in REQUIRED if c not in columns]
    problems += [
        AuditorError(where, f"{prefix}unknown column {c!r} (known: {', '.join(REQUIRED + OPTIONAL)})")
        for c in columns
        if c not in REQUIRED + OPTIONAL
    ]
    if problems:
        raise AuditorErrors(problems)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _entry(
    row: dict[str, Any], label: str, folder: Path, where: str, problems: list[AuditorError]
) -> RosterEntry | None:
    """One row checked column by column; its problems appended (then None)."""
    before = len(problems)

    def bad(column: str, problem: str) -> None:
        problems.append(AuditorError(where, f"{label}, column {column}: {problem}"))

    pid, name = _text(row.get("id")), _text(row.get("name"))
    if not pid:
        bad("id", "empty; every person needs an id")
    if not name:
        bad("name", "empty; every person needs a name")
    accounts = row.get("accounts")
    if not isinstance(accounts, list) or not accounts:
        bad("accounts", "no SOURCE given (a file, a folder, or platform:account)")
        accounts = []
    resolved = []
    for account in accounts:
        if not isinstance(account, str) or not account.strip():
            bad("accounts", f"every account must be a text source, got {account!r}")
            continue
        try:
            resolved.append(_known_source(resolve_account(account.strip(), folder)))
        except AuditorError as exc:
            bad("accounts", exc.problem)
    policy = _text(row.get("policy")) or None
    if policy:
        policy = _check_policy(policy, folder, lambda problem: bad("policy", problem))
    mode = _text(row.get("mode")).lower() or None
    if mode and mode not in MODES:
        bad("mode", f"{mode!r} is not a mode (self or hr)")
    consent = _consent_date(row.get("consent_date"), lambda problem: bad("consent_date", problem))
    scope, asked = _text(row.get("consent_scope")) or None, _text(row.get("requested_by")) or None
    if mode == "hr":  # an HR audit needs the person's consent record, as a person file's consent block
        for column, value in (
            ("consent_date", row.get("consent_date")),
            ("consent_scope", scope),
            ("requested_by", asked),
        ):
            if not _text(value):
                bad(
                    column,
                    "empty; mode hr needs the person's consent (consent_date, consent_scope, requested_by)",
                )
    if len(problems) > before:
        return None
    return RosterEntry(
        pid,
        name,
        _text(row.get("role")),
        _text(row.get("team")),
        resolved,
        policy,
        mode,
        consent,
        scope,
        asked,
    )


def _known_source(spec: str) -> str:
    """The SOURCE if a file or folder exists there or it names a live platform; AuditorError otherwise."""
    from auditor.sources import LIVE_READERS, load_readers

    load_readers()
    if Path(spec).exists():
        return spec
    prefix, sep, _ = spec.partition(":")
    if sep and prefix in LIVE_READERS:
        return spec
    if sep and len(prefix) > 1 and "/" not in prefix and "\\" not in prefix:
        raise AuditorError(spec, f"unknown source {spec!r} (live sources: {', '.join(sorted(LIVE_READERS))})")
    raise AuditorError(spec, f"unknown source {spec!r}: no such file or folder")


def _check_policy(policy: str, folder: Path, bad) -> str | None:  # noqa: ANN001 - a reporter callback
    from auditor.policy import load_policy

    local = folder / policy
    chosen = str(local) if not Path(policy).is_absolute() and local.exists() else policy
    try:
        load_policy(chosen)
    except AuditorError as exc:
        bad(exc.problem)
        return None
    return chosen


def _consent_date(value: Any, bad) -> date | None:  # noqa: ANN001 - a reporter callback
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            bad(f"{str(value)[:40]!r} is not a date (YYYY-MM-DD)")
            return None
    if value > datetime.now(timezone.utc).date():
        bad(f"{value.isoformat()} is in the future")
        return None
    return value
