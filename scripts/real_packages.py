#!/usr/bin/env python3
"""Run parlint on pinned releases of real packages, and check what its fixes do to them.

    .venv/bin/python scripts/real_packages.py                 # table of findings per rule
    .venv/bin/python scripts/real_packages.py --list          # ... and every finding
    .venv/bin/python scripts/real_packages.py --fixes         # ... and apply --fix --unsafe-fixes
    .venv/bin/python scripts/real_packages.py --fixes --tests --diff   # ... and run changed tests
    .venv/bin/python scripts/real_packages.py --only huey,cheroot --json out.json

Each package is downloaded once (its sdist, which carries the package's tests; its wheel when
there is no sdist) with pip into --cache (default ~/.cache/parlint-real-packages), unpacked
there and reused on later runs. parlint runs as `python -m parlint check` of the interpreter
that runs this script. A finding is marked as test code when its path has a `test`/`tests`
directory or is a `test_*.py`, `*_test.py` or `conftest.py` file.

With --fixes, each tree is copied to a temporary directory and fixed there with
`parlint check --fix --unsafe-fixes`. Every changed file is listed with its diff stat, compiled
(py_compile), and imported in a subprocess with a timeout, before and after the fix, by the
Python of a throwaway venv under the cache in which the pinned release and its dependencies are
installed (the copy's tree comes first on sys.path, and the module must be loaded from it). A
module that imported before the fix and does not after is a failure. Every `join()` a fix adds
is listed for review: a join of a worker that may never end must be display-only, never applied.
With --tests, each changed test file is also run with pytest (in that venv, from the original
tree and from the fixed copy, each with a timeout), and more failures or a hang is a failure;
--diff prints what the fixes changed. Tests that need a service skip without it: huey's Redis
tests run when a Redis server listens on localhost:6379 (`apt-get install redis-server`).

Exit status: 0 when everything ran (findings and fix failures are reported, not errors), 1 on
an operational error: a download or unpack failed, or parlint crashed or exited 2, or parlint
reported PAR000 for a file that this Python compiles (a parlint bug).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import py_compile
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    # Pinned requirements the import venv needs on top of the release and its dependencies:
    # what its modules or tests import but it does not declare (--fixes, --tests).
    extras: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name}=={self.version}"


# Exact releases, so that every run reads the same code. The first six are the ones issue 13
# names; the others add servers, worker pools and drivers that manage threads by hand.
PACKAGES: tuple[Package, ...] = (
    Package("cheroot", "11.1.2"),
    Package("huey", "3.5.4", extras=("redis==8.1.0",)),
    Package("luigi", "3.8.1", extras=("mock==5.2.0", "psutil==7.2.2")),
    Package("rpyc", "6.0.2"),
    Package("opentelemetry-sdk", "1.45.2"),
    Package("lightning", "2.6.6", extras=("requests==2.34.2",)),
    Package("dramatiq", "2.2.1"),
    Package("waitress", "3.0.2"),
    Package("uvicorn", "0.54.0"),
    Package("rich", "15.0.0"),
    Package("pymongo", "4.20.1"),
)

# Installed in every import venv: test modules import it, and --tests runs it.
PYTEST = "pytest==9.2.0"
DEFAULT_CACHE = Path.home() / ".cache" / "parlint-real-packages"
# Directories parlint (like ruff) skips by default, so that the file counts match what it reads.
SKIPPED_DIRS = frozenset(
    {".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pytest_cache", ".tox"}
    | {".venv", "__pypackages__", "_build", "buck-out", "dist", "node_modules", "site-packages"}
    | {"venv", ".svn", ".ruff_cache", ".pytype", ".ipynb_checkpoints", ".parlint_cache"}
)
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".zip", ".whl")
JOIN_CALL = re.compile(r"\.join\(\s*(timeout\s*=\s*[^)]*)?\)")
PARLINT_TIMEOUT = 1800.0


class OperationalError(Exception):
    """Something that stops the run: a download, an unpack, or parlint itself failed."""


@dataclass
class Finding:
    package: str
    path: str
    row: int
    column: int
    code: str
    message: str
    test: bool
    fix: Optional[str]  # the fix's applicability: safe, unsafe, display-only, or None

    def line(self) -> str:
        fix = f"  [fix: {self.fix}]" if self.fix else ""
        where = "test" if self.test else "code"
        return f"{self.path}:{self.row}:{self.column}: {self.code} ({where}) {self.message}{fix}"


@dataclass
class ChangedFile:
    path: str
    added: int
    removed: int
    compiles: bool
    compile_error: str = ""
    module: str = ""
    import_root: str = ""  # the directory put on sys.path to import it, relative to the tree
    import_before: str = ""  # "ok", or why the unfixed module did not import
    import_after: str = ""
    tests_before: str = ""  # pytest's counts for a changed test file, before and after the fix
    tests_after: str = ""
    added_joins: list[str] = field(default_factory=list)
    diff: str = ""

    @property
    def broken(self) -> bool:
        return (
            not self.compiles
            or (self.import_before == "ok" and self.import_after != "ok")
            or (
                bool(self.tests_after)
                and _failures(self.tests_after) > _failures(self.tests_before)
            )
        )


@dataclass
class FixReport:
    package: str
    exit_code: int
    fixed: dict[str, int]  # rule code -> findings fixed
    display_only: int  # display-only fixes offered (must stay unapplied)
    changed: list[ChangedFile]
    import_env: str  # how the imports were checked, or why they were not
    summary: str


@dataclass
class PackageReport:
    package: str
    version: str
    kind: str  # sdist or wheel
    tree: str
    files: int
    seconds: float
    findings: list[Finding]
    parse_errors_that_compile: list[str]
    fixes: Optional[FixReport] = None


def _run(
    cmd: list[str], *, cwd: Optional[Path] = None, timeout: float = 600.0
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def _archive_in(directory: Path) -> Optional[Path]:
    if not directory.is_dir():
        return None
    found = sorted(p for p in directory.iterdir() if p.name.endswith(ARCHIVE_SUFFIXES))
    return found[0] if found else None


def download(package: Package, cache: Path) -> Path:
    """The package's sdist (or, when it has none, its wheel), downloaded once into the cache."""
    target = cache / "downloads" / f"{package.name}-{package.version}"
    archive = _archive_in(target)
    if archive is not None:
        return archive
    target.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", str(target)]
    errors = []
    for how in (["--no-binary", ":all:"], ["--only-binary", ":all:"]):
        done = _run([*pip, *how, package.label], timeout=1200)
        archive = _archive_in(target)
        if done.returncode == 0 and archive is not None:
            return archive
        errors.append(f"pip download {' '.join(how)}: {done.stderr.strip()[-2000:]}")
    raise OperationalError(f"{package.label}: download failed\n" + "\n".join(errors))


def _inside(root: Path, name: str) -> bool:
    resolved = (root / name).resolve()
    return resolved == root.resolve() or root.resolve() in resolved.parents


def unpack(package: Package, archive: Path, cache: Path) -> Path:
    """The unpacked source tree, unpacked once: the sdist's top directory, or the wheel's root."""
    destination = cache / "src" / archive.name
    marker = destination / ".unpacked"
    if not marker.exists():
        if destination.exists():
            shutil.rmtree(destination)
        destination.mkdir(parents=True)
        try:
            if archive.name.endswith((".zip", ".whl")):
                with zipfile.ZipFile(archive) as zipped:
                    bad = [n for n in zipped.namelist() if not _inside(destination, n)]
                    if bad:
                        raise OperationalError(f"{archive}: member outside the tree: {bad[0]}")
                    zipped.extractall(destination)
            else:
                with tarfile.open(archive) as tarred:
                    if hasattr(tarfile, "data_filter"):
                        tarred.extractall(destination, filter="data")
                    else:  # Python < 3.10.12 / 3.11.4: check the members by hand
                        bad = [n for n in tarred.getnames() if not _inside(destination, n)]
                        if bad:
                            raise OperationalError(f"{archive}: member outside the tree: {bad[0]}")
                        tarred.extractall(destination)
        except (OSError, tarfile.TarError, zipfile.BadZipFile) as error:
            raise OperationalError(f"{package.label}: cannot unpack {archive}: {error}") from error
        marker.write_text(archive.name + "\n")
    entries = [p for p in destination.iterdir() if p.name != ".unpacked"]
    if archive.name.endswith(".whl") or len(entries) != 1 or not entries[0].is_dir():
        return destination
    return entries[0]


def is_test_path(relative: str) -> bool:
    parts = Path(relative).parts
    name = parts[-1] if parts else ""
    return (
        any(part in ("test", "tests") for part in parts[:-1])
        or (name.startswith("test_") and name.endswith(".py"))
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def python_files(tree: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirs, files in os.walk(tree):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS)
        found.extend(Path(directory, f) for f in sorted(files) if f.endswith((".py", ".pyi")))
    return found


def parlint(tree: Path, extra: list[str], jobs: Optional[int]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "parlint", "check", "--no-cache", *extra]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    try:
        done = _run([*cmd, "."], cwd=tree, timeout=PARLINT_TIMEOUT)
    except subprocess.TimeoutExpired as error:
        raise OperationalError(f"parlint timed out on {tree}: {' '.join(cmd)}") from error
    if done.returncode not in (0, 1) or "Traceback (most recent call last)" in done.stderr:
        raise OperationalError(
            f"parlint exited {done.returncode} on {tree} ({' '.join(cmd)}):\n{done.stderr[-4000:]}"
        )
    return done


def _relative(tree: Path, filename: str) -> str:
    path = Path(filename)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(tree.resolve()).as_posix()
        except ValueError:
            return filename
    return path.as_posix()


def read_findings(package: Package, tree: Path, output: str) -> list[Finding]:
    findings = []
    for item in json.loads(output or "[]"):
        relative = _relative(tree, item["filename"])
        fix = item.get("fix")
        findings.append(
            Finding(
                package=package.name,
                path=relative,
                row=item["location"]["row"],
                column=item["location"]["column"],
                code=item["code"],
                message=item["message"],
                test=is_test_path(relative),
                fix=fix.get("applicability") if fix else None,
            )
        )
    return findings


def compiles(path: Path) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory() as scratch:
        try:
            py_compile.compile(str(path), cfile=str(Path(scratch, "x.pyc")), doraise=True)
        except (py_compile.PyCompileError, OSError, ValueError) as error:
            return False, str(error).strip().splitlines()[-1] if str(error).strip() else "error"
    return True, ""


def check_package(
    package: Package, cache: Path, jobs: Optional[int], log: bool = True
) -> PackageReport:
    archive = download(package, cache)
    tree = unpack(package, archive, cache)
    started = time.perf_counter()
    done = parlint(tree, ["--output-format", "json"], jobs)
    seconds = time.perf_counter() - started
    findings = read_findings(package, tree, done.stdout)
    # PAR000 on a file that this Python compiles is a parlint bug (SPEC: it parses with the
    # running interpreter's grammar).
    wrong_parse_errors = [
        f"{f.path}:{f.row}: {f.message}"
        for f in findings
        if f.code == "PAR000" and compiles(tree / f.path)[0]
    ]
    report = PackageReport(
        package=package.name,
        version=package.version,
        kind="wheel" if archive.name.endswith(".whl") else "sdist",
        tree=str(tree),
        files=len(python_files(tree)),
        seconds=round(seconds, 1),
        findings=findings,
        parse_errors_that_compile=wrong_parse_errors,
    )
    if log:
        print(
            f"  {package.label}: {report.files} files, {len(findings)} findings, {seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return report


# --- fixes -------------------------------------------------------------------------------------


def import_location(tree: Path, path: Path) -> tuple[str, str]:
    """(the directory to put on sys.path, relative to the tree; the module's dotted name).

    A module in a directory of plain modules (no `__init__.py` there nor in any directory
    above it, such as luigi's `test/`) imports by its own name with that directory on sys.path,
    as pytest does. Any other module imports by its path under `src/` in a src layout, else
    under the tree (namespace packages such as `opentelemetry`, and namespace directories inside
    a package such as pymongo's `test/performance`, included). ("", "") when it has no
    importable name.
    """
    src = tree / "src"
    root = src if src.is_dir() and not (src / "__init__.py").exists() else tree
    above = [path.parent, *path.parent.parents]
    inside = above[: above.index(root)] if root in above else []
    if inside and not any((d / "__init__.py").exists() for d in inside):
        root = path.parent
    try:
        parts = list(path.relative_to(root).with_suffix("").parts)
    except ValueError:
        return "", ""
    if parts and parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(p.isidentifier() for p in parts):
        return "", ""
    return root.relative_to(tree).as_posix(), ".".join(parts)


def import_env(package: Package, cache: Path) -> tuple[Optional[Path], str]:
    """The Python of a venv under the cache with the pinned release, its dependencies, pytest
    and the package's extras.

    Made once and reused (and completed when the list of what it needs changes). When the
    dependencies cannot be installed, the release alone (`--no-deps`) with pytest and the
    extras. Returns (python, how) or (None, why not).
    """
    home = cache / "venvs" / f"{package.name}-{package.version}"
    python = home / "bin" / "python"
    marker = home / ".installed"
    wanted = [package.label, PYTEST, *package.extras]
    if marker.exists():
        key, _, how = marker.read_text().partition("\n")
        if key == " ".join(wanted):
            return python, how.strip()
    if not python.exists():
        print(f"  {package.label}: making the import venv {home}", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(home)
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    done = _run([*pip, *wanted], timeout=1800)
    how = f"venv with {' '.join(wanted)} and their dependencies"
    if done.returncode != 0:
        first = done.stderr.strip()[-500:]
        done = _run([*pip, "--no-deps", package.label], timeout=1800)
        if done.returncode != 0:
            return None, f"cannot install {package.label}: {first}"
        done = _run([*pip, PYTEST, *package.extras], timeout=1800)
        how = f"venv with {package.label} alone (its dependencies did not install: {first})"
    marker.write_text(" ".join(wanted) + "\n" + how + "\n")
    return python, how


IMPORT_CHECK = """
import importlib, os, sys
root, name = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
module = importlib.import_module(name)
where = os.path.realpath(getattr(module, "__file__", None) or "")
if not where.startswith(os.path.realpath(root) + os.sep):
    sys.exit("loaded from " + where + ", not from the tree")
"""


def _bounded(
    cmd: list[str], cwd: Path, timeout: float
) -> Optional[subprocess.CompletedProcess[str]]:
    """Run `cmd` in its own session; None when it has not ended after `timeout` seconds (it is
    then killed with everything it started)."""
    process = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        return None
    return subprocess.CompletedProcess(cmd, process.returncode, out, err)


def try_import(python: Path, root: Path, module: str, timeout: float) -> str:
    """Whether `module` imports from `root`: "ok", or the last line of its error."""
    with tempfile.TemporaryDirectory() as scratch:
        done = _bounded(
            [str(python), "-c", IMPORT_CHECK, str(root), module], Path(scratch), timeout
        )
    if done is None:
        return f"import hung (no end within {timeout:.0f} s)"
    if done.returncode == 0:
        return "ok"
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    return lines[-1] if lines else f"exit {done.returncode}"


PYTEST_SUMMARY = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+)(?: in [\d.]+s.*)?=*$", re.M)


def run_tests(python: Path, tree: Path, relative: str, timeout: float) -> str:
    """The outcome of the package's own test file `relative`, run by pytest in `tree`: pytest's
    counts ("3 passed, 1 skipped"), "HUNG" when it did not end within the timeout, or the error.
    """
    cmd = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tree)]
    done = _bounded([*cmd, relative], tree, timeout)
    if done is None:
        return f"HUNG (no end within {timeout:.0f} s)"
    counts = PYTEST_SUMMARY.findall(done.stdout)
    if counts:
        return counts[-1].strip()
    lines = [line for line in (done.stdout + done.stderr).strip().splitlines() if line.strip()]
    return f"exit {done.returncode}: {lines[-1] if lines else ''}"


def _failures(outcome: str) -> int:
    if outcome.startswith(("HUNG", "exit")):
        return sys.maxsize
    found = re.findall(r"(\d+) (?:failed|error|errors)\b", outcome)
    return sum(int(n) for n in found)


def diff_stat(before: str, after: str) -> tuple[int, int, list[str]]:
    added = removed = 0
    added_lines = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith("+++") or line.startswith("---"):
            continue
        if line.startswith("+"):
            added += 1
            added_lines.append(line[1:])
        elif line.startswith("-"):
            removed += 1
    return added, removed, added_lines


def _added_joins(after: str, added_lines: list[str]) -> list[str]:
    """The added lines that call `join()`, with their line numbers in the fixed file."""
    wanted = Counter(line for line in added_lines if JOIN_CALL.search(line))
    found = []
    for number, line in enumerate(after.splitlines(), 1):
        if wanted[line] > 0 and JOIN_CALL.search(line):
            wanted[line] -= 1
            found.append(f"{number}: {line.strip()}")
    return found


@dataclass
class FixOptions:
    imports: bool
    tests: bool
    diff: bool
    import_timeout: float
    test_timeout: float


def check_fixes(
    package: Package, report: PackageReport, cache: Path, jobs: Optional[int], options: FixOptions
) -> FixReport:
    tree = Path(report.tree)
    with tempfile.TemporaryDirectory(prefix=f"parlint-fix-{package.name}-") as scratch:
        copy = Path(scratch) / tree.name
        shutil.copytree(tree, copy, symlinks=True)
        done = parlint(copy, ["--fix", "--unsafe-fixes", "--show-fixes", "--exit-zero"], jobs)
        fixed: Counter[str] = Counter()
        for match in re.finditer(r"^\s+(\d+) × (PAR\d+)", done.stdout + done.stderr, re.M):
            fixed[match.group(2)] += int(match.group(1))
        changed: list[ChangedFile] = []
        for original in python_files(tree):
            relative = original.relative_to(tree)
            fixed_path = copy / relative
            before = original.read_text(encoding="utf-8", errors="surrogateescape")
            after = fixed_path.read_text(encoding="utf-8", errors="surrogateescape")
            if before == after:
                continue
            added, removed, added_lines = diff_stat(before, after)
            ok_before, _ = compiles(original)
            ok_after, error = compiles(fixed_path)
            root, module = import_location(tree, original)
            changed.append(
                ChangedFile(
                    path=relative.as_posix(),
                    added=added,
                    removed=removed,
                    # A file that did not compile before is not the fix's doing.
                    compiles=ok_after or not ok_before,
                    compile_error=error,
                    module=module,
                    import_root=root,
                    added_joins=_added_joins(after, added_lines),
                    diff="".join(
                        difflib.unified_diff(
                            before.splitlines(keepends=True),
                            after.splitlines(keepends=True),
                            f"a/{relative.as_posix()}",
                            f"b/{relative.as_posix()}",
                        )
                    )
                    if options.diff
                    else "",
                )
            )
        how = "not checked (--no-imports)" if not options.imports else "nothing changed"
        if (options.imports or options.tests) and changed:
            python, how = import_env(package, cache)
            for item in changed:
                if python is None:
                    continue
                if options.imports and item.module:
                    item.import_before = try_import(
                        python, tree / item.import_root, item.module, options.import_timeout
                    )
                    item.import_after = try_import(
                        python, copy / item.import_root, item.module, options.import_timeout
                    )
                if options.tests and is_test_path(item.path):
                    item.tests_before = run_tests(python, tree, item.path, options.test_timeout)
                    item.tests_after = run_tests(python, copy, item.path, options.test_timeout)
    return FixReport(
        package=package.name,
        exit_code=done.returncode,
        fixed=dict(sorted(fixed.items())),
        display_only=sum(1 for f in report.findings if f.fix == "display-only"),
        changed=changed,
        import_env=how,
        summary=done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "",
    )


# --- output --------------------------------------------------------------------------------------


def table(reports: list[PackageReport]) -> str:
    codes = sorted({f.code for r in reports for f in r.findings})
    header = ["package", "version", "kind", "files", "code", "test", *codes]
    rows = [header]
    totals: Counter[str] = Counter()
    for report in reports:
        per_code = {c: [0, 0] for c in codes}
        for finding in report.findings:
            per_code[finding.code][1 if finding.test else 0] += 1
        code_count = sum(1 for f in report.findings if not f.test)
        test_count = len(report.findings) - code_count
        totals.update(files=report.files, code=code_count, test=test_count)
        cells = []
        for code in codes:
            outside, inside = per_code[code]
            totals[code + "/code"] += outside
            totals[code + "/test"] += inside
            cells.append(f"{outside}+{inside}" if outside or inside else ".")
        name = [report.package, report.version, report.kind, str(report.files)]
        rows.append([*name, str(code_count), str(test_count), *cells])
    per_rule = [f"{totals[c + '/code']}+{totals[c + '/test']}" for c in codes]
    rows.append(["total", "", "", str(totals["files"]), str(totals["code"]), str(totals["test"])])
    rows[-1].extend(per_rule)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    legend = (
        "code/test: findings outside/inside test code; per rule: outside+inside test code "
        "('.' none)"
    )
    return "\n".join([*lines, legend])


def fix_lines(fix: FixReport) -> list[str]:
    fixed = ", ".join(f"{code} {count}" for code, count in fix.fixed.items()) or "none"
    lines = [
        f"{fix.package}: fixed {fixed}; {len(fix.changed)} files changed; "
        f"{fix.display_only} display-only fixes offered (not applied); imports: {fix.import_env}"
    ]
    for item in fix.changed:
        status = []
        if not item.compiles:
            status.append(f"DOES NOT COMPILE: {item.compile_error}")
        if item.import_before or item.import_after:
            if item.import_before == "ok" and item.import_after != "ok":
                status.append(f"IMPORT BROKEN: {item.import_after}")
            elif item.import_before == "ok":
                status.append("imports")
            else:
                status.append(f"import not checkable ({item.import_before})")
        if item.tests_before or item.tests_after:
            verdict = "TESTS WORSE" if item.broken and item.compiles else "tests"
            status.append(f"{verdict}: {item.tests_before} -> {item.tests_after}")
        lines.append(
            f"  {item.path} (+{item.added} -{item.removed}) {item.module or '-'}: "
            + "; ".join(status or ["compiles"])
        )
        lines.extend(f"      join added at {join}" for join in item.added_joins)
        if item.diff:
            lines.extend("      " + line for line in item.diff.rstrip("\n").splitlines())
    return lines


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="downloads and trees")
    parser.add_argument("--only", help="comma-separated package names (default: all)")
    parser.add_argument("--list", action="store_true", help="print every finding")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write everything as JSON")
    parser.add_argument(
        "--fixes", action="store_true", help="apply --fix --unsafe-fixes to a copy and check it"
    )
    parser.add_argument(
        "--no-imports", action="store_true", help="with --fixes: compile only, import nothing"
    )
    parser.add_argument(
        "--tests",
        action="store_true",
        help="with --fixes: run each changed test file with pytest before and after the fix",
    )
    parser.add_argument(
        "--diff", action="store_true", help="with --fixes: print the diff of each changed file"
    )
    parser.add_argument(
        "--import-timeout", type=float, default=120.0, help="seconds for one import (120)"
    )
    parser.add_argument(
        "--test-timeout", type=float, default=600.0, help="seconds for one test file (600)"
    )
    parser.add_argument("--jobs", type=int, help="parlint's --jobs (default: its own)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    cache: Path = args.cache.expanduser()
    packages = list(PACKAGES)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        unknown = wanted - {p.name for p in PACKAGES}
        if unknown:
            print(f"unknown package(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        packages = [p for p in PACKAGES if p.name in wanted]
    options = FixOptions(
        imports=not args.no_imports,
        tests=args.tests,
        diff=args.diff,
        import_timeout=args.import_timeout,
        test_timeout=args.test_timeout,
    )
    started = time.perf_counter()
    reports: list[PackageReport] = []
    errors: list[str] = []
    for package in packages:
        try:
            report = check_package(package, cache, args.jobs)
            if args.fixes:
                report.fixes = check_fixes(package, report, cache, args.jobs, options)
        except (OperationalError, OSError, subprocess.SubprocessError, ValueError) as error:
            errors.append(f"{package.label}: {error}")
            print(f"ERROR {package.label}: {error}", file=sys.stderr, flush=True)
            continue
        reports.append(report)
    print(table(reports))
    if args.list:
        print("\nFindings:")
        for report in reports:
            for finding in report.findings:
                print(f"{report.package}/{finding.line()}")
    if args.fixes:
        print("\nFixes (--fix --unsafe-fixes on a copy):")
        for report in reports:
            if report.fixes is not None:
                print("\n".join(fix_lines(report.fixes)))
        broken = [
            f"{r.package}/{c.path}" for r in reports if r.fixes for c in r.fixes.changed if c.broken
        ]
        joins = sum(len(c.added_joins) for r in reports if r.fixes for c in r.fixes.changed)
        print(
            f"{len(broken)} fixed file(s) broken{': ' + ', '.join(broken) if broken else ''}; "
            f"{joins} join() call(s) added (review each: none may wait for a service thread)"
        )
    for report in reports:
        for bad in report.parse_errors_that_compile:
            errors.append(f"{report.package}: PAR000 on a file Python compiles: {bad}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "python": sys.version.split()[0],
                    "packages": [asdict(r) for r in reports],
                    "errors": errors,
                },
                indent=1,
            )
            + "\n"
        )
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)
    for message in errors:
        print(f"ERROR {message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
