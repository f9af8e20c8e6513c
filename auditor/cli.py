"""The `auditor` command line: audit, classify, posts, formats, policies."""

from __future__ import annotations

import errno
import gc
import json
import os
import signal
import sys
from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from auditor import __version__, progress, timings
from auditor.errors import AuditorError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Audit a person's public social-media history for brand-safety risks, with evidence for every flag.",
)
err = Console(stderr=True, highlight=False)


def _flag_types_hidden() -> None:
    """Typer's help shows ``<bool>`` beside on/off flags, which take no value: show nothing there instead."""
    from typer.core import TyperOption

    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None:  # older Typer: no type column, nothing to hide
        return

    def display_type_rich(self, ctx):  # noqa: ANN001 (Typer's own signature)
        return None if getattr(self, "is_flag", False) else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich


_flag_types_hidden()

CLASSIFY_BATCH = 4096
CLASSIFY_BATCH_CHARS = 16 << 20


def _status(message: str) -> None:
    """Progress for people at a terminal; scripts and logs get only results and errors."""
    if err.is_terminal and not progress.quiet():
        err.print(f"[dim]·[/dim] {message}")


QUIET = typer.Option("--quiet", "-q", help="No progress bars or status lines, only results and errors.")


@app.command()
def audit(
    sources: Annotated[list[str] | None, typer.Argument(
        help="Exports (zip, folder, file) and live accounts (bsky:HANDLE, mastodon:@user@host, reddit:NAME)."
    )] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the reports; a sub-folder per person.")
    ] = Path("audit-reports"),
    person: Annotated[str | None, typer.Option(help="The person's name on the report.")] = None,
    person_file: Annotated[Path | None, typer.Option(
        "--person-file", help="YAML or CSV naming the person and listing their accounts.")] = None,
    policy: Annotated[str | None, typer.Option(
        help="Brand policy: a YAML file, or a shipped one (default, family, edgy).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write report.pdf.")] = True,
    pdf_cards: Annotated[int | None, typer.Option(min=0, help=(
        "At most N flagged posts per section in the PDF (the policy's pdf_max_cards when lower; "
        "a roster defaults to 10). The HTML, CSV and JSON list them all."))] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Audit the shipped demo archive.")] = False,
    mode: Annotated[str, typer.Option(
        help="self: everything, with a clean-up plan (default). hr: needs consent; shows what --preset "
        "allows."
    )] = "self",
    preset: Annotated[str | None, typer.Option(
        help="HR mode: jurisdiction preset (auditor presets lists them) or a preset YAML file.")] = None,
    consent_date: Annotated[str | None, typer.Option(help="HR mode: date the person consented (YYYY-MM-DD).")
    ] = None,
    consent_scope: Annotated[str | None, typer.Option(help="HR mode: what the person consented to.")] = None,
    requested_by: Annotated[str | None, typer.Option(help="HR mode: who asked for the audit.")] = None,
    notes: Annotated[Path | None, typer.Option(
        help="Reviewer notes by post id (CSV: id,note,decision, e.g. a filled-in flagged.csv; or YAML).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Audit only posts from this date on (YYYY-MM-DD).")
    ] = None,
    fail_on: Annotated[str | None, typer.Option(
        help="Exit 3 when the overall tier reaches low, medium or high (insufficient coverage always fails).")
    ] = None,
    quiet: Annotated[bool, QUIET] = False,
    roster: Annotated[Path | None, typer.Option(
        help="CSV or YAML of everyone to audit (id,name,role,team,accounts): a report each + a team summary.")
    ] = None,
    quarter: Annotated[str | None, typer.Option(help="The quarter audited, e.g. 2026Q4 (default: this one).")
    ] = None,
    db: Annotated[str | None, typer.Option(
        help="The store: postgresql://user@host/db, or an SQLite file (default: OUT/auditor.db).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Local processes for a roster (default: CPUs).")
    ] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Run a roster on a Dask cluster, e.g. tcp://host:8786 (workers must reach the store).")] = None,
    store: Annotated[bool, typer.Option("--store/--no-store", help="Remember this audit in the store.")
    ] = True,
    full_fetch: Annotated[bool, typer.Option("--full-fetch", help=(
        "Fetch live accounts whole, to find posts deleted since the last audit (with the store, live "
        "accounts are otherwise fetched only past their newest stored post, and whole once a year)."))
    ] = False,
) -> None:
    """Audit one person (OUT/<person>/: report.html, report.pdf, flagged.csv, summary.json and, in self mode,
    cleanup.csv) or a roster."""
    from auditor.consent import make_consent
    from auditor.pipeline import FAIL_LEVELS, check_mode, demo_source, run_audit, tier_fails

    progress.set_quiet(quiet)

    if preset is not None and mode != "hr":
        raise AuditorError("--preset", "applies to HR reports only: add --mode hr")
    if fail_on is not None and fail_on not in FAIL_LEVELS:
        raise AuditorError("--fail-on", f"must be one of {', '.join(FAIL_LEVELS)}, got {fail_on!r}")
    if roster is not None:
        if sources or person_file or demo or person:
            raise AuditorError("--roster", "takes the people from the roster; no SOURCE, --person or --demo")
        _audit_roster(roster, quarter, out, db, workers, scheduler, pdf, full_fetch=full_fetch,
                      pdf_cards=pdf_cards)
        return
    specs = list(sources or [])
    consent_raw, consent_where = None, "consent"
    if person_file is not None:
        from auditor.person import load_person

        listed = load_person(person_file)
        specs += listed.accounts
        person = person or listed.name
        consent_raw, consent_where = listed.consent, str(person_file)
    given = {"date": consent_date, "scope": consent_scope, "requested_by": requested_by}
    if any(given.values()):  # flags fill in or override the person file's consent block, field by field
        consent_raw = {**(consent_raw or {}), **{k: v for k, v in given.items() if v}}
        consent_where = "--consent-date/--consent-scope/--requested-by"
    consent = make_consent(consent_raw, consent_where, date.today()) if mode == "hr" else None
    check_mode(mode, consent)  # before the store is opened: a refused run leaves nothing behind
    if mode == "hr":
        from auditor.presets import load_preset

        load_preset(preset)
    if demo:
        specs.append(demo_source())
    options = {"person": person, "policy_path": policy, "pdf": pdf, "progress": _status, "mode": mode,
               "preset": preset, "consent": consent, "notes_path": notes, "since": _date(since, "--since"),
               "warn": _warn, "pdf_cards": pdf_cards}
    if store:
        from auditor.store import PersonHistory, check_quarter, default_quarter, store_url
        from auditor.store.db import opened_store

        quarter = check_quarter(quarter or default_quarter())
        with opened_store(store_url(out, db)) as opened, opened.run_lock():
            history = PersonHistory(opened, quarter, progress=_status, full_fetch=full_fetch)
            outcome = run_audit(specs, out, history=history, **options)
    else:
        outcome = run_audit(specs, out, **options)
    tier = outcome.summary["overall"]["tier"]
    for path in outcome.files:
        typer.echo(str(path))
    timings.print_report("audit")
    if demo or err.is_terminal:
        report = next((p for p in outcome.files if p.name == "report.html"), outcome.folder)
        print(f"{outcome.person}: overall tier {tier.upper()}. Open the report: {report}", file=sys.stderr)
    if tier_fails(tier, fail_on):
        raise typer.Exit(3)


def _date(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise AuditorError(what, f"must be a date YYYY-MM-DD, got {value[:40]!r}") from None


def _warn(message: str) -> None:
    """A non-fatal problem: one line on stderr, whatever the terminal."""
    _fail(f"auditor: warning: {message}")


@app.command()
def clean(
    plan: Annotated[Path, typer.Argument(
        help="A clean-up plan: cleanup.csv from a self-check (platform,id,url,...).")],
    apply: Annotated[bool, typer.Option("--apply", help="Delete for real (default: only show what would go).")
    ] = False,
    pace: Annotated[float, typer.Option(help="Seconds between two deletions.", min=0.0)] = 1.0,
    log: Annotated[Path | None, typer.Option(help="Log of what was done; a re-run skips its done rows.")
    ] = None,
    backup: Annotated[Path | None, typer.Option(help="JSONL backup of every post before it is deleted.")
    ] = None,
) -> None:
    """Delete the posts of a clean-up plan on Bluesky and Mastodon with your own credentials; list the rest.

    Dry run unless --apply. Credentials come from the environment: AUDITOR_BSKY_HANDLE and
    AUDITOR_BSKY_APP_PASSWORD (AUDITOR_BSKY_PDS, default https://bsky.social); AUDITOR_MASTODON_TOKEN
    (AUDITOR_MASTODON_BASE, default the server in each post's link). Log and backup default to
    PLAN.clean-log.jsonl and PLAN.backup.jsonl beside the plan; for a plan inside a report folder, beside
    that folder (FOLDER.cleanup.backup.jsonl), since the next audit replaces the folder whole.
    """
    from auditor.clean import run_clean

    run_clean(plan, apply=apply, pace=pace, log=log, backup=backup, say=typer.echo)


@app.command()
def presets() -> None:
    """List the HR jurisdiction presets: what each shows, counts or withholds."""
    from auditor.presets import load_preset, shipped_presets

    for name in shipped_presets():
        p = load_preset(name)
        hidden = ", ".join(f"{k} {v}" for k, v in p.display.items() if v != "show") or "shows everything"
        typer.echo(f"{name:8} {p.description} [{hidden}]")
def _audit_roster(roster: Path, quarter: str | None, out: Path, db: str | None, workers: int | None,
                  scheduler: str | None, pdf: bool, *, full_fetch: bool = False,
                  pdf_cards: int | None = None) -> None:
    """A roster run: exit 0 when everyone was audited, 4 when some failed and the rest finished."""
    import time

    from auditor.batch import run_roster
    from auditor.batch_display import RosterDisplay, timings_table
    from auditor.store import default_quarter

    started = time.perf_counter()
    display = RosterDisplay(err, live=err.is_terminal)
    outcome = run_roster(roster, quarter or default_quarter(), out, db=db, workers=workers,
                         scheduler=scheduler, pdf=pdf, display=display, full_fetch=full_fetch,
                         pdf_cards=pdf_cards)
    if outcome.results:
        err.print(timings_table(outcome.results, time.perf_counter() - started))
    for path in outcome.files:
        typer.echo(str(path))
    if outcome.failed:
        _status(f"{outcome.failed} of {len(outcome.results) + len(outcome.skipped)} people failed; "
                "run again to retry them")
        raise typer.Exit(4)


@app.command()
def purge(
    older_than: Annotated[str, typer.Option(
        "--older-than", help="Remove post text stored before this age (365d, 26w, 1y) or date (YYYY-MM-DD).")
    ] = "365d",
    out: Annotated[Path, typer.Option("--out", "-o", help="The reports folder holding auditor.db.")
    ] = Path("audit-reports"),
    db: Annotated[str | None, typer.Option(help="The store's URL or SQLite file (default: OUT/auditor.db).")
    ] = None,
) -> None:
    """Remove post text past the retention period from the store; counts, hashes and scores stay."""
    from auditor.store import Store, store_url
    from auditor.timeparse import cutoff

    before = cutoff(older_than)
    url = store_url(out, db)
    if "://" not in (db or "") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise AuditorError(url.removeprefix("sqlite:///"), "no store here (nothing audited into it yet)")
    opened = Store.open(url)
    try:
        with opened.run_lock():
            n = opened.purge(before)
    finally:
        opened.close()
    typer.echo(f"purged the text of {n:,} posts stored before {before.date().isoformat()}")


@app.command()
def dismiss(
    post_id: Annotated[str, typer.Argument(help="The flagged post's id (as in summary.json / flagged.csv).")],
    person: Annotated[str, typer.Option(help="The roster id (or, audited alone, the name on the report).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The reports folder holding auditor.db.")
    ] = Path("audit-reports"),
    db: Annotated[str | None, typer.Option(help="The store's URL or SQLite file (default: OUT/auditor.db).")
    ] = None,
    category: Annotated[str | None, typer.Option(help="Dismiss only this category's flag (default: all).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why, for the record.")] = None,
    reviewer: Annotated[str | None, typer.Option(help="Who decided.")] = None,
) -> None:
    """A reviewer's decision: the flag is a false positive and stays dismissed in every later audit."""
    from auditor.categories import CATEGORIES
    from auditor.store import Store, store_url
    from auditor.store.records import dismiss as record_dismissal

    if category is not None and category not in CATEGORIES:
        raise AuditorError("--category", f"{category!r} is not a category ({', '.join(CATEGORIES)})")
    opened = Store.open(store_url(out, db))
    try:
        n = record_dismissal(opened, person, post_id, category=category, note=note, reviewer=reviewer)
    finally:
        opened.close()
    typer.echo(f"dismissed {category or 'every'} flag on post {post_id} of {person} ({n} stored post"
               f"{'s' if n != 1 else ''})")


def _batch(rows: Iterator[dict]) -> list[dict]:
    """The next rows to classify together: at most CLASSIFY_BATCH rows and about CLASSIFY_BATCH_CHARS of
    text, so long lines (up to AUDITOR_MAX_LINE_BYTES each) never pile up in memory."""
    batch, chars = [], 0
    for row in islice(rows, CLASSIFY_BATCH):
        batch.append(row)
        chars += len(row["text"])
        if chars >= CLASSIFY_BATCH_CHARS:
            break
    return batch


@app.command()
def classify(
    input: Annotated[str, typer.Argument(
        help="JSONL (text, optional id and lang), CSV with a text column, plain text (one post per line), "
        "or -.")],
    output: Annotated[str, typer.Option("--output", "-o", help="JSONL to write, or - for stdout.")] = "-",
    policy: Annotated[str | None, typer.Option(help="Brand policy whose thresholds set the flags.")] = None,
    quiet: Annotated[bool, QUIET] = False,
) -> None:
    """Score texts: one JSON line per input row, same order, with scores, flags and evidence."""
    import orjson

    from auditor.classify import CATEGORIES, Classifier
    from auditor.fsutil import atomic_file
    from auditor.lang import assess_languages
    from auditor.policy import load_policy
    from auditor.scoring import post_tiers
    from auditor.sources.tabular import count_rows, read_rows

    progress.set_quiet(quiet)
    brand = load_policy(policy)
    thresholds = brand.thresholds
    classifier = Classifier.load()
    rows = read_rows(input)
    gc.freeze()  # the model stays for the whole run: collections need not scan it

    def write_all(fh, advance) -> int:
        count = 0
        while True:
            with timings.phase("read"):
                batch = _batch(rows)
            if not batch:
                return count
            texts = [r["text"] for r in batch]
            with timings.phase("language"):
                verdicts = assess_languages(texts, [r.get("lang") for r in batch])  # a row's lang is honoured
            # scores for every row, evidence only for rows whose language is assessed
            results = classifier.classify(texts, thresholds=thresholds, explain=[ok for ok, _ in verdicts])
            with timings.phase("write"):
                lines = []
                for row, res, (ok, reason) in zip(batch, results, verdicts, strict=True):
                    tiers = post_tiers(res, brand) if ok else {}
                    flags = [c for c in CATEGORIES if c in tiers]
                    line = {
                        "id": row["id"],
                        "scores": {c: round(float(res.scores[c]), 4) for c in CATEGORIES},
                        "flags": flags,
                        "evidence": {c: res.evidence.get(c, []) for c in flags},
                        "grades": dict(res.grades) if ok else {},
                    }
                    if ok and res.top_tier:  # a threat, or mockery of a tragedy: high under every policy
                        line["top_tier"] = dict(res.top_tier)
                    if not ok:  # another language, or no words: not assessed, never "clean"
                        line["not_assessed"] = reason
                    try:
                        lines.append(orjson.dumps(line))
                    except orjson.JSONEncodeError:  # a lone surrogate from a broken JSON escape: kept escaped
                        lines.append(json.dumps(line).encode())
                fh.write(b"\n".join(lines) + b"\n")
            count += len(batch)
            advance(len(batch))

    with progress.bar("Classifying", count_rows(input) if progress.shown() else None, "texts") as advance:
        if output == "-":
            n = write_all(sys.stdout.buffer, advance)
            sys.stdout.buffer.flush()
        else:
            with atomic_file(output, "wb") as fh:
                n = write_all(fh, advance)
    _status(f"classified {n:,} texts")
    timings.print_report("classify")


@app.command()
def posts(
    sources: Annotated[list[str], typer.Argument(help="Exports and live accounts, as for `auditor audit`.")],
    output: Annotated[str, typer.Option("--output", "-o", help="JSONL to write, or - for stdout.")] = "-",
) -> None:
    """Write the normalised Post records (public and unlisted posts only) as JSONL."""
    from auditor.fsutil import atomic_file
    from auditor.pipeline import read_sources

    results = read_sources(sources)
    kept = [p for r in results for p in r.posts if p.auditable]
    hidden = sum(len(r.posts) for r in results) - len(kept)

    def write_all(fh) -> None:
        for p in kept:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")

    if output == "-":
        write_all(sys.stdout)
    else:
        with atomic_file(output) as fh:
            write_all(fh)
    note = f" ({hidden:,} non-public posts left out)" if hidden else ""
    _status(f"wrote {len(kept):,} posts{note}")


#: One line per format, for `auditor formats` (a reader without a line here is listed by name only).
FORMAT_HELP: dict[str, str] = {
    "x-archive": "X/Twitter archive (zip or folder): tweets, replies, quotes, retweets, deleted tweets",
    "bluesky-car": "Bluesky repository export (.car): posts, replies, quotes, reposts",
    "mastodon-archive": "Mastodon archive (zip, tar.gz or outbox.json): public and unlisted posts; boosts "
                        "counted",
    "meta-export": "Facebook / Instagram / Threads 'Download your information' in JSON: posts and comments",
    "reddit-export": "Reddit data request (zip of CSVs): comments and posts",
    "linkedin-export": "LinkedIn full archive (zip): shares and comments",
    "snscrape-jsonl": "snscrape --jsonl output of any module (X, Mastodon, Reddit, Telegram)",
    "posts-table": "a plain table: JSONL or CSV with a text column (auditor posts output reads back as is)",
}
LIVE_HELP: dict[str, str] = {
    "bsky": "bsky:HANDLE or bsky:did:plc:…  Bluesky public repository (falls back to the public feed)",
    "mastodon": "mastodon:@user@host  Mastodon public API of the home server",
    "reddit": "reddit:NAME  Reddit public listings (newest 1,000 comments and posts)",
    "telegram": "telegram:CHANNEL  Telegram public channel through snscrape",
}


@app.command()
def formats() -> None:
    """Describe the export formats (detected by content) and the live sources that work today."""
    import importlib.util

    from auditor.sources import FILE_READERS, LIVE_READERS, load_readers

    load_readers()
    typer.echo("Files and folders (detected by content, so file names don't matter):")
    for r in FILE_READERS:
        typer.echo(f"  {r.name:17} {FORMAT_HELP.get(r.name, '')}".rstrip())
    typer.echo("Live public accounts (platform:account, no login):")
    for prefix in sorted(LIVE_HELP):
        if prefix not in LIVE_READERS:
            continue
        needs = "" if prefix != "telegram" or importlib.util.find_spec("snscrape") else \
            "  (needs: pip install 'auditor[snscrape]')"
        typer.echo(f"  {LIVE_HELP[prefix]}{needs}")
    typer.echo("Not available: twitter:/x: and other snscrape scrapers are broken upstream; use the X "
               "archive.")


@app.command()
def policies() -> None:
    """List the shipped brand policies."""
    from auditor.policy import load_policy, shipped_policies

    for name in shipped_policies():
        p = load_policy(name)
        typer.echo(f"{name:10} {p.description}")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """auditor: local-first brand-safety audits with evidence."""


INTERNAL_ERROR = 70  # sysexits' EX_SOFTWARE: a bug, never confused with --fail-on's 3 or bad input's 2


def _fail(message: str) -> None:
    """One line on stderr, never wrapped, whatever the terminal width."""
    print(" ".join(message.split()), file=sys.stderr, flush=True)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so temporary files and .part folders are removed on the way out."""
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: user-facing problems become one line on stderr and a non-zero exit, never a traceback."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        from auditor.limits import NUMBER_DIGITS

        sys.set_int_max_str_digits(max(640, NUMBER_DIGITS.int_value))  # Python's own floor is 640
        app()
    except AuditorError as exc:
        for problem in getattr(exc, "problems", [exc]):
            _fail(f"auditor: error: {problem}")
        sys.exit(2)
    except KeyboardInterrupt:
        _fail("auditor: interrupted; nothing half-written was kept")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # a bug, not bad input: still one line unless asked for the traceback
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # e.g. stdout onto a full disk
            _fail(f"auditor: error: {exc.filename or 'output'}: no space left on the disk")
            sys.exit(2)
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        _fail(f"auditor: internal error: {type(exc).__name__}: {exc} (set AUDITOR_DEBUG=1 for details)")
        sys.exit(INTERNAL_ERROR)
