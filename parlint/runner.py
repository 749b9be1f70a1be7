"""Checking many files: the prefilter, the cache, parallel processes, fixes written back."""

from __future__ import annotations

import difflib
import hashlib
import multiprocessing
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from parlint import __version__
from parlint.analysis.project import IncomingTask, Projects, real_path, unchanged
from parlint.config import Settings
from parlint.engine import Linter, could_matter, decode
from parlint.files import read_source_file, write_fixed_file
from parlint.fixes.edits import apply_edits, diff_edits
from parlint.ftypes import Applicability, Diagnostic, FileResult, Location, Severity
from parlint.notebooks import NotebookError, NotebookFile, in_cells
from parlint.rules.parse import ParseError
from parlint.source import Encoding, SourceText

# Below this many files to analyse, starting processes costs more than it saves.
PARALLEL_THRESHOLD = 8


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    # Build the fixes of remaining diagnostics (JSON/SARIF `fix`, --show-fixes).
    build_fixes: bool = False
    use_cache: bool = True
    jobs: int = 0

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff


@dataclass(frozen=True)
class FileOutcome:
    result: FileResult
    diff: str = ""
    errors: tuple[str, ...] = ()
    # For the cache: the content hash and whether the outcome may be stored.
    digest: Optional[str] = None
    cacheable: bool = False
    # The other modules of the project the diagnostics depend on: (path, digest).
    dependencies: tuple[tuple[str, str], ...] = ()
    # Functions of other modules this file hands to threads (for their PAR601).
    exports: tuple[IncomingTask, ...] = ()
    # The Thread/Process subclasses it defines (files that use them are checked too).
    worker_classes: frozenset[str] = frozenset()
    # With --diff: the display-only fixes, each as its own diff, for a person to review.
    suggestions: str = ""


@dataclass(frozen=True)
class Job:
    path: str
    display: str
    settings: Settings


def read_error(display: str, error: OSError) -> FileOutcome:
    diagnostic = file_error(f"Cannot read: {error.strerror or str(error)}")
    return FileOutcome(FileResult(display, (diagnostic,)))


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def process_source(
    data: bytes,
    display: str,
    settings: Settings,
    options: RunOptions,
    projects: Optional[Projects] = None,
    python: bool = False,
) -> tuple[FileOutcome, Optional[str], Optional[Encoding]]:
    """Check (and fix) one file's bytes; returns the outcome and the fixed text, if any.

    Files of one project checked with the same `projects` share the modules they import.
    A `.ipynb` file is a notebook unless `python` says its bytes are Python already."""
    if display.endswith(".ipynb") and not python:
        return process_notebook(data, display, settings, options)
    digest = digest_of(data)
    path = real_path(Path(display))
    project = projects.of(path) if projects is not None and path.is_file() else None
    receives = project is not None and bool(project.incoming_at(path, settings))
    if not could_matter(data, settings) and not (
        project is not None and project.matters(path, data.decode("utf-8", "replace"), settings)
    ):
        return FileOutcome(FileResult(display, ()), digest=digest, cacheable=True), None, None
    text, encoding, problem = decode(data)
    if text is None:
        assert problem is not None
        return (
            FileOutcome(
                FileResult(display, (problem,), source=None), digest=digest, cacheable=True
            ),
            None,
            None,
        )
    if project is not None:
        project.start_file()
    linter = Linter(settings, display, project)
    if options.fixing:
        fixed = linter.fix(text, unsafe=options.unsafe_fixes)
        remaining = fixed.remaining
        if options.build_fixes and any(d.fixable for d in remaining):
            remaining = linter.check(fixed.text, with_fixes=True).diagnostics
        new_text = fixed.text if fixed.text != text else None
        diff = _unified(text, new_text, display) if new_text is not None and options.diff else ""
        suggestions = ""
        if options.diff and any(
            d.fix_applicability is Applicability.DISPLAY_ONLY for d in remaining
        ):
            suggestions = _suggestions(linter, fixed.text, display)
        result = FileResult(
            display,
            tuple(remaining),
            fixed_source=new_text,
            fixed=tuple(fixed.fixed),
            source=fixed.text if remaining else None,
            error="; ".join(fixed.errors) or None,
        )
        outcome = FileOutcome(result, diff, tuple(fixed.errors), digest, suggestions=suggestions)
        return outcome, new_text, encoding
    checked = linter.check(text, with_fixes=options.build_fixes)
    result = FileResult(
        display,
        tuple(checked.diagnostics),
        source=text if checked.diagnostics else None,
        error="; ".join(checked.errors) or None,
    )
    # What other modules hand into this file changes without this file changing.
    cacheable = not checked.errors and not options.build_fixes and not receives
    dependencies = project.dependencies(path) if project is not None else ()
    outcome = FileOutcome(
        result,
        "",
        tuple(checked.errors),
        digest,
        cacheable,
        dependencies,
        tuple(checked.exports),
        checked.worker_classes,
    )
    return outcome, None, encoding


def process_notebook(
    data: bytes, display: str, settings: Settings, options: RunOptions
) -> tuple[FileOutcome, Optional[str], Optional[Encoding]]:
    """A Jupyter notebook: its code cells checked as one module (as in the editor), the
    diagnostics in their cells' rows, and fixes written back into the cells they change,
    the rest of the notebook (outputs, metadata, JSON layout) as it was."""
    digest = digest_of(data)
    if not could_matter(data, settings):  # as for a .py file: the words first
        return FileOutcome(FileResult(display, ()), digest=digest, cacheable=True), None, None
    text, encoding, problem = decode(data)
    try:
        if text is None:
            raise NotebookError(problem.message if problem is not None else "cannot decode")
        notebook = NotebookFile.parse(text)
    except NotebookError as exc:
        error = file_error(f"Cannot read the notebook: {exc}")
        return FileOutcome(FileResult(display, (error,)), digest=digest, cacheable=True), None, None
    if not notebook.is_python():
        return FileOutcome(FileResult(display, ()), digest=digest, cacheable=True), None, None
    combined = notebook.combined()
    outcome, fixed, _ = process_source(
        combined.text.encode("utf-8"), display, settings, options, python=True
    )
    result = outcome.result
    new_text: Optional[str] = None
    layout = combined
    if fixed is not None:
        per_cell = combined.edits_for(tuple(diff_edits(SourceText(combined.text), fixed)))
        sources = {cell.uri: cell.text for cell in combined.cells}
        if per_cell is not None:
            for key, edits in per_cell.items():
                sources[key] = apply_edits(SourceText(sources[key]), edits)
            rewritten = notebook.with_sources(sources)
            layout = NotebookFile.parse(rewritten).combined()
        if per_cell is None or layout.text != fixed:
            message = f"{display}: a fix does not fit in one cell; the notebook is left as it was"
            unfixed, _, _ = process_source(
                data, display, settings, replace(options, fix=False, diff=False)
            )
            return replace(unfixed, errors=(*unfixed.errors, message), cacheable=False), None, None
        new_text = rewritten
    cells = tuple((cell.uri, cell.text) for cell in layout.cells)
    result = replace(
        result,
        diagnostics=in_cells(layout, result.diagnostics),
        fixed=in_cells(combined, result.fixed),
        fixed_source=new_text,
        source=None,
        cells=cells if result.diagnostics else (),
    )
    return replace(outcome, result=result, digest=digest), new_text, encoding


def file_error(message: str) -> Diagnostic:
    """A PAR000 about the whole file, at its start."""
    return Diagnostic(
        code=ParseError.code,
        name=ParseError.name,
        message=message,
        severity=Severity.ERROR,
        location=Location(1, 1),
        end_location=Location(1, 1),
        url=ParseError.url(),
    )


def _unified(old: str, new: str, display: str) -> str:
    diff = "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=display,
            tofile=display,
        )
    )
    return diff if diff.endswith("\n") else diff + "\n"


def _suggestions(linter: Linter, text: str, display: str) -> str:
    """Each display-only fix of `text` as a diff of its own, labelled: never applied, shown
    so that a person can judge it (a join that could wait forever)."""
    source = SourceText(text)
    parts = []
    for d in linter.check(text, with_fixes=True).diagnostics:
        if d.fix is None or d.fix.applicability is not Applicability.DISPLAY_ONLY:
            continue
        where = f"{display}:{d.location.row}:{d.location.column}"
        parts.append(f"# {where}: {d.code} display-only fix, not applied: {d.fix.message}\n")
        parts.append(_unified(text, apply_edits(source, d.fix.edits), display))
    return "".join(parts)


def run_job(job: Job, options: RunOptions, projects: Optional[Projects] = None) -> FileOutcome:
    try:
        source = read_source_file(job.path)
    except OSError as exc:
        return read_error(job.display, exc)
    outcome, new_text, encoding = process_source(
        source.data, job.display, job.settings, options, projects
    )
    if new_text is not None and options.fix and not options.diff and encoding is not None:
        try:
            write_fixed_file(job.path, encoding.encode(new_text), source.identity)
        except OSError as exc:
            return _not_written(job, source.data, options, exc)
    return outcome


def _not_written(job: Job, data: bytes, options: RunOptions, error: OSError) -> FileOutcome:
    """The outcome of a file whose fixes could not be written: its diagnostics as they
    stand in the file on disk (none of them fixed), and the error."""
    unfixed, _, _ = process_source(
        data, job.display, job.settings, replace(options, fix=False, diff=False)
    )
    message = f"{job.display}: cannot write the fixed file: {error.strerror or error}"
    return replace(unfixed, errors=(*unfixed.errors, message), cacheable=False)


def _run_chunk(
    jobs: Sequence[Job],
    options: RunOptions,
    given: Optional[dict[str, list[IncomingTask]]] = None,
    classes: Optional[frozenset[str]] = None,
) -> list[FileOutcome]:
    # Neighbouring files (a chunk) share the project modules they import. Tasks handed in
    # from other modules and the project's worker classes come from what the first pass
    # over every file found.
    projects = Projects(scan=False, given=given, given_classes=classes)
    return [run_job(job, options, projects) for job in jobs]


@dataclass
class Cache:
    """Results by file, valid for one content hash, settings fingerprint and parlint version."""

    path: Optional[Path]
    # file -> (digest, settings fingerprint, result, the project modules it depends on, the
    # tasks it hands into other modules)
    entries: dict[str, CacheEntry] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def load(cls, directory: Optional[Path]) -> Cache:
        if directory is None:
            return cls(None)
        path = directory / f"v{__version__}" / "results.pickle"
        try:
            with open(path, "rb") as handle:
                entries = pickle.load(handle)
            if isinstance(entries, dict):
                # Entries of an older layout of this file are dropped, not misread.
                kept = {k: v for k, v in entries.items() if isinstance(v, tuple) and len(v) == 6}
                return cls(path, kept)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError):
            pass
        return cls(path)

    def get(self, key: str, digest: str, fingerprint: str) -> Optional[FileOutcome]:
        entry = self.entries.get(key)
        if entry is None or entry[0] != digest or entry[1] != fingerprint:
            return None
        # A task imported from another module: that module must be unchanged too.
        if not unchanged(entry[3]):
            return None
        return FileOutcome(
            entry[2],
            digest=digest,
            dependencies=entry[3],
            exports=entry[4],
            worker_classes=entry[5],
        )

    def put(
        self,
        key: str,
        digest: str,
        fingerprint: str,
        result: FileResult,
        dependencies: tuple[tuple[str, str], ...] = (),
        exports: tuple[IncomingTask, ...] = (),
        worker_classes: frozenset[str] = frozenset(),
    ) -> None:
        self.entries[key] = (digest, fingerprint, result, dependencies, exports, worker_classes)
        self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.path.parent.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Automatically created by parlint.\n*\n")
            fd, temp = tempfile.mkstemp(dir=str(self.path.parent), suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(self.entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork starts workers in milliseconds; elsewhere (macOS, Windows) spawn is the safe choice.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run(jobs: Sequence[Job], options: RunOptions, cache_dir: Optional[Path]) -> list[FileOutcome]:
    """Check every job, in order; cached results are reused where the file is unchanged.

    What other modules of the project hand into a file (a function of it run on threads) is
    found in a second pass, from what the first found in every file. A few files (a pre-commit
    hook names the changed ones) are not the whole project: the project is read for them
    first, and a file that receives tasks is always checked afresh."""
    scan = Projects(scan=True) if len(jobs) < PARALLEL_THRESHOLD else None
    use_cache = options.use_cache and not options.fixing and not options.build_fixes
    cache = Cache.load(cache_dir if use_cache else None)
    outcomes: list[Optional[FileOutcome]] = [None] * len(jobs)
    pending: list[int] = []
    for index, job in enumerate(jobs):
        if not use_cache and scan is None:
            pending.append(index)
            continue
        try:
            data = read_source_file(job.path).data
        except OSError as exc:
            outcomes[index] = read_error(job.display, exc)
            continue
        if not use_cache or (scan is not None and _uses_project(scan, job, data)):
            pending.append(index)  # what other files say about it may have changed
            continue
        digest = digest_of(data)
        key = os.path.abspath(job.path)
        cached = cache.get(key, digest, fingerprint(job.settings))
        if cached is not None:
            outcomes[index] = replace(cached, result=replace(cached.result, filename=job.display))
        elif not could_matter(data, job.settings):
            outcomes[index] = FileOutcome(FileResult(job.display, ()))
        else:
            pending.append(index)
    pending_jobs = [jobs[i] for i in pending]
    fresh = _execute(pending_jobs, options, projects=scan)
    for index, outcome in zip(pending, fresh, strict=True):
        outcomes[index] = outcome
        job = jobs[index]
        if use_cache and outcome.cacheable and outcome.digest is not None:
            cache.put(
                os.path.abspath(job.path),
                outcome.digest,
                fingerprint(job.settings),
                outcome.result,
                outcome.dependencies,
                outcome.exports,
                outcome.worker_classes,
            )
    if scan is None:
        _project_passes(jobs, outcomes, options, cache)
    if use_cache:
        cache.save()
    return [o for o in outcomes if o is not None]


# A file that starts using a Thread subclass hands tasks to its module, which then is
# checked again: a few passes settle any project (each only re-checks the files concerned).
MAX_PROJECT_PASSES = 3


def _project_passes(
    jobs: Sequence[Job], outcomes: list[Optional[FileOutcome]], options: RunOptions, cache: Cache
) -> None:
    """After the first pass over every file: check again, knowing what the first found
    across files, the files that receive tasks from other modules (PAR601 where the shared
    state is, PAR201/PAR202 on a subclass's `def run`) and those that use a Thread/Process
    subclass of another module without naming a concurrency module themselves."""
    done: set[int] = set()
    for _ in range(MAX_PROJECT_PASSES):
        given = _handed_in(outcomes)
        classes = frozenset().union(*(o.worker_classes for o in outcomes if o is not None))
        again = [
            i
            for i, job in enumerate(jobs)
            if i not in done and (os.path.abspath(job.path) in given or _uses_classes(job, classes))
        ]
        if not again:
            return
        for index in again:
            # Its first-pass result did not know what other files say: never reuse it.
            cache.entries.pop(os.path.abspath(jobs[index].path), None)
        fresh = _execute([jobs[i] for i in again], options, given=given, classes=classes)
        for index, outcome in zip(again, fresh, strict=True):
            outcomes[index] = outcome
        done.update(again)


def _uses_classes(job: Job, classes: frozenset[str]) -> bool:
    """A file the first pass skipped (no concurrency module named) that names a class."""
    if not classes:
        return False
    try:
        data = read_source_file(job.path).data
    except OSError:
        return False
    return not could_matter(data) and any(name.encode() in data for name in classes)


def _uses_project(projects: Projects, job: Job, data: bytes) -> bool:
    path = real_path(Path(job.path))
    text = data.decode("utf-8", "replace")
    return projects.of(path).matters(path, text, job.settings)


def _handed_in(outcomes: Sequence[Optional[FileOutcome]]) -> dict[str, list[IncomingTask]]:
    """The tasks the first pass found handed from one module into another, by receiver."""
    given: dict[str, list[IncomingTask]] = {}
    for outcome in outcomes:
        for task in outcome.exports if outcome is not None else ():
            given.setdefault(task.target, []).append(task)
    return given


def _execute(
    jobs: Sequence[Job],
    options: RunOptions,
    given: Optional[dict[str, list[IncomingTask]]] = None,
    projects: Optional[Projects] = None,
    classes: Optional[frozenset[str]] = None,
) -> Iterable[FileOutcome]:
    """`projects`: the projects a few files share, already read in whole (checked here)."""
    workers = options.jobs or os.cpu_count() or 1
    if projects is not None:
        return [run_job(job, options, projects) for job in jobs]
    if workers <= 1 or len(jobs) < PARALLEL_THRESHOLD:
        return _run_chunk(jobs, options, given, classes)
    # Small chunks balance the load: a few large files dominate any tree.
    size = max(1, min(16, len(jobs) // (workers * 8)))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    results: list[FileOutcome] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as executor:
        for chunk_result in executor.map(
            _run_chunk,
            chunks,
            [options] * len(chunks),
            [given] * len(chunks),
            [classes] * len(chunks),
        ):
            results.extend(chunk_result)
    return results


CacheEntry = tuple[
    str, str, FileResult, tuple[tuple[str, str], ...], tuple[IncomingTask, ...], frozenset[str]
]


def fingerprint(settings: Settings) -> str:
    base = f"{__version__}:{settings.fingerprint()}"
    if not settings.reads_imports:
        return base
    # PAR704 reads the installed distributions: installing one changes what a file reports.
    from parlint.analysis.environment import EnvironmentProblem, environment

    try:
        installed = environment(settings.python).signature
    except EnvironmentProblem:
        installed = "unknown"
    return f"{base}:{installed}"
