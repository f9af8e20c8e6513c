"""Privacy in X archives, read in-process: protection history, and post files chosen by name only."""

from __future__ import annotations

import pytest
from harness import CANARY, tweet, x_archive

from auditor.errors import AuditorError
from auditor.sources import read_source

_2020, _2021, _2022 = ("Wed Jun 10 12:00:00 +0000 2020", "Thu Jun 10 12:00:00 +0000 2021",
                       "Fri Jun 10 12:00:00 +0000 2022")


def _change(action: str, when: str) -> dict:
    return {"protectedHistory": {"protectedAt": when, "action": action}}


def _visibility(tmp_path, history) -> dict[str, str]:
    tweets = [tweet(1, "a", _2020), tweet(2, CANARY, _2021), tweet(3, "c", _2022)]
    archive = x_archive(tmp_path / "p.zip", tweets, files={"data/protected-history.js": history})
    result = read_source(str(archive))
    return {p.id: p.visibility for p in result.posts}


def test_still_protected_hides_every_post(tmp_path):
    history = [_change("Protect", "2021-01-01T00:00:00.000Z")]
    assert set(_visibility(tmp_path, history).values()) == {"private"}


def test_protected_then_public_hides_that_period_only(tmp_path):
    history = [_change("Unprotect", "2022-01-01T00:00:00.000Z"),
               _change("Protect", "2021-01-01T00:00:00.000Z")]
    assert _visibility(tmp_path, history) == {"1": "public", "2": "private", "3": "public"}


@pytest.mark.parametrize("history", [[_change("Lock", "2021-01-01T00:00:00Z")], [_change("Protect", "")],
                                     ["not an object"], {"not": "a list"}])
def test_an_unreadable_history_stops_the_run(tmp_path, history):
    with pytest.raises(AuditorError, match="protected-history.js"):
        _visibility(tmp_path, history)


def test_manifest_cannot_make_other_files_post_files(tmp_path):
    types = {"tweets": {"files": [{"fileName": "data/direct-messages.js"}, {"fileName": "data/like.js"}]},
             "noteTweet": {"files": [{"fileName": "data/account.js"}]}}
    files = {"data/direct-messages.js": [{"tweet": {"id_str": "9", "full_text": CANARY}}],
             "data/like.js": [{"tweet": {"id_str": "8", "full_text": CANARY}}],
             "data/account.js": [{"noteTweet": {"noteTweetId": "7", "core": {"text": CANARY}}}]}
    archive = x_archive(tmp_path / "x.zip", [tweet(1, "fine")], data_types=types, files=files)
    with pytest.raises(AuditorError, match="without any tweets file"):
        read_source(str(archive))  # the manifest's only "tweets" files are not post files
