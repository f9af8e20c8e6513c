"""Helpers for the export-reader tests: fixture paths and archives built from fixture folders."""

from __future__ import annotations

import shutil
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(*parts: str) -> Path:
    return FIXTURES.joinpath(*parts)


def build_tree(dest: Path, members: dict[str, Path | str | bytes]) -> Path:
    """An unpacked export folder: member name → fixture path, text or bytes."""
    for name, src in members.items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(src, Path):
            shutil.copyfile(src, target)
        elif isinstance(src, bytes):
            target.write_bytes(src)
        else:
            target.write_text(src, encoding="utf-8")
    return dest


def build_zip(dest: Path, members: dict[str, Path | str | bytes]) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, src in members.items():
            zf.writestr(name, src.read_bytes() if isinstance(src, Path) else src)
    return dest


def build_targz(dest: Path, members: dict[str, Path | str | bytes], tmp: Path) -> Path:
    folder = build_tree(tmp / (dest.name + ".src"), members)
    with tarfile.open(dest, "w:gz") as tf:
        for name in members:
            tf.add(folder / name, arcname=name)
    return dest


def counts(posts) -> dict[str, int]:
    """Kinds, deleted and not-public counts of a list of Posts, for exact assertions."""
    c = Counter(p.kind for p in posts)
    c["deleted"] = sum(p.deleted for p in posts)
    c["not_public"] = sum(not p.auditable for p in posts)
    return dict(sorted((k, v) for k, v in c.items() if v))
