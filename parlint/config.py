"""Configuration: the settings one file is checked with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".mypy_cache", ".nox",
    ".pants.d", ".pytype", ".ruff_cache", ".parlint_cache", ".svn", ".tox", ".venv",
    "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "venv",
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("PAR",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    target_version: str = "py39"
    free_threaded: bool = False
    max_manual_threads: int = 3
    io_calls: tuple[str, ...] = ()
    cpu_calls: tuple[str, ...] = ()
    gil_releasing_modules: tuple[str, ...] = ()
    # The directory patterns are relative to, and the file the settings came from.
    root: Optional[str] = None
    path: Optional[str] = None
