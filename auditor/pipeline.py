"""The audit, one way through: sources → Post records → classifiers → brand policy → report."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from auditor import limits, timings
from auditor.consent import Consent
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
        from auditor.sources.base import live_key

        return ("live", live_key(spec))
    return ("file", st.st_dev, st.st_ino)


def unique_sources(specs: Sequence[str]) -> list[str]:
    """The SOURCEs with repeats left out (an export given as an argument and in the person file), so no
    post is counted twice toward the tier."""
    first: dict[tuple, str] = {}
    for spec in specs:
        first.setdefault(_source_key(spec), spec)
    return list(first.values())


def read_sources(specs: Sequence[str], progress: Progress | None = None,
                 hints: Mapping[str, Any] | None = None) -> list[SourceResult]:
    """Read every SOURCE argument once; the first bad one stops the run with its own error. ``hints``: per
    SOURCE, the store's SinceHint (a live account is then fetched only past it)."""
    results = []
    for spec in unique_sources(specs):
        if progress:
            progress(f"reading {spec}")
        results.append(read_source(spec, (hints or {}).get(spec)))
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


MODES: tuple[str, ...] = ("self", "hr")
#: --fail-on levels, mildest first.
FAIL_LEVELS: tuple[str, ...] = ("low", "medium", "high")


def check_mode(mode: str, consent: Consent | None) -> None:
    """A known mode; an HR audit only with the person's consent record."""
    if mode not in MODES:
        raise AuditorError("--mode", f"must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "hr" and consent is None:
        raise AuditorError("--mode hr", "needs the person's consent record: a consent: block (date, scope, "
                           "requested_by) in the person file, or --consent-date, --consent-scope and "
                           "--requested-by")


def tier_fails(tier: str, fail_on: str | None) -> bool:
    """Whether an overall tier reaches a --fail-on level; insufficient coverage fails every level (an audit
    that could not read enough of the posts never passes a gate)."""
    if not fail_on:
        return False
    if tier == "insufficient-coverage":
        return True
    return tier in FAIL_LEVELS and FAIL_LEVELS.index(tier) >= FAIL_LEVELS.index(fail_on)


def look_back_start(since: date | None, lookback_years: float | None, now: datetime) -> datetime | None:
    """The earliest post date audited: ``--since`` wins over the policy's ``lookback_years``."""
    if since is not None:
        if since > now.date():
            raise AuditorError("--since", f"{since.isoformat()} is in the future")
        return datetime(since.year, since.month, since.day, tzinfo=timezone.utc)
    if lookback_years:
        return now - timedelta(days=365.25 * lookback_years)
    return None


def drop_before(results: Sequence[SourceResult], cutoff: datetime | None) -> int:
    """Leave out posts dated before ``cutoff`` (undated posts stay); returns how many were left out."""
    if cutoff is None:
        return 0
    dropped = 0
    for r in results:
        kept = [p for p in r.posts if p.created_at is None or p.created_at >= cutoff]
        dropped += len(r.posts) - len(kept)
        r.posts[:] = kept
    return dropped


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
    mode: str = "self",
    preset: str | None = None,
    consent: Consent | None = None,
    notes_path: str | Path | None = None,
    since: date | None = None,
    warn: Progress | None = None,
    classifier: Any | None = None,
    history: Any | None = None,
    folder_name: str | None = None,
    pdf_cards: int | None = None,
) -> AuditOutcome:
    """Audit one person across all their SOURCEs and write ``out/<person>/`` atomically.

    ``mode="self"`` shows everything and adds a clean-up plan; ``mode="hr"`` needs ``consent`` and shows
    each category and protected topic as the ``preset`` says. ``since`` (or the policy's ``lookback_years``)
    leaves older posts out; ``notes_path`` adds reviewer notes. ``warn`` gets non-fatal problems.
    ``classifier``: models already loaded (a batch loads them once per worker). ``history``: the store's hooks
    (auditor.store.history.PersonHistory) that reuse classifications, keep dismissed flags dismissed and
    record the audit. ``folder_name``: the report folder instead of one made from the name. ``pdf_cards``: at
    most this many flagged posts per section in the PDF (the policy's ``pdf_max_cards`` when that is lower).
    """
    from auditor.classify import Classifier
    from auditor.notes import load_notes
    from auditor.policy import load_policy
    from auditor.presets import load_preset
    from auditor.report import write_report
    from auditor.review import apply_mild_swearing, apply_notes, apply_preset
    from auditor.scoring import assess, summarise

    if not specs:
        raise AuditorError("audit", "no SOURCE given (a file, a folder, or platform:account; or --demo)")
    check_mode(mode, consent)
    if consent is not None:  # built by a caller (e.g. a roster): the same checks as the person file's
        from auditor.consent import make_consent

        consent = make_consent(consent.to_dict(), "consent", (now or datetime.now(timezone.utc)).date())
    policy = load_policy(policy_path)  # a bad policy, preset or notes file fails before any fetching
    hr_preset = load_preset(preset) if mode == "hr" else None
    notes = load_notes(notes_path) if notes_path else {}
    now = now or datetime.now(timezone.utc)
    cutoff = look_back_start(since, policy.lookback_years, now)
    gc.disable()  # reading and assessing build millions of objects and no cycles worth collecting
    try:
        with timings.phase("read"):
            hints = history.fetch_hints(specs, person, mode) if history is not None else None
            with history.fetching() if history is not None else contextlib.nullcontext():
                results = read_sources(specs, progress, hints)
            if history is not None:  # posts older than a hint come from the store
                history.carry_over(results, person_name(results, person))
        before = drop_before(results, cutoff)
        name = person_name(results, person)
        folder = Path(out) / (folder_name or person_slug(name))
        refuse_foreign(folder)  # before the slow part: a user's own file there is never replaced
        if progress:
            progress("loading models")
        with timings.phase("load"):
            classifier = classifier or Classifier.load()
        if history is not None:
            classifier = history.wrap(classifier)
        posts = [p for r in results for p in r.posts]
        if progress:
            progress(f"classifying {len(posts):,} posts")
        with bar("Classifying", None, "posts") as advance:
            assessments = assess(posts, classifier, policy, now=now, progress=advance)
        if history is not None:
            history.review(name, results, assessments, policy)
        if mode == "self":  # what flagged live Mastodon replies answer (HR reports show no such text)
            from auditor.sources.mastodon_api import fetch_parent_texts

            # only live Mastodon sources: auditing a file never goes online
            live = {id(p) for r in results if r.source.startswith("mastodon:") for p in r.posts}
            fetch_parent_texts([a.post for a in assessments if a.flags and id(a.post) in live])
        warnings = apply_notes(assessments, notes)
        for w in warnings:
            (warn or progress or (lambda _m: None))(f"{notes_path}: {w}")
        apply_mild_swearing(assessments)
        hidden = apply_preset(assessments, hr_preset) if hr_preset else None
        model_info = classifier.info()
        del classifier  # the model and its caches are not needed for the report (memory at 500,000 posts)
        with timings.phase("summarise"):
            summary = summarise(results, assessments, policy, model_info, name, now=now, mode=mode)
        summary["audit"].update({
            "since": cutoff.date().isoformat() if cutoff else None,
            "before_since": before,
            "preset": hr_preset.to_dict() if hr_preset else None,
            "consent": consent.to_dict() if consent and mode == "hr" else None,
            "hidden": hidden,
            "notes_file": Path(notes_path).name if notes_path else None,
            "notes_warnings": warnings,
        })
        if hr_preset:
            for row in summary["categories"]:  # a withheld category shows no numbers in the table
                row["display"] = hr_preset.mode(row["category"])
        if mode == "self":
            from auditor.cleanup import plan_groups

            summary["cleanup"] = plan_groups(summary)
        if history is not None:
            with timings.phase("store"):
                history.record(summary, results, assessments, folder)
    finally:
        gc.freeze()  # what was loaded stays: later collections need not scan it
        gc.enable()
    try:
        if progress:
            progress(f"writing {folder}")
        with atomic_dir(folder) as tmp:
            cards = policy.pdf_max_cards if pdf_cards is None else min(pdf_cards, policy.pdf_max_cards)
            written = write_report(summary, assessments, tmp, pdf=pdf, pdf_max_cards=cards)
            names = [p.name for p in written]
    finally:
        gc.unfreeze()  # a batch of audits in one process must not keep this one's objects out of collection
    return AuditOutcome(name, folder, [folder / n for n in names], summary)
