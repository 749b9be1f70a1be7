"""Tasks followed across the modules of a project: imports of every style, layouts, and the
evidence pointing into the file where the work is."""

from __future__ import annotations

from pathlib import Path

import pytest

from parlint import check_source
from parlint.analysis.project import Project
from parlint.ftypes import Diagnostic

CRUNCH = """
def crunch(values):
    total = 0
    for v in values:
        total += v * v
    return total
"""
FETCH = """
import urllib.request


def fetch(url):
    with urllib.request.urlopen(url) as response:
        return response.read()
"""


# Enough other files that the CLI checks the package the way it checks a whole tree (in
# parallel, with its cache, in two passes) rather than as a few files named on their own.
FILLERS = {f"pkg/filler_{n}.py": "import threading\n" for n in range(8)}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _check_in_project(root: Path, name: str) -> list[Diagnostic]:
    """What the editor shows: the file checked with its whole project read."""
    from parlint.engine import Linter

    path = root / name
    project = Project.of(path, scan=True)
    return Linter(None, str(path), project).check(path.read_text()).diagnostics


def _check(root: Path, name: str) -> list[Diagnostic]:
    path = root / name
    return check_source(path.read_text(), filename=str(path), fixes=False)


@pytest.mark.parametrize(
    ("layout", "importer"),
    [
        ("pkg", "from .jobs import crunch"),
        ("pkg", "from pkg.jobs import crunch"),
        ("pkg", "import pkg.jobs as jobs\ncrunch = None"),
        ("src/pkg", "from pkg.jobs import crunch"),
        ("src/pkg", "from . import jobs"),
    ],
)
def test_a_cpu_bound_task_imported_from_another_module_is_reported_at_the_hand_off(
    tmp_path: Path, layout: str, importer: str
) -> None:
    task = "jobs.crunch" if "jobs" in importer.split("import")[-1] else "crunch"
    _write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'pkg'\n",
            f"{layout}/__init__.py": "",
            f"{layout}/jobs.py": CRUNCH,
            f"{layout}/run.py": (
                "from concurrent.futures import ThreadPoolExecutor\n"
                f"{importer}\n\n\n"
                "def main(rows):\n"
                "    with ThreadPoolExecutor() as executor:\n"
                f"        return list(executor.map({task}, rows))\n"
            ),
        },
    )
    (finding,) = _check(tmp_path, f"{layout}/run.py")
    assert finding.code == "PAR201" and finding.location.row == 7 + importer.count("\n")
    assert "`crunch()`" in finding.message and "jobs.py:4" in finding.message
    (evidence,) = finding.related
    assert evidence.filename == str((tmp_path / layout / "jobs.py").resolve())
    assert (evidence.location.row, evidence.location.column) == (4, 5)


def test_namespace_packages_reexports_and_methods_of_imported_classes(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "setup.cfg": "",
            "app/__init__.py": "from .stats import Detector\n",
            "app/stats.py": (
                "class Detector:\n"
                "    def __init__(self, limit):\n"
                "        self.limit = limit\n\n"
                "    def flag(self, values):\n"
                "        return [v for v in values if v > self.limit]\n"
            ),
            "app/feeds/http.py": FETCH,  # `feeds` has no __init__.py: a namespace package
            "app/run.py": (
                "from multiprocessing import Pool\n"
                "from concurrent.futures import ThreadPoolExecutor\n\n"
                "from app import Detector\n"
                "from app.feeds.http import fetch\n\n\n"
                "def flag_all(series):\n"
                "    detector = Detector(3)\n"
                "    with ThreadPoolExecutor() as executor:\n"
                "        return list(executor.map(detector.flag, series))\n\n\n"
                "def download(urls):\n"
                "    with Pool(4) as pool:\n"
                "        return pool.map(fetch, urls)\n"
            ),
        },
    )
    found = [(d.code, d.location.row) for d in _check(tmp_path, "app/run.py")]
    assert found == [("PAR201", 11), ("PAR202", 16)]


def test_unknown_and_third_party_tasks_are_never_guessed(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".git/HEAD": "",
            "tool/__init__.py": "",
            "tool/helpers.py": "import yaml\n\ndef load(path):\n    return yaml.safe_load(path)\n",
            "tool/run.py": (
                "from concurrent.futures import ThreadPoolExecutor\n"
                "from requests import get\n"
                "from tool.helpers import load\n"
                "from tool.missing import vanished\n\n\n"
                "def main(paths):\n"
                "    with ThreadPoolExecutor() as executor:\n"
                "        list(executor.map(load, paths))\n"
                "        list(executor.map(get, paths))\n"
                "        list(executor.map(vanished, paths))\n"
            ),
        },
    )
    assert _check(tmp_path, "tool/run.py") == []


def test_module_names_follow_the_layout(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": "",
            "src/pkg/__init__.py": "",
            "src/pkg/sub/mod.py": "",
            "scripts/tool.py": "",
        },
    )
    project = Project.of(tmp_path / "src/pkg/sub/mod.py")
    assert project.root == tmp_path.resolve()
    assert project.module_name(tmp_path / "src/pkg/sub/mod.py") == "pkg.sub.mod"
    assert project.package(tmp_path / "src/pkg/sub/mod.py") == "pkg.sub"
    assert project.package(tmp_path / "src/pkg/__init__.py") == "pkg"
    assert project.module_name(tmp_path / "scripts/tool.py") == "scripts.tool"


def test_the_cache_notices_a_change_in_the_module_a_task_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parlint.cli import main

    _write(
        tmp_path,
        {
            "pyproject.toml": "",
            "pkg/__init__.py": "",
            "pkg/jobs.py": CRUNCH,
            "pkg/run.py": (
                "from concurrent.futures import ThreadPoolExecutor\n"
                "from .jobs import crunch\n\n\n"
                "def main(rows):\n"
                "    with ThreadPoolExecutor() as executor:\n"
                "        return list(executor.map(crunch, rows))\n"
            ),
            **FILLERS,
        },
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARLINT_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["check", "pkg", "--output-format", "concise"]) == 1
    (tmp_path / "pkg/jobs.py").write_text(
        "import time\n\n\ndef crunch(values):\n    for v in values:\n        time.sleep(v)\n"
    )
    # run.py itself is unchanged and cached, but what it hands off now waits on I/O.
    assert main(["check", "pkg", "--output-format", "concise"]) == 0


COUNTER = "TOTAL = 0\n\n\ndef count(rows):\n    global TOTAL\n    TOTAL += len(rows)\n"
COUNTING = (
    "from concurrent.futures import ThreadPoolExecutor\n\n"
    "from pkg import counters\n\n\n"
    "def main(batches):\n"
    "    with ThreadPoolExecutor() as executor:\n"
    "        list(executor.map(counters.count, batches))\n"
)


def test_shared_state_is_reported_in_the_module_of_a_task_handed_off_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The update is in counters.py, which has no concurrency of its own; the threads start
    in run.py. Checked alone (the API, the editor) or with the project (the CLI)."""
    from parlint.cli import main

    _write(
        tmp_path,
        {
            "pyproject.toml": "",
            "pkg/__init__.py": "",
            "pkg/counters.py": COUNTER,
            "pkg/run.py": COUNTING,
        },
    )
    (finding,) = _check_in_project(tmp_path, "pkg/counters.py")
    assert (finding.code, finding.location.row) == ("PAR601", 6)
    (start,) = finding.related
    assert start.filename == str((tmp_path / "pkg/run.py").resolve())
    assert start.location.row == 8
    assert _check_in_project(tmp_path, "pkg/run.py") == []

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARLINT_CACHE_DIR", str(tmp_path / "cache"))
    capsys.readouterr()

    # counters.py named alone (a pre-commit hook), then the package (two passes, cold and
    # then with every file cached).
    def reported(path: str) -> bool:
        status = main(["check", path, "--output-format", "concise", "--quiet"])
        return status == 1 and capsys.readouterr().out.startswith("pkg/counters.py:6:5: PAR601 ")

    assert reported("pkg/counters.py")
    _write(tmp_path, FILLERS)
    assert reported("pkg")  # cold
    assert reported("pkg")  # every file cached
    assert (tmp_path / "cache").is_dir()
    # The hand-off goes away: counters.py, unchanged, is clean again.
    (tmp_path / "pkg/run.py").write_text(COUNTING.replace("counters.count", "len"))
    assert main(["check", "pkg", "--output-format", "concise", "--quiet"]) == 0


def test_a_thread_subclass_of_another_module_is_followed_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Constructed in a list in one module (PAR102 there), its CPU-bound run() is reported
    on `def run`, once, in the module that defines it, pointing at the construction. The
    module that constructs it names no concurrency module: it is checked all the same."""
    from parlint.cli import main

    _write(
        tmp_path,
        {
            "pyproject.toml": "",
            "pkg/__init__.py": "",
            "pkg/workers.py": (
                "import threading\n\n\n"
                "class Scorer(threading.Thread):\n"
                "    def __init__(self, rows):\n"
                "        super().__init__()\n"
                "        self.rows = rows\n\n"
                "    def run(self):\n"
                "        self.total = sum(r * r for r in self.rows)\n"
            ),
            "pkg/run.py": (
                "from .workers import Scorer\n\n\n"
                "def main(chunks):\n"
                "    scorers = [Scorer(c) for c in chunks]\n"
                "    for s in scorers:\n"
                "        s.start()\n"
                "    for s in scorers:\n"
                "        s.join()\n"
            ),
        },
    )
    assert [(d.code, d.location.row) for d in _check_in_project(tmp_path, "pkg/run.py")] == [
        ("PAR102", 5)
    ]
    (finding,) = _check_in_project(tmp_path, "pkg/workers.py")
    assert (finding.code, finding.location.row, finding.location.column) == ("PAR201", 9, 5)
    assert finding.related[-1].filename == str((tmp_path / "pkg/run.py").resolve())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARLINT_CACHE_DIR", str(tmp_path / "cache"))
    for files in ({}, FILLERS):  # a few files (the project read), then a tree (passes)
        _write(tmp_path, files)
        capsys.readouterr()
        assert main(["check", "pkg", "--output-format", "concise", "--quiet"]) == 1
        lines = capsys.readouterr().out.splitlines()
        assert [line.split(" ")[:2] for line in lines] == [
            ["pkg/run.py:5:15:", "PAR102"],
            ["pkg/workers.py:9:5:", "PAR201"],
        ]
