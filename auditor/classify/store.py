"""Read the shipped skops model file without importing scikit-learn (keeps model loading under a second).

The model state is written with `skops.io.dump` and holds only dicts, lists, JSON scalars and numpy arrays.
This reader understands exactly those node kinds and loads arrays with allow_pickle=False, so it executes no
code from the file; any other node kind is refused (the caller then reports the file as corrupt).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np


class UnsupportedNode(ValueError):
    """The file holds a node this reader does not accept."""


def _node(zf: zipfile.ZipFile, node: dict[str, Any]) -> Any:
    loader = node.get("__loader__")
    if loader == "JsonNode":
        return json.loads(node["content"])
    if loader == "DictNode":
        if node.get("__class__") != "dict":
            raise UnsupportedNode(str(node.get("__class__")))
        return {k: _node(zf, v) for k, v in node["content"].items()}
    if loader == "ListNode":
        if node.get("__class__") != "list":
            raise UnsupportedNode(str(node.get("__class__")))
        return [_node(zf, v) for v in node["content"]]
    if loader == "NdArrayNode" and node.get("type") == "numpy":
        with zf.open(node["file"]) as fh:
            return np.load(io.BytesIO(fh.read()), allow_pickle=False)
    raise UnsupportedNode(str(loader))


def read_state(path: Path) -> dict[str, Any]:
    """The dict stored in a skops file (dicts, lists, JSON values and numpy arrays only)."""
    with zipfile.ZipFile(path) as zf:
        schema = json.loads(zf.read("schema.json"))
        state = _node(zf, schema)
    if not isinstance(state, dict):
        raise UnsupportedNode("top level is not a dict")
    return state
