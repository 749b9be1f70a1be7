"""`--fix` writes the fixed file back as the same file, or says it could not (SPEC "Fix
requirements"): symlinks, hard links, owner, group and mode kept; an unwritable file is an
error and is not counted as fixed."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from parlint.files import FileChanged, read_source_file, write_fixed_file

BROKEN = 'import threading\n\nt = threading.Thread(target=print, args=("x"))\nt.start()\nt.join()\n'
FIXED = BROKEN.replace('args=("x")', 'args=("x",)')
OTHER_USER = 1234

as_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root (to chown files and to run parlint held to file permissions)",
)


# Without these, root is held to file permissions like any user. Running parlint as root minus
# them (rather than as another user) keeps the checkout and its .venv readable wherever it is,
# a private `mktemp -d` included.
PERMISSION_CAPABILITIES = "-dac_override,-dac_read_search,-fowner"


def parlint(*args: str, cwd: Path, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """parlint with --fix, as root or (with setpriv) as root held to file permissions."""
    command = [sys.executable, "-m", "parlint", "check", "--fix", "--output-format", "concise"]
    if unprivileged:
        caps = PERMISSION_CAPABILITIES
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_a_symlink_stays_a_link_and_its_target_is_fixed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "job.py"
    target.write_text(BROKEN)
    link = tmp_path / "job.py"
    link.symlink_to(Path("real") / "job.py")
    result = parlint("job.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "job.py")
    assert target.read_text() == FIXED
    assert "Found 1 error (1 fixed, 0 remaining)." in result.stdout


def test_hard_links_keep_sharing_the_fixed_file(tmp_path: Path) -> None:
    first = tmp_path / "job.py"
    first.write_text(BROKEN)
    second = tmp_path / "alias.py"
    os.link(first, second)
    inode = first.stat().st_ino
    result = parlint("job.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert first.read_text() == second.read_text() == FIXED
    assert first.stat().st_ino == second.stat().st_ino == inode
    assert first.stat().st_nlink == 2


@as_root
def test_owner_group_and_mode_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "job.py"
    target.write_text(BROKEN)
    os.chown(target, OTHER_USER, OTHER_USER)
    target.chmod(0o640)
    result = parlint("job.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    status = target.stat()
    assert (status.st_uid, status.st_gid) == (OTHER_USER, OTHER_USER)
    assert stat.S_IMODE(status.st_mode) == 0o640
    assert target.read_text() == FIXED


@as_root
def test_a_writable_file_in_a_read_only_directory_is_fixed_in_place(tmp_path: Path) -> None:
    # The user may change the file but not the directory: no temporary file can be made
    # next to it, so the fixed text (complete in memory) is written into the file itself.
    directory = tmp_path / "locked"
    directory.mkdir()
    target = directory / "job.py"
    target.write_text(BROKEN)
    directory.chmod(0o555)  # nobody held to permissions can create files here
    inode = target.stat().st_ino
    result = parlint("locked/job.py", cwd=tmp_path, unprivileged=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert target.read_text() == FIXED
    assert target.stat().st_ino == inode
    assert "Found 1 error (1 fixed, 0 remaining)." in result.stdout
    assert sorted(p.name for p in directory.iterdir()) == ["job.py"]


@as_root
def test_an_unwritable_file_is_an_error_and_is_not_counted_as_fixed(tmp_path: Path) -> None:
    # The directory is writable (a rename would work) but the file is not: it stays as it is.
    directory = tmp_path / "mine"
    directory.mkdir()
    locked = directory / "locked.py"
    locked.write_text(BROKEN)
    locked.chmod(0o444)  # read-only for everyone held to permissions
    writable = directory / "open.py"
    writable.write_text(BROKEN)
    result = parlint("mine", cwd=tmp_path, unprivileged=True)
    assert result.returncode == 2
    assert locked.read_text() == BROKEN
    assert writable.read_text() == FIXED
    assert result.stdout.splitlines() == [
        'mine/locked.py:3:42: PAR502 [*] `args=("x")` is a string, not a tuple: each '
        'character becomes a separate argument; write `("x",)`',
        "Found 2 errors (1 fixed, 1 remaining).",
    ]
    assert result.stderr == (
        "parlint: error: mine/locked.py: cannot write the fixed file: Permission denied\n"
    )


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "job.py"
    target.write_text(BROKEN)
    read = read_source_file(str(target))
    target.write_text(BROKEN + "# edited meanwhile, longer\n")
    with pytest.raises(FileChanged):
        write_fixed_file(str(target), FIXED.encode(), read.identity)
    assert target.read_text() == BROKEN + "# edited meanwhile, longer\n"
