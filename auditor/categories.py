"""The six categories the auditor scores, with the one-line meaning shown in reports."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = ("politics", "profanity", "insult", "hate", "snark", "sensitive")
#: Profanity grades, mildest first (models/lexicons/profanity_grades.csv).
GRADES: tuple[str, ...] = ("mild", "strong", "severe")

#: Short label for tables and badges.
LABELS: dict[str, str] = {
    "politics": "Politics",
    "profanity": "Profanity",
    "insult": "Insult",
    "hate": "Hate",
    "snark": "Snark (tone)",
    "sensitive": "Sensitive event",
}

#: One line each, following docs/categories.md; shown in the report's "How to read this" section.
MEANINGS: dict[str, str] = {
    "politics": "Politics and debated social issues: governments, parties, elections, laws, public policy, "
    "activism, and hot-button topics such as abortion, guns, immigration or religion in public life. "
    "The report never says which side a post takes.",
    "profanity": "Swearing and vulgar language in any spelling (including disguised spellings), "
    "not aimed at anyone in particular, graded mild (damn, crap), strong (fuck, shit) or severe (slurs and "
    "sexual terms); each policy sets the lowest grade it flags.",
    "insult": "Targeted insults, harassment and threats against a person or a group that is not a "
    "protected group, with or without swear words. A threat of violence is always high severity.",
    "hate": "Dehumanising, demeaning or threatening statements about people for their race, ethnicity, "
    "national origin, religion, sex, gender identity, sexual orientation, disability or immigration status.",
    "snark": "Tone: sarcasm, irony and mockery. Often harmless; it matters most when aimed at the brand, "
    "its customers or colleagues, or at a tragedy.",
    "sensitive": "Posts about deaths, disasters, violence and tragedies, in any tone. A joke, sneer or "
    "insult about one is always high severity, under every policy.",
}
