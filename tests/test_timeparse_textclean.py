"""Timestamps from every source become aware UTC; clean text removes styling tricks."""

from datetime import datetime, timezone

import pytest

from auditor.textclean import clean_text
from auditor.timeparse import parse_any_ts

UTC = timezone.utc


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tue Dec 02 06:23:48 +0000 2025", datetime(2025, 12, 2, 6, 23, 48, tzinfo=UTC)),
        ("2024-01-30T15:58:35.045Z", datetime(2024, 1, 30, 15, 58, 35, 45000, tzinfo=UTC)),
        ("2023-04-26T00:09:58-07:00", datetime(2023, 4, 26, 7, 9, 58, tzinfo=UTC)),
        ("2023-07-21T01:33:51.481951", datetime(2023, 7, 21, 1, 33, 51, 481951, tzinfo=UTC)),
        ("2024-11-18T18:02:15.8878051-05:00", datetime(2024, 11, 18, 23, 2, 15, 887805, tzinfo=UTC)),
        ("2014-08-27 00:59:46 UTC", datetime(2014, 8, 27, 0, 59, 46, tzinfo=UTC)),
        ("2025-07-01 14:33:22", datetime(2025, 7, 1, 14, 33, 22, tzinfo=UTC)),
        ("2022-12-01", datetime(2022, 12, 1, tzinfo=UTC)),
        (1471086224, datetime(2016, 8, 13, 11, 3, 44, tzinfo=UTC)),
        (1683327131.0, datetime(2023, 5, 5, 22, 52, 11, tzinfo=UTC)),
        ("1471086224", datetime(2016, 8, 13, 11, 3, 44, tzinfo=UTC)),
    ],
)
def test_parse_any_ts(raw, expected):
    got = parse_any_ts(raw)
    assert got == expected and got.tzinfo is not None


@pytest.mark.parametrize("bad", ["yesterday", "Tue Foo 02 06:23:48 +0000 2025", True, 1e308, "-99999999999"])
def test_parse_any_ts_rejects_garbage(bad):
    with pytest.raises(ValueError):
        parse_any_ts(bad)


def test_empty_timestamp_is_none():
    assert parse_any_ts(None) is None and parse_any_ts("") is None


def test_clean_text():
    assert clean_text("𝗪𝗛𝗔𝗧 𝘫𝘶𝘴𝘵") == "WHAT just"
    assert clean_text("f\u200bu\u200dck  this\u00a0day") == "fuck this day"
    assert clean_text("a\n\n\n\nb ") == "a\n\nb"
    assert clean_text(None) == ""
