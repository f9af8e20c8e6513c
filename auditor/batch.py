"""A roster's audit: one task per person, on local processes or a Dask cluster, results through the store."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError
from auditor.roster import RosterEntry, load_roster
from auditor.store import PersonHistory, PersonRecord, Store, check_quarter, store_url
from auditor.store.records import finished_people, record_failure

#: Post text is kept this long in the store (``auditor purge`` removes it sooner); counts and hashes stay.
RETENTION_DAYS = 365
#: Each person's PDF in a roster shows at most this many flagged posts per section, worst first
#: (``--pdf-cards`` changes it; the policy's ``pdf_max_cards`` when lower). The PDF is what a manager
#: reads; the HTML report, flagged.csv and summary.json list every post. Each card costs about 0.015 s of
#: WeasyPrint per PDF, on top of about 0.3 s for the rest of it (benchmarks/pdf_render.py).
ROSTER_PDF_CARDS = 10
STAGES = ("read", "classify", "store", "report")
_STAGE_WORDS = {
    "reading": "read",
    "loading": "classify",
    "classifying": "classify",
    "storing": "store",
    "writing": "report",
}

Event = tuple[str, str]  # (person id, stage or "done"/"failed")


@dataclass
class PersonTask:
    entry: RosterEntry
    quarter: str
    out: str
    db_url: str
    pdf: bool
    folder: str
    pdf_cards: int | None = ROSTER_PDF_CARDS
    full_fetch: bool = False  # live accounts fetched whole (finds deleted posts), not past the stored ones
    now: datetime | None = None  # the moment the run assesses everyone as of (recency weights, consent age)


@dataclass
class PersonResult:
    id: str
    name: str
    status: str  # ok | failed
    reason: str | None = None
    tier: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage


# ---- the worker side: models loaded once per process, one store engine per process ----------------------
_models: Any = None
_events: Any = None
_stores: dict[str, Store] = {}
_one_at_a_time = threading.Lock()  # threads of one Dask worker share the models: one person at a time
_audited = 0  # people this process has audited
#: A worker collects garbage after every this many people: each leaves a few MB of cycles (about 40,000
#: objects with a 10-card PDF), and a full collection costs about 0.1 s in a worker with the models loaded.
COLLECT_EVERY = 4


def init_worker(events: Any = None) -> None:
    """Process-pool initializer: load the models once for every person this worker audits."""
    global _events
    _events = events
    _loaded_models()


def _loaded_models() -> Any:
    global _models
    if _models is None:
        from auditor.classify import Classifier

        _models = Classifier.load()
    return _models


def _store(url: str) -> Store:
    if url not in _stores:
        _stores[url] = Store.open(url, migrate=False)
    return _stores[url]


class StageTimer:
    """Seconds per stage, from the progress messages the audit emits ("reading …", "classifying …"): wall
    time in ``timings``, the CPU time of the auditing thread in ``cpu`` (on a busy machine, wall time mostly
    measures the other processes)."""

    def __init__(self, on_stage: Callable[[str], None] | None = None) -> None:
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.on_stage = on_stage
        self._stage: str | None = None
        self._since = time.perf_counter()
        self._cpu_since = time.thread_time()

    def __call__(self, message: str) -> None:
        stage = _STAGE_WORDS.get(message.split(" ", 1)[0].lower(), self._stage or "read")
        if stage != self._stage:
            self.stop()
            self._stage = stage
            if self.on_stage:
                self.on_stage(stage)

    def stop(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if self._stage:
            self.timings[self._stage] = self.timings.get(self._stage, 0.0) + now - self._since
            self.cpu[self._stage] = self.cpu.get(self._stage, 0.0) + cpu - self._cpu_since
        self._since, self._cpu_since, self._stage = now, cpu, None


def _forwarded(entry: RosterEntry, now: datetime) -> dict[str, Any]:
    """Roster fields passed to ``run_audit``: the person's mode and consent record (checked on the way)."""
    from auditor.consent import make_consent

    record = {"date": entry.consent_date, "scope": entry.consent_scope, "requested_by": entry.requested_by}
    consent = make_consent(record, f"roster id {entry.id}", now.date())
    wanted = {"mode": entry.mode, "consent": consent}
    return {k: v for k, v in wanted.items() if v is not None}


def audit_person(task: PersonTask) -> PersonResult:
    """One person, start to finish; any failure is recorded in the store with its reason, never raised.

    Then, every COLLECT_EVERY people, a full garbage collection: an audit leaves reference cycles
    (WeasyPrint's styles and boxes, the audit's own objects) that the collector's automatic passes do not
    reach before the next person, so a worker auditing 500 people grew by gigabytes. A full collection walks
    the loaded models too and costs about 0.1 s whatever there is to free, so it is not run after every
    person (24 people in one worker: 26 full collections took 3.0 CPU s, 8 took 1.5 s; peak +18 MB)."""
    global _audited
    try:
        return _audit_person(task)
    finally:
        _audited += 1
        if _audited % COLLECT_EVERY == 0:
            gc.collect()


def _audit_person(task: PersonTask) -> PersonResult:
    from auditor.pipeline import run_audit

    e = task.entry
    now = task.now or datetime.now(timezone.utc)

    def emit(stage: str) -> None:
        if _events is not None:
            _events.put((e.id, stage))

    timer = StageTimer(emit)
    store = _store(task.db_url)
    record = PersonRecord(
        key=e.id,
        role=e.role,
        team=e.team,
        policy=e.policy,
        mode=e.mode,
        consent_date=e.consent_date,
        consent_scope=e.consent_scope,
        consent_requested_by=e.requested_by,
    )
    history = PersonHistory(store, task.quarter, record, progress=timer, full_fetch=task.full_fetch)
    try:
        with _one_at_a_time:
            outcome = run_audit(
                e.accounts,
                Path(task.out),
                person=e.name,
                policy_path=e.policy,
                pdf=task.pdf,
                progress=timer,
                classifier=_loaded_models(),
                history=history,
                folder_name=task.folder,
                pdf_cards=task.pdf_cards,
                now=now,
                **_forwarded(e, now),
            )
        timer.stop()
        overall = outcome.summary.get("overall", {})
        emit("done")
        return PersonResult(e.id, e.name, "ok", tier=overall.get("tier"), timings=timer.timings,
                            cpu=timer.cpu)
    except AuditorError as exc:
        reason = str(exc)
    except Exception as exc:  # a bug in one person's audit must not stop the roster
        reason = f"internal error: {type(exc).__name__}: {exc}"
    timer.stop()
    record_failure(store, e, task.quarter, reason)
    emit("failed")
    return PersonResult(e.id, e.name, "failed", reason=reason, timings=timer.timings, cpu=timer.cpu)


# ---- the coordinator side --------------------------------------------------------------------------------
def run_local(tasks: Sequence[PersonTask], workers: int, events: Any) -> Iterator[PersonResult]:
    """People fanned out over local processes (in this process when there is one worker)."""
    if workers <= 1 or len(tasks) <= 1:
        init_worker(events)
        for task in tasks:
            yield audit_person(task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = multiprocessing.get_context("spawn")  # a clean interpreter: no inherited database connections
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=init_worker, initargs=(events,)
    ) as pool:
        futures = [pool.submit(audit_person, t) for t in tasks]
        for future in as_completed(futures):
            yield future.result()


def run_dask(tasks: Sequence[PersonTask], scheduler: str) -> Iterator[PersonResult]:
    """The same per-person task on a Dask distributed cluster; workers write to the same store."""
    from dask.distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise AuditorError(scheduler, f"cannot reach the Dask scheduler ({exc})") from None
    with client:
        futures = client.map(audit_person, tasks, pure=False, key=[f"audit-{i}" for i in range(len(tasks))])
        for future in as_completed(futures):
            yield future.result()


@dataclass
class RosterOutcome:
    quarter: str
    results: list[PersonResult]
    skipped: list[str]  # already audited this quarter (a resumed run)
    files: list[Path]
    failed: int


def folder_names(entries: Iterable[RosterEntry]) -> dict[str, str]:
    """A report folder per person, distinct even when two names reduce to the same slug."""
    from auditor.pipeline import person_slug

    taken: set[str] = set()
    out = {}
    for e in entries:
        base = person_slug(f"{e.name} {e.id}")  # e.g. jordan-reyes-e042-1a2b3c
        name, n = base, 2
        while name.lower() in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name.lower())
        out[e.id] = name
    return out


def run_roster(
    roster: Path,
    quarter: str,
    out: Path,
    *,
    db: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    pdf: bool = True,
    pdf_cards: int | None = None,
    display: Any = None,
    full_fetch: bool = False,
    now: datetime | None = None,
) -> RosterOutcome:
    """Audit everyone on the roster for the quarter; resume a stopped run; write the team summary.
    ``pdf_cards``: flagged posts per section in each person's PDF (default ROSTER_PDF_CARDS). Everyone is
    assessed as of one moment, ``now`` (default: when the run starts), so recency weights compare across
    people however long the run takes and whichever worker audits them."""
    from auditor.team_summary import write_team_summary

    entries = load_roster(roster)  # every problem reported before anything runs
    now = now or datetime.now(timezone.utc)
    quarter = check_quarter(quarter)
    out = Path(out).resolve()
    url = store_url(out, db)
    store = Store.open(url)
    _stores[url] = store
    try:
        with store.run_lock():
            folders = folder_names(entries)
            done = finished_people(store, quarter, entries, out, folders)
            cards = ROSTER_PDF_CARDS if pdf_cards is None else pdf_cards
            tasks = [
                PersonTask(
                    e, quarter, str(out), url, pdf, folders[e.id], pdf_cards=cards, full_fetch=full_fetch,
                    now=now,
                )
                for e in entries
                if e.id not in done
            ]
            if display is not None:
                display.start(tasks, len(done))
            runner = (
                run_dask(tasks, scheduler)
                if scheduler
                else run_local(tasks, workers or os.cpu_count() or 1, display.events if display else None)
            )
            results = []
            for result in runner:
                results.append(result)
                if display is not None:
                    display.finished(result)
            if display is not None:
                display.stop()
            store.purge(datetime.now(timezone.utc) - timedelta(days=RETENTION_DAYS))
            files = write_team_summary(store, entries, quarter, out, folders, pdf=pdf)
    finally:
        _stores.pop(url, None)
        store.close()
    failed = sum(r.status == "failed" for r in results)
    return RosterOutcome(quarter, results, sorted(done), files, failed)
