"""Configuration: finding, reading and validating `[tool.parlint]`, and what it selects.

Discovery walks up from each linted file: in one directory `.parlint.toml` beats
`parlint.toml` beats a `pyproject.toml` that has a `[tool.parlint]` table (as ruff does).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Optional, Union

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

# The free-threading rules (PAR701-PAR704): off unless asked for, see `enabled_codes`.
FREE_THREADING_PREFIX = "PAR7"

TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(8, 15))
CONFIG_NAMES = (".parlint.toml", "parlint.toml", "pyproject.toml")

# A pattern that is a bare file or directory name: no separators, wildcards, escapes, negation,
# comment or spaces (which gitignore would trim).
_PLAIN_NAME = re.compile(r"[^/*?\[\]\\!#\s][^/*?\[\]\\\s]*")

StrPath = Union[str, "os.PathLike[str]"]
# (extend-select, ignore) given on top of a file's own selection, by the command line or an editor.
RuleLayer = tuple[tuple[str, ...], tuple[str, ...]]


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
    # Where a diagnostic's link points: a URL with `{code}` (and optionally `{name}`) in it;
    # None: the rule's page in the repository's docs/.
    docs_url: Optional[str] = None
    # ruff layers command-line selections over the file's: `--ignore PAR1` must drop PAR101
    # even when the file selects PAR101 explicitly, which one flat select/ignore pair cannot
    # express. Each layer is applied in order after the file's own selection.
    rule_layers: tuple[RuleLayer, ...] = ()
    # The interpreter whose installed distributions PAR704 reads (`--python`); None: the one
    # parlint runs in. A command-line option, not a configuration key.
    python: Optional[str] = None
    # The directory patterns are relative to, and the file the settings came from.
    root: Optional[str] = None
    path: Optional[str] = None

    def enabled_codes(
        self, filename: Optional[str] = None, codes: Optional[Iterable[str]] = None
    ) -> frozenset[str]:
        """The rules that run on `filename`: selection, command-line layers, per-file ignores.

        `codes` is the universe of rule codes; by default every registered rule.
        """
        universe = tuple(codes) if codes is not None else _rule_codes()
        selectors = (*self.select, *self.extend_select)
        enabled = {code for code in universe if _selected(code, selectors, self.ignore)}
        for extend, ignore in self.rule_layers:
            for code in universe:
                on, off = _specificity(code, extend), _specificity(code, ignore)
                if on > off:
                    enabled.add(code)
                elif off:
                    enabled.discard(code)
        if not self.free_threaded:
            # The free-threading family is opt-in (SPEC 2): on with `free-threaded = true`,
            # or when a selector names it (`PAR7`, `PAR703`); `PAR` and `ALL` do not.
            chosen = (*selectors, *(s for extend, _ in self.rule_layers for s in extend))
            enabled = {
                code
                for code in enabled
                if not code.startswith(FREE_THREADING_PREFIX)
                or _specificity(code, chosen) > len(FREE_THREADING_PREFIX)
            }
        if filename and self.per_file_ignores:
            target = self._pattern_target(filename, is_dir=False)
            for spec, negated, ignored in self._per_file_specs:
                if target is not None and spec.match_file(target) != negated:
                    enabled = {code for code in enabled if not _specificity(code, ignored)}
        return frozenset(enabled)

    def is_excluded(self, path: StrPath, *, is_dir: bool = False) -> bool:
        """Whether `exclude`/`extend-exclude` match the path.

        Patterns are gitignore-style and see the path relative to `root`, so `build` matches
        `root/build/x.py` and `/build` only the top-level one. A path outside `root` is judged
        by its name alone: a pattern never matches the directories above the project (a
        project inside `~/.pyenv` is not excluded by `.pyenv`). `is_dir` lets patterns
        ending in `/` match the directory itself, so a walk can skip it without descending.
        """
        target = self._pattern_target(path, is_dir=is_dir)
        if target is None:
            return False
        names, spec = self._exclude_matchers
        if names and not names.isdisjoint(target.rstrip("/").split("/")):
            return True
        return spec is not None and spec.match_file(target)

    @cached_property
    def enabled(self) -> frozenset[str]:
        """The rules these settings run (per-file ignores aside), asked once per file."""
        return self.enabled_codes()

    @property
    def reads_imports(self) -> bool:
        """PAR704 runs: every file with an import may have a finding, threads or not."""
        return "PAR704" in self.enabled

    def fingerprint(self) -> str:
        """A stable digest of everything that can change what a file's check reports."""
        data = repr([(f.name, getattr(self, f.name)) for f in fields(self)])
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    @cached_property
    def _per_file_specs(self) -> tuple[tuple[pathspec.PathSpec, bool, tuple[str, ...]], ...]:
        # A leading `!` means "every file not matching", as in ruff's per-file-ignores.
        return tuple(
            (pathspec.GitIgnoreSpec.from_lines([_unnegated(pattern)]), pattern[:1] == "!", codes)
            for pattern, codes in self.per_file_ignores
        )

    @cached_property
    def _exclude_matchers(self) -> tuple[frozenset[str], Optional[pathspec.PathSpec]]:
        """Plain names (like every default) as a set, the other patterns as a spec.

        A plain name excludes any path with a component of that name; a set lookup per
        component is what keeps walking a large tree fast. With a `!` pattern, order
        matters, so everything goes through the spec.
        """
        patterns = (*self.exclude, *self.extend_exclude)
        if any(pattern.startswith("!") for pattern in patterns):
            return frozenset(), pathspec.GitIgnoreSpec.from_lines(patterns)
        names = frozenset(p for p in patterns if _PLAIN_NAME.fullmatch(p))
        rest = [p for p in patterns if p not in names]
        return names, pathspec.GitIgnoreSpec.from_lines(rest) if rest else None

    @cached_property
    def _root_prefix(self) -> Optional[str]:
        return None if self.root is None else os.path.join(os.path.abspath(self.root), "")

    def _pattern_target(self, path: StrPath, *, is_dir: bool) -> Optional[str]:
        """What gitignore patterns are matched against: the path below root, else its name.

        None for the root itself, which no pattern should exclude.
        """
        absolute = os.path.abspath(path)
        prefix = self._root_prefix
        if prefix is not None and absolute.startswith(prefix):
            target = absolute[len(prefix) :]
            if os.sep != "/":
                target = target.replace(os.sep, "/")
        elif prefix is not None and absolute == prefix[:-1]:
            return None
        else:
            target = os.path.basename(absolute)
        return target + "/" if is_dir else target


def _unnegated(pattern: str) -> str:
    return pattern[1:] if pattern[:1] == "!" else pattern


def _rule_codes() -> tuple[str, ...]:
    # Imported late: the rules import this module, and their set is only known once loaded.
    from parlint.rules.registry import rule_codes

    return rule_codes()


def _specificity(code: str, selectors: Iterable[str]) -> int:
    """How specific the best selector matching `code` is: 0 none, 1 ALL, else prefix length+1."""
    best = 0
    for selector in selectors:
        if selector == "ALL":
            best = max(best, 1)
        elif code.startswith(selector):
            best = max(best, len(selector) + 1)
    return best


def _selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """ruff's rule: the more specific of a matching select and a matching ignore wins; on a
    tie, ignore does."""
    chosen = _specificity(code, select)
    return chosen > _specificity(code, ignore)


def _selector_problem(selector: str, codes: tuple[str, ...]) -> Optional[str]:
    """Why `selector` selects nothing, or None when it is valid."""
    if selector == "ALL" or (selector and any(code.startswith(selector) for code in codes)):
        return None
    known = ", ".join(codes) if codes else "none are registered"
    return (
        f"unknown rule selector {selector!r}; expected ALL or a rule code or a prefix of one, "
        f"like PAR, PAR1 or PAR101 (rule codes: {known})"
    )


# -- reading files ----------------------------------------------------------------------------


def _read_table(path: Path) -> Optional[dict[str, Any]]:
    """The parlint table of a config file, or None for a pyproject.toml without one."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {_toml_error(path, exc)}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 ({exc})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool")
    # Another tool's malformed `tool` entry is not ours to reject; it just has no parlint table.
    table = tool.get("parlint") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.parlint] must be a table, got {table!r}")
    return table


def _toml_error(path: Path, exc: Exception) -> str:
    """Where and what: the decoder puts "(at line L, column C)" or "(at end of document)" at
    the end of its message; the line of the end is worth naming too."""
    message = str(exc)
    located = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.DOTALL)
    if located:
        reason, line, column = located.groups()
        return f"invalid TOML at line {line}, column {column}: {reason}"
    if message.endswith(" (at end of document)"):
        try:
            last = max(1, len(path.read_bytes().splitlines()))
        except OSError:
            last = 0
        where = f"line {last} (the end of the file)" if last else "the end of the file"
        return f"invalid TOML at {where}: {message[: -len(' (at end of document)')]}"
    return f"invalid TOML: {message}"


def _where(path: Path) -> str:
    return f"{path}: [tool.parlint]" if path.name == "pyproject.toml" else f"{path}:"


def _fail(path: Path, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{_where(path)} key '{key}': {problem}")


def _string_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _fail(path, key, f"expected a list of strings, got {value!r}")
    return tuple(value)


def _selector_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    selectors = _string_list(path, key, value)
    codes = _rule_codes()
    for selector in selectors:
        problem = _selector_problem(selector, codes)
        if problem is not None:
            raise _fail(path, key, problem)
    return selectors


def _pattern_problem(pattern: str) -> Optional[str]:
    """Why `pattern` is not a usable gitignore-style pattern, or None when it is."""
    try:
        compiled = pathspec.GitIgnoreSpec.from_lines([pattern])
    except ValueError as exc:  # pathspec's pattern errors are ValueErrors in every version
        return f"{pattern!r} is not a valid gitignore-style pattern ({exc})"
    if not any(p.include is not None for p in compiled.patterns):
        # Blank lines, comments and the like compile to nothing and would silently do nothing.
        return f"{pattern!r} matches nothing"
    return None


_PATTERN_HELP = "expected gitignore-style patterns like 'build', 'tests/data/' or 'gen/*.py'"


def _pattern_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    patterns = _string_list(path, key, value)
    for pattern in patterns:
        problem = _pattern_problem(pattern)
        if problem is not None:
            raise _fail(path, key, f"{problem}; {_PATTERN_HELP}")
    return patterns


def _is_dotted_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def _dotted_list(path: Path, key: str, value: Any) -> tuple[str, ...]:
    names = _string_list(path, key, value)
    for name in names:
        if not _is_dotted_name(name):
            raise _fail(
                path,
                key,
                f"{name!r} is not a dotted name; expected qualified names like "
                "'package.module.function'",
            )
    return names


def _per_file_ignores(path: Path, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    key = "per-file-ignores"
    if not isinstance(value, dict):
        raise _fail(
            path, key, f"expected a table of glob pattern = [rule selectors], got {value!r}"
        )
    entries = []
    for pattern, selectors in value.items():
        problem = _pattern_problem(_unnegated(pattern))
        if problem is not None:
            raise _fail(path, key, f"{problem}; {_PATTERN_HELP}")
        entries.append((pattern, _selector_list(path, f"{key}.{pattern}", selectors)))
    return tuple(entries)


def _target_version(path: Path, value: Any) -> str:
    if not isinstance(value, str) or value not in TARGET_VERSIONS:
        raise _fail(
            path, "target-version", f"expected one of {', '.join(TARGET_VERSIONS)}, got {value!r}"
        )
    return value


def _free_threaded(path: Path, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "free-threaded", f"expected true or false, got {value!r}")
    return value


def _max_manual_threads(path: Path, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 2:
        raise _fail(
            path, "max-manual-threads", f"expected a whole number of at least 2, got {value!r}"
        )
    return value


def _docs_url(path: Path, value: Any) -> str:
    if not isinstance(value, str) or "{code}" not in value:
        raise _fail(
            path, "docs-url", f"expected a URL with {{code}} in it (the rule code), got {value!r}"
        )
    try:
        value.format(code="PAR101", name="unjoined-thread")
    except (KeyError, IndexError, ValueError) as exc:
        raise _fail(
            path, "docs-url", f"only {{code}} and {{name}} can be filled in: {exc}"
        ) from exc
    return value


KEYS = frozenset(
    {"select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude",
     "target-version", "free-threaded", "max-manual-threads", "io-calls", "cpu-calls",
     "gil-releasing-modules", "docs-url"}
)  # fmt: skip


def _unknown_key(path: Path, key: str) -> ConfigError:
    message = f"{_where(path)} unknown key '{key}'; allowed keys: {', '.join(sorted(KEYS))}"
    close = difflib.get_close_matches(key.replace("_", "-"), sorted(KEYS), n=1)
    if close:
        message += f"; did you mean '{close[0]}'?"
    return ConfigError(message)


def _validate(path: Path, table: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in table.items():
        field = key.replace("-", "_")
        if key in ("select", "ignore", "extend-select"):
            values[field] = _selector_list(path, key, value)
        elif key in ("exclude", "extend-exclude"):
            values[field] = _pattern_list(path, key, value)
        elif key in ("io-calls", "cpu-calls", "gil-releasing-modules"):
            values[field] = _dotted_list(path, key, value)
        elif key == "per-file-ignores":
            values[field] = _per_file_ignores(path, value)
        elif key == "target-version":
            values[field] = _target_version(path, value)
        elif key == "free-threaded":
            values[field] = _free_threaded(path, value)
        elif key == "max-manual-threads":
            values[field] = _max_manual_threads(path, value)
        elif key == "docs-url":
            values[field] = _docs_url(path, value)
        else:
            raise _unknown_key(path, key)
    return values


def load_settings(path: Path) -> Settings:
    """Read and validate one configuration file; its patterns are relative to its directory."""
    table = _read_table(path)
    values = _validate(path, table or {})
    return Settings(**values, root=os.path.dirname(os.path.abspath(path)), path=str(path))


def _config_in(folder: str) -> Optional[Path]:
    """The configuration file of one directory, by precedence."""
    for name in CONFIG_NAMES:
        candidate = Path(folder, name)
        if candidate.is_file():
            if name == "pyproject.toml" and _read_table(candidate) is None:
                continue
            return candidate
    return None


def _folders_upwards(directory: StrPath) -> Iterable[str]:
    # Lexical, not resolved: roots must stay comparable with the paths the user gave.
    current = os.path.abspath(directory)
    while True:
        yield current
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


def find_config_file(directory: Path) -> Optional[Path]:
    """The nearest configuration file at or above `directory`."""
    for folder in _folders_upwards(directory):
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
    python: Optional[str] = None

    def validate(self) -> None:
        """Raise ConfigError naming the option for an unknown selector or version."""
        codes = _rule_codes()
        for option, selectors in (
            ("--select", self.select),
            ("--extend-select", self.extend_select),
            ("--ignore", self.ignore),
        ):
            for selector in selectors or ():
                problem = _selector_problem(selector, codes)
                if problem is not None:
                    raise ConfigError(f"{option}: {problem}")
        if self.target_version is not None and self.target_version not in TARGET_VERSIONS:
            raise ConfigError(
                f"--target-version: expected one of {', '.join(TARGET_VERSIONS)}, "
                f"got {self.target_version!r}"
            )

    def apply(self, settings: Settings) -> Settings:
        """`settings` with these options on top, combined the way ruff combines them."""
        self.validate()
        changes: dict[str, Any] = {}
        if self.select is not None:
            # As in ruff, the highest-priority `select` starts the selection afresh: the file's
            # extend-select and ignore no longer apply (`--select X` runs X even if ignored).
            changes.update(
                select=self.select,
                extend_select=self.extend_select or (),
                ignore=self.ignore or (),
                rule_layers=(),
            )
        elif self.extend_select or self.ignore:
            layer = (self.extend_select or (), self.ignore or ())
            changes["rule_layers"] = (*settings.rule_layers, layer)
        if self.target_version is not None:
            changes["target_version"] = self.target_version
        if self.free_threaded is not None:
            changes["free_threaded"] = self.free_threaded
        if self.python is not None:
            changes["python"] = self.python
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
        self.cwd = Path(os.path.abspath(cwd if cwd is not None else os.getcwd()))
        self._fixed: Optional[Settings] = None
        if config_file is not None:
            self._fixed = self.overrides.apply(load_settings(config_file))
        else:
            self.overrides.validate()  # fail early even if no file is ever resolved
        self._by_directory: dict[str, Settings] = {}
        self._by_file: dict[str, Settings] = {}

    @property
    def default_settings(self) -> Settings:
        """For input without a file name (stdin): as if the file were in the working directory."""
        return self.settings_for_directory(self.cwd)

    def settings_for(self, path: Path) -> Settings:
        """The settings of the file (or directory) `path`."""
        absolute = os.path.abspath(path)
        return self.settings_for_directory(
            absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        )

    def settings_for_directory(self, directory: StrPath) -> Settings:
        """The settings of the files directly inside `directory` (cached per directory)."""
        if self._fixed is not None:
            return self._fixed
        key = os.path.abspath(directory)
        cached = self._by_directory.get(key)
        if cached is not None:
            return cached
        # Walk up until a directory with a known answer or a config file, then remember the
        # answer for every directory on the way: one lookup per directory per run.
        visited: list[str] = []
        settings: Optional[Settings] = None
        for folder in _folders_upwards(key):
            settings = self._by_directory.get(folder)
            if settings is not None:
                break
            visited.append(folder)
            found = _config_in(folder)
            if found is not None:
                settings = self._load(found)
                break
        if settings is None:
            settings = self._defaults
        for folder in visited:
            self._by_directory[folder] = settings
        return settings

    @cached_property
    def _defaults(self) -> Settings:
        return self.overrides.apply(Settings(root=str(self.cwd)))

    def _load(self, path: Path) -> Settings:
        key = str(path)
        cached = self._by_file.get(key)
        if cached is None:
            cached = self._by_file[key] = self.overrides.apply(load_settings(path))
        return cached
