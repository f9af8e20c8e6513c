"""Safe access to export archives: traversal, bombs, corrupt files, folders."""

import io
import tarfile
import zipfile

import pytest

from auditor.errors import AuditorError
from auditor.sources.archive import ArchiveTree, is_archive


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_and_folder_give_same_names_and_text(tmp_path):
    z = _zip(tmp_path / "a.zip", {"data/tweets.js": "hello", "data/sub/x.txt": "\ufeffbom"})
    folder = tmp_path / "unpacked"
    (folder / "data" / "sub").mkdir(parents=True)
    (folder / "data" / "tweets.js").write_text("hello")
    (folder / "data" / "sub" / "x.txt").write_text("\ufeffbom", encoding="utf-8")
    for tree in (ArchiveTree.open(z), ArchiveTree.open(folder)):
        with tree:
            assert tree.names() == ["data/sub/x.txt", "data/tweets.js"]
            assert tree.read_text("data/tweets.js") == "hello"
            assert tree.read_text("data/sub/x.txt") == "bom"
            assert tree.find("tweets.js") == ["data/tweets.js"]
            assert tree.find("data/*.js") == ["data/tweets.js"]
    assert is_archive(z) and not is_archive(folder)


@pytest.mark.parametrize("evil", ["../evil.txt", "data/../../evil.txt", "/etc/passwd", "C:/win.ini"])
def test_zip_with_unsafe_paths_is_refused(tmp_path, evil):
    z = _zip(tmp_path / "evil.zip", {"ok.txt": "x", evil: "pwned"})
    with pytest.raises(AuditorError, match="unsafe path") as err:
        ArchiveTree.open(z)
    assert "evil.zip" in str(err.value)


def test_tar_with_traversal_is_refused(tmp_path):
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        data = b"pwned"
        info = tarfile.TarInfo("../../evil.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    with pytest.raises(AuditorError, match="unsafe path"):
        ArchiveTree.open(path)


def test_tar_reads_members_and_skips_links(tmp_path):
    path = tmp_path / "outbox.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        data = b'{"ok": true}'
        info = tarfile.TarInfo("outbox.json")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link.json")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    with ArchiveTree.open(path) as tree:
        assert tree.names() == ["outbox.json"]
        assert tree.read_text("outbox.json") == '{"ok": true}'


def test_decompression_bomb_is_refused(tmp_path):
    # 50 MiB of zeros compress to ~50 KiB: a ratio of ~1000:1.
    z = _zip(tmp_path / "bomb.zip", {"data/tweets.js": b"\0" * (50 * 1024 * 1024)})
    with ArchiveTree.open(z) as tree, pytest.raises(AuditorError, match="decompression bomb") as err:
        tree.read_bytes("data/tweets.js")
    assert "bomb.zip" in str(err.value)


def test_member_over_size_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_MAX_FILE_BYTES", "1000")
    z = _zip(tmp_path / "big.zip", {"data/tweets.js": "x" * 5000})
    with ArchiveTree.open(z) as tree, pytest.raises(AuditorError, match="AUDITOR_MAX_FILE_BYTES"):
        tree.read_bytes("data/tweets.js")


def test_corrupt_zip_names_file(tmp_path):
    good = _zip(tmp_path / "good.zip", {"data/tweets.js": "y" * 10000})
    raw = bytearray(good.read_bytes())
    raw[40:200] = b"\xff" * 160  # smash the first member's compressed data
    bad = tmp_path / "corrupt.zip"
    bad.write_bytes(bytes(raw))
    with pytest.raises(AuditorError) as err, ArchiveTree.open(bad) as tree:
        tree.read_bytes("data/tweets.js")
    assert "corrupt.zip" in str(err.value)


def test_not_an_archive(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("just text")
    with pytest.raises(AuditorError, match="not a zip"):
        ArchiveTree.open(f)
    with pytest.raises(AuditorError, match="no such file"):
        ArchiveTree.open(tmp_path / "missing.zip")


def test_folder_does_not_follow_links_out(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "inside.txt").write_text("ok")
    (folder / "link.txt").symlink_to(outside)
    with ArchiveTree.open(folder) as tree:
        assert tree.names() == ["inside.txt"]
        with pytest.raises(AuditorError):
            tree.read_bytes("../secret.txt")


def test_non_utf8_member_is_named(tmp_path):
    z = _zip(tmp_path / "latin.zip", {"data/tweets.js": "caf\xe9".encode("latin-1")})
    with ArchiveTree.open(z) as tree, pytest.raises(AuditorError, match="not UTF-8") as err:
        tree.read_text("data/tweets.js")
    assert "latin.zip:data/tweets.js" in str(err.value)


def test_read_head_reads_only_the_start(tmp_path):
    z = _zip(tmp_path / "a.zip", {"outbox.json": '{"type": "OrderedCollection"}' + " " * 100000})
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "outbox.json").write_text('{"type": "OrderedCollection"}')
    for tree in (ArchiveTree.open(z), ArchiveTree.open(folder)):
        with tree:
            assert tree.read_head("outbox.json", 8) == b'{"type":'
            with pytest.raises(AuditorError):
                tree.read_head("missing.json")


def test_zero_filled_file_is_not_an_archive(tmp_path):
    blank = tmp_path / "blank.jsonl"
    blank.write_bytes(b"\0" * (2 << 20))
    assert not is_archive(blank)
    with pytest.raises(AuditorError, match="not a zip"):
        ArchiveTree.open(blank)


def test_tar_gz_bomb_is_refused_while_listing(tmp_path):
    path = tmp_path / "bomb.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        data = b"\0" * (40 << 20)
        info = tarfile.TarInfo("outbox.json")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        tf.addfile(tarfile.TarInfo("actor.json"), io.BytesIO(b""))
    with pytest.raises(AuditorError, match="decompression bomb") as err:
        ArchiveTree.open(path)
    assert "bomb.tar.gz" in str(err.value)
