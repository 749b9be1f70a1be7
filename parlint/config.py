"""Configuration: finding, reading and validating `[tool.parlint]`, and what it selects.

Discovery walks up from each linted file: in one directory `.parlint.toml` beats
`parlint.toml` beats a `pyproject.toml` that has a `[tool.parlint]` table (as ruff does).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

import pathspec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older interpreters only
    import tomli as tomllib

# ruff's default exclusions, so that both tools skip the same trees.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints",
    ".mypy_cache", ".nox", ".pants.d", ".parlint_cache", ".pyenv", ".pytest_cache", ".pytype",
    ".ruff_cache", ".svn", ".tox", ".venv", ".vscode", "__pypackages__", "_build", "buck-out",
    "dist", "node_modules", "site-packages", "venv",
)  # fmt: skip

TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(8, 15))
CONFIG_NAMES = (".parlint.toml", "parlint.toml", "pyproject.toml")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


class ConfigError(Exception):
    """A configuration problem; the message names the file, the key and what is allowed."""


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

    def enabled_codes(
        self, filename: Optional[str] = None, codes: Optional[Iterable[str]] = None
    ) -> frozenset[str]:
        """The rules that run on `filename`: selection, then per-file ignores."""
        universe = tuple(codes) if codes is not None else _rule_codes()
        enabled = {
            c for c in universe if _selected(c, (*self.select, *self.extend_select), self.ignore)
        }
        if filename and self.per_file_ignores:
            for spec, selectors in self._per_file_specs:
                if _matches(spec, filename, self.root):
                    enabled = {c for c in enabled if not _best(c, selectors)}
        return frozenset(enabled)

    @cached_property
    def _per_file_specs(self) -> list[tuple[pathspec.PathSpec, tuple[str, ...]]]:
        return [
            (pathspec.GitIgnoreSpec.from_lines([pattern]), selectors)
            for pattern, selectors in self.per_file_ignores
        ]

    @cached_property
    def _exclude_spec(self) -> pathspec.PathSpec:
        return pathspec.GitIgnoreSpec.from_lines([*self.exclude, *self.extend_exclude])

    def is_excluded(self, path: Path) -> bool:
        """Whether `exclude`/`extend-exclude` match the path (relative to root) or its name."""
        return _matches(self._exclude_spec, str(path), self.root)

    def fingerprint(self) -> str:
        data = repr([(f.name, getattr(self, f.name)) for f in fields(self)])
        return hashlib.sha256(data.encode()).hexdigest()[:32]


def _rule_codes() -> tuple[str, ...]:
    from parlint.rules.registry import rule_codes

    return rule_codes()


def _best(code: str, selectors: Iterable[str]) -> int:
    """The length of the most specific selector matching `code` (0: none; ALL counts as 1)."""
    best = 0
    for selector in selectors:
        if selector == "ALL":
            best = max(best, 1)
        elif code.startswith(selector):
            best = max(best, len(selector) + 1)
    return best


def _selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """ruff's rule: the more specific of a matching select and a matching ignore wins."""
    chosen = _best(code, select)
    return chosen > 0 and chosen > _best(code, ignore)


def _matches(spec: pathspec.PathSpec, path: str, root: Optional[str]) -> bool:
    """Match the name, and the path below `root` when the file is there (as ruff does: a
    pattern never matches the directories above the project)."""
    candidate = Path(os.path.abspath(path))
    if spec.match_file(candidate.name):
        return True
    if root is None:
        return False
    try:
        relative = candidate.relative_to(root)
    except ValueError:
        return False
    return spec.match_file(relative.as_posix())


# -- reading files ----------------------------------------------------------------------------


def _read_table(path: Path) -> Optional[dict[str, Any]]:
    """The parlint table of a config file, or None for a pyproject.toml without one."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("parlint")
        if table is not None and not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.parlint] must be a table")
        return table
    return data


def _where(path: Path) -> str:
    return f"{path}: [tool.parlint]" if path.name == "pyproject.toml" else str(path) + ":"


def _string_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{_where(path)} key '{key}': expected a list of strings, got {value!r}")
    return tuple(value)


def _selector_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    selectors = _string_list(path, key, value)
    codes = _rule_codes()
    for selector in selectors:
        if selector != "ALL" and not any(code.startswith(selector) for code in codes):
            raise ConfigError(
                f"{_where(path)} key '{key}': unknown rule selector {selector!r}; expected ALL or "
                f"a code or prefix of one of {', '.join(codes)}"
            )
    return selectors


def _dotted_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    names = _string_list(path, key, value)
    for name in names:
        if not _DOTTED.fullmatch(name):
            raise ConfigError(
                f"{_where(path)} key '{key}': {name!r} is not a dotted name like "
                "'package.module.function'"
            )
    return names


def _validate(path: Path, table: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in ("select", "ignore", "extend-select"):
            values[key.replace("-", "_")] = _selector_list(path, key, value)
        elif key in ("exclude", "extend-exclude"):
            values[key.replace("-", "_")] = _string_list(path, key, value)
        elif key in ("io-calls", "cpu-calls", "gil-releasing-modules"):
            values[key.replace("-", "_")] = _dotted_list(path, key, value)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{_where(path)} key 'per-file-ignores': expected a table of glob pattern = "
                    f"[rule selectors], got {value!r}"
                )
            values["per_file_ignores"] = tuple(
                (pattern, _selector_list(path, f"per-file-ignores.{pattern}", selectors))
                for pattern, selectors in value.items()
            )
        elif key == "target-version":
            if value not in TARGET_VERSIONS:
                raise ConfigError(
                    f"{_where(path)} key 'target-version': expected one of "
                    f"{', '.join(TARGET_VERSIONS)}, got {value!r}"
                )
            values["target_version"] = value
        elif key == "free-threaded":
            if not isinstance(value, bool):
                raise ConfigError(
                    f"{_where(path)} key 'free-threaded': expected true or false, got {value!r}"
                )
            values["free_threaded"] = value
        elif key == "max-manual-threads":
            if not isinstance(value, int) or isinstance(value, bool) or value < 2:
                raise ConfigError(
                    f"{_where(path)} key 'max-manual-threads': expected a whole number of at "
                    f"least 2, got {value!r}"
                )
            values["max_manual_threads"] = value
        else:
            allowed = ", ".join(sorted(KEYS))
            raise ConfigError(f"{_where(path)} unknown key '{key}'; allowed keys: {allowed}")
    return values


KEYS = frozenset(
    {"select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude",
     "target-version", "free-threaded", "max-manual-threads", "io-calls", "cpu-calls",
     "gil-releasing-modules"}
)  # fmt: skip


def load_settings(path: Path) -> Settings:
    """Read and validate one configuration file."""
    table = _read_table(path)
    values = _validate(path, table or {})
    return Settings(**values, root=str(path.parent.resolve()), path=str(path))


def find_config_file(directory: Path) -> Optional[Path]:
    """The nearest configuration file at or above `directory`."""
    for folder in (directory, *directory.parents):
        found = _config_in(folder)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Overrides:
    """Command-line options that take precedence over every configuration file."""

    select: Optional[tuple[str, ...]] = None
    extend_select: Optional[tuple[str, ...]] = None
    ignore: Optional[tuple[str, ...]] = None
    target_version: Optional[str] = None
    free_threaded: Optional[bool] = None

    def apply(self, settings: Settings) -> Settings:
        for option, selectors in (
            ("--select", self.select),
            ("--extend-select", self.extend_select),
            ("--ignore", self.ignore),
        ):
            codes = _rule_codes()
            for selector in selectors or ():
                if selector != "ALL" and not any(c.startswith(selector) for c in codes):
                    raise ConfigError(f"{option}: unknown rule selector {selector!r}")
        changes: dict[str, Any] = {}
        if self.select is not None:
            changes["select"] = self.select
        if self.extend_select:
            changes["extend_select"] = (*settings.extend_select, *self.extend_select)
        if self.ignore:
            changes["ignore"] = (*settings.ignore, *self.ignore)
        if self.target_version is not None:
            changes["target_version"] = self.target_version
        if self.free_threaded is not None:
            changes["free_threaded"] = self.free_threaded
        return replace(settings, **changes) if changes else settings


class ConfigResolver:
    """The settings for each file: `--config`, else the nearest file, else defaults."""

    def __init__(
        self,
        overrides: Optional[Overrides] = None,
        config_file: Optional[Path] = None,
        cwd: Optional[Path] = None,
    ) -> None:
        self.overrides = overrides or Overrides()
        self.cwd = (cwd or Path.cwd()).resolve()
        self._fixed: Optional[Settings] = None
        if config_file is not None:
            self._fixed = self.overrides.apply(load_settings(config_file))
        self._by_directory: dict[Path, Settings] = {}
        self._by_file: dict[Path, Settings] = {}

    @cached_property
    def default_settings(self) -> Settings:
        if self._fixed is not None:
            return self._fixed
        found = find_config_file(self.cwd)
        base = load_settings(found) if found else Settings(root=str(self.cwd))
        return self.overrides.apply(base)

    def settings_for(self, path: Path) -> Settings:
        if self._fixed is not None:
            return self._fixed
        directory = path.parent.resolve() if not path.is_dir() else path.resolve()
        cached = self._by_directory.get(directory)
        if cached is not None:
            return cached
        # Walk up, remembering each directory visited, until a known answer or a config file.
        visited = []
        settings: Optional[Settings] = None
        for folder in (directory, *directory.parents):
            if folder in self._by_directory:
                settings = self._by_directory[folder]
                break
            visited.append(folder)
            found = _config_in(folder)
            if found is not None:
                settings = self._load(found)
                break
        if settings is None:
            settings = self.overrides.apply(Settings(root=str(self.cwd)))
        for folder in visited:
            self._by_directory[folder] = settings
        return settings

    def _load(self, path: Path) -> Settings:
        cached = self._by_file.get(path)
        if cached is None:
            cached = self._by_file[path] = self.overrides.apply(load_settings(path))
        return cached


def _config_in(folder: Path) -> Optional[Path]:
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            if name == "pyproject.toml" and _read_table(candidate) is None:
                continue
            return candidate
    return None
