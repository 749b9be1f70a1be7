"""Reading the files parlint checks and writing back the fixed ones.

Reading: only regular files, never a hang on a FIFO or a device. Writing (SPEC "Fix
requirements"): never a half-written file, the same file afterwards (owner, group, mode,
symlinks and hard links kept), and an error, never a silent success, when it cannot be done.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from dataclasses import dataclass

# Opening a FIFO for reading blocks until a writer appears; O_NONBLOCK makes the open return
# at once (it changes nothing for a regular file). Not every platform has these flags.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotARegularFile(OSError):
    """The path names a FIFO, a device, a socket or a directory: nothing parlint can read."""

    def __init__(self, mode: int) -> None:
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        super().__init__(errno.EINVAL, f"not a regular file ({kind})")


@dataclass(frozen=True)
class FileIdentity:
    """Which file, and which version of it, was read (to notice a change before writing)."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, status: os.stat_result) -> FileIdentity:
        return cls(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


@dataclass(frozen=True)
class SourceFile:
    data: bytes
    identity: FileIdentity


def read_source_file(path: str) -> SourceFile:
    """The bytes of the regular file at `path` (through symlinks).

    Raises OSError, with a `strerror` to show the user, for anything else: a missing file, a
    symlink loop, no permission, or a FIFO, device or socket (`NotARegularFile`), which is
    recognised by `stat` before it is opened and again on what was opened, so that a path
    swapped for a FIFO in between cannot block the run either.
    """
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise NotARegularFile(status.st_mode)
    descriptor = os.open(path, _READ_FLAGS)
    with open(descriptor, "rb", closefd=True) as handle:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise NotARegularFile(opened.st_mode)
        data = handle.read()
    return SourceFile(data, FileIdentity.of(opened))


class FileChanged(OSError):
    """The file is no longer what was read and fixed: writing would lose the change."""

    def __init__(self) -> None:
        super().__init__(errno.EAGAIN, "it changed on disk while parlint was fixing it")


class _CannotReplace(Exception):
    """A new file cannot take the old one's place here: write into the old one instead."""


def write_fixed_file(path: str, data: bytes, read_as: FileIdentity) -> None:
    """Replace the contents of the file at `path`, which was read as `read_as`, with `data`.

    The new contents go to a temporary file that is renamed over the old one, so the file is
    never half-written, with the old one's mode, owner and group. Through a symlink, the
    target is written and the link stays. A file with other hard links is written in place
    (a rename would split it from them), and so is one in a directory where no new file
    can be made, or whose owner a new file cannot be given: there the data is complete in
    memory and its space reserved before the first byte is overwritten.

    Raises OSError (`strerror` says why) when the file cannot be written, is not writable
    by this user, or changed since it was read (`FileChanged`).
    """
    target = os.path.realpath(path)
    status = os.stat(target)
    if not stat.S_ISREG(status.st_mode):
        raise NotARegularFile(status.st_mode)
    if FileIdentity.of(status) != read_as:
        raise FileChanged()
    # A file its owner made read-only stays unchanged, although the directory would allow
    # replacing it (as ruff, which writes in place, fails on it too).
    if not os.access(target, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    if status.st_nlink > 1:
        _write_in_place(target, data, status)
        return
    try:
        _replace(target, data, status)
    except _CannotReplace:
        _write_in_place(target, data, status)


def _replace(target: str, data: bytes, status: os.stat_result) -> None:
    directory, name = os.path.split(target)
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{name}.", suffix=".parlint"
        )
    except OSError as exc:
        raise _CannotReplace() from exc  # a read-only directory
    try:
        with open(descriptor, "wb") as handle:
            _keep_owner(descriptor, status)
            handle.write(data)
            handle.flush()
            os.fsync(descriptor)
        # After the owner: changing the owner clears the set-user-ID and set-group-ID bits.
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        os.replace(temporary, target)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def _keep_owner(descriptor: int, status: os.stat_result) -> None:
    """Give the new file the old one's owner and group, or give up replacing it."""
    fchown = getattr(os, "fchown", None)
    if fchown is None:
        return  # no owners to keep (Windows)
    new = os.fstat(descriptor)
    if (new.st_uid, new.st_gid) == (status.st_uid, status.st_gid):
        return
    try:
        fchown(descriptor, status.st_uid, status.st_gid)
    except PermissionError as exc:
        raise _CannotReplace() from exc


def _write_in_place(target: str, data: bytes, status: os.stat_result) -> None:
    descriptor = os.open(
        target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        opened = os.fstat(descriptor)
        if (opened.st_dev, opened.st_ino) != (status.st_dev, status.st_ino):
            raise FileChanged()
        if len(data) > opened.st_size:
            _reserve(descriptor, len(data))
        view = memoryview(data)
        written = 0
        os.lseek(descriptor, 0, os.SEEK_SET)
        while written < len(data):
            written += os.write(descriptor, view[written:])
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _reserve(descriptor: int, size: int) -> None:
    """Allocate the space the new contents need, so that a full disk fails before the first
    byte of the file changes rather than halfway through it."""
    allocate = getattr(os, "posix_fallocate", None)
    if allocate is None:
        return
    try:
        allocate(descriptor, 0, size)
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
            raise
