"""Small text files users write (policies, person files): size-capped, UTF-8, YAML errors with lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from auditor.errors import AuditorError


def read_small_text(path: Path, what: str, max_bytes: int) -> str:
    """The whole file as UTF-8 text (BOM dropped); AuditorError naming the file when it cannot be."""
    where = str(path)
    try:
        if path.is_dir():
            raise AuditorError(where, f"is a folder, not a {what}")
        if path.stat().st_size > max_bytes:
            raise AuditorError(where, f"{what} is too large (over {max_bytes // 1024} KB)")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AuditorError(where, f"{what} is not UTF-8 text") from None
    except OSError as exc:
        raise AuditorError(where, f"cannot read {what} ({exc.strerror or exc})") from None


def parse_yaml(text: str, where: str) -> Any:
    """``yaml.safe_load`` whose errors name the file and the line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise AuditorError(where, f"not valid YAML{line}") from None
