"""A real HTTP server on 127.0.0.1 that answers like Bluesky XRPC, the PLC directory, Mastodon and Reddit,
and misbehaves on request (429s, 5xx, hangs, cut-off bodies, repeating cursors). Also builds real repo CARs.

Every request is logged as ``path?query`` in ``server.log`` so tests can prove what was (not) fetched.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import libipld

Reply = tuple[int, dict[str, str], bytes]
Handler = Callable[[re.Match, dict[str, str]], Reply]


def json_reply(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    hdrs = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return status, hdrs, json.dumps(obj).encode()


@dataclass
class Fault:
    """One misbehaviour: an HTTP status (with headers), a hang, or a body cut short."""

    kind: str  # "status" | "hang" | "truncate" | "drip"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 2.0

    @classmethod
    def http(cls, status: int, **headers: str) -> Fault:
        return cls("status", status, {k.replace("_", "-"): v for k, v in headers.items()})

    @classmethod
    def retry_after(cls, seconds: int | str) -> Fault:
        return cls.http(429, Retry_After=str(seconds))

    @classmethod
    def reset_iso(cls, seconds: float) -> Fault:
        """Mastodon-style 429: X-RateLimit-Reset as an ISO time ``seconds`` from now."""
        when = datetime.now(timezone.utc) + timedelta(seconds=seconds)
        return cls.http(429, X_RateLimit_Limit="300", X_RateLimit_Remaining="0",
                        X_RateLimit_Reset=when.isoformat().replace("+00:00", "Z"))

    @classmethod
    def hang(cls, seconds: float = 2.0) -> Fault:
        return cls("hang", seconds=seconds)

    @classmethod
    def truncate(cls) -> Fault:
        return cls("truncate")

    @classmethod
    def drip(cls, seconds: float = 0.1) -> Fault:
        """The whole answer, status line and headers included, one byte every ``seconds``: each read is
        quick, only a total deadline cuts it off."""
        return cls("drip", seconds=seconds)


class FakeServer:
    """Threaded server on an ephemeral loopback port. Use as a context manager."""

    def __init__(self) -> None:
        self.routes: list[tuple[re.Pattern, Handler]] = []
        self.log: list[str] = []
        self._once: dict[str, list[Fault]] = {}
        self._after: dict[str, tuple[int, Fault]] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # -- setup ----------------------------------------------------------------------------------------

    def route(self, pattern: str, handler: Handler) -> None:
        self.routes.append((re.compile(pattern + r"$"), handler))

    def fail(self, path: str, *faults: Fault) -> None:
        """The next requests to ``path`` get these faults, one each, then normal answers."""
        with self._lock:
            self._once.setdefault(path, []).extend(faults)

    def break_after(self, path: str, n: int, fault: Fault) -> None:
        """From the (n+1)-th request to ``path`` on, always answer with ``fault``."""
        with self._lock:
            self._after[path] = (n, fault)
            self._counts[path] = 0

    def heal(self) -> None:
        with self._lock:
            self._once.clear()
            self._after.clear()

    def hits(self, path: str) -> list[str]:
        return [entry for entry in self.log if entry.split("?")[0] == path]

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> FakeServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                server._serve(self)

        self._httpd = start_loopback(_Handler)
        return self

    def __exit__(self, *exc: object) -> None:
        stop_loopback(self._httpd)

    # -- serving --------------------------------------------------------------------------------------

    def _fault_for(self, path: str) -> Fault | None:
        with self._lock:
            queue = self._once.get(path)
            if queue:
                return queue.pop(0)
            if path in self._after:
                n, fault = self._after[path]
                self._counts[path] += 1
                if self._counts[path] > n:
                    return fault
        return None

    def _serve(self, req: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(req.path)
        with self._lock:
            self.log.append(parts.path + ("?" + parts.query if parts.query else ""))
        fault = self._fault_for(parts.path)
        if fault is not None and fault.kind == "hang":
            time.sleep(fault.seconds)
            return  # the client has timed out by now; close without answering
        if fault is not None and fault.kind == "status":
            status, headers, body = json_reply({"error": "fault"}, fault.status, fault.headers)
        else:
            multi = parse_qs(parts.query)
            query: dict[str, Any] = {k: v[-1] for k, v in multi.items()}
            query.update({f"{k}*": v for k, v in multi.items()})  # "uris*": every value of a repeated key
            status, headers, body = 404, {"Content-Type": "application/json"}, b'{"error":"NotFound"}'
            for pattern, handler in self.routes:
                m = pattern.match(parts.path)
                if m:
                    status, headers, body = handler(m, query)
                    break
        if fault is not None and fault.kind == "drip":
            self._drip(req, status, headers, body, fault.seconds)
            return
        req.send_response(status)
        for name, value in headers.items():
            req.send_header(name, value)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        if fault is not None and fault.kind == "truncate":
            req.wfile.write(body[: len(body) // 2])  # promised more than we send, then hang up
            req.wfile.flush()
            return
        req.wfile.write(body)

    @staticmethod
    def _drip(req: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes,
              seconds: float) -> None:
        head = f"HTTP/1.0 {status} OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        raw = (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        try:
            for i in range(len(raw)):  # bounded: stops at the end of the answer, or when the client leaves
                req.wfile.write(raw[i:i + 1])
                req.wfile.flush()
                time.sleep(seconds)
        except OSError:
            pass


def start_loopback(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A threaded HTTP server on an ephemeral 127.0.0.1 port, serving in a daemon thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


def stop_loopback(httpd: ThreadingHTTPServer | None) -> None:
    if httpd:
        httpd.shutdown()
        httpd.server_close()


def live_env(monkeypatch: Any, tmp_path: Any, server: FakeServer) -> None:
    """Small timeouts and backoff, a private cache, no progress bar, every live host pointed at ``server``."""
    settings = {
        "AUDITOR_CACHE_DIR": str(tmp_path / "cache"), "AUDITOR_HTTP_TIMEOUT": "0.5",
        "AUDITOR_HTTP_TRIES": "3", "AUDITOR_HTTP_BACKOFF": "0.01", "AUDITOR_MIN_INTERVAL": "0",
        "AUDITOR_MAX_WAIT": "5", "AUDITOR_PROGRESS": "0",
    }
    for name in ("AUDITOR_BSKY_APPVIEW", "AUDITOR_PLC_URL", "AUDITOR_MASTODON_BASE", "AUDITOR_REDDIT_BASE"):
        settings[name] = server.url
    monkeypatch.delenv("AUDITOR_NO_CACHE", raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


# -- Bluesky repo CARs ----------------------------------------------------------------------------------

def cid_for(block: bytes) -> bytes:
    """CIDv1, dag-cbor, sha2-256 (what a PDS uses) in binary form; libipld encodes these bytes as links."""
    return b"\x01\x71\x12\x20" + hashlib.sha256(block).digest()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _layer(key: str) -> int:
    """MST layer of a key: leading zero bits of sha256(key), counted in pairs (fanout 4)."""
    zeros = 0
    for byte in hashlib.sha256(key.encode()).digest():
        if byte == 0:
            zeros += 8
            continue
        zeros += 8 - byte.bit_length()
        break
    return zeros // 2


class CarBuilder:
    """Builds a real atproto repo CAR: records, a Merkle Search Tree over ``collection/rkey`` and a commit."""

    def __init__(self) -> None:
        self.blocks: dict[bytes, bytes] = {}

    def put(self, obj: Any) -> bytes:
        data = libipld.encode_dag_cbor(obj)
        cid = cid_for(data)
        self.blocks[cid] = data
        return cid

    def _mst(self, items: list[tuple[str, bytes]], layer: int) -> bytes | None:
        if not items:
            return None
        entries, runs, run = [], [], []
        for key, cid in items:
            if _layer(key) >= layer:
                runs.append(run)
                run = []
                entries.append((key, cid))
            else:
                run.append((key, cid))
        runs.append(run)
        node_entries, prev = [], b""
        for i, (key, cid) in enumerate(entries):
            kb = key.encode()
            p = 0
            while p < min(len(kb), len(prev)) and kb[p] == prev[p]:
                p += 1
            node_entries.append({"p": p, "k": kb[p:], "v": cid, "t": self._mst(runs[i + 1], layer - 1)})
            prev = kb
        return self.put({"l": self._mst(runs[0], layer - 1), "e": node_entries})

    def build(self, did: str, records: dict[str, dict], rev: str = "3lbuilt000000") -> bytes:
        """``records`` maps ``collection/rkey`` to the record; returns the CAR bytes."""
        items = sorted((path, self.put(rec)) for path, rec in records.items())
        top = max((_layer(k) for k, _ in items), default=0)
        root = self._mst(items, top) or self.put({"l": None, "e": []})
        commit = self.put({"did": did, "version": 3, "data": root, "rev": rev, "prev": None,
                           "sig": b"\x00" * 64})
        header = libipld.encode_dag_cbor({"version": 1, "roots": [commit]})
        out = bytearray(_varint(len(header)) + header)
        # commit first, as a PDS sends it, then the rest
        for cid in [commit] + [c for c in self.blocks if c != commit]:
            data = self.blocks[cid]
            out += _varint(len(cid) + len(data)) + cid + data
        return bytes(out)


def build_repo_car(did: str, records: dict[str, dict]) -> bytes:
    return CarBuilder().build(did, records)


# -- platform fixtures -----------------------------------------------------------------------------------

def install_bluesky(server: FakeServer, *, handle: str, did: str, car: bytes | None,
                    feed: list[dict] | None = None, profile: dict | None = None,
                    repeat_cursor_after: int | None = None, pds: str | None = None,
                    post_views: dict[str, dict] | None = None,
                    records: dict[str, dict] | None = None) -> None:
    """resolveHandle, the PLC DID doc (PDS = this server), getRepo, getAuthorFeed (cursor = opaque offset),
    getProfile. ``repeat_cursor_after=N``: from page N on the feed hands back the same cursor forever.
    ``records`` (``collection/rkey`` → record, read at every request): the PDS's listRecords, newest rkey
    first, cursor = the last rkey of the page (as the reference PDS answers)."""
    feed = feed or []

    def resolve(m: re.Match, q: dict[str, str]) -> Reply:
        if q.get("handle", "").lower() == handle:
            return json_reply({"did": did})
        return json_reply({"error": "InvalidRequest", "message": "Unable to resolve handle"}, 400)

    def did_doc(m: re.Match, q: dict[str, str]) -> Reply:
        if m.group(1) != did:
            return json_reply({"message": f"DID not registered: {m.group(1)}"}, 404)
        return json_reply({
            "@context": ["https://www.w3.org/ns/did/v1"], "id": did, "alsoKnownAs": [f"at://{handle}"],
            "verificationMethod": [],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                         "serviceEndpoint": pds or server.url}]})

    def get_repo(m: re.Match, q: dict[str, str]) -> Reply:
        if q.get("did") != did or car is None:
            msg = f"Could not find repo for DID: {q.get('did')}"
            return json_reply({"error": "RepoNotFound", "message": msg}, 400)
        return 200, {"Content-Type": "application/vnd.ipld.car"}, car

    def author_feed(m: re.Match, q: dict[str, str]) -> Reply:
        if q.get("actor") not in (did, handle):
            return json_reply({"error": "InvalidRequest", "message": "Profile not found"}, 400)
        limit = min(100, int(q.get("limit", 50)))
        start = int(q["cursor"].split("::")[0]) if q.get("cursor") else 0
        page = feed[start:start + limit]
        body: dict[str, Any] = {"feed": page}
        page_no = start // limit + 1
        if repeat_cursor_after is not None and page_no >= repeat_cursor_after:
            body["cursor"] = f"{start}::bafyrepeat"
        elif start + limit < len(feed):
            body["cursor"] = f"{start + limit}::bafyreiabc"
        return json_reply(body)

    def get_profile(m: re.Match, q: dict[str, str]) -> Reply:
        if q.get("actor") not in (did, handle) or profile is None:
            return json_reply({"error": "InvalidRequest", "message": "Profile not found"}, 400)
        return json_reply({"did": did, "handle": handle, **profile})

    def get_posts(m: re.Match, q: dict[str, str]) -> Reply:
        wanted = q.get("uris*", [])
        return json_reply({"posts": [v for uri, v in (post_views or {}).items() if uri in wanted]})

    def list_records(m: re.Match, q: dict[str, str]) -> Reply:
        if q.get("repo") not in (did, handle) or records is None:
            message = f"Could not find repo: {q.get('repo')}"
            return json_reply({"error": "InvalidRequest", "message": message}, 400)
        collection = q.get("collection", "")
        limit = min(100, int(q.get("limit", 50)))
        rkeys = sorted((path.split("/", 1)[1] for path in records if path.split("/", 1)[0] == collection),
                       reverse=q.get("reverse") != "true")
        if q.get("cursor"):
            rkeys = [k for k in rkeys if (k < q["cursor"] if q.get("reverse") != "true" else k > q["cursor"])]
        page = rkeys[:limit]
        body: dict[str, Any] = {"records": [
            {"uri": f"at://{did}/{collection}/{k}", "cid": "bafyreifake",
             "value": records[f"{collection}/{k}"]} for k in page]}
        if page:
            body["cursor"] = page[-1]
        return json_reply(body)

    server.route(r"/xrpc/com\.atproto\.repo\.listRecords", list_records)
    server.route(r"/xrpc/com\.atproto\.identity\.resolveHandle", resolve)
    server.route(r"/xrpc/app\.bsky\.feed\.getPosts", get_posts)
    server.route(r"/(did:plc:[a-z0-9]+)", did_doc)
    server.route(r"/xrpc/com\.atproto\.sync\.getRepo", get_repo)
    server.route(r"/xrpc/app\.bsky\.feed\.getAuthorFeed", author_feed)
    server.route(r"/xrpc/app\.bsky\.actor\.getProfile", get_profile)


def install_mastodon(server: FakeServer, *, acct: str, account: dict, statuses: list[dict]) -> None:
    """accounts/lookup and accounts/:id/statuses (newest first, max_id paging, Link + X-RateLimit headers;
    ``since_id``: the newest statuses above it; ``min_id``: the ones just above it, as Mastodon answers).
    ``statuses`` is read at every request: a test may add or delete statuses between two audits."""

    def ordered_now() -> list[dict]:
        return sorted(statuses, key=lambda s: int(s["id"]), reverse=True)
    remaining = [300]

    def limits() -> dict[str, str]:
        remaining[0] = max(1, remaining[0] - 1)
        reset = (datetime.now(timezone.utc) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(remaining[0]),
                "X-RateLimit-Reset": reset}

    def lookup(m: re.Match, q: dict[str, str]) -> Reply:
        if q.get("acct", "").lower() != acct.lower():
            return json_reply({"error": "Record not found"}, 404, limits())
        return json_reply(account, 200, limits())

    def statuses_page(m: re.Match, q: dict[str, str]) -> Reply:
        if m.group(1) != account["id"]:
            return json_reply({"error": "Record not found"}, 404, limits())
        limit = min(40, int(q.get("limit", 20)))
        max_id = int(q["max_id"]) if q.get("max_id") else None
        since_id = int(q["since_id"]) if q.get("since_id") else None
        min_id = int(q["min_id"]) if q.get("min_id") else None
        above = max(since_id or 0, min_id or 0)
        below = max_id if max_id is not None else 10**30
        page = [s for s in ordered_now() if above < int(s["id"]) < below]
        page = page[-limit:] if min_id is not None else page[:limit]  # min_id: the oldest above it
        headers = limits()
        if page:
            base = f"{server.url}/api/v1/accounts/{account['id']}/statuses"
            nxt = f"{base}?{urlencode({'limit': limit, 'max_id': page[-1]['id']})}"
            prev = f"{base}?{urlencode({'limit': limit, 'min_id': page[0]['id']})}"
            headers["Link"] = f'<{nxt}>; rel="next", <{prev}>; rel="prev"'
        return json_reply(page, 200, headers)

    server.route(r"/api/v1/accounts/lookup", lookup)
    server.route(r"/api/v1/accounts/([0-9]+)/statuses", statuses_page)


def install_reddit(server: FakeServer, *, name: str, comments: list[dict], submissions: list[dict],
                   status: int = 200) -> None:
    """/user/<name>/comments.json and submitted.json listings; like Reddit, never past the newest 1,000."""

    def listing(items: list[dict], kind: str) -> Handler:
        def handler(m: re.Match, q: dict[str, str]) -> Reply:
            if status != 200:
                return status, {"Content-Type": "text/html"}, b"<html><body>whoa there!</body></html>"
            if m.group(1).lower() != name.lower():
                return json_reply({"message": "Not Found", "error": 404}, 404)
            capped = items[:1000]
            limit = min(100, int(q.get("limit", 25)))
            start = 0
            if q.get("after"):
                names = [i["name"] for i in capped]
                start = names.index(q["after"]) + 1 if q["after"] in names else len(capped)
            page = capped[start:start + limit]
            after = page[-1]["name"] if page and start + limit < len(capped) else None
            return json_reply({"kind": "Listing", "data": {
                "after": after, "before": None, "dist": len(page), "modhash": "", "geo_filter": "",
                "children": [{"kind": kind, "data": d} for d in page]}},
                headers={"x-ratelimit-used": "1", "x-ratelimit-remaining": "99.0",
                         "x-ratelimit-reset": "400"})
        return handler

    server.route(r"/user/([^/]+)/comments\.json", listing(comments, "t1"))
    server.route(r"/user/([^/]+)/submitted\.json", listing(submissions, "t3"))
