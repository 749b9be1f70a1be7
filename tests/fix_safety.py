"""The fix-safety harness: a program that ran before `--fix --unsafe-fixes` runs after it,
with the same output.

The program is written to a file, run in a subprocess with a time limit, fixed by the real
command line (`parlint check --fix --unsafe-fixes`), checked to parse, re-checked clean for
the codes that were fixed, fixed again to prove nothing changes, and run again. Output lines
are compared sorted: tasks on threads and processes may print in any order.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT = 60  # seconds for one run of one program


@dataclass(frozen=True)
class FixOutcome:
    before: str
    after: str
    fixed_codes: frozenset[str]


def is_program(source: str) -> bool:
    """Whether the module does something when run: a call at module level, or a
    `__main__` block (an example of only definitions prints nothing either way)."""
    for stmt in ast.parse(source).body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            return True
        if isinstance(stmt, ast.If) and "__main__" in ast.unparse(stmt.test):
            return True
    return False


def run_program(path: Path) -> list[str]:
    completed = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        cwd=path.parent,
    )
    assert completed.returncode == 0, f"{path.name} failed:\n{completed.stderr}"
    return sorted(completed.stdout.splitlines())


def parlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parlint", *args],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        cwd=cwd,
    )


def _applied(finding: dict[str, object]) -> bool:
    """Whether `--fix --unsafe-fixes` applies the finding's fix (display-only ones never)."""
    fix = finding["fix"]
    return isinstance(fix, dict) and fix["applicability"] in ("safe", "unsafe")


def findings(path: Path) -> list[dict[str, object]]:
    result = parlint("check", "--no-cache", "--output-format", "json", path.name, cwd=path.parent)
    assert result.returncode in (0, 1), result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def assert_fix_keeps_behaviour(
    source: str, workdir: Path, name: str = "program.py", *, same_output: bool = True
) -> FixOutcome:
    """Run, fix with the CLI, check the fixed text, run again; return both texts.
    `same_output=False` for fixes that correct what a program prints: it must still run."""
    path = workdir / name
    path.write_text(source, encoding="utf-8")
    before_output = run_program(path)
    fixable = {str(d["code"]) for d in findings(path) if _applied(d)}
    fixed = parlint("check", "--no-cache", "--fix", "--unsafe-fixes", name, cwd=workdir)
    assert fixed.returncode in (0, 1), fixed.stderr
    assert "produced invalid code" not in fixed.stderr and "crash" not in fixed.stderr.lower()
    after = path.read_text(encoding="utf-8")
    ast.parse(after)
    left = [
        (d["location"], d["code"]) for d in findings(path) if d["code"] in fixable and _applied(d)
    ]
    assert not left, f"fixable findings left after --fix: {left}"
    again = parlint("check", "--no-cache", "--fix", "--unsafe-fixes", name, cwd=workdir)
    assert again.returncode in (0, 1), again.stderr
    assert path.read_text(encoding="utf-8") == after, "--fix is not idempotent"
    after_output = run_program(path)
    assert before_output == after_output or not same_output, (
        f"output changed by the fix\nbefore: {before_output}\nafter:  {after_output}\n{after}"
    )
    return FixOutcome(source, after, frozenset(fixable))
