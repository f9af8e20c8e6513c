"""Loopback servers that answer like a Bluesky PDS and a Mastodon server for *writes*: sign-in, read one
record/status, delete it. They hold an in-memory set of posts so tests can prove exactly what was deleted.

Shapes follow the real APIs (see shared/docs/formats.md and the atproto lexicons):
- ``POST /xrpc/com.atproto.server.createSession`` {identifier, password}
  → {accessJwt, refreshJwt, handle, did}
- ``GET /xrpc/com.atproto.server.getSession`` → {handle, did}
- ``GET /xrpc/com.atproto.repo.getRecord?repo&collection&rkey`` → {uri, cid, value} | 400 RecordNotFound
- ``POST /xrpc/com.atproto.repo.deleteRecord`` {repo, collection, rkey} → {commit: {cid, rev}}
- ``GET /api/v1/accounts/verify_credentials``, ``GET /api/v1/statuses/:id``, ``DELETE /api/v1/statuses/:id``
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakeserver import start_loopback, stop_loopback


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def fake_jwt(did: str, scope: str) -> str:
    now = int(time.time())
    return ".".join([_b64({"alg": "ES256K", "typ": "at+jwt"}),
                     _b64({"scope": scope, "sub": did, "iat": now, "exp": now + 3600, "aud": "did:web:fake"}),
                     "c2ln"])


class FakeWriteServer:
    """One server on 127.0.0.1 playing both a Bluesky PDS and a Mastodon instance."""

    def __init__(self, *, did: str = "did:plc:selfcheck", handle: str = "sam.example.com",
                 password: str = "app-pass-1234", token: str = "mastodon-token",
                 account_id: str = "7") -> None:
        self.did, self.handle, self.password = did, handle, password
        self.token, self.account_id = token, account_id
        self.records: dict[str, dict] = {}  # at-uri -> record value
        self.statuses: dict[str, dict] = {}  # id -> status
        self.deleted: list[str] = []  # what was deleted, in order (at-uris and status ids)
        self.log: list[str] = []  # "METHOD path"
        self.rate_limit_deletes = 0  # answer this many deleteRecord calls with 429 (Retry-After: 0) first
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def add_record(self, collection: str, rkey: str, text: str, did: str | None = None) -> str:
        uri = f"at://{did or self.did}/{collection}/{rkey}"
        self.records[uri] = {"$type": collection, "text": text, "createdAt": "2025-01-02T03:04:05.000Z"}
        return uri

    def add_status(self, sid: str, text: str, owner: str | None = None) -> None:
        acct = owner or self.account_id
        self.statuses[sid] = {
            "id": sid, "created_at": "2025-01-02T03:04:05.000Z", "visibility": "public",
            "content": f"<p>{text}</p>",
            "url": f"{self.url}/@sam/{sid}", "uri": f"{self.url}/users/sam/statuses/{sid}",
            "account": {"id": acct, "username": "sam", "acct": "sam", "display_name": "Sam",
                        "url": f"{self.url}/@sam", "created_at": "2020-01-01T00:00:00.000Z"},
            "in_reply_to_id": None, "reblog": None, "media_attachments": [], "mentions": [], "tags": [],
            "emojis": [], "spoiler_text": "", "sensitive": False, "language": "en",
        }

    # -- serving ----------------------------------------------------------------------------------------

    def __enter__(self) -> FakeWriteServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server._serve(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                server._serve(self, "POST")

            def do_DELETE(self) -> None:  # noqa: N802
                server._serve(self, "DELETE")

        self._httpd = start_loopback(_Handler)
        return self

    def __exit__(self, *exc: object) -> None:
        stop_loopback(self._httpd)

    def _serve(self, req: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        with self._lock:
            self.log.append(f"{method} {parts.path}")
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            auth = req.headers.get("Authorization", "")
            status, payload = self._answer(method, parts.path, query, body, auth)
        data = json.dumps(payload).encode()
        req.send_response(status)
        if status == 429:
            req.send_header("Retry-After", "0")
        req.send_header("Content-Type", "application/json; charset=utf-8")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    def _answer(self, method: str, path: str, q: dict[str, str], body: bytes, auth: str) -> tuple[int, Any]:
        if path == "/xrpc/com.atproto.server.createSession" and method == "POST":
            creds = json.loads(body or b"{}")
            if creds.get("identifier") != self.handle or creds.get("password") != self.password:
                return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            return 200, {"accessJwt": fake_jwt(self.did, "com.atproto.appPass"),
                         "refreshJwt": fake_jwt(self.did, "com.atproto.refresh"),
                         "handle": self.handle, "did": self.did, "active": True}
        if path.startswith("/xrpc/"):
            if not auth.startswith("Bearer ") or auth.count(".") != 2:
                return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}
            return self._xrpc(method, path.removeprefix("/xrpc/"), q, body)
        if auth != f"Bearer {self.token}":
            return 401, {"error": "The access token is invalid"}
        if path == "/api/v1/accounts/verify_credentials":
            return 200, {"id": self.account_id, "username": "sam", "acct": "sam", "display_name": "Sam",
                         "url": f"{self.url}/@sam", "created_at": "2020-01-01T00:00:00.000Z"}
        m = re.fullmatch(r"/api/v1/statuses/([0-9]+)", path)
        if m:
            status = self.statuses.get(m.group(1))
            if status is None:
                return 404, {"error": "Record not found"}
            if method == "DELETE":
                if status["account"]["id"] != self.account_id:
                    return 404, {"error": "Record not found"}
                del self.statuses[m.group(1)]
                self.deleted.append(m.group(1))
                return 200, {**status, "text": re.sub("<[^>]+>", "", status["content"])}
            return 200, status
        return 404, {"error": "Not found"}

    def _xrpc(self, method: str, nsid: str, q: dict[str, str], body: bytes) -> tuple[int, Any]:
        if nsid == "com.atproto.server.getSession":
            return 200, {"handle": self.handle, "did": self.did, "active": True}
        if nsid == "com.atproto.repo.getRecord":
            uri = f"at://{q.get('repo')}/{q.get('collection')}/{q.get('rkey')}"
            if uri not in self.records:
                return 400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}
            return 200, {"uri": uri, "cid": "bafyreifakecid", "value": self.records[uri]}
        if nsid == "com.atproto.repo.deleteRecord" and method == "POST":
            if self.rate_limit_deletes > 0:
                self.rate_limit_deletes -= 1
                return 429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
            d = json.loads(body or b"{}")
            if d.get("repo") != self.did:
                return 401, {"error": "InvalidRequest", "message": "repo does not match the session"}
            uri = f"at://{d.get('repo')}/{d.get('collection')}/{d.get('rkey')}"
            if self.records.pop(uri, None) is not None:
                self.deleted.append(uri)
            return 200, {"commit": {"cid": "bafyreicommit", "rev": "3lfake000000"}}
        return 400, {"error": "MethodNotImplemented", "message": f"{nsid} not served"}
