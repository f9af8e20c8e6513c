"""One parser for every timestamp shape the sources use, always returning an aware UTC datetime."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# Twitter: "Tue Dec 02 06:23:48 +0000 2025" (%a/%b are locale-dependent, so parse by table, not strptime)
_TWITTER = re.compile(r"^\w{3} (\w{3}) (\d{1,2}) (\d\d):(\d\d):(\d\d) ([+-]\d{4}) (\d{4})$")
# ISO with more than 6 fraction digits (Bluesky clients write 7): trim to microseconds
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
_EPOCH = re.compile(r"^-?\d{9,11}(\.\d+)?$")


def _utc(dt: datetime) -> datetime:
    """Aware UTC. A time whose UTC form falls outside years 1-9999 (``0001-01-01T00:00+01:00``, a common
    "no date" placeholder) is clamped to the first or last representable moment, which no platform
    accepts as a plausible date (see auditor.plausible), rather than an OverflowError deep in a reader."""
    try:
        return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    except OverflowError:
        edge = datetime.min if dt.year < 5000 else datetime.max
        return edge.replace(tzinfo=timezone.utc)


def _from_epoch(seconds: float) -> datetime:
    try:  # datetime.fromtimestamp also takes an int of 5,000 digits: float() refuses it first
        return datetime.fromtimestamp(float(seconds), tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"timestamp out of range: {seconds!r}") from None


def parse_any_ts(value: object) -> datetime | None:
    """Parse Twitter, ISO 8601 (Z, offsets, naive, 7-digit fractions, date-only), Reddit "… UTC",
    LinkedIn naive, and unix seconds (int, float or digits) into aware UTC. None/"" → None.

    Raises ValueError for anything else, so readers can name the file and the field.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float):
        return _from_epoch(value)
    text = str(value).strip()
    if _EPOCH.match(text):
        return _from_epoch(float(text))
    m = _TWITTER.match(text)
    if m:
        mon, day, hh, mm, ss, off, year = m.groups()
        month = _MONTHS.get(mon.lower())
        if month is None:
            raise ValueError(f"not a timestamp: {value!r}")
        minutes = (int(off[1:3]) * 60 + int(off[3:])) * (-1 if off[0] == "-" else 1)
        zone = timezone.utc if not minutes else timezone(timedelta(minutes=minutes))
        try:  # datetime() directly: strptime would cost more than the rest of reading a tweet
            return _utc(datetime(int(year), month, int(day), int(hh), int(mm), int(ss), tzinfo=zone))
        except (ValueError, OverflowError):
            raise ValueError(f"not a timestamp: {value!r}") from None
    if text.endswith(" UTC"):  # Reddit data export: "2014-08-27 00:59:46 UTC"
        text = text[:-4]
    text = _LONG_FRACTION.sub(r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a timestamp: {str(value)[:60]!r}") from None
    return _utc(parsed)


_AGE = re.compile(r"^(\d{1,5})\s*([dwy])$")
_AGE_DAYS = {"d": 1, "w": 7, "y": 365}


def cutoff(text: str, now: datetime | None = None) -> datetime:
    """``365d`` / ``26w`` / ``1y`` before ``now``, or a date (``2025-06-30``): an aware UTC datetime."""
    from datetime import timedelta

    from auditor.errors import AuditorError

    value = text.strip().lower()
    if m := _AGE.match(value):
        return (now or datetime.now(timezone.utc)) - timedelta(days=int(m[1]) * _AGE_DAYS[m[2]])
    try:
        return _utc(datetime.fromisoformat(value))
    except ValueError:
        problem = f"{text!r} is not an age (365d, 26w, 1y) or a date (YYYY-MM-DD)"
        raise AuditorError("--older-than", problem) from None
