"""auditor.limits: values from the environment, messages that name the limit and how to raise it."""

from __future__ import annotations

import pytest

from auditor import limits
from auditor.errors import AuditorError
from auditor.sources.guard import clean_name


@pytest.mark.parametrize(("raw", "expected"), [("2048", 2048), ("64K", 64 << 10), ("512M", 512 << 20),
                                               ("2G", 2 << 30), ("1.5k", 1536), (" 3 MiB ", 3 << 20)])
def test_sizes_take_suffixes(monkeypatch, raw, expected):
    monkeypatch.setenv("AUDITOR_MAX_FILE_BYTES", raw)
    assert limits.FILE_BYTES.value == expected


@pytest.mark.parametrize("raw", ["lots", "inf", "nan", "-5", "0", "1e999"])
def test_bad_values_are_one_line_errors_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("AUDITOR_MAX_POSTS", raw)
    with pytest.raises(AuditorError) as err:
        limits.POSTS.check(1, "x.zip")
    assert err.value.where == "AUDITOR_MAX_POSTS"


def test_the_message_names_the_file_the_amount_the_limit_and_the_variable(monkeypatch):
    monkeypatch.delenv("AUDITOR_MAX_POST_CHARS", raising=False)
    with pytest.raises(limits.LimitExceeded) as err:
        limits.POST_CHARS.check(250_000, "big.zip")
    assert str(err.value) == ("big.zip: one post's text has 250,000 characters, over the limit of 100,000 "
                              "characters (set AUDITOR_MAX_POST_CHARS to raise it)")
    limits.POST_CHARS.check(100_000, "big.zip")  # at the limit is fine


def test_every_limit_has_its_own_variable():
    names = [limit.env for limit in limits.ALL]
    assert len(set(names)) == len(names) and all(n.startswith("AUDITOR_") for n in names)


def test_json_depth_is_measured_without_recursion():
    deep: object = "leaf"
    for _ in range(100_000):
        deep = [deep]
    assert limits.json_depth(deep) == 100_000
    assert limits.json_depth({"a": [1, {"b": []}]}) == 4


def test_names_lose_controls_and_are_shortened(monkeypatch):
    monkeypatch.setenv("AUDITOR_MAX_NAME_CHARS", "10")
    assert clean_name("Eve \u202eevil\u202c\x00 Example") == "Eve evil …"
    assert clean_name({"not": "text"}) is None
