"""What a roster run shows: a live Rich display per person and stage, then a table of timings per stage."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from auditor.batch import STAGES, PersonResult, PersonTask

SHOWN_AT_ONCE = 12


class RosterDisplay:
    """Live when stderr is a terminal; the stage of every person in flight comes from the workers' events."""

    def __init__(self, console: Console, live: bool) -> None:
        self.console = console
        self.live = live
        self.events: Any = None
        self._manager: Any = None
        self._names: dict[str, str] = {}
        self._active: dict[str, tuple[str, float]] = {}
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            console=console,
        )
        self._task = None
        self._live: Live | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started = time.perf_counter()

    def start(self, tasks: Sequence[PersonTask], skipped: int) -> None:
        self.started = time.perf_counter()
        self._names = {t.entry.id: t.entry.name for t in tasks}
        if skipped:
            self.console.print(f"[dim]·[/dim] {skipped} people already audited this quarter: kept")
        if not self.live:
            return
        import multiprocessing

        self._manager = multiprocessing.get_context("spawn").Manager()
        self.events = self._manager.Queue()
        self._task = self._progress.add_task("people", total=len(tasks), failed=0)
        self._live = Live(self._render(), console=self.console, refresh_per_second=4, transient=False)
        self._live.start()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            try:
                pid, stage = self.events.get(timeout=0.25)
            except queue.Empty:
                pass
            except (EOFError, OSError):
                return
            else:
                if stage in ("done", "failed"):
                    self._active.pop(pid, None)
                else:
                    self._active[pid] = (stage, time.perf_counter())
            if self._live is not None:
                self._live.update(self._render())

    def _render(self) -> Group:
        table = Table(show_header=True, header_style="dim", box=None, pad_edge=False)
        table.add_column("person")
        table.add_column("stage")
        table.add_column("for", justify="right")
        now = time.perf_counter()
        for pid, (stage, since) in list(self._active.items())[:SHOWN_AT_ONCE]:
            table.add_row(self._names.get(pid, pid), stage, f"{now - since:.1f}s")
        return Group(self._progress, table)

    def finished(self, result: PersonResult) -> None:
        self._active.pop(result.id, None)
        if self._task is not None:
            failed = self._progress.tasks[0].fields["failed"] + (result.status == "failed")
            self._progress.update(self._task, advance=1, failed=failed)
        if result.status == "failed":
            self.console.print(f"[red]failed[/red] {result.name} ({result.id}): {result.reason}")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._live is not None:
            self._live.update(self._render())
            self._live.stop()
        if self._manager is not None:
            self._manager.shutdown()


def timings_table(results: Sequence[PersonResult], wall_seconds: float) -> Table:
    """Seconds per stage summed over people (work done by all workers), and per person; wall time and CPU."""
    table = Table(title="Time per stage", title_justify="left", header_style="bold")
    table.add_column("stage")
    table.add_column("total s", justify="right")
    table.add_column("per person s", justify="right")
    table.add_column("CPU s per person", justify="right")
    n = max(1, len(results))
    for stage in (*STAGES, *sorted({s for r in results for s in r.timings} - set(STAGES))):
        total = sum(r.timings.get(stage, 0.0) for r in results)
        cpu = sum(r.cpu.get(stage, 0.0) for r in results)
        table.add_row(stage, f"{total:.1f}", f"{total / n:.2f}", f"{cpu / n:.2f}")
    table.add_row("wall clock", f"{wall_seconds:.1f}", "", style="bold")
    return table
