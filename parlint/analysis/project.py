"""The project a file belongs to: its modules, found by name, parsed and modelled on demand.

A project is the tree under the nearest `pyproject.toml`, `setup.py`, `setup.cfg` or VCS root.
Modules are named as Python would import them: from `src/` in a src layout, else from the
project root, and from the directory above a file's top-level package (so that a tree with no
project marker, such as the standard library, still resolves its own imports). Directories
without `__init__.py` are namespace packages. Other modules of the project are read only when
a task leads into them, and each is parsed and modelled once per project.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional, Union

from parlint.analysis.model import ConcurrencyModel, WorkerClass
from parlint.analysis.reachability import Hop
from parlint.analysis.scopes import Scope
from parlint.analysis.tracking import build_model
from parlint.config import Settings
from parlint.ftypes import Location
from parlint.source import SourceText

log = logging.getLogger("parlint")

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", ".hg")
# Re-exports followed from one module to the next (`pkg/__init__.py` importing from a
# submodule, ...); a longer chain is not followed.
MAX_REEXPORTS = 8
FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# Reads a module's text, or None when it cannot be read (and then it is not resolved).
Reader = Callable[[Path], Optional[str]]


def real_path(path: Path) -> Path:
    """The absolute path with symlinks resolved; unlike Path.resolve, never raises (a
    symlink loop stays as it is)."""
    return Path(os.path.realpath(path))


def read_text(path: Path) -> Optional[str]:
    from parlint.engine import decode
    from parlint.files import read_source_file

    try:
        data = read_source_file(str(path)).data
    except OSError:
        return None
    text, _, _ = decode(data)
    return text


def project_root(path: Path) -> Optional[Path]:
    """The nearest directory at or above `path`'s directory holding a project marker."""
    current = path.parent if path.suffix else path
    for directory in (current, *current.parents):
        if any((directory / marker).exists() for marker in ROOT_MARKERS):
            return directory
    return None


def package_root(path: Path) -> Path:
    """The directory above the top-level regular package that holds the file."""
    directory = path.parent
    while (directory / "__init__.py").exists() and directory.parent != directory:
        directory = directory.parent
    return directory


@dataclass(eq=False)
class Module:
    """One module of the project, parsed and modelled."""

    name: str
    path: Path
    source: SourceText
    model: ConcurrencyModel
    digest: str

    @property
    def display(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class IncomingTask:
    """A function of one module handed to threads or processes by another module."""

    target: str  # the path of the module that defines the function
    function: str  # its name in that module: `count_rows`, `Stats.record`, `Builder.run`
    # Handed off as a bound method of an object (`stats.record`): threads share `self`.
    shares_self: bool
    filename: str  # the path of the module with the hand-off, and where it is
    location: Location
    end_location: Location
    on_threads: Optional[bool] = True  # threads, processes (False), or not known (None)
    concurrent: bool = True  # may run on two or more workers at once
    # The `run()` of a Thread/Process subclass of the target module, constructed there.
    subclass: bool = False
    # Not handed off but called on the thread: the task's name and the calls from it to the
    # function (reachability.Hop), and whether every way there holds a lock.
    task: str = ""
    hops: tuple[Hop, ...] = ()
    locked: bool = False

    @property
    def handed_off(self) -> bool:
        return not self.hops


@dataclass(frozen=True)
class Definition:
    """A function of the project, in the module that defines it."""

    module: Module
    function: FunctionNode


@dataclass(eq=False)
class Project:
    """The modules of one project, each read, parsed and modelled at most once."""

    root: Optional[Path]
    reader: Reader = read_text
    # path -> text that replaces what is on disk (the file being checked, editor buffers)
    overlays: dict[Path, str] = field(default_factory=dict)
    _modules: dict[str, Optional[Module]] = field(default_factory=dict)
    _search: list[Path] = field(default_factory=list)
    # Every module read while checking, by path: what a file's diagnostics depend on.
    used: dict[Path, str] = field(default_factory=dict)
    # module name -> its effect analysis (task_effects.EffectAnalysis), shared by every
    # module that calls into it
    analyses: dict[str, Any] = field(default_factory=dict)
    # Tasks handed off from one module into another. `scan`: find them by reading the whole
    # project once, when first asked, then only what changes (the server; the CLI for a few
    # named files); otherwise they come only from `given` (the CLI collects them while it
    # checks every file, then checks again the files that receive tasks), or are not known
    # (a file checked through the library API).
    scan: bool = True
    given: Optional[dict[str, list[IncomingTask]]] = None
    # The names of the project's Thread/Process subclasses: a file that uses one is checked
    # although it names no concurrency module itself. From the scan, or given (the CLI).
    given_classes: Optional[frozenset[str]] = None
    _exports: dict[str, list[IncomingTask]] = field(default_factory=dict)
    _classes: dict[str, frozenset[str]] = field(default_factory=dict)
    _scanned: bool = False
    _stale: set[Path] = field(default_factory=set)
    # The file checked in part (see `deferring`), whose own hand-offs are not read now.
    _deferred: Optional[Path] = None
    _loading: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, path: Path, reader: Reader = read_text, scan: bool = False) -> Project:
        return cls(project_root(real_path(path)), reader, scan=scan)

    # -- names ----------------------------------------------------------------------------
    def source_roots(self, path: Path) -> list[Path]:
        roots: list[Path] = []
        if self.root is not None:
            roots += [self.root / "src", self.root]
        roots.append(package_root(path))
        return [r for r in dict.fromkeys(roots) if r.is_dir()]

    def module_name(self, path: Path) -> Optional[str]:
        """The dotted name `path` is imported by, or None outside any source root."""
        path = real_path(path)
        for root in self.source_roots(path):
            try:
                relative = path.relative_to(root)
            except ValueError:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts and parts[-1] == "__init__":
                parts.pop()
            if parts and all(part.isidentifier() for part in parts):
                self._remember_root(root)
                return ".".join(parts)
        return None

    def package(self, path: Path) -> Optional[str]:
        """The package relative imports in `path` start from ('' for a top-level module)."""
        name = self.module_name(path)
        if name is None:
            return None
        if path.name == "__init__.py":
            return name
        return name.rpartition(".")[0]

    def _remember_root(self, root: Path) -> None:
        if root not in self._search:
            self._search.append(root)

    def _path_of(self, name: str) -> Optional[Path]:
        parts = name.split(".")
        for root in self._search:
            base = root.joinpath(*parts)
            for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                if candidate.is_file():
                    return candidate
        return None

    # -- modules --------------------------------------------------------------------------
    def add(self, path: Path, text: str, model: ConcurrencyModel) -> Optional[Module]:
        """Register the file being checked, already parsed and modelled."""
        name = self.module_name(path)
        if name is None:
            return None
        module = Module(name, real_path(path), SourceText(text), model, _digest(text))
        self._modules[name] = module
        return module

    def unregistered(
        self, path: Path, source: SourceText, model: ConcurrencyModel
    ) -> Optional[Module]:
        """The file being checked as a module, for a check of part of it: the project keeps
        the module it has (or reads the file again when another module needs it)."""
        name = self.module_name(path)
        if name is None:
            return None
        return Module(name, real_path(path), source, model, _digest(source.text))

    @contextmanager
    def deferring(self, path: Path) -> Iterator[None]:
        """While the file at `path` is checked in part: what it hands off into other modules
        is read again only when another file's check needs it."""
        previous = self._deferred
        self._deferred = real_path(path)
        try:
            yield
        finally:
            self._deferred = previous

    def module(self, name: str) -> Optional[Module]:
        if name in self._modules:
            module = self._modules[name]
        else:
            module = self._load(name)
            self._modules[name] = module
        if module is not None:
            self.used.setdefault(module.path, module.digest)
        return module

    def _load(self, name: str) -> Optional[Module]:
        path = self._path_of(name)
        if path is None:
            return None
        path = real_path(path)
        text = self.overlays.get(path)
        if text is None:
            text = self.reader(path)
        if text is None:
            return None
        self._loading.add(name)
        try:
            tree = ast.parse(text, filename=str(path))
            model = build_model(tree, str(path), self.package(path), self.worker_class)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # reported when that file itself is checked
        finally:
            self._loading.discard(name)
        return Module(name, path, SourceText(text), model, _digest(text))

    # -- definitions ----------------------------------------------------------------------
    def lookup(self, qualname: str, depth: int = 0) -> Optional[Definition]:
        """The project function a qualified name refers to (`pkg.jobs.crunch`,
        `pkg.stats.Detector.flag`), following re-exports; None for anything else."""
        if depth > MAX_REEXPORTS or "." not in qualname:
            return None
        parts = qualname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.module(".".join(parts[:cut]))
            if module is not None:
                return self._member(module, parts[cut:], depth)
        return None

    def _member(self, module: Module, path: list[str], depth: int) -> Optional[Definition]:
        scope: Scope = module.model.names.module_scope
        for index, name in enumerate(path):
            last = index == len(path) - 1
            if name in scope.stores and name not in scope.qualified:
                return None  # rebound at run time: not known
            if last and name in scope.functions:
                return Definition(module, scope.functions[name])
            if name in scope.classes:
                scope = module.model.names.scope_of_node(scope.classes[name])
                continue
            target = scope.qualified.get(name) if scope.is_module else None
            if target is not None and target != f"{module.name}.{name}":
                rest = ".".join(path[index + 1 :])
                return self.lookup(f"{target}.{rest}" if rest else target, depth + 1)
            return None
        return None

    def defines(self, qualname: str) -> bool:
        """Whether `qualname` names a function or method of the project (read on demand)."""
        return self.lookup(qualname) is not None

    def worker_class(self, qualname: str, depth: int = 0) -> Optional[WorkerClass]:
        """The Thread/Process subclass `qualname` names in another module of the project
        (`pkg.workers.Builder`), following re-exports; None for anything else. A module whose
        text names neither Thread nor Process is not parsed for it."""
        if depth > MAX_REEXPORTS or "." not in qualname:
            return None
        parts = qualname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:cut])
            if name in self._loading:
                return None  # modules importing each other: not followed round
            path = self._path_of(name) if name not in self._modules else None
            if path is not None and path.name != "__init__.py":
                text = self.overlays.get(real_path(path)) or self.reader(path)
                if text is None or not any(word in text for word in _WORKER_WORDS):
                    continue
            module = self.module(name)
            if module is None:
                continue
            rest = parts[cut:]
            scope = module.model.names.module_scope
            if len(rest) == 1 and rest[0] in scope.classes and rest[0] not in scope.stores:
                node = scope.classes[rest[0]]
                found = module.model.worker_classes.get(module.model.names.class_qualname(node))
                if found is None:
                    return None
                return found if found.module is not None else replace(found, module=name)
            target = scope.qualified.get(rest[0])
            if target is not None and target != f"{name}.{rest[0]}":
                tail = ".".join([target, *rest[1:]])
                return self.worker_class(tail, depth + 1)
            return None
        return None

    def modules(self) -> Iterator[Module]:
        yield from (m for m in self._modules.values() if m is not None)

    def dependencies(self, path: Path) -> tuple[tuple[str, str], ...]:
        """(path, digest) of every other module read since `start_file`: what the file's
        diagnostics depend on, for caches."""
        own = real_path(path)
        return tuple(sorted((str(p), d) for p, d in self.used.items() if p != own))

    def start_file(self) -> None:
        """A new file is checked: what it depends on is counted afresh."""
        self.used.clear()

    def forget(self, path: Path) -> None:
        """The file at `path` changed: read it again when it is next needed. Effects of
        other modules may have been computed through it: they are computed again too."""
        path = real_path(path)
        for name, module in list(self._modules.items()):
            if module is not None and module.path == path:
                del self._modules[name]
        # A module that did not exist may exist now.
        for name in [n for n, m in self._modules.items() if m is None]:
            del self._modules[name]
        self.analyses.clear()
        if self._scanned:
            self._exports.pop(str(path), None)
            self._classes.pop(str(path), None)
            self._stale.add(path)

    # -- tasks handed off from other modules ----------------------------------------------
    def incoming(self, module: Module, settings: Settings) -> list[IncomingTask]:
        """The tasks other modules hand off, concurrently on threads, into `module`."""
        return self.incoming_at(module.path, settings)

    def incoming_at(self, path: Path, settings: Settings) -> list[IncomingTask]:
        target = str(real_path(path))
        if self.given is not None:
            found = self.given.get(target, [])
        elif not self.scan:
            return []
        else:
            self._refresh(settings)
            found = [
                task for tasks in self._exports.values() for task in tasks if task.target == target
            ]
        for task in found:  # the diagnostics now depend on where the hand-off is
            exporter = self._modules.get(self.module_name(Path(task.filename)) or "")
            if exporter is not None:
                self.used.setdefault(exporter.path, exporter.digest)
        return found

    def _refresh(self, settings: Settings) -> None:
        if not self._scanned:
            self._scanned = True
            paths = list(self._sources())
        else:
            paths = [p for p in self._stale if p.is_file()]
        self._stale.clear()
        if self._deferred is not None and self._deferred in paths:
            paths.remove(self._deferred)
            self._stale.add(self._deferred)
        used = dict(self.used)  # reading the project is not what a file depends on
        # Files that name a concurrency module first (they define the Thread subclasses),
        # then the others that use one of those subclasses.
        later = []
        for path in paths:
            if not self._read_for_tasks(path, settings, frozenset()):
                later.append(path)
        names = frozenset().union(*self._classes.values())
        for path in later:
            self._read_for_tasks(path, settings, names)
        self.used = used

    def _read_for_tasks(self, path: Path, settings: Settings, names: frozenset[str]) -> bool:
        """Record what the module at `path` hands off and the worker classes it defines;
        False when it has nothing to do with concurrency (by its words, or `names`)."""
        from parlint.engine import could_matter

        text = self.overlays.get(path) or self.reader(path)
        if text is None or not (could_matter(text) or any(n in text for n in names)):
            self._exports[str(path)], self._classes[str(path)] = [], frozenset()
            return False
        self._exports[str(path)] = self._exports_of(path, settings)
        module = self._modules.get(self.module_name(path) or "")
        self._classes[str(path)] = worker_class_names(module.model) if module else frozenset()
        return True

    def matters(self, path: Path, text: str, settings: Settings) -> bool:
        """Whether a file with no concurrency words of its own may still have findings:
        another module hands its functions to threads or processes, or it uses one of the
        project's Thread/Process subclasses."""
        if self.incoming_at(path, settings):
            return True
        return any(name in text for name in self.worker_classes(settings))

    def worker_classes(self, settings: Settings) -> frozenset[str]:
        """The names of the Thread/Process subclasses the project's modules define."""
        if self.given_classes is not None:
            return self.given_classes
        if not self.scan:
            return frozenset()
        self._refresh(settings)
        return frozenset().union(*self._classes.values())

    def _exports_of(self, path: Path, settings: Settings) -> list[IncomingTask]:
        from parlint.analysis.task_effects import EffectAnalysis, outgoing_tasks

        name = self.module_name(path)
        if name is None:
            return []
        module = self.module(name)
        if module is None or module.path != path:
            return []
        known = self.analyses.get(module.name)
        if not (isinstance(known, EffectAnalysis) and known.module is module):
            known = EffectAnalysis(module.model, settings, self, module)
        return outgoing_tasks(known)

    def _sources(self) -> Iterator[Path]:
        """Every Python file of the project (hidden, virtual-environment, cache and build
        directories left out)."""
        top = self.root or (self._search[-1] if self._search else None)
        if top is None:
            return
        for directory, subdirectories, files in os.walk(top):
            subdirectories[:] = sorted(
                d for d in subdirectories if not d.startswith(".") and d not in _SKIPPED
            )
            for name in sorted(files):
                if name.endswith(".py"):
                    yield real_path(Path(directory, name))


@dataclass
class Projects:
    """The projects of the files of one run, so that files of a project share its modules."""

    reader: Reader = read_text
    scan: bool = True
    given: Optional[dict[str, list[IncomingTask]]] = None
    given_classes: Optional[frozenset[str]] = None
    _by_root: dict[Path, Project] = field(default_factory=dict)

    def forget(self, path: Path) -> None:
        for project in self._by_root.values():
            project.forget(path)

    def of(self, path: Path) -> Project:
        path = real_path(path)
        root = project_root(path)
        key = root if root is not None else package_root(path)
        if key not in self._by_root:
            self._by_root[key] = Project(
                root,
                self.reader,
                scan=self.scan,
                given=self.given,
                given_classes=self.given_classes,
            )
        return self._by_root[key]


def worker_class_names(model: ConcurrencyModel) -> frozenset[str]:
    """The names of the Thread/Process subclasses defined at a module's top level."""
    scope = model.names.module_scope
    return frozenset(
        name
        for name, node in scope.classes.items()
        if model.names.class_qualname(node) in model.worker_classes
    )


def unchanged(dependencies: tuple[tuple[str, str], ...], reader: Reader = read_text) -> bool:
    """Whether every dependency still has the digest it had."""
    for name, digest in dependencies:
        text = reader(Path(name))
        if text is None or _digest(text) != digest:
            return False
    return True


_WORKER_WORDS = ("Thread", "Process")
_SKIPPED = frozenset(
    {"__pycache__", "node_modules", "venv", "env", "site-packages", "build", "dist",
     "__pypackages__", "_build"}
)  # fmt: skip


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
