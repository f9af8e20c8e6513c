"""The shared HTTP client against a real loopback server: retries, 429s, timeouts, cache, pacing."""

from __future__ import annotations

import email.utils
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest
from fakeserver import FakeServer, Fault, json_reply

from auditor.errors import AuditorError
from auditor.sources.http import (
    HttpClient,
    HttpConfig,
    HttpStatusError,
    ResponseCache,
    parse_link_header,
    rate_limit_wait,
)

WHERE = "bsky:alice.example.com"


def config(tmp_path, **over) -> HttpConfig:
    base = {"timeout": 0.3, "tries": 3, "backoff": 0.01, "min_interval": 0.0, "max_wait": 30.0,
            "cache_dir": tmp_path / "cache", "progress": False}
    base.update(over)
    return HttpConfig(**base)


@pytest.fixture
def server():
    with FakeServer() as srv:
        counter = iter(range(10**6))
        srv.route("/thing", lambda m, q: json_reply({"n": next(counter), "q": q.get("q")}))
        srv.route("/html", lambda m, q: (200, {"Content-Type": "text/html"}, b"<html>whoa</html>"))
        yield srv


def client(tmp_path, sleeps: list[float] | None = None, **over) -> HttpClient:
    c = HttpClient(WHERE, config(tmp_path, **over))
    if sleeps is not None:
        c.sleep = sleeps.append  # record waits instead of sleeping
    return c


def test_5xx_then_success_is_retried_with_growing_backoff(server, tmp_path) -> None:
    server.fail("/thing", Fault.http(500), Fault.http(502))
    sleeps: list[float] = []
    with client(tmp_path, sleeps, backoff=1.0, tries=5) as c:
        assert c.get_json(f"{server.url}/thing")["n"] == 0
    assert len(server.hits("/thing")) == 3
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0  # 1 s then 2 s, with jitter


def test_persistent_5xx_is_one_line_error(server, tmp_path) -> None:
    server.break_after("/thing", 0, Fault.http(503))
    with client(tmp_path) as c, pytest.raises(AuditorError) as err:
        c.get(f"{server.url}/thing")
    assert str(err.value) == f"{WHERE}: server kept answering 503 after 3 tries"
    assert len(server.hits("/thing")) == 3


def test_hang_past_the_timeout_is_retried(server, tmp_path) -> None:
    server.fail("/thing", Fault.hang(1.0))
    started = time.monotonic()
    with client(tmp_path) as c:
        assert c.get_json(f"{server.url}/thing")["n"] == 0
    assert time.monotonic() - started < 1.0  # gave up on the hung request after the 0.3 s timeout


def test_hang_every_time_names_the_timeout(server, tmp_path) -> None:
    server.break_after("/thing", 0, Fault.hang(1.0))
    with client(tmp_path, tries=2) as c, pytest.raises(AuditorError, match=r"did not answer within 0.3 s"):
        c.get(f"{server.url}/thing")


def test_truncated_body_is_retried(server, tmp_path) -> None:
    server.fail("/thing", Fault.truncate())
    with client(tmp_path) as c:
        assert c.get_json(f"{server.url}/thing") == {"n": 1, "q": None}  # the cut-off answer was n=0
    assert len(server.hits("/thing")) == 2


def test_not_json_is_retried_then_reported(server, tmp_path) -> None:
    with client(tmp_path) as c, pytest.raises(AuditorError, match="not valid JSON"):
        c.get(f"{server.url}/html")
    assert len(server.hits("/html")) == 3


def test_connection_refused(tmp_path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens here now
    refused = r"cannot connect to 127.0.0.1:\d+"
    with client(tmp_path, tries=2) as c, pytest.raises(AuditorError, match=refused):
        c.get(f"http://127.0.0.1:{port}/thing")


def _http_date(seconds: float) -> str:
    return email.utils.format_datetime(datetime.now(timezone.utc) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize("make_fault,low,high", [
    (lambda: Fault.retry_after(7), 7, 7),
    (lambda: Fault.http(429, Retry_After=_http_date(20)), 18, 20),
    (lambda: Fault.reset_iso(12), 11, 12),  # Mastodon: ISO time
    (lambda: Fault.http(429, RateLimit_Reset=str(int(time.time()) + 9)), 7, 9),  # Bluesky: epoch seconds
    (lambda: Fault.http(429, X_RateLimit_Reset="5"), 5, 5),  # Reddit: seconds from now
])
def test_429_waits_as_the_server_asks(server, tmp_path, make_fault, low: float, high: float) -> None:
    server.fail("/thing", make_fault())
    sleeps: list[float] = []
    with client(tmp_path, sleeps) as c:
        assert c.get_json(f"{server.url}/thing")["n"] == 0
    assert low - 0.5 <= sleeps[0] <= high + 0.5


def test_429_asking_for_too_long_fails_fast(server, tmp_path) -> None:
    server.fail("/thing", Fault.retry_after(3600))
    sleeps: list[float] = []
    with client(tmp_path, sleeps, max_wait=60) as c, pytest.raises(AuditorError) as err:
        c.get(f"{server.url}/thing")
    assert sleeps == []
    assert "asks to wait 3600 s, longer than the 60 s allowed" in str(err.value)


def test_429_real_sleep_is_short_and_real(server, tmp_path) -> None:
    server.fail("/thing", Fault.retry_after(1))
    started = time.monotonic()
    with client(tmp_path) as c:
        c.get(f"{server.url}/thing")
    assert 0.9 <= time.monotonic() - started < 3


def test_client_errors_are_returned_for_the_caller(server, tmp_path) -> None:
    with client(tmp_path) as c, pytest.raises(HttpStatusError) as err:
        c.get(f"{server.url}/missing")
    assert err.value.status == 404 and err.value.json() == {"error": "NotFound"}
    assert len(server.hits("/missing")) == 1  # 4xx is not retried


def test_cache_serves_a_rerun_without_refetching(server, tmp_path) -> None:
    with client(tmp_path) as c:
        first = c.get_json(f"{server.url}/thing", {"q": "a"})
        again = c.get_json(f"{server.url}/thing", {"q": "a"})
        other = c.get_json(f"{server.url}/thing", {"q": "b"})
    with client(tmp_path) as c2:  # a new process-like client on the same cache dir
        rerun = c2.get(f"{server.url}/thing", {"q": "a"})
    assert first == again == rerun.json() and rerun.from_cache
    assert other["n"] == 1 and len(server.hits("/thing")) == 2


def test_cache_ttl_corruption_and_off_switch(server, tmp_path) -> None:
    with client(tmp_path) as c:
        c.get(f"{server.url}/thing")
    with client(tmp_path, cache_ttl=0) as c:
        c.get(f"{server.url}/thing")
    assert len(server.hits("/thing")) == 2  # stale → refetched
    for path in (tmp_path / "cache" / "http").rglob("*.bin"):
        path.write_bytes(b'{"format": 1, "key": "x"}\ngarbage')
    with client(tmp_path) as c:
        assert c.get_json(f"{server.url}/thing")["n"] == 2
    with client(tmp_path, cache_dir=None) as c:
        c.get(f"{server.url}/thing")
        c.get(f"{server.url}/thing")
    assert len(server.hits("/thing")) == 5
    assert not list(tmp_path.glob("cache/http/*/.*.part"))  # atomic writes leave no temp files


def test_failed_answers_are_not_cached(server, tmp_path) -> None:
    server.fail("/thing", Fault.http(404))
    with client(tmp_path) as c:
        with pytest.raises(HttpStatusError):
            c.get(f"{server.url}/thing")
        assert c.get_json(f"{server.url}/thing")["n"] == 0


def test_per_host_pacing(server, tmp_path) -> None:
    sleeps: list[float] = []
    with client(tmp_path, sleeps, min_interval=0.5, cache_dir=None) as c:
        for _ in range(3):
            c.get(f"{server.url}/thing")
    assert len(sleeps) == 2 and all(0.3 < s <= 1.0 for s in sleeps)


def test_cache_key_ignores_param_order() -> None:
    assert ResponseCache.key("get", "u", {"b": 1, "a": 2}) == ResponseCache.key("GET", "u", {"a": 2, "b": 1})


def test_rate_limit_wait_parsing() -> None:
    now = 1_700_000_000.0
    assert rate_limit_wait({"retry-after": "30"}, now) == 30
    assert rate_limit_wait({"x-ratelimit-reset": "2023-11-14T22:13:40Z"}, now) == pytest.approx(20)
    mastodon = {"x-ratelimit-reset": "2023-11-14T22:13:40.846373Z"}
    assert rate_limit_wait(mastodon, now) == pytest.approx(20.846373)
    assert rate_limit_wait({"ratelimit-reset": str(int(now) + 42)}, now) == 42
    assert rate_limit_wait({"retry-after": "Tue, 14 Nov 2023 22:13:50 GMT"}, now) == 30
    assert rate_limit_wait({"retry-after": "soon"}, now) is None
    assert rate_limit_wait({}, now) is None


def test_link_header_parsing() -> None:
    value = ('<https://h/api/v1/accounts/1/statuses?limit=40&max_id=9>; rel="next", '
             '<https://h/api/v1/accounts/1/statuses?limit=40&min_id=20>; rel="prev"')
    assert parse_link_header(value) == {"next": "https://h/api/v1/accounts/1/statuses?limit=40&max_id=9",
                                        "prev": "https://h/api/v1/accounts/1/statuses?limit=40&min_id=20"}
    assert parse_link_header("") == {}


def test_config_from_env(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("AUDITOR_HTTP_TIMEOUT", "2.5")
    monkeypatch.setenv("AUDITOR_MAX_WAIT", "10")
    cfg = HttpConfig.from_env()
    assert cfg.cache_dir == tmp_path / "c" and cfg.timeout == 2.5 and cfg.max_wait == 10
    monkeypatch.setenv("AUDITOR_NO_CACHE", "1")
    assert HttpConfig.from_env().cache_dir is None
    monkeypatch.setenv("AUDITOR_HTTP_TIMEOUT", "fast")
    with pytest.raises(AuditorError, match="AUDITOR_HTTP_TIMEOUT: not a number"):
        HttpConfig.from_env()
