"""The language of a not-assessed post, by name and code, so a reader of that language can check it."""

from __future__ import annotations

from functools import lru_cache

import pycld2

from auditor.lang import language_name

_NOT_COVERED = ": language not covered"  # how auditor.lang words the reason: "French: language not covered"


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    return {language_name(code): code for _, code in pycld2.LANGUAGES if code and code != "un"}


def language_of(reason: str | None) -> tuple[str | None, str]:
    """``(code, name)`` of a not-assessed post from its reason; no code when it was not about a language
    (``(None, "no text to assess")``)."""
    if reason and reason.endswith(_NOT_COVERED):
        name = reason[: -len(_NOT_COVERED)]
        return _codes_by_name().get(name), name
    return None, reason or "not assessed"
