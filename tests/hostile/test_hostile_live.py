"""Live servers that misbehave on purpose (on 127.0.0.1): a slow drip, endless pages, an oversized answer.
Each ends in one line naming the account and the limit, quickly, whatever the server keeps doing."""

from __future__ import annotations

import re
import time

import pytest
from fakeserver import FakeServer, Fault, install_mastodon, json_reply
from harness import assert_refused, cli

ACCT = "alice@example.social"
ACCOUNT = {"id": "7", "username": "alice", "acct": "alice", "display_name": "Alice",
           "url": "https://example.social/@alice", "statuses_count": 3}


def _status(sid: int) -> dict:
    return {"id": str(sid), "created_at": "2024-01-01T00:00:00.000Z", "visibility": "public",
            "content": f"<p>post {sid}</p>", "url": f"https://example.social/@alice/{sid}",
            "language": "en", "reblog": None, "in_reply_to_id": None, "account": ACCOUNT, "spoiler_text": "",
            "sensitive": False, "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
            "uri": f"x:{sid}"}


@pytest.fixture()
def server():
    with FakeServer() as srv:
        yield srv


def _env(server: FakeServer, **limits: str) -> dict[str, str]:
    return {"AUDITOR_MASTODON_BASE": server.url, "AUDITOR_HTTP_TIMEOUT": "2", "AUDITOR_HTTP_TRIES": "2",
            "AUDITOR_HTTP_BACKOFF": "0.01", "AUDITOR_MIN_INTERVAL": "0", **limits}


def test_slow_drip_is_cut_off_by_the_total_deadline(server):
    install_mastodon(server, acct="alice", account=ACCOUNT, statuses=[_status(1)])
    server.fail("/api/v1/accounts/lookup", Fault.drip(0.05))  # each byte well within the read timeout
    started = time.monotonic()
    proc = cli("posts", f"mastodon:@{ACCT}", env=_env(server, AUDITOR_HTTP_DEADLINE="1"))
    assert_refused(proc, f"mastodon:@{ACCT}", "AUDITOR_HTTP_DEADLINE")
    assert time.monotonic() - started < 30


def test_endless_pages_stop_at_the_page_limit(server):
    install_mastodon(server, acct="alice", account=ACCOUNT, statuses=[])

    def forever(m: re.Match, q: dict[str, str]):
        below = int(q.get("max_id") or 10**9)
        nxt = f"{server.url}/api/v1/accounts/7/statuses?limit=40&max_id={below - 1}"
        return json_reply([_status(below - 1)], 200, {"Link": f'<{nxt}>; rel="next"'})

    server.routes.insert(0, (re.compile(r"/api/v1/accounts/7/statuses$"), forever))
    proc = cli("posts", f"mastodon:@{ACCT}", env=_env(server, AUDITOR_MAX_PAGES="5"))
    assert_refused(proc, f"mastodon:@{ACCT}", "AUDITOR_MAX_PAGES")
    assert len(server.hits("/api/v1/accounts/7/statuses")) == 5


def test_oversized_answer_is_refused(server):
    install_mastodon(server, acct="alice", account={**ACCOUNT, "note": "x" * 50_000}, statuses=[_status(1)])
    proc = cli("posts", f"mastodon:@{ACCT}", env=_env(server, AUDITOR_MAX_BODY_BYTES="8K"))
    assert_refused(proc, f"mastodon:@{ACCT}", "AUDITOR_MAX_BODY_BYTES")
