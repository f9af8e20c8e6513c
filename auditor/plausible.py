"""Which post dates can be believed: not before the platform existed, not in the future.

A "no date" placeholder (``0001-01-01``, ``1970-01-01``, ``9999-12-31``) or a client clock gone wrong must
not stretch the timeline over centuries or make a post look brand new. Such posts keep their raw date in
``extra["date_given"]`` and are shown as "date unknown", in their own count, never in the timeline.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_UTC = timezone.utc
#: The first day a post could exist on each platform (public launch, or the first post for X).
PLATFORM_START: dict[str, datetime] = {
    "x": datetime(2006, 3, 21, tzinfo=_UTC),
    "reddit": datetime(2005, 6, 23, tzinfo=_UTC),
    "facebook": datetime(2004, 2, 4, tzinfo=_UTC),
    "linkedin": datetime(2003, 5, 5, tzinfo=_UTC),
    "instagram": datetime(2010, 10, 6, tzinfo=_UTC),
    "mastodon": datetime(2016, 3, 16, tzinfo=_UTC),
    "telegram": datetime(2013, 8, 14, tzinfo=_UTC),
    "bluesky": datetime(2022, 1, 1, tzinfo=_UTC),  # developer repos predate the 2023 public beta
    "threads": datetime(2023, 7, 5, tzinfo=_UTC),
}
#: Any other platform (a plain table of posts): nothing social-media-like predates this.
EARLIEST = datetime(1990, 1, 1, tzinfo=_UTC)
#: Clocks drift and time zones differ: a post up to a day "in the future" is still believed.
FUTURE_SLACK = timedelta(days=1)


def plausible(platform: str, when: datetime, now: datetime | None = None) -> bool:
    """True if a post on ``platform`` could have been written at ``when`` (aware UTC)."""
    now = now or datetime.now(_UTC)
    return PLATFORM_START.get(platform, EARLIEST) <= when <= now + FUTURE_SLACK
