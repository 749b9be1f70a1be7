"""The labeled corpus: each file says, line by line, what parlint must report.

A line ending in `# expect: PAR101` (or `# expect: PAR101, PAR105`) must get exactly those
diagnostics, on that row; every other line must get none. A label may end in `[fix]` (the
findings on that row come with a fix that `--fix --unsafe-fixes` applies), `[display-only]`
(a fix that is only shown, never applied) or `[no fix]`. Files whose first
lines contain `# corpus: runnable` are complete programs: test_fix_safety.py runs them before and
after `fix --unsafe-fixes`; they must print the same lines (sorted: tasks may interleave).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from parlint import check_source, fix_source
from parlint.config import Settings
from parlint.ftypes import Applicability, Diagnostic

CORPUS = Path(__file__).parent / "corpus"
# Multi-module projects are checked as projects: test_projects.py.
FILES = sorted(p for p in CORPUS.glob("**/*.py") if "projects" not in p.relative_to(CORPUS).parts)
# Every rule, the opt-in free-threading family (PAR7) too: its findings are labeled like any.
SETTINGS = Settings(extend_select=("PAR7",))
LABEL = re.compile(
    r"#\s*expect:\s*(?P<codes>PAR\d{3}(?:\s*,\s*PAR\d{3})*)"
    r"(?:\s*\[(?P<fix>fix|no fix|display-only)\])?"
)


def expected(text: str) -> Counter[tuple[int, str]]:
    labels: Counter[tuple[int, str]] = Counter()
    for row, line in enumerate(text.splitlines(), start=1):
        match = LABEL.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group("codes")):
                labels[(row, code)] += 1
    return labels


def _id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


def expected_fixability(text: str) -> dict[int, str]:
    """Rows labeled `[fix]`, `[display-only]` or `[no fix]`: what every finding there has."""
    rows: dict[int, str] = {}
    for row, line in enumerate(text.splitlines(), start=1):
        match = LABEL.search(line)
        if match and match.group("fix"):
            rows[row] = match.group("fix")
    return rows


def _fixability(d: Diagnostic) -> str:
    if d.fix_applicability is None:
        return "no fix"
    return "display-only" if d.fix_applicability is Applicability.DISPLAY_ONLY else "fix"


@pytest.mark.parametrize("path", FILES, ids=[_id(p) for p in FILES])
def test_corpus_labels(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = Counter(
        (d.location.row, d.code)
        for d in check_source(text, filename=str(path), config=SETTINGS, fixes=False)
    )
    want = expected(text)
    assert found == want, (
        f"unexpected: {sorted((found - want).elements())}; "
        f"missing: {sorted((want - found).elements())}"
    )
    fixable = {
        (d.location.row, _fixability(d))
        for d in check_source(text, filename=str(path), config=SETTINGS, fixes=False)
    }
    for row, wanted in expected_fixability(text).items():
        got = {f for r, f in fixable if r == row}
        assert got == {wanted}, f"line {row}: expected {wanted}, got {sorted(got)}"


def _has_fixes(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return any(
        d.fixable for d in check_source(text, filename=str(path), config=SETTINGS, fixes=False)
    )


FIXABLE = [p for p in FILES if _has_fixes(p)]


@pytest.mark.parametrize("path", FIXABLE, ids=[_id(p) for p in FIXABLE])
def test_corpus_fixes(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    before = check_source(text, filename=str(path), config=SETTINGS)
    fixed_codes = {d.code for d in before if d.fix is not None}
    assert fixed_codes, "a fixable finding whose fix could not be built"
    fixed = fix_source(text, filename=str(path), config=SETTINGS, unsafe=True)
    ast.parse(fixed)
    after = check_source(fixed, filename=str(path), config=SETTINGS, fixes=False)
    applied = (Applicability.SAFE, Applicability.UNSAFE)
    still = [
        (d.location.row, d.code)
        for d in after
        if d.code in fixed_codes and d.fix_applicability in applied
    ]
    assert not still, f"fixable findings left after --fix: {still}"
    assert fix_source(fixed, filename=str(path), config=SETTINGS, unsafe=True) == fixed, (
        "--fix is not idempotent"
    )
    # Runnable files are also run before and after the fix: test_fix_safety.py.
