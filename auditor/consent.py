"""The consent record an HR audit needs: when the person agreed, to what, and who asked."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from auditor.errors import AuditorError


@dataclass(frozen=True)
class Consent:
    """The person's consent to this audit. Dates are ISO (YYYY-MM-DD); none may be in the future."""

    date: date
    scope: str
    requested_by: str

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        return d


def _as_date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise AuditorError(where, f"consent date must be YYYY-MM-DD, got {str(value)[:40]!r}") from None


def make_consent(raw: dict[str, Any] | None, where: str, today: date) -> Consent | None:
    """A validated Consent from a ``consent:`` block or the flags; None when nothing was given."""
    if not raw or all(v in (None, "") for v in raw.values()):
        return None
    extra = sorted(str(k) for k in raw if k not in ("date", "scope", "requested_by"))
    if extra:
        raise AuditorError(where, f"consent: unknown key(s) {', '.join(extra)} "
                           "(expected date, scope, requested_by)")
    for key in ("date", "scope", "requested_by"):
        if raw.get(key) in (None, "") or not str(raw[key]).strip():
            raise AuditorError(where, f"consent record has no {key.replace('_', ' ')}")
    when = _as_date(raw["date"], where)
    if when > today:
        raise AuditorError(where, f"consent date {when.isoformat()} is in the future")
    return Consent(when, " ".join(str(raw["scope"]).split()), " ".join(str(raw["requested_by"]).split()))
