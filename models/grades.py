"""Profanity grades (mild / strong / severe) from the Surge AI "Obscenity List" (MIT) and the project's lists.

    python models/grades.py [--data PATH]     # rewrites models/lexicons/profanity_grades.csv

A word's grade is the highest of: the list's rating of that exact entry (Mild / Strong / Severe; an entry
absent as itself but present as the canonical form of one-word variants takes their most common rating),
the project's own lists (profanity_mild -> mild, profanity_strong -> strong, slurs -> severe). Entries of
several words and entries with characters other than letters are left out (the featuriser reads masked and
leetspeak spellings back to these words). Licence: models/LICENSE-surge-ai-profanity.txt.
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRADES = ("mild", "strong", "severe")
OUT = HERE / "lexicons" / "profanity_grades.csv"
SOURCE = Path("lexicons") / "profanity_severity.csv"
OWN = {"profanity_mild": "mild", "profanity_strong": "strong", "slurs": "severe"}


def _word(text: str) -> str | None:
    w = text.strip().lower()
    return w if w.isalpha() and w.isascii() else None


def build(data: Path) -> dict[str, str]:
    """word -> grade."""
    rows = list(csv.DictReader((data / SOURCE).open(encoding="utf-8")))
    grade: dict[str, str] = {}
    variants: dict[str, Counter] = {}
    for r in rows:
        g = r["severity_description"].strip().lower()
        if g not in GRADES:
            continue
        w = _word(r["text"])
        if w:
            grade[w] = max(grade.get(w, "mild"), g, key=GRADES.index)
        forms = [f for f in (r.get(f"canonical_form_{i}") for i in (1, 2, 3)) if f]
        if len(forms) == 1 and (c := _word(forms[0])):
            variants.setdefault(c, Counter())[g] += 1
    for c, counts in variants.items():
        if c not in grade:
            grade[c] = counts.most_common(1)[0][0]
    from auditor.classify.lexicon import read_words

    for name, g in OWN.items():
        for w in read_words(HERE / "lexicons" / f"{name}.txt"):
            if _word(w):
                grade[w] = max(grade.get(w, "mild"), g, key=GRADES.index)
    return dict(sorted(grade.items()))


def write(grades: dict[str, str], path: Path = OUT) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Profanity grades: derived by models/grades.py from the Surge AI Obscenity List (MIT licence,\n"
        )
        fh.write("# models/LICENSE-surge-ai-profanity.txt) and this project's word lists.\n")
        out = csv.writer(fh)
        out.writerow(["word", "grade"])
        out.writerows(grades.items())


def read(path: Path = OUT) -> dict[str, str]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return {r["word"]: r["grade"] for r in csv.DictReader(lines)}


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE.parent))
    from data import DEFAULT_DATA

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    g = build(ap.parse_args().data)
    write(g)
    print(f"{len(g)} words: " + ", ".join(f"{k} {v}" for k, v in Counter(g.values()).items()))
