"""Protected topics the models do not score: religion, and posts about pay or working conditions.

HR presets may hide these (``count`` or ``withhold``), because an employer may not act on them in many
places (religion: GDPR Art. 9, Title VII; pay and working conditions: NLRA § 7 concerted activity). The
detector is a documented keyword list, not a model: a post is on a topic when it contains one of the
phrases below as whole words (case-insensitive). It never says what the person believes or which side
they take. Limits: it misses posts that use none of these words ("Sunday service was lovely"), and it
catches some that only use one in another sense ("a lightning strike", "feeling blessed"); for
withholding, erring toward hiding is the safe side.
"""

from __future__ import annotations

import re

#: Topic name → phrases (whole words; a trailing ``*`` matches any ending: ``pray*`` = pray, prayed, prayers).
TOPIC_PHRASES: dict[str, tuple[str, ...]] = {
    "religion": (
        "religion", "religious", "faith", "pray*", "church*", "mosque*", "synagogue*", "temple", "gurdwara",
        "bible", "quran", "koran", "torah", "talmud", "gospel", "scripture*", "jesus", "christ", "allah",
        "buddha", "hindu*", "muslim*", "christian*", "catholic*", "protestant*", "jewish", "judaism",
        "islam*", "sikh*", "buddhis*", "atheis*", "agnostic*", "ramadan", "eid", "passover", "yom kippur",
        "rosh hashanah", "diwali", "lent", "sabbath", "shabbat", "mass on sunday", "sunday mass",
        "worship*", "baptis*", "pastor", "priest", "imam", "rabbi", "sermon*", "praise the lord",
        "god bless", "bless*", "holy spirit", "salvation", "sinner*", "heaven", "the lord",
    ),
    "workplace": (
        "salary", "salaries", "wage", "wages", "paycheck*", "payslip*", "pay rise", "pay raise",
        "pay cut*", "pay gap", "underpaid", "overworked", "understaffed", "unpaid overtime", "overtime",
        "working conditions", "work conditions", "union", "unions", "unionis*", "unioniz*", "strike",
        "on strike", "walkout", "picket*", "collective bargaining", "layoff*", "laid off", "benefits cut*",
        "health insurance", "sick leave", "sick pay", "parental leave", "unsafe at work", "workplace safety",
        "my boss", "our boss", "management here", "our manager", "my manager", "coworkers", "co-workers",
        "my employer", "our employer", "hr department", "performance review*", "shift pattern*",
        "zero-hours", "minimum wage", "living wage", "tips stolen", "wage theft",
    ),
}
TOPICS: tuple[str, ...] = tuple(TOPIC_PHRASES)
TOPIC_LABELS: dict[str, str] = {"religion": "Religion", "workplace": "Pay and working conditions"}


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for phrase in phrases:
        stem, wild = (phrase[:-1], True) if phrase.endswith("*") else (phrase, False)
        body = r"\s+".join(re.escape(w) for w in stem.split())
        parts.append(body + (r"\w*" if wild else ""))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


_PATTERNS = {topic: _pattern(phrases) for topic, phrases in TOPIC_PHRASES.items()}


def topics_of(text: str) -> list[str]:
    """The protected topics a post mentions, in TOPICS order (empty for most posts)."""
    return [t for t, pat in _PATTERNS.items() if text and pat.search(text)]
