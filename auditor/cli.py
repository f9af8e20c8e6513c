"""The `auditor` command line: audit, classify, posts, formats, policies."""

from __future__ import annotations

import errno
import gc
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

from auditor import __version__, progress, timings
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
    demo: Annotated[bool, typer.Option("--demo", help="Audit the shipped demo archive.")] = False,
    quiet: Annotated[bool, QUIET] = False,
) -> None:
    """Audit one person: write report.html, report.pdf, flagged.csv and summary.json to OUT/<person>/."""
    from auditor.pipeline import demo_source, run_audit

    progress.set_quiet(quiet)

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
    timings.print_report("audit")


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
    quiet: Annotated[bool, QUIET] = False,
) -> None:
    """Score texts: one JSON line per input row, same order, with scores, flags and evidence."""
    import orjson

    from auditor.classify import CATEGORIES, Classifier
    from auditor.fsutil import atomic_file
    from auditor.lang import assess_languages
    from auditor.policy import load_policy
    from auditor.sources.tabular import count_rows, read_rows

    progress.set_quiet(quiet)
    thresholds = load_policy(policy).thresholds
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
                    flags = [c for c in CATEGORIES if ok and res.scores[c] >= thresholds[c]]
                    line = {
                        "id": row["id"],
                        "scores": {c: round(float(res.scores[c]), 4) for c in CATEGORIES},
                        "flags": flags,
                        "evidence": {c: res.evidence.get(c, []) for c in flags},
                    }
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
        from auditor.limits import NUMBER_DIGITS

        sys.set_int_max_str_digits(max(640, NUMBER_DIGITS.int_value))  # Python's own floor is 640
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
