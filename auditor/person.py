"""Person file: one person's name and every account to audit, as YAML or CSV.

YAML::

    name: Alice Example
    accounts:
      - exports/twitter-archive.zip      # relative paths are read from this file's folder
      - bsky:alice.example.com
      - mastodon:@alice@example.social

CSV (header ``person,account``, one account per line, all lines naming the same person).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from auditor import limits
from auditor.errors import AuditorError
from auditor.textfile import parse_yaml, read_small_text

MAX_BYTES = 1024 * 1024
# A live spec or URL ("bsky:…", "mastodon:@…") rather than a path; not a Windows drive ("c:\…").
_LIVE_SPEC = re.compile(r"^[a-z][a-z0-9_+.-]*:(?!\\)")
_YAML_KEYS = {"name", "accounts", "consent"}


@dataclass
class Person:
    name: str
    accounts: list[str] = field(default_factory=list)
    consent: dict | None = None  # the raw ``consent:`` block (date, scope, requested_by); see consent.py


def load_person(path: Path | str) -> Person:
    """Read a person file (YAML or CSV, told apart by content); AuditorError when it is not valid."""
    path = Path(path)
    where = str(path)
    text = read_small_text(path, "person file", MAX_BYTES)
    first = text.lstrip().split("\n", 1)[0].replace(" ", "").lower()
    person = _from_csv(text, where) if first.startswith("person,account") else _from_yaml(text, where)
    limits.NAME_CHARS.check(len(person.name), where)
    person.accounts = [resolve_account(a, path.parent) for a in person.accounts]
    return person


def _from_yaml(text: str, where: str) -> Person:
    doc = parse_yaml(text, where)
    if not isinstance(doc, dict):
        raise AuditorError(where, "a person file needs `name:` and `accounts:` (or CSV: person,account)")
    unknown = set(map(str, doc)) - _YAML_KEYS
    if unknown:
        raise AuditorError(where, f"unknown key(s) {', '.join(sorted(unknown))} "
                           "(expected name, accounts, consent)")
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise AuditorError(where, "`name:` must be the person's name")
    accounts = doc.get("accounts")
    if not isinstance(accounts, list) or not accounts:
        raise AuditorError(where, "`accounts:` must be a list of at least one source")
    bad = [a for a in accounts if not isinstance(a, str) or not a.strip()]
    if bad:
        raise AuditorError(where, f"every account must be a text source, got {bad[0]!r}")
    consent = doc.get("consent")
    if consent is not None and not isinstance(consent, dict):
        raise AuditorError(where, "`consent:` must have date, scope and requested_by")
    return Person(name.strip(), [a.strip() for a in accounts], consent)


def _from_csv(text: str, where: str) -> Person:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    names: list[str] = []
    accounts: list[str] = []
    try:
        reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
        for row in reader:
            person, account = (row.get("person") or "").strip(), (row.get("account") or "").strip()
            if not person and not account:
                continue
            if not person or not account:
                raise AuditorError(where, f"line {reader.line_num} needs both a person and an account")
            if person not in names:
                names.append(person)
            accounts.append(account)
    except csv.Error as exc:
        raise AuditorError(where, f"malformed CSV (line {reader.line_num}: {exc})") from None
    if not accounts:
        raise AuditorError(where, "no accounts listed")
    if len(names) > 1:
        raise AuditorError(where, f"lists several people ({', '.join(names[:3])}); use one file per person")
    return Person(names[0], accounts)


def resolve_account(account: str, folder: Path) -> str:
    """Relative paths are taken from the person file's folder; live specs (``bsky:…``) stay as they are."""
    expanded = Path(account).expanduser()
    local = expanded if expanded.is_absolute() else folder / expanded
    if _LIVE_SPEC.match(account) and not local.exists():
        return account
    return str(local)
