"""Between scoring and the summary: reviewer notes, mild swearing, and what an HR preset lets the report show.

Each flagged post may leave the tier (``Assessment.excluded`` says why) and, in HR mode, be shown, counted
only, or withheld (``Assessment.display``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from auditor.categories import CATEGORIES
from auditor.notes import Note
from auditor.presets import Preset
from auditor.scoring import Assessment
from auditor.swearing import mild_self_directed
from auditor.topics import TOPICS, topics_of

#: In HR mode a post counts as being about a category the preset hides from this score, even when it is
#: under the policy's flag threshold: more likely than not about it is enough to keep its text out.
PROTECTED_AT = 0.5


def apply_notes(assessments: Sequence[Assessment], notes: Mapping[str, Note]) -> list[str]:
    """Attach notes; a dismissed flag leaves the tier. Returns warnings for notes naming unknown posts."""
    by_id = {a.post.id: a for a in assessments}
    for pid, note in notes.items():
        a = by_id.get(pid)
        if a is None:
            continue
        a.note, a.decision = note.note, note.decision
        if note.dismissed and a.flags:
            a.excluded = "dismissed by a reviewer"
    return [f"note for post {pid!r} names no post in this audit; ignored"
            for pid in notes if pid not in by_id]


def apply_mild_swearing(assessments: Sequence[Assessment]) -> None:
    """Mild swearing aimed at no one is listed but never decides the tier alone."""
    for a in assessments:
        grades = (a.extras or {}).get("grades", {})
        if a.flags and not a.excluded and mild_self_directed(a.post.text, a.flags, grades):
            a.excluded = "mild swearing, not aimed at anyone"


def protected_keys(a: Assessment, preset: Preset) -> list[str]:
    """The categories and topics of a post that the preset does not simply show."""
    keys = [c for c in CATEGORIES if preset.mode(c) != "show"
            and (c in a.flags or a.scores.get(c, 0.0) >= PROTECTED_AT)]
    a.topics = [t for t in topics_of(a.post.text) if t in TOPICS]
    return keys + [t for t in a.topics if preset.mode(t) != "show"]


def apply_preset(assessments: Sequence[Assessment], preset: Preset) -> dict[str, Any]:
    """HR mode: decide show / count / withhold per flagged post; returns what the report says about it."""
    counted: Counter = Counter()
    withheld = 0
    for a in assessments:
        if not (a.assessed and a.flags):
            continue
        keys = protected_keys(a, preset)
        a.display = preset.strictest(keys)
        if a.display == "withhold":
            withheld += 1
            a.excluded = "withheld under the HR preset"
        elif a.display == "count":
            counted.update(k for k in keys if preset.mode(k) == "count")
            a.excluded = "counted only under the HR preset"
    own = sum(a.display == "withhold" and a.section == "authored" for a in assessments)
    return {"withheld": withheld, "withheld_own": own, "counted": dict(counted),
            "counted_posts": sum(a.display == "count" for a in assessments)}
