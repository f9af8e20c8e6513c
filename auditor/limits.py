"""Every size, count and time bound in one place, each with a clear message and a variable to raise it.

Hostile or broken inputs (a 200 MB "post", a repository that points 20,000 times at one record, a server
that never stops sending pages) must end in one line naming the file and the limit, never in a machine
that runs out of memory or time. Each limit is read from its environment variable when it is used, so a
test (or a user with a truly huge export) can lower or raise it for one run::

    AUDITOR_MAX_POST_CHARS=500000 auditor audit huge-archive.zip

Sizes accept a plain number of bytes or a suffix: ``512M``, ``2G``, ``64K`` (powers of 1024).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

from auditor.errors import AuditorError

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.I)
_SCALE = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


class LimitExceeded(AuditorError):
    """Input over one of the limits below; ``where`` may be empty until the source that read it is known."""


def _parse(env: str, raw: str, is_size: bool) -> float:
    raw = raw.strip()
    m = _SIZE.match(raw) if is_size else None
    try:
        value = float(m.group(1)) * _SCALE[m.group(2).lower()] if m else float(raw)
    except ValueError:
        raise AuditorError(env, f"not a number: {raw[:40]!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise AuditorError(env, f"must be a positive, finite number, got {raw[:40]!r}")
    return value


def human(value: float, unit: str) -> str:
    """``536870912, "bytes"`` → ``512 MiB``; other units as ``1,000,000 posts``."""
    if unit == "bytes":
        for suffix, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
            if value >= scale:
                return f"{value / scale:,.4g} {suffix}"
        return f"{value:,.0f} bytes"
    if unit == "seconds":
        return f"{value:,g} s"
    return f"{value:,.0f} {unit}"


@dataclass(frozen=True)
class Limit:
    """One bound: its environment variable, its default, its unit and what it bounds."""

    env: str
    default: float
    unit: str  # "bytes", "characters", "posts", "records", "levels", "pages", "seconds", ...
    what: str  # "an input file", "one post's text", ...

    @property
    def value(self) -> float:
        raw = os.environ.get(self.env, "")
        return _parse(self.env, raw, self.unit == "bytes") if raw.strip() else self.default

    @property
    def int_value(self) -> int:
        return int(self.value)

    def problem(self, amount: float | None = None) -> str:
        """``one post's text has 250,000 characters, over the limit of 100,000 characters (…)``."""
        have = f" has {human(amount, self.unit)}," if amount is not None else " is"
        return (f"{self.what}{have} over the limit of {human(self.value, self.unit)} "
                f"(set {self.env} to raise it)")

    def error(self, where: str, amount: float | None = None) -> LimitExceeded:
        return LimitExceeded(where, self.problem(amount))

    def check(self, amount: float, where: str = "") -> None:
        """Raise ``LimitExceeded`` naming ``where`` when ``amount`` is over the limit."""
        if amount > self.value:
            raise self.error(where, amount)


# An audit needs about 6 times the JSON it holds (parsed objects, posts, features): 256 MiB keeps it near
# 2 GB (benchmarks/peak_memory.py); raise these on a machine with more memory.
FILE_BYTES = Limit("AUDITOR_MAX_FILE_BYTES", 256 << 20, "bytes", "an input file")
ARCHIVE_BYTES = Limit("AUDITOR_MAX_ARCHIVE_BYTES", 256 << 20, "bytes", "what is read from one archive")
# A file read as a stream (an X archive's tweets.js, parsed one tweet at a time and let go) holds only its
# posts: AUDITOR_MAX_POSTS and the per-item cap bound its memory, so a heavy account is not refused for its
# bytes. This bound is for time only (500,000 posts at a real export's 1.67 KB a tweet are 0.8 GiB).
STREAM_BYTES = Limit("AUDITOR_MAX_STREAM_BYTES", 8 << 30, "bytes", "a file read as a stream")
POST_CHARS = Limit("AUDITOR_MAX_POST_CHARS", 100_000, "characters", "one post's text")
POSTS = Limit("AUDITOR_MAX_POSTS", 500_000, "posts", "one source")
CAR_RECORDS = Limit("AUDITOR_MAX_CAR_RECORDS", 500_000, "records", "the repository")
MST_DEPTH = Limit("AUDITOR_MAX_MST_DEPTH", 128, "levels", "the repository tree")
JSON_DEPTH = Limit("AUDITOR_MAX_JSON_DEPTH", 200, "levels", "a JSON value")
NUMBER_DIGITS = Limit("AUDITOR_MAX_NUMBER_DIGITS", 4300, "digits", "a number")
NAME_CHARS = Limit("AUDITOR_MAX_NAME_CHARS", 200, "characters", "the person's name")
LINE_BYTES = Limit("AUDITOR_MAX_LINE_BYTES", 8 << 20, "bytes", "one line")
PAGES = Limit("AUDITOR_MAX_PAGES", 10_000, "pages", "a live account")
BODY_BYTES = Limit("AUDITOR_MAX_BODY_BYTES", 256 << 20, "bytes", "one server response")
REQUEST_SECONDS = Limit("AUDITOR_HTTP_DEADLINE", 600, "seconds", "one request")

ALL: tuple[Limit, ...] = (FILE_BYTES, ARCHIVE_BYTES, STREAM_BYTES, POST_CHARS, POSTS, CAR_RECORDS, MST_DEPTH,
                          JSON_DEPTH, NUMBER_DIGITS, NAME_CHARS, LINE_BYTES, PAGES, BODY_BYTES,
                          REQUEST_SECONDS)


def json_depth(value: object) -> int:
    """The nesting depth of a decoded JSON value, without recursion (so a deep value cannot crash it)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return deepest


def check_json_depth(value: object, where: str) -> None:
    """Refuse a decoded value nested deeper than ``AUDITOR_MAX_JSON_DEPTH`` (for values passed through)."""
    JSON_DEPTH.check(json_depth(value), where)
