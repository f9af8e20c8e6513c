"""Where a run's time goes, phase by phase, for people and benchmarks.

With ``AUDITOR_TIMINGS=1`` in the environment, ``auditor audit`` and ``auditor classify`` print one JSON line
on stderr when they finish: seconds per phase (read, load models, language, score, evidence, store, summarise,
html, pdf, write), the whole run, the process's peak memory, and what that peak was when each phase last ended
(where memory grows). Phases that did not run are left out.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import time
from collections.abc import Iterator

PHASES = ("read", "load", "language", "score", "evidence", "store", "summarise", "html", "pdf", "write")
_spent: dict[str, float] = {}
_peak_after: dict[str, int] = {}  # the peak memory (KiB) when each phase last ended
_started = time.perf_counter()


def enabled() -> bool:
    return os.environ.get("AUDITOR_TIMINGS", "") not in ("", "0")


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    """Add the time the block takes to phase ``name``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        _spent[name] = _spent.get(name, 0.0) + time.perf_counter() - start
        if enabled():
            _peak_after[name] = peak_kb()


def peak_kb() -> int:
    """This process's peak resident set size in KiB: the kernel's VmHWM where there is one (Linux), which
    belongs to the running program alone; ``ru_maxrss`` elsewhere, which on Linux would also count what the
    parent held when it forked this process."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report(command: str) -> dict:
    """The phases so far, the run's total and its peak memory (resident set size, MB)."""
    peak = peak_kb()
    ordered = [p for p in PHASES if p in _spent] + sorted(set(_spent) - set(PHASES))
    return {
        "command": command,
        "phases": {p: round(_spent[p], 3) for p in ordered},
        "total": round(time.perf_counter() - _started, 3),
        "peak_mb": round(peak / 1024, 1),
        "peak_mb_after": {p: round(_peak_after[p] / 1024) for p in ordered if p in _peak_after},
    }


def print_report(command: str) -> None:
    """The report as one JSON line on stderr, when AUDITOR_TIMINGS asks for it."""
    if enabled():
        print(json.dumps(report(command)), file=sys.stderr, flush=True)
