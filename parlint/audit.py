"""`parlint audit free-threading`: can this code run on a free-threaded CPython (PEP 703), and
what must change first? The report gathers, per package: the thread entry points, the functions
they reach (with the call chain), every hazard (PAR601, PAR701–PAR703) with its evidence and a
suggested change, the extension modules the package imports (PAR704) and a verdict."""

from __future__ import annotations

import ast
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Optional

from parlint.analysis.environment import Environment, environment, gil_after_import
from parlint.analysis.project import Projects, real_path
from parlint.analysis.reachability import Reached as WalkedTo
from parlint.analysis.reachability import function_name, thread_entries, walk
from parlint.analysis.task_effects import EffectAnalysis, runs_concurrently
from parlint.analysis.tracking import build_model
from parlint.config import ConfigResolver, Settings
from parlint.discovery import collect_files
from parlint.ftypes import Diagnostic
from parlint.output.common import display_path
from parlint.rules.extensions import imported_modules
from parlint.runner import Job, RunOptions, run
from parlint.source import SourceText

HAZARD_CODES = ("PAR601", "PAR701", "PAR702", "PAR703")
SELECTION = ("PAR000", "PAR601", "PAR7")
FORMATS = ("text", "markdown", "json")

# What to do, for the findings that come without a fix.
ADVICE = {
    "PAR601": "hold one lock around the update, or give each task its own result",
    "PAR701": "hold one lock around the test and the change",
    "PAR702": "hand out the items with `executor.map` or a `queue.Queue`",
    "PAR703": "pass the value explicitly (`cwd=`, `env=`, a path, a stream) instead of "
    "changing it for the process",
    "PAR704": "use a release with free-threaded wheels (cp313t, cp314t), or replace the module",
}


@dataclass(frozen=True)
class Place:
    file: str
    row: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}"


@dataclass(frozen=True)
class Reached:
    function: str
    place: Place
    chain: str  # `handle()` → `lookup()`


@dataclass(frozen=True)
class EntryPoint:
    place: Place
    how: str  # `map()`, `Thread`, `to_thread()`
    task: str
    concurrent: bool  # may run on two or more threads at once
    reaches: tuple[Reached, ...]


@dataclass(frozen=True)
class Hazard:
    code: str
    name: str
    place: Place
    message: str
    evidence: tuple[str, ...]
    change: str


@dataclass(frozen=True)
class Extension:
    module: str
    distribution: str
    version: str
    build: str  # free-threaded, gil, unknown
    evidence: str
    gil_after_import: Optional[bool]  # read by importing it in a free-threaded interpreter
    imported_at: tuple[Place, ...]

    @property
    def blocks(self) -> bool:
        return self.build != "free-threaded" or self.gil_after_import is True


@dataclass
class PackageReport:
    package: str
    files: int = 0
    entry_points: list[EntryPoint] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        blocking = [e.distribution for e in self.extensions if e.blocks]
        if blocking:
            return f"blocked by extension {', '.join(sorted(set(blocking)))}"
        if self.hazards:
            count = len(self.hazards)
            return f"ready after {count} change{'s' if count != 1 else ''}"
        return "ready"

    @property
    def ready(self) -> bool:
        return self.verdict == "ready"


@dataclass
class AuditReport:
    interpreter: str
    packages: list[PackageReport]
    errors: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(p.ready for p in self.packages)

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return self.to_json()
        return self.to_markdown() if fmt == "markdown" else self.to_text()

    def to_json(self) -> str:
        data = {
            "interpreter": self.interpreter,
            "ready": self.ready,
            "packages": [
                {**asdict(p), "verdict": p.verdict, "ready": p.ready} for p in self.packages
            ],
            "errors": self.errors,
        }
        return json.dumps(data, indent=2, default=str) + "\n"

    def to_text(self) -> str:
        lines = [
            "Free-threading readiness (PEP 703)",
            f"Extension modules as installed for {self.interpreter}",
            "",
        ]
        for package in self.packages:
            lines.append(f"{package.package}: {package.verdict} ({package.files} files)")
            lines.append(f"  thread entry points ({len(package.entry_points)}):")
            for entry in package.entry_points:
                at_once = "several threads at once" if entry.concurrent else "one thread"
                lines.append(f"    {entry.place}  {entry.how} runs `{entry.task}()` on {at_once}")
                for reached in entry.reaches:
                    lines.append(f"      reaches {reached.chain}  ({reached.place})")
            lines.append(f"  hazards ({len(package.hazards)}):")
            for hazard in package.hazards:
                lines.append(f"    {hazard.place}  {hazard.code} {hazard.name}: {hazard.message}")
                for evidence in hazard.evidence:
                    lines.append(f"      evidence: {evidence}")
                lines.append(f"      change: {hazard.change}")
            lines.append(f"  extension modules ({len(package.extensions)}):")
            for ext in package.extensions:
                lines.append(f"    {_extension_line(ext)}")
            lines.append("")
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines).rstrip() + "\n"

    def to_markdown(self) -> str:
        lines = [
            "# Free-threading readiness (PEP 703)",
            "",
            f"Extension modules as installed for {self.interpreter}.",
            "",
            "| package | files | entry points | hazards | verdict |",
            "|---|---|---|---|---|",
        ]
        for package in self.packages:
            lines.append(
                f"| `{package.package}` | {package.files} | {len(package.entry_points)} | "
                f"{len(package.hazards)} | {package.verdict} |"
            )
        for package in self.packages:
            lines += ["", f"## `{package.package}`: {package.verdict}", ""]
            lines += ["### Thread entry points", ""]
            if not package.entry_points:
                lines.append("None found.")
            for entry in package.entry_points:
                at_once = "several threads at once" if entry.concurrent else "one thread"
                lines.append(f"- `{entry.place}`: {entry.how} runs `{entry.task}()` on {at_once}")
                for reached in entry.reaches:
                    lines.append(f"  - reaches {reached.chain} (`{reached.place}`)")
            lines += ["", "### Hazards", ""]
            if not package.hazards:
                lines.append("None found.")
            for hazard in package.hazards:
                lines.append(
                    f"- **{hazard.code} {hazard.name}** at `{hazard.place}`: {hazard.message}"
                )
                for evidence in hazard.evidence:
                    lines.append(f"  - evidence: {evidence}")
                lines.append(f"  - change: {hazard.change}")
            lines += ["", "### Extension modules", ""]
            if not package.extensions:
                lines.append("None imported.")
            else:
                lines += [
                    "| module | distribution | build | evidence | GIL after import |",
                    "|---|---|---|---|---|",
                ]
                for ext in package.extensions:
                    lines.append(
                        f"| `{ext.module}` | {ext.distribution} {ext.version} | {ext.build} | "
                        f"{ext.evidence} | {_gil_text(ext.gil_after_import)} |"
                    )
        if self.errors:
            lines += ["", "## Errors", ""] + [f"- {e}" for e in self.errors]
        return "\n".join(lines) + "\n"


def _gil_text(value: Optional[bool]) -> str:
    return {True: "yes", False: "no", None: "not checked"}[value]


def _extension_line(ext: Extension) -> str:
    where = ", ".join(str(p) for p in ext.imported_at[:3])
    probe = f"; GIL after import: {_gil_text(ext.gil_after_import)}"
    return (
        f"{ext.module}: {ext.distribution} {ext.version}, {ext.build} ({ext.evidence}{probe}); "
        f"imported at {where}"
    )


def audit_free_threading(
    paths: Sequence[Path],
    resolver: ConfigResolver,
    cwd: Path,
    python: Optional[str] = None,
    probe_imports: bool = True,
) -> AuditReport:
    """The readiness report for the Python files under `paths`."""
    files = [f for f in collect_files(list(paths), resolver) if f.suffix in (".py", ".pyi")]
    env = environment(python)
    jobs = [
        Job(
            str(f),
            display_path(str(f), str(cwd)),
            _audit_settings(resolver.settings_for(f), python),
        )
        for f in files
    ]
    outcomes = run(jobs, RunOptions(use_cache=False), None)
    packages: dict[str, PackageReport] = {}
    errors = [e for o in outcomes for e in o.errors]
    projects = Projects()
    displays = {str(real_path(f)): job.display for f, job in zip(files, jobs, strict=True)}
    imports: dict[str, list[tuple[str, Place]]] = {}  # package -> (module, where)
    for path, job, outcome in zip(files, jobs, outcomes, strict=True):
        name = _package_of(projects, path)
        report = packages.setdefault(name, PackageReport(name))
        report.files += 1
        if outcome.result.error:
            errors.append(f"{job.display}: {outcome.result.error}")
        for diagnostic in outcome.result.diagnostics:
            if diagnostic.code == "PAR000":  # not read: the report cannot speak for it
                where = f"{job.display}:{diagnostic.location.row}:{diagnostic.location.column}"
                errors.append(f"{where}: {diagnostic.message}")
            if diagnostic.code in HAZARD_CODES:
                report.hazards.append(_hazard(job.display, diagnostic, displays, cwd))
        text = _read(path)
        if text is None:
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue  # the check above reported it (PAR000)
        report.entry_points += _entry_points(projects, path, job, text, tree, displays, cwd)
        imports.setdefault(name, []).extend(_imports(tree, job.display, env, name))
    for name, found in imports.items():
        packages[name].extensions = _extensions(found, env, python, probe_imports)
    ordered = [packages[name] for name in sorted(packages)]
    return AuditReport(env.description, ordered, errors)


def _audit_settings(settings: Settings, python: Optional[str]) -> Settings:
    """The file's settings with the audit's rules: PAR601 and the free-threading family."""
    return replace(
        settings,
        select=SELECTION,
        extend_select=(),
        ignore=(),
        rule_layers=(),
        free_threaded=True,
        python=python,
    )


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _package_of(projects: Projects, path: Path) -> str:
    """The top-level package (or module) a file belongs to."""
    module = projects.of(path).module_name(path)
    if module:
        return module.split(".", 1)[0]
    return path.stem


def _hazard(display: str, d: Diagnostic, displays: dict[str, str], cwd: Path) -> Hazard:
    evidence = []
    for related in d.related:
        file = display if related.filename is None else _shown(related.filename, displays, cwd)
        evidence.append(
            f"{file}:{related.location.row}:{related.location.column}: {related.message}"
        )
    change = d.fix_title or ADVICE.get(d.code, "")
    place = Place(display, d.location.row, d.location.column)
    return Hazard(d.code, d.name, place, d.message, tuple(evidence), change)


def _shown(filename: str, displays: dict[str, str], cwd: Path) -> str:
    return displays.get(str(real_path(Path(filename)))) or display_path(filename, str(cwd))


def _entry_points(
    projects: Projects,
    path: Path,
    job: Job,
    text: str,
    tree: ast.Module,
    displays: dict[str, str],
    cwd: Path,
) -> list[EntryPoint]:
    settings = job.settings
    project = projects.of(path)
    name = project.module_name(path)
    module = project.module(name) if name else None
    if module is not None and module.path == real_path(path):
        known = project.analyses.get(module.name)
        analysis = (
            known
            if isinstance(known, EffectAnalysis) and known.module is module
            else EffectAnalysis(module.model, settings, project, module)
        )
    else:
        analysis = EffectAnalysis(build_model(tree), settings, source=SourceText(text))
    entries = thread_entries(analysis)
    found = []
    for entry in entries:
        start = analysis.source.start_of(entry.start)
        task = function_name(entry.target.function)
        reaches = _reached(walk(entry.target, entry.shares_self), task, job, displays, cwd)
        place = Place(job.display, start.row, start.column)
        found.append(EntryPoint(place, entry.how, task, entry.concurrent, reaches))
    started = {id(entry.start) for entry in entries}
    for handoff in analysis.model.handoffs:
        if handoff.on_threads is True and id(handoff.call) not in started:
            start = analysis.source.start_of(handoff.call)
            place = Place(job.display, start.row, start.column)
            task = ast.unparse(handoff.task or handoff.call)  # a task parlint cannot follow
            concurrent = runs_concurrently(handoff, analysis.model)
            found.append(EntryPoint(place, handoff.description, task, concurrent, ()))
    return sorted(found, key=lambda e: (e.place.row, e.place.column))


def _reached(
    walked: list[WalkedTo], task: str, job: Job, displays: dict[str, str], cwd: Path
) -> tuple[Reached, ...]:
    found = []
    for reached in walked:
        function = reached.target.function
        filename = reached.target.analysis.filename
        file = job.display if filename is None else _shown(filename, displays, cwd)
        names = [task, *(hop.callee for hop in reached.hops)]
        chain = " → ".join(f"`{n}()`" for n in names)
        found.append(Reached(function_name(function), Place(file, function.lineno), chain))
    return tuple(found)


def _imports(tree: ast.Module, display: str, env: Environment, own: str) -> list[tuple[str, Place]]:
    found = []
    for node in ast.walk(tree):
        for module in imported_modules(node):
            top = module.split(".", 1)[0]
            if top != own and not env.is_stdlib(top):
                row = getattr(node, "lineno", 1)
                found.append((top, Place(display, row, getattr(node, "col_offset", 0) + 1)))
    return found


def _extensions(
    found: list[tuple[str, Place]], env: Environment, python: Optional[str], probe: bool
) -> list[Extension]:
    by_module: dict[str, list[Place]] = {}
    for module, place in found:
        by_module.setdefault(module, []).append(place)
    rows = []
    for module in sorted(by_module):
        distribution = env.providing(module)
        if distribution is None:
            continue
        build, evidence = distribution.build()
        if build == "pure":
            continue
        gil = None
        if probe and env.free_threaded and build == "free-threaded":
            gil = gil_after_import(python or env.executable, module)
        places = tuple(by_module[module])
        name, version = distribution.name, distribution.version
        rows.append(Extension(module, name, version, build, evidence, gil, places))
    return rows
