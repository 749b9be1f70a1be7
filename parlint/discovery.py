"""Which files a run checks: the paths given, directories walked, exclusions respected."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

import pathspec

from parlint.config import ConfigResolver

SOURCE_SUFFIXES = (".py", ".pyi")


class UsageError(Exception):
    """The command line is wrong (a path that does not exist, ...): exit status 2."""


class _GitIgnores:
    """The `.gitignore` files that apply inside a walk, each relative to its directory."""

    def __init__(self) -> None:
        self._specs: dict[str, Optional[pathspec.PathSpec]] = {}

    def _spec(self, directory: str) -> Optional[pathspec.PathSpec]:
        if directory not in self._specs:
            spec = None
            path = os.path.join(directory, ".gitignore")
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    spec = pathspec.GitIgnoreSpec.from_lines(handle)
            except OSError:
                pass
            self._specs[directory] = spec
        return self._specs[directory]

    def ignored(self, path: str, is_dir: bool, chain: Sequence[str]) -> bool:
        """Whether a `.gitignore` in one of `chain` (directories above `path`) ignores it."""
        for directory in chain:
            spec = self._spec(directory)
            if spec is None:
                continue
            relative = os.path.relpath(path, directory).replace(os.sep, "/")
            if is_dir:
                relative += "/"
            if spec.match_file(relative):
                return True
        return False


def _git_chain(directory: str) -> list[str]:
    """The directories from the git root (if any) down to `directory`'s parent."""
    chain: list[str] = []
    current = os.path.abspath(directory)
    while True:
        parent = os.path.dirname(current)
        if os.path.isdir(os.path.join(current, ".git")):
            chain.append(current)
            break
        if parent == current:
            return []  # not in a git repository: only the walked tree's own .gitignores
        chain.append(current)
        current = parent
    chain.reverse()
    return chain[:-1]


def collect_files(
    paths: Sequence[Path], resolver: ConfigResolver, *, force_exclude: bool = False
) -> list[Path]:
    """The files to check, in a stable order, each once."""
    found: list[Path] = []
    seen: set[str] = set()
    ignores = _GitIgnores()
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if path.is_file():
            if force_exclude and is_force_excluded(path, resolver):
                continue
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                found.append(path)
            continue
        for file in _walk(path, resolver, ignores):
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def _walk(top: Path, resolver: ConfigResolver, ignores: _GitIgnores) -> list[Path]:
    result: list[Path] = []
    top_text = str(top)
    # A directory named on the command line is checked even if a .gitignore above it
    # ignores it (as ruff does): such a .gitignore does not apply inside it.
    top_abs = os.path.abspath(top_text)
    base_chain = [d for d in _git_chain(top_text) if not ignores.ignored(top_abs, True, [d])]
    stack: list[tuple[str, list[str]]] = [(top_text, base_chain)]
    while stack:
        directory, chain = stack.pop()
        chain = [*chain, os.path.abspath(directory)]
        settings = resolver.settings_for(Path(directory) / "_")
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirectories: list[str] = []
        for entry in entries:
            is_dir = entry.is_dir(follow_symlinks=False)
            if not is_dir and not entry.name.endswith(SOURCE_SUFFIXES):
                continue
            if settings.is_excluded(Path(entry.path)):
                continue
            if ignores.ignored(os.path.abspath(entry.path), is_dir, chain):
                continue
            if is_dir:
                subdirectories.append(entry.path)
            elif entry.is_file():
                result.append(Path(entry.path))
        stack.extend((sub, chain) for sub in reversed(subdirectories))
    return result


def is_force_excluded(path: Path, resolver: ConfigResolver) -> bool:
    """With --force-exclude: the file, or a directory above it (below its root), is excluded."""
    settings = resolver.settings_for(path)
    if settings.is_excluded(path):
        return True
    root = Path(settings.root).resolve() if settings.root else None
    for parent in Path(os.path.abspath(path)).parents:
        if root is not None and (parent == root or root not in parent.parents):
            break
        if settings.is_excluded(parent):
            return True
    return False
