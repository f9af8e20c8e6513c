"""The `auditor` command line: audit, classify, posts, formats, policies."""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
from collections.abc import Iterator
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
) -> None:
    """Audit one person: write report.html, report.pdf, flagged.csv and summary.json to OUT/<person>/."""
    from auditor.pipeline import demo_source, run_audit

    specs = list(sources or [])
    if person_file is not None:
        from auditor.person import load_person

        listed = load_person(person_file)
        specs += listed.accounts
        person = person or listed.name
    if demo:
        specs.append(demo_source())
    outcome = run_audit(specs, out, person=person, policy_path=policy, pdf=pdf, progress=_status)
    overall = outcome.summary.get("overall", {})
    tier = overall.get("tier", "?") if isinstance(overall, dict) else overall
    _status(f"[bold]{outcome.person}[/bold]: overall tier [bold]{tier}[/bold]")
    for path in outcome.files:
        typer.echo(str(path))


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
    input: Annotated[str, typer.Argument(help="JSONL (text, optional id), CSV with a text column, or -.")],
    output: Annotated[str, typer.Option("--output", "-o", help="JSONL to write, or - for stdout.")] = "-",
    policy: Annotated[str | None, typer.Option(help="Brand policy whose thresholds set the flags.")] = None,
) -> None:
    """Score texts: one JSON line per input row, same order, with scores, flags and evidence."""
    from auditor.classify import CATEGORIES, Classifier
    from auditor.fsutil import atomic_file
    from auditor.lang import assess_languages
    from auditor.policy import load_policy
    from auditor.scoring import post_tiers
    from auditor.sources.tabular import read_rows

    brand = load_policy(policy)
    thresholds = brand.thresholds
    classifier = Classifier.load()
    rows = read_rows(input)

    def write_all(fh) -> int:
        count = 0
        while batch := _batch(rows):
            texts = [r["text"] for r in batch]
            verdicts = assess_languages(texts, [r.get("lang") for r in batch])  # a row's lang is honoured
            results = _classified_rows(classifier, texts, verdicts, thresholds)
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


@app.command()
def formats() -> None:
    """List the export formats and live sources auditor reads."""
    from auditor.sources import FILE_READERS, LIVE_READERS, load_readers

    load_readers()
    typer.echo("Files and folders (detected by content):")
    for r in FILE_READERS:
        typer.echo(f"  {r.name}")
    typer.echo("Live accounts (platform:account):")
    for prefix in sorted(LIVE_READERS):
        typer.echo(f"  {prefix}:")


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
