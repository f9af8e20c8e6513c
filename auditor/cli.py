"""The `auditor` command line: audit, classify, posts, formats, policies."""

from __future__ import annotations

import errno
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

from auditor import __version__
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
    if err.is_terminal:
        err.print(f"[dim]·[/dim] {message}")


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
) -> None:
    """Audit one person: write report.html, report.pdf, flagged.csv, summary.json and (self mode)
    cleanup.csv to OUT/<person>/."""
    from auditor.consent import make_consent
    from auditor.pipeline import FAIL_LEVELS, demo_source, run_audit, tier_fails

    if preset is not None and mode != "hr":
        raise AuditorError("--preset", "applies to HR reports only: add --mode hr")
    if fail_on is not None and fail_on not in FAIL_LEVELS:
        raise AuditorError("--fail-on", f"must be one of {', '.join(FAIL_LEVELS)}, got {fail_on!r}")
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
    if demo:
        specs.append(demo_source())
    outcome = run_audit(specs, out, person=person, policy_path=policy, pdf=pdf, progress=_status,
                        mode=mode, preset=preset, consent=consent, notes_path=notes,
                        since=_date(since, "--since"), warn=_warn)
    tier = outcome.summary["overall"]["tier"]
    for path in outcome.files:
        typer.echo(str(path))
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
) -> None:
    """Score texts: one JSON line per input row, same order, with scores, flags and evidence."""
    from auditor.classify import CATEGORIES, Classifier
    from auditor.fsutil import atomic_file
    from auditor.lang import assess_languages
    from auditor.policy import load_policy
    from auditor.sources.tabular import read_rows

    thresholds = load_policy(policy).thresholds
    classifier = Classifier.load()
    rows = read_rows(input)

    def write_all(fh) -> int:
        count = 0
        while batch := _batch(rows):
            texts = [r["text"] for r in batch]
            verdicts = assess_languages(texts, [r.get("lang") for r in batch])  # a row's lang is honoured
            results = _classified_rows(classifier, texts, verdicts, thresholds)
            for row, res, (ok, reason) in zip(batch, results, verdicts, strict=True):
                flags = [c for c in CATEGORIES if ok and res.scores[c] >= thresholds[c]]
                line = {
                    "id": row["id"],
                    "scores": {c: round(float(res.scores[c]), 4) for c in CATEGORIES},
                    "flags": flags,
                    "evidence": {c: res.evidence.get(c, []) for c in flags},
                }
                if not ok:  # another language, or no words: not assessed, never "clean"
                    line["not_assessed"] = reason
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += len(batch)
        return count

    if output == "-":
        n = write_all(sys.stdout)
    else:
        with atomic_file(output) as fh:
            n = write_all(fh)
    _status(f"classified {n:,} texts")


def _classified_rows(classifier, texts: list[str], verdicts: list[tuple[bool, str | None]],
                     thresholds: dict[str, float]) -> list:
    """Scores for every row; evidence only for rows whose language is assessed (the rest: scores only)."""
    from auditor.classify import CATEGORIES, Classification

    ok_rows = [i for i, (ok, _) in enumerate(verdicts) if ok]
    results: list = [None] * len(texts)
    assessed = classifier.classify([texts[i] for i in ok_rows], thresholds=thresholds)
    for i, res in zip(ok_rows, assessed, strict=True):
        results[i] = res
    rest = [i for i, res in enumerate(results) if res is None]
    for i, row in zip(rest, classifier.predict_proba([texts[i] for i in rest]), strict=True):
        results[i] = Classification({c: float(p) for c, p in zip(CATEGORIES, row, strict=True)})
    return results


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
        app()
    except AuditorError as exc:
        _fail(f"auditor: error: {exc}")
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
        sys.exit(3)
