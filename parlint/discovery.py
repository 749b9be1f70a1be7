"""Which files a run checks: the paths given, directories walked, exclusions respected."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Optional

import pathspec

from parlint.config import ConfigResolver, Settings
from parlint.files import read_source_file

SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")

# A .gitignore in effect: the directory its patterns are relative to (ending in a separator,
# so that a relative path is a slice) and its patterns.
_Ignore = tuple[str, pathspec.PathSpec]


class UsageError(Exception):
    """The command line is wrong (a path that does not exist, ...): exit status 2."""


def collect_files(
    paths: Sequence[Path], resolver: ConfigResolver, *, force_exclude: bool = False
) -> list[Path]:
    """The files to check, each once, in a stable order: the paths in the order given,
    directories walked depth-first by name.

    A file named explicitly is checked whatever its extension, exclusions and .gitignore
    (as ruff does), unless `force_exclude` is set and `exclude`/`extend-exclude` match it.
    """
    is_directory = [_named_directory(path) for path in paths]
    found: list[Path] = []
    seen: set[str] = set()
    gitignores = _GitIgnores()
    for path, directory in zip(paths, is_directory, strict=True):
        if force_exclude and is_force_excluded(path, resolver):
            continue
        files = _walk(path, resolver, gitignores) if directory else [path]
        for file in files:
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def _named_directory(path: Path) -> bool:
    """Whether a path from the command line is a directory to walk (else a file to check).

    A path that is not there is a usage error. One that is there but cannot be examined (a
    symlink loop, no permission) is checked as a file: reading it reports what is wrong, and
    the run goes on, as for a file that cannot be read.
    """
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        broken = " (a broken symbolic link)" if os.path.islink(path) else ""
        raise UsageError(f"{path}: no such file or directory{broken}") from None
    except OSError:
        return False


def is_force_excluded(path: Path, resolver: ConfigResolver) -> bool:
    """Whether `exclude`/`extend-exclude` match the path or a directory above it.

    Each is judged by the settings of the directory holding it, as a walk would judge it,
    and only up to that configuration's root: the directories above a project never
    exclude it.
    """
    current = os.path.abspath(path)
    is_dir = os.path.isdir(current)
    while True:
        parent = os.path.dirname(current)
        if parent == current:
            return False
        settings = resolver.settings_for_directory(parent)
        if settings.is_excluded(current, is_dir=is_dir):
            return True
        root = os.path.abspath(settings.root) if settings.root is not None else None
        if root is None or parent == root or not parent.startswith(os.path.join(root, "")):
            return False
        current, is_dir = parent, True


class _GitIgnores:
    """Each directory's `.gitignore`, read at most once per run."""

    def __init__(self) -> None:
        self._specs: dict[str, Optional[pathspec.PathSpec]] = {}

    def spec(self, file: str) -> Optional[pathspec.PathSpec]:
        if file not in self._specs:
            spec = None
            try:
                text = read_source_file(file).data.decode("utf-8", errors="replace")
                spec = pathspec.GitIgnoreSpec.from_lines(io.StringIO(text, newline=None))
            except (OSError, ValueError):
                # An unreadable .gitignore, or one with a line git itself would skip: git
                # does not stop on it, so neither does the walk.
                spec = None
            if spec is not None and not any(p.include is not None for p in spec.patterns):
                spec = None
            self._specs[file] = spec
        return self._specs[file]

    def repository(self, root: str) -> list[_Ignore]:
        """What applies at the top of a repository: `.git/info/exclude`, its lowest level."""
        spec = self.spec(os.path.join(root, ".git", "info", "exclude"))
        return [] if spec is None else [(os.path.join(root, ""), spec)]

    def above(self, top: str) -> list[_Ignore]:
        """The ignore files of the repository around `top` that sit above it, outermost first.

        Patterns matching `top` itself (or a directory between it and them) are dropped: a
        directory named on the command line is walked even if it is ignored (as ruff does),
        but the rest of those files still applies inside it.
        """
        folders: list[str] = []
        current = top
        while not os.path.exists(os.path.join(current, ".git")):
            parent = os.path.dirname(current)
            if parent == current:
                return []  # not in a repository: only the walked tree's own .gitignores
            current = parent
            folders.append(current)
        chain = self.repository(current)
        for folder in reversed(folders):
            spec = self.spec(os.path.join(folder, ".gitignore"))
            if spec is not None:
                chain.append((os.path.join(folder, ""), spec))
        trimmed: list[_Ignore] = []
        for prefix, spec in chain:
            if prefix == os.path.join(top, ""):
                trimmed.append((prefix, spec))  # the repository's own root: nothing above it
                continue
            relative = _posix(top[len(prefix) :]) + "/"
            kept = [p for p in spec.patterns if not (p.include and p.match_file(relative))]
            if len(kept) != len(spec.patterns):
                spec = pathspec.GitIgnoreSpec(kept)
            trimmed.append((prefix, spec))
        return trimmed


def _posix(relative: str) -> str:
    return relative if os.sep == "/" else relative.replace(os.sep, "/")


def _ignored(chain: Sequence[_Ignore], path: str, is_dir: bool) -> bool:
    """git's verdict: the deepest ignore file with a matching pattern decides, and within a
    file the last matching pattern (so a nested `!keep.py` re-includes)."""
    for prefix, spec in reversed(chain):
        relative = _posix(path[len(prefix) :])
        verdict = _verdict(spec, relative + "/" if is_dir else relative)
        if verdict is not None:
            return verdict
    return False


def _verdict(spec: pathspec.PathSpec, relative: str) -> Optional[bool]:
    """True: ignored, False: re-included by a `!` pattern, None: no pattern matches."""
    check = getattr(spec, "check_file", None)
    if check is not None:
        result: Optional[bool] = check(relative).include
        return result
    # pathspec < 0.12 cannot tell a re-inclusion from no match.
    return True if spec.match_file(relative) else None


class _InsideNamedDirectory:
    """Settings as they apply inside a directory named on the command line.

    Such a directory is walked even if excluded (as ruff does, unless --force-exclude):
    the patterns that exclude it, or a directory between it and the configuration's
    root, are dropped inside it, while the others still apply.
    """

    def __init__(self) -> None:
        self._adjusted: dict[int, tuple[Settings, Settings]] = {}

    def get(self, settings: Settings, top: str) -> Settings:
        # Keyed by identity (and holding the original so the id stays valid): the resolver
        # returns one object per configuration file, and hashing every field is slower.
        known = self._adjusted.get(id(settings))
        if known is not None:
            return known[1]
        adjusted = settings
        root = os.path.join(os.path.abspath(settings.root), "") if settings.root else None
        # A configuration below the named directory has no say over it.
        if root is not None and top.startswith(root) and settings.is_excluded(top, is_dir=True):

            def keep(pattern: str) -> bool:
                alone = replace(settings, exclude=(pattern,), extend_exclude=())
                return not alone.is_excluded(top, is_dir=True)

            adjusted = replace(
                settings,
                exclude=tuple(filter(keep, settings.exclude)),
                extend_exclude=tuple(filter(keep, settings.extend_exclude)),
            )
        self._adjusted[id(settings)] = (settings, adjusted)
        return adjusted


def _links_to_directory(entry: os.DirEntry[str]) -> bool:
    """A symlink to a directory: not followed (it can loop or leave the tree)."""
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def _walk(top: Path, resolver: ConfigResolver, gitignores: _GitIgnores) -> list[Path]:
    result: list[Path] = []
    top_absolute = os.path.abspath(top)
    inside = _InsideNamedDirectory()
    # (path as shown, absolute path, ignore files in effect above it)
    stack: list[tuple[str, str, list[_Ignore]]] = [
        (str(top), top_absolute, gitignores.above(top_absolute))
    ]
    while stack:
        shown, absolute, chain = stack.pop()
        try:
            with os.scandir(shown) as iterator:
                entries = sorted(iterator, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable or vanished since it was listed: nothing to check there
        names = {entry.name for entry in entries}
        if ".git" in names and absolute != top_absolute:
            # A nested repository: its parent's ignore files do not apply inside it.
            chain = gitignores.repository(absolute)
        if ".gitignore" in names:
            spec = gitignores.spec(os.path.join(absolute, ".gitignore"))
            if spec is not None:
                chain = [*chain, (os.path.join(absolute, ""), spec)]
        settings = inside.get(resolver.settings_for_directory(absolute), top_absolute)
        prefix = os.path.join(absolute, "")
        subdirectories: list[tuple[str, str, list[_Ignore]]] = []
        for entry in entries:
            name = entry.name
            try:
                # Symlinked directories are not followed: they can loop or leave the tree.
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if not is_dir and not name.endswith(SOURCE_SUFFIXES):
                continue
            path = prefix + name
            if settings.is_excluded(path, is_dir=is_dir):
                continue
            if chain and _ignored(chain, path, is_dir):
                continue
            if is_dir:
                subdirectories.append((entry.path, path, chain))
            elif not _links_to_directory(entry):
                # Whatever else carries a source name is checked: reading a FIFO, a device,
                # a broken link or a symlink loop reports the problem for that path.
                result.append(Path(entry.path))
        stack.extend(reversed(subdirectories))
    return result
