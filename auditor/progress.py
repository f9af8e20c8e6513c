"""Progress bars for the long steps of a run (reading, classifying, rendering): counts, rate and time left.

Shown on stderr only when it is a terminal, and never with ``--quiet`` or ``AUDITOR_PROGRESS=0``, so scripts
and logs get results and errors only. A step that runs with the bars off costs nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator

_quiet = False


def set_quiet(quiet: bool) -> None:
    """Turn the bars off for this run (``--quiet``)."""
    global _quiet
    _quiet = quiet


def quiet() -> bool:
    return _quiet


def shown() -> bool:
    """Whether bars are shown: a terminal on stderr, no --quiet, no AUDITOR_PROGRESS=0."""
    return not _quiet and os.environ.get("AUDITOR_PROGRESS", "1") != "0" and sys.stderr.isatty()


@contextlib.contextmanager
def bar(description: str, total: float | None, unit: str = "") -> Iterator[Callable[..., None]]:
    """A bar for one step; yields ``advance(n, total=None)`` (``total`` sets the bar's total once it is
    known). With a total it shows the share done and the time left, without one a running count."""
    if not shown():
        yield lambda _n, total=None: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
               TaskProgressColumn(), TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(),
               TextColumn("left")]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)

        def advance(n: float, total: float | None = None) -> None:
            if total is not None:
                progress.update(task, total=total)
            progress.advance(task, n)

        yield advance
