"""``auditor clean PLAN.csv``: delete the planned Bluesky and Mastodon posts with the person's own
credentials.

Dry run by default (no request at all). With ``apply=True``: sign in, fetch every pending post and append it
to the backup (JSONL) while checking it belongs to the signed-in account, then delete one by one, paced, each
deletion written to the log (JSONL) at once. A re-run skips what the log says is done, so a run that was
stopped resumes. X and other platforms get the list of links to delete by hand.

Credentials (environment variables, or the matching options of ``auditor clean``):
``AUDITOR_BSKY_HANDLE``, ``AUDITOR_BSKY_APP_PASSWORD`` (an app password), ``AUDITOR_BSKY_PDS`` (default
https://bsky.social); ``AUDITOR_MASTODON_TOKEN`` (an access token with write:statuses and read:statuses),
``AUDITOR_MASTODON_BASE`` (default: the server in each post's link).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from auditor.cleanplan import DELETABLE, PlanRow, read_plan
from auditor.errors import AuditorError
from auditor.fsutil import written_by_auditor

Say = Callable[[str], None]
DONE = ("deleted", "already gone")
DEFAULT_PACE = 1.0  # seconds between two deletions; servers' own rate-limit answers are honoured too
RATE_LIMIT_TRIES = 4  # tries per row when a server answers 429


class Deleter(Protocol):
    def fetch(self, row: PlanRow) -> dict[str, Any] | None:
        """The post as the server has it (for the backup), None if it is already gone; checks ownership."""

    def delete(self, row: PlanRow) -> None: ...


@dataclass
class CleanResult:
    planned: int = 0
    deleted: int = 0
    already_gone: int = 0
    skipped_done: int = 0
    by_hand: list[PlanRow] = field(default_factory=list)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _entry(row: PlanRow) -> dict[str, str]:
    return {"at": _now(), "platform": row.platform, "id": row.id, "url": row.url}


def _kept_beside(plan: Path, suffix: str) -> Path:
    """Beside the plan; but beside its report folder when the plan is inside one, since the next audit of that
    person replaces the report folder whole and would take the backup and the log with it."""
    plan = plan.resolve()
    if written_by_auditor(plan.parent):
        return plan.parent.parent / f"{plan.parent.name}.{plan.stem}{suffix}"
    return plan.with_name(plan.stem + suffix)


def log_path_for(plan: Path) -> Path:
    return _kept_beside(plan, ".clean-log.jsonl")


def backup_path_for(plan: Path) -> Path:
    return _kept_beside(plan, ".backup.jsonl")


def done_keys(log: Path) -> set[str]:
    """Rows an earlier run finished (deleted, or found already gone)."""
    if not log.is_file():
        return set()
    done = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill: that row is simply done again
        if isinstance(entry, dict) and entry.get("action") in DONE:
            done.add(f"{entry.get('platform')}:{entry.get('id')}")
    return done


def _append(path: Path, entry: dict[str, Any]) -> None:
    """One JSON line, on disk before the next step (a line cut short by a kill is closed off first)."""
    torn = False
    if path.is_file() and path.stat().st_size:
        with path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            torn = fh.read(1) != b"\n"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(("\n" if torn else "") + json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def run_clean(plan_path: Path, *, apply: bool, deleters: dict[str, Callable[[], Deleter]] | None = None,
              pace: float = DEFAULT_PACE, log: Path | None = None, backup: Path | None = None,
              say: Say = print, sleep: Callable[[float], None] = time.sleep) -> CleanResult:
    """Carry out (or, by default, only show) a clean-up plan. See the module docstring."""
    plan_path = Path(plan_path)
    rows = read_plan(plan_path)  # every row checked before anything else happens
    log = log or log_path_for(plan_path)
    backup = backup or backup_path_for(plan_path)
    done = done_keys(log)
    result = CleanResult(planned=len(rows))
    pending: dict[str, list[PlanRow]] = {p: [] for p in DELETABLE}
    for row in rows:
        if row.platform not in DELETABLE:
            result.by_hand.append(row)
        elif row.key in done:
            result.skipped_done += 1
        else:
            pending[row.platform].append(row)
    todo = sum(len(v) for v in pending.values())
    if not apply:
        for platform, items in pending.items():
            for row in items:
                say(f"would delete {platform} {row.id}  {row.url}")
        say(f"dry run: would delete {todo} post(s) ({result.skipped_done} already done in {log.name}); "
            f"{len(result.by_hand)} to delete by hand. Nothing was changed; add --apply to delete.")
        _links(result.by_hand, say)
        return result
    makers = deleters or default_deleters()
    # 1. sign in and back up every pending post, checking each is the signed-in account's own
    ready: list[tuple[Deleter, PlanRow]] = []
    for platform, items in pending.items():
        if not items:
            continue
        client = makers[platform]()
        for row in items:
            post = client.fetch(row)
            if post is None:
                _append(log, {**_entry(row), "action": "already gone"})
                result.already_gone += 1
                continue
            _append(backup, {**_entry(row), "post": post})
            ready.append((client, row))
    # 2. delete, paced; each deletion logged as soon as it is done
    for i, (client, row) in enumerate(ready):
        if i and pace > 0:
            sleep(pace)
        client.delete(row)
        _append(log, {**_entry(row), "action": "deleted", "reason": row.reason})
        result.deleted += 1
        say(f"deleted {row.platform} {row.id}")
    for row in result.by_hand:
        _append(log, {**_entry(row), "action": "by hand"})
    say(f"deleted {result.deleted}, already gone {result.already_gone}, skipped (done before) "
        f"{result.skipped_done}; backup: {backup}; log: {log}")
    _links(result.by_hand, say)
    return result


def _links(rows: Sequence[PlanRow], say: Say) -> None:
    if rows:
        say("Delete these by hand (their platforms offer no free API for it):")
        for row in rows:
            say(f"  {row.platform}  {row.url or row.id}")


# -- the two platforms ----------------------------------------------------------------------------------

def _env(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise AuditorError(name, f"not set: {what} is needed to delete posts (see auditor clean --help)")
    return value


class BlueskyDeleter:
    """atproto's client: com.atproto.repo.getRecord for the backup, deleteRecord to delete."""

    def __init__(self, handle: str, password: str, pds: str) -> None:
        from atproto import Client
        from atproto.exceptions import AtProtocolError

        self._error = AtProtocolError
        self.sleep: Callable[[float], None] = time.sleep
        self.client = Client(base_url=pds)
        try:
            self.client.login(handle, password, fetch_bsky_profile=False)
            self.did = self.client.com.atproto.server.get_session().did
        except AtProtocolError as exc:
            raise AuditorError(f"bsky:{handle}", f"cannot sign in ({_atproto_problem(exc)})") from None

    def _parts(self, row: PlanRow) -> tuple[str, str, str]:
        did, collection, rkey = row.id.removeprefix("at://").split("/", 2)
        if did != self.did:
            raise AuditorError(f"row {row.line}", f"{row.id} belongs to {did}, not the signed-in account "
                               f"{self.did}; stopped before deleting it")
        return did, collection, rkey

    def fetch(self, row: PlanRow) -> dict[str, Any] | None:
        from atproto_client.models.utils import get_model_as_dict

        did, collection, rkey = self._parts(row)
        try:
            got = self.client.com.atproto.repo.get_record(
                {"repo": did, "collection": collection, "rkey": rkey})
        except self._error as exc:
            if "RecordNotFound" in str(exc) or "not found" in str(exc).lower():
                return None
            problem = _atproto_problem(exc)
            raise AuditorError(f"row {row.line}", f"cannot fetch {row.id} ({problem})") from None
        return get_model_as_dict(got)

    def delete(self, row: PlanRow) -> None:
        did, collection, rkey = self._parts(row)
        for attempt in range(RATE_LIMIT_TRIES):
            try:
                self.client.com.atproto.repo.delete_record(
                    {"repo": did, "collection": collection, "rkey": rkey})
                return
            except self._error as exc:
                wait = _rate_limited_for(exc)
                if wait is None or attempt == RATE_LIMIT_TRIES - 1:
                    problem = _atproto_problem(exc)
                    raise AuditorError(f"row {row.line}", f"cannot delete {row.id} ({problem}); "
                                       "re-run to resume") from None
                self.sleep(wait)  # the PDS said how long: wait (bounded), then try the same row again


def _rate_limited_for(exc: BaseException) -> float | None:
    """Seconds a 429 asks to wait (Retry-After or RateLimit-Reset), capped by AUDITOR_MAX_WAIT; else None."""
    from auditor.sources.http import HttpConfig, rate_limit_wait

    response = getattr(exc, "response", None)
    if getattr(response, "status_code", None) != 429:
        return None
    headers = {str(k).lower(): str(v) for k, v in (getattr(response, "headers", None) or {}).items()}
    wait = rate_limit_wait(headers)
    limit = HttpConfig.from_env().max_wait
    if wait is not None and wait > limit:
        return None  # longer than the user allows: stop; a re-run resumes later
    return 5.0 if wait is None else wait


def _atproto_problem(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    content = getattr(response, "content", None)
    message = getattr(content, "message", None) or getattr(content, "error", None)
    return str(message or type(exc).__name__)[:160]


class MastodonDeleter:
    """Mastodon.py: status() for the backup, status_delete() to delete; waits when rate-limited."""

    def __init__(self, token: str, base: str | None) -> None:
        self.token, self.base = token, base
        self._apis: dict[str, Any] = {}
        self._me: dict[str, str] = {}

    def _api(self, row: PlanRow) -> tuple[Any, str]:
        from mastodon import Mastodon, MastodonError

        base = self.base or (f"https://{urlsplit(row.url).netloc}" if row.url else "")
        if not base:
            raise AuditorError(f"row {row.line}",
                               "no server: set AUDITOR_MASTODON_BASE or keep the post's url")
        if base not in self._apis:
            api = Mastodon(access_token=self.token, api_base_url=base, ratelimit_method="wait",
                           version_check_mode="none", request_timeout=30)
            try:
                self._me[base] = str(api.account_verify_credentials()["id"])
            except MastodonError as exc:
                problem = _first(exc)
                raise AuditorError(base, f"cannot sign in with AUDITOR_MASTODON_TOKEN ({problem})") from None
            self._apis[base] = api
        return self._apis[base], self._me[base]

    def fetch(self, row: PlanRow) -> dict[str, Any] | None:
        from mastodon import MastodonError, MastodonNotFoundError

        api, me = self._api(row)
        try:
            status = api.status(row.id)
        except MastodonNotFoundError:
            return None
        except MastodonError as exc:
            raise AuditorError(f"row {row.line}", f"cannot fetch status {row.id} ({_first(exc)})") from None
        owner = str((status.get("account") or {}).get("id"))
        if owner != me:
            raise AuditorError(f"row {row.line}", f"status {row.id} is not the signed-in account's; "
                               "stopped before deleting anything")
        return json.loads(json.dumps(status, default=str))

    def delete(self, row: PlanRow) -> None:
        from mastodon import MastodonError, MastodonNotFoundError

        api, _ = self._api(row)
        try:
            api.status_delete(row.id)
        except MastodonNotFoundError:
            pass  # gone in the meantime: the goal is reached
        except MastodonError as exc:
            raise AuditorError(f"row {row.line}", f"cannot delete status {row.id} ({_first(exc)}); "
                               "re-run to resume") from None


def _first(exc: BaseException) -> str:
    return next((str(a) for a in reversed(exc.args) if a), type(exc).__name__)[:160]


def default_deleters() -> dict[str, Callable[[], Deleter]]:
    """Clients built from the environment, only when a plan has rows for that platform."""
    return {
        "bluesky": lambda: BlueskyDeleter(_env("AUDITOR_BSKY_HANDLE", "your Bluesky handle"),
                                          _env("AUDITOR_BSKY_APP_PASSWORD", "a Bluesky app password"),
                                          os.environ.get("AUDITOR_BSKY_PDS", "").strip() or "https://bsky.social"),
        "mastodon": lambda: MastodonDeleter(_env("AUDITOR_MASTODON_TOKEN", "a Mastodon access token"),
                                            os.environ.get("AUDITOR_MASTODON_BASE", "").strip() or None),
    }
