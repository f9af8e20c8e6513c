"""What every source's result must satisfy, whatever reader made it: limits, believable dates, clean names.

``reading(spec)`` turns the ways a hostile file breaks a parser (nesting past Python's stack, numbers past
its digit limit, dates past year 9999) into one ``AuditorError`` naming the source; ``check_result`` bounds
the posts and their texts and moves unbelievable dates to "date unknown".
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from auditor import limits
from auditor.errors import AuditorError
from auditor.plausible import plausible
from auditor.sources.base import SourceResult

# Control characters (C0/C1 but tab/newline) and bidi embeddings/overrides/isolates: never in a shown name.
_NAME_JUNK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@contextlib.contextmanager
def reading(where: str) -> Iterator[None]:
    """Hostile-input failures of any parser, as one AuditorError naming ``where``."""
    try:
        yield
    except limits.LimitExceeded as exc:
        raise AuditorError(exc.where or where, exc.problem) from None
    except RecursionError:
        raise AuditorError(where, "nested too deeply to read (a corrupt or hostile file)") from None
    except OverflowError:
        raise AuditorError(where, "a date or number is out of range (a corrupt or hostile file)") from None
    except MemoryError:
        raise AuditorError(where, "too large to read in this machine's memory") from None
    except ValueError as exc:
        if "Exceeds the limit" in str(exc) and "digits" in str(exc):  # int('9' * 5000)
            raise limits.NUMBER_DIGITS.error(where) from None
        if "out of range" in str(exc):  # datetime(0, …), date arithmetic past year 9999
            raise AuditorError(where, f"a date is out of range ({str(exc)[:60]})") from None
        raise


def clean_name(name: str | None) -> str | None:
    """A display name as shown in reports: no control or bidi characters, at most the name limit long."""
    if not isinstance(name, str):
        return None
    name = " ".join(_NAME_JUNK.sub("", name).split())
    limit = limits.NAME_CHARS.int_value
    return (name[: limit - 1] + "…" if len(name) > limit else name) or None


def check_result(result: SourceResult, where: str) -> SourceResult:
    """Refuse a source over the post-count or post-size limits; unbelievable dates become "date unknown"."""
    limits.POSTS.check(len(result.posts), where)
    max_chars = limits.POST_CHARS.value
    undated = 0
    for post in result.posts:
        longest = max(len(post.raw_text), len(post.text))
        if longest > max_chars:
            raise AuditorError(where, f"post {post.id[:40]}: {limits.POST_CHARS.problem(longest)}")
        if post.created_at is not None and not plausible(post.platform, post.created_at):
            post.extra["date_given"] = post.created_at.isoformat()
            post.created_at = None
            undated += 1
    if undated:
        result.notes.append(f"{undated:,} posts carry an impossible date (before {result.platform} existed, "
                            "or in the future); shown as \"date unknown\", left out of the timeline.")
    result.display_name = clean_name(result.display_name)
    result.account = clean_name(result.account) or "unknown"
    return result
