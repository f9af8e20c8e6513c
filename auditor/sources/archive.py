"""Safe read access to an export: a .zip, a .tar.gz or an unpacked folder, without extracting to disk.

Every member is checked before it is read: no absolute or ``..`` paths, no links out of the tree, no member
larger than ``AUDITOR_MAX_FILE_BYTES`` once inflated, no archive inflating past ``AUDITOR_MAX_ARCHIVE_BYTES``,
and no member whose compression ratio marks it as a decompression bomb. A member read as a stream by a caller
that keeps only what it parses (a tweets.js) is bounded by the ratio check and ``AUDITOR_MAX_STREAM_BYTES``
instead of the two size caps: its memory is bounded by the posts and per-item limits. Problems are
``AuditorError`` naming the archive.
"""

from __future__ import annotations

import fnmatch
import io
import posixpath
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from auditor import limits
from auditor.errors import AuditorError

# Sizes: ``auditor.limits.FILE_BYTES`` for one inflated file, ``ARCHIVE_BYTES`` for everything read from one.
MAX_RATIO = 200  # inflated / compressed size; text JSON stays far below this
RATIO_FLOOR_BYTES = 1024 * 1024  # small members may compress well without being bombs
_CHUNK = 1024 * 1024


_COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")  # gzip, bzip2, xz


def _looks_like_tar(path: Path) -> bool:
    """A tar by its magic: compressed (then tarfile checks the header) or a plain ustar header.

    ``tarfile.is_tarfile`` alone accepts any run of zero bytes and would scan a huge empty file to its end.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    if head.startswith(_COMPRESSED_MAGIC):
        try:
            return tarfile.is_tarfile(path)
        except (OSError, EOFError, tarfile.TarError):
            return False
    return len(head) == 512 and head[257:262] == b"ustar"


def is_archive(path: Path) -> bool:
    """True for a zip or tar file, judged by content, not by name."""
    path = Path(path)
    if not path.is_file():
        return False
    return zipfile.is_zipfile(path) or _looks_like_tar(path)


def _safe_name(label: str, name: str) -> str:
    """Normalise a member name; refuse absolute paths and any ``..`` step (path traversal)."""
    name = name.replace("\\", "/")
    pure = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in pure.parts:
        raise AuditorError(label, f"unsafe path inside archive: {name!r}")
    return posixpath.normpath(name).lstrip("./") if name not in ("", ".") else ""


class ArchiveTree:
    """A read-only view of the files in an export, whatever its container."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._read_total = 0

    # -- construction ---------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str) -> ArchiveTree:
        path = Path(path)
        label = str(path)
        if path.is_dir():
            return _FolderTree(path, label)
        if not path.is_file():
            raise AuditorError(label, "no such file or folder")
        try:
            if zipfile.is_zipfile(path):
                return _ZipTree(path, label)
            if _looks_like_tar(path):
                return _TarTree(path, label)
        except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as exc:
            raise AuditorError(label, f"corrupt or unreadable archive ({exc})") from None
        raise AuditorError(label, "not a zip, tar archive or folder")

    # -- queries --------------------------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Posix paths of the regular files, relative to the root."""
        raise NotImplementedError

    def find(self, *globs: str) -> list[str]:
        """Names whose full path or base name matches any glob (case-insensitive), in sorted order."""
        out = []
        lowered = [g.lower() for g in globs]
        for name in self.names():
            low, base = name.lower(), posixpath.basename(name).lower()
            if any(fnmatch.fnmatchcase(low, g) or fnmatch.fnmatchcase(base, g) for g in lowered):
                out.append(name)
        return sorted(out)

    def read_bytes(self, name: str) -> bytes:
        raise NotImplementedError

    def read_head(self, name: str, size: int = 64 * 1024) -> bytes:
        """The first ``size`` bytes of a member, inflating no more than that (for sniffing formats)."""
        try:
            with self._open_member(name) as fh:
                return fh.read(size)
        except AuditorError:
            raise
        except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, ValueError, RuntimeError,
                zlib.error) as exc:
            raise AuditorError(self.label, f"corrupt member {name} ({exc})") from None

    def _open_member(self, name: str) -> io.BufferedIOBase:
        raise NotImplementedError

    def _compressed_size(self, name: str) -> int | None:
        """What the member takes in the archive file, for the bomb check (None: not compressed)."""
        return None

    def iter_bytes(self, name: str, streamed: bool = False) -> Iterator[bytes]:
        """The member in chunks as it is inflated. ``streamed``: the caller keeps only what it parses out of
        the chunks (a tweets.js read one tweet at a time, bounded by the posts and per-item limits), so the
        member is bounded by the compression-ratio check and ``limits.STREAM_BYTES`` (time, not memory)
        and does not count toward the archive's total; otherwise (the caller holds it all) the member and
        archive caps apply as in ``read_bytes``."""
        compressed = self._compressed_size(name)
        size = 0
        try:
            with self._open_member(name) as fh:
                while chunk := fh.read(4 * _CHUNK):
                    size += len(chunk)
                    try:
                        if streamed:
                            self._check_ratio(name, size, compressed)
                            limits.STREAM_BYTES.check(size)
                        else:
                            limits.FILE_BYTES.check(size)
                            self._check_inflated(name, size, compressed)
                    except AuditorError as exc:
                        raise AuditorError(self.label, f"{name}: {exc.problem}") from None
                    yield chunk
        except AuditorError:
            raise
        except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, ValueError, RuntimeError,
                zlib.error) as exc:
            raise AuditorError(self.label, f"corrupt member {name} ({exc})") from None
        if not streamed:
            self._read_total += size

    def read_text(self, name: str) -> str:
        """The member decoded as UTF-8 (a BOM is dropped)."""
        data = self.read_bytes(name)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AuditorError(f"{self.label}:{name}", f"not UTF-8 text (byte {exc.start})") from None

    def close(self) -> None:
        """Release the open archive file, if any."""

    def __enter__(self) -> ArchiveTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- shared guard ---------------------------------------------------------------------------------------
    def _check_ratio(self, name: str, size: int, compressed: int | None) -> None:
        """Stop a member that inflates like a bomb."""
        if compressed and size > RATIO_FLOOR_BYTES and size / max(compressed, 1) > MAX_RATIO:
            raise AuditorError(self.label, f"{name} looks like a decompression bomb (over {MAX_RATIO}:1)")

    def _check_inflated(self, name: str, size: int, compressed: int | None) -> None:
        """Stop a member that inflates like a bomb, or an archive that inflates past the total cap."""
        self._check_ratio(name, size, compressed)
        if self._read_total + size > limits.ARCHIVE_BYTES.value:
            raise AuditorError(self.label, limits.ARCHIVE_BYTES.problem())

    def _read_limited(self, stream: io.BufferedIOBase, name: str, compressed: int | None) -> bytes:
        """Inflate a member chunk by chunk, stopping as soon as a size or ratio cap is passed."""
        buf = bytearray()
        max_member = limits.FILE_BYTES.value
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            buf += chunk
            size = len(buf)
            if size > max_member:
                raise AuditorError(self.label, f"{name}: {limits.FILE_BYTES.problem(size)}")
            self._check_inflated(name, size, compressed)
        self._read_total += len(buf)
        return bytes(buf)


class _FolderTree(ArchiveTree):
    def __init__(self, root: Path, label: str) -> None:
        super().__init__(label)
        self.root = root.resolve()
        self._names: list[str] | None = None

    def names(self) -> list[str]:
        if self._names is None:
            names = []
            for p in sorted(self.root.rglob("*")):
                # A link pointing out of the export folder is not followed.
                if p.is_file() and p.resolve().is_relative_to(self.root):
                    names.append(p.relative_to(self.root).as_posix())
            self._names = names
        return self._names

    def _path(self, name: str) -> Path:
        path = (self.root / _safe_name(self.label, name)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise AuditorError(self.label, f"no file {name!r}")
        return path

    def _open_member(self, name: str) -> io.BufferedIOBase:
        return self._path(name).open("rb")

    def read_bytes(self, name: str) -> bytes:
        path = self._path(name)
        try:
            limits.FILE_BYTES.check(path.stat().st_size, str(path))
            with path.open("rb") as fh:
                return self._read_limited(fh, name, None)
        except OSError as exc:
            raise AuditorError(str(path), f"cannot read ({exc.strerror or exc})") from None


class _ZipTree(ArchiveTree):
    def __init__(self, path: Path, label: str) -> None:
        super().__init__(label)
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise AuditorError(label, f"corrupt zip ({exc})") from None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = _safe_name(label, info.filename)  # refuses traversal and absolute paths up front
            if not info.is_dir() and name:
                self._infos[name] = info

    def names(self) -> list[str]:
        return sorted(self._infos)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = self._infos.get(_safe_name(self.label, name))
        if info is None:
            raise AuditorError(self.label, f"no member {name!r}")
        return info

    def _open_member(self, name: str) -> io.BufferedIOBase:
        return self._zip.open(self._info(name))

    def _compressed_size(self, name: str) -> int | None:
        return self._info(name).compress_size

    def read_bytes(self, name: str) -> bytes:
        info = self._info(name)
        if info.file_size > limits.FILE_BYTES.value:  # declared size; the real one is checked while inflating
            raise AuditorError(self.label, f"{name}: {limits.FILE_BYTES.problem(info.file_size)}")
        try:
            with self._zip.open(info) as fh:
                return self._read_limited(fh, name, info.compress_size)
        except AuditorError:
            raise
        except (OSError, zipfile.BadZipFile, EOFError, ValueError, RuntimeError, zlib.error) as exc:
            raise AuditorError(self.label, f"corrupt member {name} ({exc})") from None

    def close(self) -> None:
        self._zip.close()


class _TarTree(ArchiveTree):
    def __init__(self, path: Path, label: str) -> None:
        super().__init__(label)
        self._compressed = path.stat().st_size
        try:
            self._tar = tarfile.open(path)
            members = self._scan_members(label)
        except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
            raise AuditorError(label, f"corrupt tar archive ({exc})") from None
        self._members: dict[str, tarfile.TarInfo] = {}
        for m in members:
            name = _safe_name(label, m.name)
            if m.issym() or m.islnk():
                continue  # links are never followed
            if m.isfile() and name:
                self._members[name] = m

    def _scan_members(self, label: str) -> list[tarfile.TarInfo]:
        """List members, stopping early when listing alone would inflate a bomb (a tar has no index)."""
        members = []
        while (member := self._tar.next()) is not None:
            members.append(member)
            inflated = member.offset_data + member.size
            if inflated > limits.ARCHIVE_BYTES.value:
                raise AuditorError(label, limits.ARCHIVE_BYTES.problem())
            if inflated > RATIO_FLOOR_BYTES and inflated / max(self._compressed, 1) > MAX_RATIO:
                raise AuditorError(label, f"looks like a decompression bomb (over {MAX_RATIO}:1)")
        return members

    def names(self) -> list[str]:
        return sorted(self._members)

    def _member(self, name: str) -> tarfile.TarInfo:
        member = self._members.get(_safe_name(self.label, name))
        if member is None:
            raise AuditorError(self.label, f"no member {name!r}")
        return member

    def _compressed_size(self, name: str) -> int | None:
        return self._compressed  # a tar's members share one compressed stream

    def _open_member(self, name: str) -> io.BufferedIOBase:
        fh = self._tar.extractfile(self._member(name))
        if fh is None:
            raise AuditorError(self.label, f"cannot read member {name}")
        return fh

    def read_bytes(self, name: str) -> bytes:
        member = self._member(name)
        if member.size > limits.FILE_BYTES.value:
            raise AuditorError(self.label, f"{name}: {limits.FILE_BYTES.problem(member.size)}")
        try:
            fh = self._tar.extractfile(member)
            if fh is None:
                raise AuditorError(self.label, f"cannot read member {name}")
            # A tar's members share one compressed stream: judge the ratio against the whole file.
            return self._read_limited(fh, name, self._compressed)
        except AuditorError:
            raise
        except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
            raise AuditorError(self.label, f"corrupt member {name} ({exc})") from None

    def close(self) -> None:
        self._tar.close()
