"""HR presets: what an HR report may show per category and protected topic (show, count or withhold)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.categories import CATEGORIES
from auditor.errors import AuditorError
from auditor.textfile import parse_yaml, read_small_text
from auditor.topics import TOPICS

DISPLAY_MODES: tuple[str, ...] = ("show", "count", "withhold")  # least to most protective
_KEYS = {"name", "description", "basis", "display"}
MAX_PRESET_BYTES = 64 * 1024


def presets_dir() -> Path:
    """The folder holding the shipped jurisdiction presets (YAML)."""
    return Path(__file__).resolve().parent / "hr_presets"


@dataclass(frozen=True)
class Preset:
    """A jurisdiction preset. ``display`` maps a category or topic to show/count/withhold (default show)."""

    name: str
    description: str
    basis: tuple[str, ...] = ()
    display: dict[str, str] = field(default_factory=dict)

    def mode(self, key: str) -> str:
        return self.display.get(key, "show")

    def strictest(self, keys: list[str]) -> str:
        """The most protective mode among ``keys`` (show when none is hidden)."""
        return max((self.mode(k) for k in keys), key=DISPLAY_MODES.index, default="show")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "basis": list(self.basis),
                "display": {k: self.mode(k) for k in (*CATEGORIES, *TOPICS)}}


def shipped_presets() -> list[str]:
    """Names of the presets that ship with auditor (default first)."""
    return sorted((p.stem for p in presets_dir().glob("*.yaml")), key=lambda n: (n != "default", n))


def load_preset(name: str | None) -> Preset:
    """A shipped preset by name, or a preset YAML file; AuditorError when it does not exist or is invalid."""
    text = name or "default"
    path = Path(text)
    if not path.is_file():
        if text not in shipped_presets():
            raise AuditorError(text, f"no such preset (shipped presets: {', '.join(shipped_presets())})")
        path = presets_dir() / f"{text}.yaml"
    where = str(path)
    data = parse_yaml(read_small_text(path, "preset file", MAX_PRESET_BYTES), where)
    if not isinstance(data, dict) or not str(data.get("name", "")).strip():
        raise AuditorError(where, "a preset is a YAML mapping with name, description, basis and display")
    extra = sorted(str(k) for k in data if k not in _KEYS)
    if extra:
        expected = ", ".join(sorted(_KEYS))
        raise AuditorError(where, f"unknown setting {', '.join(extra)} (expected: {expected})")
    display = data.get("display") or {}
    if not isinstance(display, dict):
        raise AuditorError(where, "display must map categories and topics to show, count or withhold")
    allowed = (*CATEGORIES, *TOPICS)
    for key, mode in display.items():
        if key not in allowed:
            known = ", ".join(allowed)
            raise AuditorError(where, f"display: unknown category or topic {key!r} (known: {known})")
        if mode not in DISPLAY_MODES:
            modes = ", ".join(DISPLAY_MODES)
            raise AuditorError(where, f"display.{key} must be one of {modes}, got {mode!r}")
    basis = data.get("basis") or []
    if not isinstance(basis, list):
        raise AuditorError(where, "basis must be a list of the laws or reasons behind the preset")
    description = " ".join(str(data.get("description", "")).split())
    return Preset(name=str(data["name"]).strip(), description=description,
                  basis=tuple(str(b) for b in basis), display={str(k): str(v) for k, v in display.items()})
