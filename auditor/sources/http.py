"""The one HTTP client every live source uses: timeouts, retries, rate limits, cache, progress, checkpoints.

Settings come from the environment (``HttpConfig.from_env``) so the CLI and the tests configure every live
reader the same way:

- ``AUDITOR_CACHE_DIR`` (default ``$XDG_CACHE_HOME/auditor`` or ``~/.cache/auditor``): response cache in
  ``http/`` and paginated-fetch checkpoints in ``checkpoints/``. ``AUDITOR_NO_CACHE=1`` turns both off.
- ``AUDITOR_CACHE_TTL`` seconds a cached response stays fresh (default 86400).
- ``AUDITOR_HTTP_TIMEOUT`` (20 s), ``AUDITOR_HTTP_TRIES`` (5), ``AUDITOR_HTTP_BACKOFF`` (1 s, doubled per try,
  with jitter), ``AUDITOR_MAX_WAIT`` (longest wait a rate limit may impose, 300 s),
  ``AUDITOR_MIN_INTERVAL`` (seconds between two requests to one host, 0.25), ``AUDITOR_USER_AGENT``.
- Bounds from ``auditor.limits``: ``AUDITOR_HTTP_DEADLINE`` (total seconds per request, 600),
  ``AUDITOR_MAX_BODY_BYTES`` (512M), ``AUDITOR_MAX_PAGES`` (pages per account, 10,000).
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import hashlib
import json
import math
import os
import random
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from auditor import __version__ as _version
from auditor import limits
from auditor.errors import AuditorError
from auditor.fsutil import atomic_file
from auditor.timeparse import parse_any_ts

RETRY_STATUSES = frozenset({500, 502, 503, 504, 520, 521, 522, 523, 524})
CHECKPOINT_TTL = 7 * 24 * 3600  # a killed run older than a week starts afresh
_CACHE_FORMAT = 1


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise AuditorError(name, f"not a number: {raw[:40]!r}") from None
    if not math.isfinite(value) or value < 0:
        raise AuditorError(name, f"must be a finite number of zero or more, got {raw[:40]!r}")
    return value


def default_cache_dir() -> Path:
    """``$AUDITOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/auditor``, else ``~/.cache/auditor``."""
    if os.environ.get("AUDITOR_CACHE_DIR"):
        return Path(os.environ["AUDITOR_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "auditor"


@dataclass
class HttpConfig:
    """How patient and how polite a client is. ``cache_dir=None`` disables the cache and checkpoints."""

    timeout: float = 20.0
    tries: int = 5
    backoff: float = 1.0
    backoff_max: float = 30.0
    max_wait: float = 300.0
    min_interval: float = 0.25
    cache_dir: Path | None = None
    cache_ttl: float = 86400.0
    progress: bool = True
    user_agent: str = f"python:auditor:{_version} (brand-safety audit of public posts)"

    @classmethod
    def from_env(cls) -> HttpConfig:
        no_cache = os.environ.get("AUDITOR_NO_CACHE", "").strip().lower() in {"1", "true", "yes"}
        return cls(
            timeout=_env_float("AUDITOR_HTTP_TIMEOUT", 20.0),
            tries=max(1, int(_env_float("AUDITOR_HTTP_TRIES", 5))),
            backoff=_env_float("AUDITOR_HTTP_BACKOFF", 1.0),
            max_wait=_env_float("AUDITOR_MAX_WAIT", 300.0),
            min_interval=_env_float("AUDITOR_MIN_INTERVAL", 0.25),
            cache_dir=None if no_cache else default_cache_dir(),
            cache_ttl=_env_float("AUDITOR_CACHE_TTL", 86400.0),
            progress=os.environ.get("AUDITOR_PROGRESS", "1") != "0",
            user_agent=os.environ.get("AUDITOR_USER_AGENT") or cls.user_agent,
        )


class HttpStatusError(AuditorError):
    """The server answered with a status the caller has to interpret (404, 401, 403, 400, …)."""

    def __init__(self, where: str, status: int, url: str, body: bytes = b"") -> None:
        super().__init__(where, f"{_host(url)} answered HTTP {status}")
        self.status = status
        self.url = url
        self.body = body

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    content: bytes
    url: str
    from_cache: bool = False

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def links(self) -> dict[str, str]:
        """``Link`` header as ``{rel: url}`` (Mastodon pagination)."""
        return parse_link_header(self.headers.get("link", ""))


_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


def parse_link_header(value: str) -> dict[str, str]:
    """``<url>; rel="next", <url>; rel="prev"`` → ``{"next": url, "prev": url}``."""
    links: dict[str, str] = {}
    for url, params in _LINK.findall(value or ""):
        m = re.search(r'rel\s*=\s*"?([^";]+)"?', params)
        if m:
            for rel in m.group(1).split():
                links.setdefault(rel, url)
    return links


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _seconds_until(value: str, now: float) -> float | None:
    """A reset/retry header value as seconds from now: delta seconds, epoch seconds, HTTP date or ISO time."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        # Small numbers are "seconds from now" (Retry-After, Reddit, IETF RateLimit-Reset); large ones are
        # epoch seconds (Bluesky's RateLimit-Reset, GoToSocial's X-RateLimit-Reset).
        return max(0.0, number - now) if number > 1e9 else max(0.0, number)
    try:
        when = email.utils.parsedate_to_datetime(value)  # Retry-After: Wed, 21 Oct 2015 07:28:00 GMT
    except (TypeError, ValueError):
        when = None
    if when is None:
        try:
            when = parse_any_ts(value)  # Mastodon: X-RateLimit-Reset: 2022-12-01T21:00:00.846373Z
        except ValueError:
            return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def rate_limit_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """How long a 429 asks us to wait: ``Retry-After`` first, then the reset headers."""
    now = time.time() if now is None else now
    for name in ("retry-after", "x-ratelimit-reset", "ratelimit-reset"):
        if name in headers:
            wait = _seconds_until(headers[name], now)
            if wait is not None:
                return wait
    return None


def _remaining(headers: Mapping[str, str]) -> float | None:
    for name in ("x-ratelimit-remaining", "ratelimit-remaining"):
        if name in headers:
            try:
                return float(headers[name])
            except ValueError:
                return None
    return None


class _HostGate:
    """Per-host politeness shared by every client in the process: a minimum gap between requests, and a
    pause until the reset time once the server says no requests remain."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, min_interval: float, sleep: Callable[[float], None]) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, 0.0))
            self._next[host] = start + min_interval
        if start > now:
            sleep(start - now)

    def block_until(self, host: str, seconds: float) -> None:
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), time.monotonic() + seconds)


_GATE = _HostGate()


class ResponseCache:
    """Responses on disk, one file per request: a JSON header line, then the body. Written atomically."""

    def __init__(self, root: Path, ttl: float) -> None:
        self.root = root / "http"
        self.ttl = ttl

    @staticmethod
    def key(method: str, url: str, params: Mapping[str, Any] | None) -> str:
        query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items() if v is not None))
        return f"{method.upper()} {url}?{query}"

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.root / digest[:2] / f"{digest}.bin"

    def get(self, key: str) -> Response | None:
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                meta = json.loads(fh.readline())
                body = fh.read()
        except (OSError, ValueError):
            return None
        if (meta.get("format") != _CACHE_FORMAT or meta.get("key") != key or len(body) != meta.get("size")
                or time.time() - meta.get("saved", 0) > self.ttl):
            return None
        return Response(meta["status"], meta["headers"], body, meta["url"], from_cache=True)

    def put(self, key: str, resp: Response) -> None:
        meta = {"format": _CACHE_FORMAT, "key": key, "status": resp.status, "headers": resp.headers,
                "url": resp.url, "size": len(resp.content), "saved": time.time()}
        # a read-only cache dir only costs a refetch
        with contextlib.suppress(OSError, AuditorError), atomic_file(self._path(key), "wb") as fh:
            fh.write(json.dumps(meta).encode() + b"\n")
            fh.write(resp.content)


_FRESH = contextvars.ContextVar("auditor_fresh_responses", default=False)


@contextlib.contextmanager
def fresh_responses() -> Iterator[None]:
    """Within it no cached response is read (a whole fetch asked for with ``--full-fetch`` must see the
    server as it is now, not as it was at a run earlier the same day); what is fetched is still cached."""
    token = _FRESH.set(True)
    try:
        yield
    finally:
        _FRESH.reset(token)


class HttpClient:
    """GET with retries (timeouts, connection errors, 5xx, cut-off bodies) using exponential backoff with
    jitter, 429 handling (``Retry-After`` / ``X-RateLimit-Reset`` / ``RateLimit-Reset``, never longer than
    ``max_wait``), per-host pacing and an on-disk cache. ``where`` names the account in every error."""

    def __init__(self, where: str, config: HttpConfig | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.where = where
        self.config = config or HttpConfig.from_env()
        cfg = self.config
        self.cache = ResponseCache(cfg.cache_dir, cfg.cache_ttl) if cfg.cache_dir else None
        self.sleep: Callable[[float], None] = time.sleep
        self._headers = {"User-Agent": self.config.user_agent, "Accept": "application/json",
                         **(headers or {})}
        self._client = self._new_client()

    def _new_client(self) -> httpx.Client:
        return httpx.Client(timeout=self.config.timeout, headers=self._headers, follow_redirects=True)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests -------------------------------------------------------------------------------------

    def get(self, url: str, params: Mapping[str, Any] | None = None, *, ok: tuple[int, ...] = (200,),
            cache: bool = True, expect_json: bool = True,
            headers: Mapping[str, str] | None = None) -> Response:
        """GET ``url``; returns a response whose status is in ``ok``, else raises ``HttpStatusError`` (for
        statuses the caller must interpret) or ``AuditorError`` (network gave up)."""
        params = {k: v for k, v in (params or {}).items() if v is not None}
        key = ResponseCache.key("GET", url, params)
        if cache and self.cache and not _FRESH.get():
            hit = self.cache.get(key)
            if hit is not None and hit.status in ok:
                return hit
        resp = self._fetch(url, params, expect_json=expect_json, headers=headers)
        if resp.status not in ok:
            raise HttpStatusError(self.where, resp.status, resp.url, resp.content[:4096])
        if cache and self.cache and resp.status == 200:
            self.cache.put(key, resp)
        return resp

    def get_json(self, url: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        return self.get(url, params, **kw).json()

    def _fetch(self, url: str, params: Mapping[str, Any], *, expect_json: bool,
               headers: Mapping[str, str] | None) -> Response:
        cfg = self.config
        host = _host(url)
        problem = "no answer"
        for attempt in range(1, cfg.tries + 1):
            _GATE.wait(host, cfg.min_interval, self.sleep)
            try:
                resp = self._once(url, params, headers)
            except httpx.TimeoutException:
                problem = f"{host} did not answer within {cfg.timeout:g} s ({attempt} tries)"
            except httpx.RemoteProtocolError:
                problem = f"{host} kept cutting the response short ({attempt} tries)"
            except httpx.TransportError as exc:
                problem = f"cannot connect to {host} ({_short(exc)}) after {attempt} tries"
            else:
                self._note_limits(host, resp.headers)
                if resp.status == 429:
                    wait = rate_limit_wait(resp.headers)
                    if wait is not None and wait > cfg.max_wait:
                        raise AuditorError(self.where, (
                            f"{host} is rate limiting; it asks to wait {wait:.0f} s, longer than the "
                            f"{cfg.max_wait:.0f} s allowed (AUDITOR_MAX_WAIT); try again later"))
                    problem = f"{host} kept answering 429 (rate limited) after {attempt} tries"
                    if attempt < cfg.tries:
                        self.sleep(wait if wait is not None else self._backoff(attempt))
                    continue
                if resp.status in RETRY_STATUSES:
                    problem = f"server kept answering {resp.status} after {attempt} tries"
                elif expect_json and resp.status == 200 and not _is_json(resp.content):
                    problem = f"{host} sent a response that is not valid JSON ({attempt} tries)"
                else:
                    return resp
            if attempt < cfg.tries:
                self.sleep(self._backoff(attempt))
        raise AuditorError(self.where, problem)

    def _once(self, url: str, params: Mapping[str, Any], headers: Mapping[str, str] | None) -> Response:
        """One GET, bounded in size (``AUDITOR_MAX_BODY_BYTES``) and in total time
        (``AUDITOR_HTTP_DEADLINE``): the timeout alone is per read, so a server dripping one byte a second
        would never be cut off."""
        deadline = limits.REQUEST_SECONDS.value
        max_body = limits.BODY_BYTES.value
        started = time.monotonic()
        expired = threading.Event()

        def cut_off() -> None:  # headers dripping in: only closing the connections stops the read
            expired.set()
            self._client.close()

        timer = threading.Timer(deadline, cut_off)
        timer.daemon = True
        timer.start()
        try:
            with self._client.stream("GET", url, params=params or None, headers=headers) as r:
                declared = r.headers.get("content-length", "")
                if declared.isascii() and declared.isdigit() and int(declared[:20]) > max_body:
                    raise limits.BODY_BYTES.error(self.where, int(declared[:20]))
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > max_body:
                        raise limits.BODY_BYTES.error(self.where, size)
                    if time.monotonic() - started > deadline:
                        raise limits.REQUEST_SECONDS.error(self.where)
                    chunks.append(chunk)
                hdrs = {k.lower(): v for k, v in r.headers.items()}
                return Response(r.status_code, hdrs, b"".join(chunks), str(r.url))
        except (httpx.HTTPError, RuntimeError):
            if expired.is_set():
                raise limits.REQUEST_SECONDS.error(self.where) from None
            raise
        finally:
            timer.cancel()
            if expired.is_set():
                self._client = self._new_client()

    def _backoff(self, attempt: int) -> float:
        delay = min(self.config.backoff_max, self.config.backoff * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # "equal jitter": never zero, never in lockstep

    def _note_limits(self, host: str, headers: Mapping[str, str]) -> None:
        """When the server says no requests remain, hold this host until its reset time (bounded)."""
        remaining = _remaining(headers)
        if remaining is not None and remaining <= 0:
            wait = rate_limit_wait({k: v for k, v in headers.items() if k != "retry-after"})
            if wait:
                _GATE.block_until(host, min(wait, self.config.max_wait))

    # -- pagination ------------------------------------------------------------------------------------

    def paginate(self, key: str, fetch_page: Callable[[str | None], tuple[list[dict], str | None]], *,
                 item_id: Callable[[dict], str], max_items: int | None = None,
                 label: str = "items") -> PageRun:
        """Fetch every page: ``fetch_page(cursor) -> (items, next_cursor)`` until no cursor, an empty page,
        ``max_items``, or a repeated cursor (stops with a note). After each page the cursor and the items
        so far are checkpointed, so a killed run resumes at the page it stopped at (deduplicated by id)."""
        ckpt = Checkpoint(self.config.cache_dir, key) if self.config.cache_dir else None
        state = ckpt.load() if ckpt else None
        max_pages = limits.PAGES.value
        run = PageRun()
        cursor: str | None = None
        if state:
            run.items, cursor, run.pages = state.items, state.cursor, state.pages
            run.resumed_at = state.pages + 1
        seen_ids = {item_id(i) for i in run.items}
        seen_cursors = set(state.cursors) if state else set()
        with progress_bar(self.config.progress, f"{self.where}: {label}") as bar:
            bar(len(run.items))
            while True:
                if max_items is not None and len(run.items) >= max_items:
                    run.capped = True
                    break
                if run.pages >= max_pages:  # a server that always has "one more page"
                    raise limits.PAGES.error(self.where, run.pages + 1)
                try:
                    items, nxt = fetch_page(cursor)
                except AuditorError as exc:
                    if ckpt and run.pages and type(exc) is AuditorError:
                        saved = f"{run.pages} pages are saved, run again to resume at page {run.pages + 1}"
                        raise AuditorError(exc.where, f"{exc.problem}; {saved}") from None
                    raise
                run.pages += 1
                new = []
                for item in items:
                    iid = item_id(item)
                    if iid not in seen_ids:
                        seen_ids.add(iid)
                        new.append(item)
                if max_items is not None:
                    new = new[: max(0, max_items - len(run.items))]
                run.items.extend(new)
                bar(len(run.items))
                if cursor is not None:
                    seen_cursors.add(cursor)
                if not items or not nxt:
                    break
                if nxt == cursor or nxt in seen_cursors:
                    run.notes.append(f"the server repeated a page cursor after {run.pages} pages; "
                                     "stopped there, so older posts may be missing")
                    run.complete = False
                    break
                cursor = nxt
                if ckpt:
                    ckpt.save(cursor, new, run.pages, sorted(seen_cursors))
        if ckpt:
            ckpt.clear()
        return run


@dataclass
class PageRun:
    items: list[dict] = field(default_factory=list)
    pages: int = 0
    complete: bool = True
    capped: bool = False
    resumed_at: int | None = None  # the page a resumed run started at
    notes: list[str] = field(default_factory=list)


@dataclass
class _State:
    cursor: str | None
    pages: int
    items: list[dict]
    cursors: list[str]


class Checkpoint:
    """Progress of one paginated fetch: ``state.json`` (cursor, pages, item count, byte offset) is replaced
    atomically after ``items.jsonl`` got the page's items appended and flushed to disk. On load, bytes past
    the recorded offset (a page whose state was never written) are discarded, so no item is counted twice."""

    def __init__(self, root: Path, key: str) -> None:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:60]
        self.dir = root / "checkpoints" / f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
        self.key = key

    @property
    def _state(self) -> Path:
        return self.dir / "state.json"

    @property
    def _items(self) -> Path:
        return self.dir / "items.jsonl"

    def load(self) -> _State | None:
        try:
            state = json.loads(self._state.read_text(encoding="utf-8"))
            if state.get("key") != self.key or time.time() - state.get("saved", 0) > CHECKPOINT_TTL:
                self.clear()
                return None
            with open(self._items, "r+b") as fh:
                data = fh.read(state["offset"])
                fh.truncate(state["offset"])
            items = [json.loads(line) for line in data.splitlines() if line.strip()]
        except (OSError, ValueError, KeyError, TypeError):
            self.clear()
            return None
        if len(items) != state.get("count"):
            self.clear()
            return None
        return _State(state.get("cursor"), int(state.get("pages", 0)), items, list(state.get("cursors", [])))

    def save(self, cursor: str, new_items: list[dict], pages: int, cursors: list[str]) -> None:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            prev = json.loads(self._state.read_text(encoding="utf-8")) if self._state.exists() else {}
            with open(self._items, "ab") as fh:
                fh.truncate(prev.get("offset", 0))
                for item in new_items:
                    fh.write(json.dumps(item, ensure_ascii=False).encode() + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
                offset = fh.tell()
            state = {"key": self.key, "cursor": cursor, "pages": pages, "offset": offset,
                     "count": prev.get("count", 0) + len(new_items), "cursors": cursors, "saved": time.time()}
            with atomic_file(self._state) as fh:
                json.dump(state, fh)
        except (OSError, ValueError):
            pass  # no checkpoint only costs a refetch

    def clear(self) -> None:
        for path in (self._state, self._items):
            with contextlib.suppress(OSError):
                path.unlink()
        with contextlib.suppress(OSError):
            self.dir.rmdir()


@contextlib.contextmanager
def progress_bar(enabled: bool, description: str) -> Iterator[Callable[[int], None]]:
    """A Rich counter on stderr (only on a terminal); yields ``update(count)``."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda _n: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,}"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=None)
        yield lambda n: progress.update(task, completed=n)


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return False
    return True


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120]
