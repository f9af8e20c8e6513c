"""The audit, one way through: sources → Post records → classifiers → brand policy → report."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from auditor import limits, timings
from auditor.errors import AuditorError
from auditor.fsutil import atomic_dir, refuse_foreign
from auditor.progress import bar
from auditor.resources import demo_dir
from auditor.sources import SourceResult, read_source

Progress = Callable[[str], None]


def demo_source() -> str:
    """The shipped demo archive (a fictional social media manager)."""
    path = demo_dir() / "demo-archive.zip"
    if not path.is_file():
        raise AuditorError(str(path), "the demo archive is missing from this install")
    return str(path)


def person_slug(name: str) -> str:
    """A safe, unique folder name for a person: ``Jordan Reyes`` → ``jordan-reyes-6c1f0a``.

    The short hash is of the whole name (case and spacing aside), so names that lose every letter on the
    way to ASCII (``王小明``, ``Иван``) or differ only in accents still get folders of their own.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80].strip("-") or "person"
    key = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    return f"{slug}-{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"


def _source_key(spec: str) -> tuple:
    """What makes two SOURCE arguments the same export: one file or folder (whatever the path that names
    it: relative, absolute, through a link), or one live account written the same way."""
    try:
        st = os.stat(spec)
    except (OSError, ValueError):
        prefix, _, target = spec.partition(":")
        return ("live", prefix.lower(), target.strip().lstrip("@").lower())
    return ("file", st.st_dev, st.st_ino)


def unique_sources(specs: Sequence[str]) -> list[str]:
    """The SOURCEs with repeats left out (an export given as an argument and in the person file), so no
    post is counted twice toward the tier."""
    first: dict[tuple, str] = {}
    for spec in specs:
        first.setdefault(_source_key(spec), spec)
    return list(first.values())


def read_sources(specs: Sequence[str], progress: Progress | None = None) -> list[SourceResult]:
    """Read every SOURCE argument once; the first bad one stops the run with its own error."""
    results = []
    for spec in unique_sources(specs):
        if progress:
            progress(f"reading {spec}")
        results.append(read_source(spec))
    return results


def person_name(results: Sequence[SourceResult], given: str | None) -> str:
    """The name on the report: as given, else the first account's display name, else its handle."""
    if given and given.strip():
        from auditor.sources.guard import clean_name

        limits.NAME_CHARS.check(len(given.strip()), "--person")
        return clean_name(given) or "unknown person"
    for r in results:
        if r.display_name:
            return r.display_name
    for r in results:
        if "unknown" not in r.account.lower():
            return r.account
    # No account name in any source (e.g. an archive without account.js): name it after the file.
    return Path(results[0].source).stem if results and results[0].source else "unknown person"


@dataclass
class AuditOutcome:
    person: str
    folder: Path
    files: list[Path]
    summary: dict


def run_audit(
    specs: Sequence[str],
    out: Path,
    *,
    person: str | None = None,
    policy_path: str | None = None,
    pdf: bool = True,
    now: datetime | None = None,
    progress: Progress | None = None,
    classifier: Any | None = None,
    history: Any | None = None,
    folder_name: str | None = None,
) -> AuditOutcome:
    """Audit one person across all their SOURCEs and write ``out/<person>/`` atomically.

    ``classifier``: models already loaded (a batch loads them once per worker). ``history``: the store's hooks
    (auditor.store.history.PersonHistory) that reuse classifications, keep dismissed flags dismissed and
    record the audit. ``folder_name``: the report folder instead of one made from the name.
    """
    from auditor.classify import Classifier
    from auditor.policy import load_policy
    from auditor.report import write_report
    from auditor.scoring import assess, summarise

    if not specs:
        raise AuditorError("audit", "no SOURCE given (a file, a folder, or platform:account; or --demo)")
    policy = load_policy(policy_path)  # a bad policy fails before any fetching
    gc.disable()  # reading and assessing build millions of objects and no cycles worth collecting
    try:
        with timings.phase("read"):
            results = read_sources(specs, progress)
        name = person_name(results, person)
        folder = Path(out) / (folder_name or person_slug(name))
        refuse_foreign(folder)  # before the slow part: a user's own file there is never replaced
        if progress:
            progress("loading models")
        classifier = classifier or Classifier.load()
        if history is not None:
            classifier = history.wrap(classifier)
        posts = [p for r in results for p in r.posts]
        if progress:
            progress(f"classifying {len(posts):,} posts")
        now = now or datetime.now(timezone.utc)
        with bar("Classifying", None, "posts") as advance:
            assessments = assess(posts, classifier, policy, now=now, progress=advance)
        if history is not None:
            history.review(name, results, assessments)
        model_info = classifier.info()
        del classifier  # the model and its caches are not needed for the report (memory at 500,000 posts)
        with timings.phase("summarise"):
            summary = summarise(results, assessments, policy, model_info, name, now=now)
        if history is not None:
            history.record(summary, results, assessments, folder)
    finally:
        gc.freeze()  # what was loaded stays: later collections need not scan it
        gc.enable()
    if progress:
        progress(f"writing {folder}")
    with atomic_dir(folder) as tmp:
        written = write_report(summary, assessments, tmp, pdf=pdf, pdf_max_cards=policy.pdf_max_cards)
        names = [p.name for p in written]
    return AuditOutcome(name, folder, [folder / n for n in names], summary)
