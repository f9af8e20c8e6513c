"""Where shipped files live: the repo's models/ and reports/ (editable) or their copies in the wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _shipped(package: str, repo_dir: str) -> Path:
    try:
        path = Path(str(resources.files(package)))
        if path.is_dir():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return _REPO_ROOT / repo_dir


def models_dir() -> Path:
    """The folder holding the trained classifiers (*.skops) and their cards."""
    return _shipped("auditor._models", "models")


def reports_dir() -> Path:
    """The folder holding the Jinja2 report templates and CSS."""
    return _shipped("auditor._reports", "reports")


def policies_dir() -> Path:
    """The folder holding the shipped brand policies (YAML)."""
    return Path(__file__).resolve().parent / "policies"


def demo_dir() -> Path:
    """The folder holding the shipped demo archive."""
    return Path(__file__).resolve().parent / "demo"
