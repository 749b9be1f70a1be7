"""Reading the files parlint checks: only regular files, never a hang on a FIFO or a device."""

from __future__ import annotations

import errno
import os
import stat
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
