"""read_source explains why a file is not read, in one line naming it."""

import pytest

from auditor.errors import AuditorError
from auditor.pipeline import demo_source
from auditor.sources import read_source


@pytest.mark.parametrize(
    ("name", "make", "problem"),
    [
        ("trunc.zip", lambda p: p.write_bytes(open(demo_source(), "rb").read()[:5000]), "truncated zip"),
        ("utf16.csv", lambda p: p.write_bytes("text\nhello\n".encode("utf-16")), "UTF-16"),
        ("table.csv", lambda p: p.write_text("a,b\n1,2\n"), "no 'text' column"),
        ("blank.bin", lambda p: p.write_bytes(b"\0" * 4096), "not a format"),
        ("trunc.tar.gz", lambda p: p.write_bytes(b"\x1f\x8b\x08\x00" + b"\x01" * 64), "gzip"),
    ],
)
def test_unknown_files_say_why(tmp_path, name, make, problem):
    path = tmp_path / name
    make(path)
    with pytest.raises(AuditorError, match=problem) as err:
        read_source(str(path))
    assert str(path) in str(err.value)


def test_unknown_platform_lists_live_sources():
    with pytest.raises(AuditorError, match="unknown platform 'myspace'.*bsky"):
        read_source("myspace:tom")
