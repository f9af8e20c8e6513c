"""A CAR v1 file (content-addressed archive, the Bluesky repo export) read block by block, each block's
CID checked against the SHA-256 of its bytes, so a tampered or corrupt export cannot slip records in."""

from __future__ import annotations

import hashlib
from typing import Any

import libipld

from auditor.errors import AuditorError

MAX_HEADER = 4096
_SHA2_256 = 0x12
_DAG_CBOR = 0x71
_BAD = "not a readable Bluesky repository export"


def read_varint(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 varint at ``pos``: ``(value, next position)``; ValueError if cut off or huge."""
    value = shift = 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise ValueError("bad varint")


def _cid_end(data: memoryview, pos: int) -> tuple[int, int, int, int]:
    """Parse a binary CIDv1 at ``pos``: ``(codec, hash code, digest start, end)``."""
    version, pos = read_varint(data, pos)
    if version != 1:
        raise ValueError(f"CID version {version}")
    codec, pos = read_varint(data, pos)
    code, pos = read_varint(data, pos)
    size, pos = read_varint(data, pos)
    return codec, code, pos, pos + size


def read_car(data: bytes, where: str) -> tuple[bytes, dict[bytes, Any]]:
    """The first root CID and ``{cid bytes: decoded block}`` (DAG-CBOR blocks decoded, raw blocks as bytes).

    Every block's CID must be a CIDv1 with a SHA-256 digest equal to the hash of the block's bytes.
    """
    view = memoryview(data)
    try:
        length, pos = read_varint(view, 0)
        if not 0 < length <= MAX_HEADER or pos + length > len(data):
            raise ValueError("bad header length")
        header = libipld.decode_dag_cbor(bytes(view[pos:pos + length]))
        pos += length
    except (ValueError, RecursionError) as exc:
        raise AuditorError(where, f"{_BAD} ({exc})") from None
    roots = header.get("roots") if isinstance(header, dict) else None
    if header.get("version") != 1 or not (isinstance(roots, list) and roots and isinstance(roots[0], bytes)):
        raise AuditorError(where, f"{_BAD} (no root in the CAR header)")
    blocks: dict[bytes, Any] = {}
    count = 0
    while pos < len(data):
        count += 1
        try:
            size, start = read_varint(view, pos)
            end = start + size
            if size == 0 or end > len(data):
                raise ValueError("block cut short")
            codec, code, digest_at, cid_end = _cid_end(view, start)
            if cid_end > end:
                raise ValueError("CID longer than its block")
        except ValueError as exc:
            raise AuditorError(where, f"{_BAD} (block {count}: {exc})") from None
        body = view[cid_end:end]
        if code != _SHA2_256 or bytes(view[digest_at:cid_end]) != hashlib.sha256(body).digest():
            raise AuditorError(where, f"{_BAD} (block {count}: its content does not match its CID)")
        cid = bytes(view[start:cid_end])
        if codec == _DAG_CBOR:
            try:
                blocks[cid] = libipld.decode_dag_cbor(bytes(body))
            except (ValueError, RecursionError) as exc:
                raise AuditorError(where, f"{_BAD} (block {count}: {exc})") from None
        else:
            blocks[cid] = bytes(body)
        pos = end
    return roots[0], blocks
