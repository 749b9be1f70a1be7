"""Labeled multi-module projects (tests/corpus/projects/<name>/, each with its pyproject.toml):
every file's labels (the grammar of test_corpus.py) must be met when the project is checked
as the CLI checks it (a directory, two passes) and as the editor checks each file (its whole
project read)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from test_corpus import expected

from parlint.analysis.project import Projects
from parlint.config import ConfigResolver
from parlint.engine import Linter

PROJECTS = Path(__file__).parent / "corpus" / "projects"
NAMES = sorted(p.name for p in PROJECTS.iterdir() if p.is_dir()) if PROJECTS.is_dir() else []


def _labels(root: Path) -> Counter[tuple[str, int, str]]:
    labels: Counter[tuple[str, int, str]] = Counter()
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        for (row, code), count in expected(path.read_text(encoding="utf-8")).items():
            labels[(name, row, code)] += count
    return labels


def _compare(found: Counter[tuple[str, int, str]], want: Counter[tuple[str, int, str]]) -> None:
    assert found == want, (
        f"unexpected: {sorted((found - want).elements())}; "
        f"missing: {sorted((want - found).elements())}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_cli_meets_every_label_of_the_project(name: str, tmp_path: Path) -> None:
    root = PROJECTS / name
    completed = subprocess.run(
        [sys.executable, "-m", "parlint", "check", "--no-cache", "--output-format", "json", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    found = Counter(
        (Path(d["filename"]).as_posix(), d["location"]["row"], d["code"])
        for d in json.loads(completed.stdout)
    )
    _compare(found, _labels(root))


@pytest.mark.parametrize("name", NAMES)
def test_the_editor_meets_every_label_of_each_file(name: str) -> None:
    root = PROJECTS / name
    projects = Projects()  # as the server: the whole project is read once and shared
    resolver = ConfigResolver()  # and each file's settings from its pyproject.toml
    found: Counter[tuple[str, int, str]] = Counter()
    for path in sorted(root.rglob("*.py")):
        project = projects.of(path)
        project.start_file()
        linter = Linter(resolver.settings_for(path), str(path), project)
        result = linter.check(path.read_text(encoding="utf-8"))
        assert result.errors == []
        for d in result.diagnostics:
            found[(path.relative_to(root).as_posix(), d.location.row, d.code)] += 1
    _compare(found, _labels(root))
