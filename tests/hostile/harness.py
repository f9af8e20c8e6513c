"""Run the CLI as an attacker's victim would: a subprocess capped at 2 GB of address space and 60 s of CPU,
then check it refused cleanly (exit 2, one ``auditor: error:`` line, no traceback, nothing half-written) and
leaked no private canary text."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import libipld
from fakeserver import CarBuilder, _varint

MEMORY_CAP = 2 << 30
CPU_SECONDS = 60
#: Words that must never reach any output: they stand for DMs and followers-only posts.
CANARY = "zanzibar-private-canary"


def _caps() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def cli(*args: str, env: dict[str, str] | None = None, stdout: Any = None, stdin: Any = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m auditor ARGS`` under the memory and CPU caps, with ``env`` added to the environment."""
    full = {k: v for k, v in os.environ.items() if k != "AUDITOR_DEBUG" and not k.startswith("AUDITOR_MAX")}
    full.update({"AUDITOR_NO_CACHE": "1", "AUDITOR_PROGRESS": "0", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args], env=full, preexec_fn=_caps, text=True, timeout=timeout,
        stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=stdin if stdin is not None else subprocess.DEVNULL)


def assert_refused(proc: subprocess.CompletedProcess, *needles: str) -> str:
    """Exit 2 and exactly one ``auditor: error:`` line containing every needle; returns that line."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("auditor: error: "), proc.stderr[-2000:]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")) if folder.exists() else []


def assert_nothing_written(folder: Path) -> None:
    """No report, no hidden ``.part`` or ``.old`` folder, no temporary file."""
    left = [p for p in files_under(folder)]
    assert not left, left


def assert_no_canary(*places: Path | str) -> None:
    """The canary is in no file under the given folders/files and in no given text."""
    for place in places:
        if isinstance(place, Path):
            for path in [place] if place.is_file() else files_under(place):
                if path.is_file():
                    assert CANARY.encode() not in path.read_bytes(), path
        else:
            assert CANARY not in place


# -- X archives ------------------------------------------------------------------------------------------

def tweet(tid: int, text: str, when: str = "Mon Jan 01 12:00:00 +0000 2024", **extra: Any) -> dict:
    return {"tweet": {"id_str": str(tid), "id": str(tid), "full_text": text, "created_at": when, "lang": "en",
                      "entities": {"urls": [], "hashtags": [], "user_mentions": []}, **extra}}


def x_archive(path: Path, tweets: list[dict], *, files: dict[str, Any] | None = None,
              data_types: dict[str, Any] | None = None, user_info: dict[str, Any] | None = None) -> Path:
    """A zip like X's download: data/manifest.js, data/tweets.js, plus ``files`` (name → JS array value)."""
    info = user_info if user_info is not None else {"userName": "hostile_user", "displayName": "Hostile User"}
    types = {"tweets": {"files": [{"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0",
                                   "count": str(len(tweets))}]}, **(data_types or {})}
    manifest = {"userInfo": info, "archiveInfo": {"isPartialArchive": False}, "dataTypes": types}
    members = {"data/manifest.js": "window.__THAR_CONFIG = " + json.dumps(manifest),
               "data/tweets.js": "window.YTD.tweets.part0 = " + json.dumps(tweets)}
    for name, value in (files or {}).items():
        glob = name.removeprefix("data/").removesuffix(".js").replace("-", "_")
        members[name] = value if isinstance(value, str) else f"window.YTD.{glob}.part0 = " + json.dumps(value)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


# -- Bluesky repository CARs -----------------------------------------------------------------------------

DID = "did:plc:hostilehostilehostile00"


def post_record(text: str, when: str = "2024-03-01T12:00:00Z") -> dict:
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": when, "langs": ["en"]}


def car_with_tree(builder: CarBuilder, data_root: bytes) -> bytes:
    """A CAR whose commit points at the MST node ``data_root`` (built by hand, so it may be hostile)."""
    commit = builder.put({"did": DID, "version": 3, "data": data_root, "rev": "x", "prev": None,
                          "sig": b"\0" * 64})
    header = libipld.encode_dag_cbor({"version": 1, "roots": [commit]})
    out = bytearray(_varint(len(header)) + header)
    for cid, data in builder.blocks.items():
        out += _varint(len(cid) + len(data)) + cid + data
    return bytes(out)


def flat_tree(builder: CarBuilder, entries: list[tuple[str, bytes]]) -> bytes:
    """A CAR whose tree is one MST node listing ``(key, record cid)`` as given (any order, any target)."""
    node = {"l": None, "e": [{"p": 0, "k": k.encode(), "v": v, "t": None} for k, v in entries]}
    return car_with_tree(builder, builder.put(node))


def nested(depth: int, leaf: Any = "x") -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value
