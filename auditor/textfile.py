"""Small text files users write (policies, person files): size-capped, UTF-8, YAML errors with lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from auditor.errors import AuditorError


class _NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without anchors and aliases: a 400-byte "billion laughs" file cannot expand to
    gigabytes, and nothing a person or policy file needs is lost."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            raise yaml.YAMLError("anchors and aliases (&name, *name) are not allowed")
        return super().compose_node(parent, index)


def read_small_text(path: Path, what: str, max_bytes: int) -> str:
    """The whole file as UTF-8 text (BOM dropped); AuditorError naming the file when it cannot be.

    At most ``max_bytes`` are read whatever the file claims, so ``/dev/zero`` or a FIFO cannot fill memory.
    """
    where = str(path)
    try:
        if path.is_dir():
            raise AuditorError(where, f"is a folder, not a {what}")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise AuditorError(where, f"{what} is too large (over {max_bytes // 1024} KB)")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AuditorError(where, f"{what} is not UTF-8 text") from None
    except OSError as exc:
        raise AuditorError(where, f"cannot read {what} ({exc.strerror or exc})") from None


def parse_yaml(text: str, where: str) -> Any:
    """Safe YAML (no tags, no anchors or aliases) whose errors name the file and the line."""
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        detail = "" if mark is not None or not str(exc) else f": {str(exc)[:80]}"
        raise AuditorError(where, f"not valid YAML{line}{detail}") from None
    except RecursionError:
        raise AuditorError(where, "not valid YAML (nested too deeply)") from None
    except ValueError:  # an integer past Python's digit limit
        raise AuditorError(where, "not valid YAML (a number is too long)") from None
