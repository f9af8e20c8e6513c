"""Writing outputs so a killed run never leaves a half-written file or report folder.

Report folders are built under a hidden ``.<name>.<hex>.part`` name and swapped into place at the end. Each
one carries a marker file (``MARKER``) that the writing process holds an ``flock`` on while it builds: the
next run removes any ``.part`` folder whose marker is no longer locked (its writer was killed), and never
touches a folder without the marker, so a user's own file or folder at ``--out/<person>`` is never renamed
or replaced. The swap itself happens under an ``flock`` on the output folder, so concurrent runs cannot race.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import glob
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from auditor.errors import AuditorError

#: Written into every report folder auditor builds; only folders carrying it are ever replaced.
MARKER = ".auditor-report"
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
except OSError:
    _LIBC = None
#: A temporary file or folder not yet locked (its run was killed while creating it) is removed after this.
UNFINISHED_AFTER = 60.0
#: Report folders written before the marker existed: replaced only if they hold nothing but these files.
_LEGACY_FILES = frozenset({"report.html", "report.pdf", "flagged.csv", "summary.json"})


def _cannot_write(where: Path | str, exc: OSError) -> AuditorError:
    if exc.errno == errno.ENOSPC:
        return AuditorError(str(where), "no space left on the disk; nothing was written")
    return AuditorError(str(where), f"cannot write ({exc.strerror or exc})")


def _unlocked(fd: int) -> bool:
    """True if nobody holds a lock on ``fd``'s file (its writer is gone); the lock is dropped again."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def remove_stale_parts(parent: Path, name: str) -> None:
    """Remove ``.<name>.*.part`` files and folders left by killed runs: their writer's lock is gone.

    A writer locks its marker (or temporary file) before giving it the name looked for here, so a live
    run is never mistaken for a dead one; a run killed in that instant leaves a marker-less folder or a
    ``.new`` file, removed once older than ``UNFINISHED_AFTER`` seconds.
    """
    try:
        pattern = glob.escape(f".{name}.")
        candidates = [p for suffix in ("part", "old", "new") for p in parent.glob(f"{pattern}*.{suffix}")]
    except OSError:
        return
    for path in candidates:
        folder = path.is_dir() and not path.is_symlink()
        lock_path = path / MARKER if folder else path
        if path.suffix == ".new" or (folder and not lock_path.exists()):
            stale = _older_than(path, UNFINISHED_AFTER)
        else:
            stale = _unlocked_path(lock_path)
        if stale:
            with contextlib.suppress(OSError):
                shutil.rmtree(path) if folder else path.unlink()


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.lstat().st_mtime > seconds
    except OSError:
        return False


def _unlocked_path(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        return _unlocked(fd)
    finally:
        os.close(fd)


def _locked_file(folder: Path, prefix: str, final: Path | None = None) -> tuple[int, str]:
    """A new file, ``flock``-ed before it gets its final name (``final``, else ``<temp>.part``)."""
    fd, pending = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".new")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        target = str(final) if final is not None else pending.removesuffix(".new") + ".part"
        os.rename(pending, target)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(pending)
        raise
    return fd, target


@contextlib.contextmanager
def atomic_file(path: Path | str, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; it replaces ``path`` only if the block finishes."""
    path = Path(path)
    if path.is_dir():
        raise AuditorError(str(path), "is a folder; give a file name to write to")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(path.parent, path.name)
        fd, tmp = _locked_file(path.parent, f".{path.name}.")  # locked while written: not stale
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None) as fh:
            yield fh
            fh.flush()
            os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _cannot_write(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def written_by_auditor(path: Path) -> bool:
    """A report folder auditor wrote: a real folder with the marker (or an older, marker-less report)."""
    if path.is_symlink() or not path.is_dir():
        return False
    if (path / MARKER).is_file():
        return True
    names = {p.name for p in path.iterdir()}
    return bool(names) and names <= _LEGACY_FILES and "summary.json" in names


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (they are delivered right after it)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def _folder_lock(parent: Path) -> Iterator[None]:
    """An exclusive ``flock`` on the output folder itself: one swap in it at a time, and no lock file left
    behind (a swap takes milliseconds, so serialising them costs nothing)."""
    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_dir(path: Path | str) -> Iterator[Path]:
    """Build a folder under a temporary name; it takes the place of ``path`` only if the block finishes.

    ``path`` is replaced only if auditor wrote it (see ``written_by_auditor``); anything else there is an
    error, before any work is done.
    """
    path = Path(path)
    refuse_foreign(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(path.parent, path.name)
        tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.part"
        tmp.mkdir()  # unlike mkdtemp, honours the umask, so the report folder gets the usual permissions
        # the marker's lock is held until the end: this .part folder is not stale
        marker, _ = _locked_file(tmp, MARKER, tmp / MARKER)
    except OSError as exc:
        raise _cannot_write(path.parent, exc) from None
    try:
        os.write(marker, b"Written by auditor. Folders with this file are replaced by the next audit.\n")
        yield tmp
        with _folder_lock(path.parent), _signals_held():
            _swap(tmp, path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _cannot_write(path, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        os.close(marker)


def refuse_foreign(path: Path) -> None:
    """AuditorError if something auditor did not write is at ``path`` (nothing there is fine)."""
    if (path.exists() or path.is_symlink()) and not written_by_auditor(path):
        raise AuditorError(str(path), "already exists and was not written by auditor; it is left alone "
                           "(move it away or choose another --out)")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    renameat2 = getattr(_LIBC, "renameat2", None) if _LIBC is not None else None
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel or a filesystem without it
        return False
    raise OSError(err, os.strerror(err), str(b))


def _swap(tmp: Path, path: Path) -> None:
    """Put ``tmp`` in the place of ``path`` (called under the folder lock, with SIGINT/SIGTERM held back).

    An existing report is exchanged with the new one in one step, so a kill at any moment leaves either
    the old or the new report in place; the old one then sits in the ``.part`` folder, removed next run.
    """
    if not (path.exists() or path.is_symlink()):
        os.replace(tmp, path)
        return
    refuse_foreign(path)  # checked again: something may have appeared while the report was built
    if _exchange(tmp, path):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.old")
    os.replace(path, old)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)
