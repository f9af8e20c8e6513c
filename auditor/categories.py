"""The five categories the auditor scores, with the one-line meaning shown in reports."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = ("politics", "profanity", "insult", "hate", "snark")

#: Short label for tables and badges.
LABELS: dict[str, str] = {
    "politics": "Politics",
    "profanity": "Profanity",
    "insult": "Insult",
    "hate": "Hate",
    "snark": "Snark",
}

#: One line each, following docs/categories.md; shown in the report's "How to read this" section.
MEANINGS: dict[str, str] = {
    "politics": "Politics and debated social issues: governments, parties, elections, laws, public policy, "
    "activism, and hot-button topics such as abortion, guns, immigration or religion in public life. "
    "The report never says which side a post takes.",
    "profanity": "Swearing and vulgar language in any spelling (including disguised spellings), "
    "not aimed at anyone in particular.",
    "insult": "Targeted insults, harassment and threats against a person or a group that is not a "
    "protected group, with or without swear words.",
    "hate": "Dehumanising, demeaning or threatening statements about people for their race, ethnicity, "
    "national origin, religion, sex, gender identity, sexual orientation, disability or immigration status.",
    "snark": "Sarcasm, irony and mockery. It is about tone, is often harmless, and matters most when "
    "aimed at the brand, its customers or colleagues.",
}
