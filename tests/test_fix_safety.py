"""Every runnable corpus program and every rule example that is a complete program keeps its
behaviour through `parlint check --fix --unsafe-fixes` (see fix_safety.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fix_safety import assert_fix_keeps_behaviour, is_program

from parlint.rules.base import Invalid
from parlint.rules.registry import all_rules

CORPUS = Path(__file__).parent / "corpus"
RUNNABLE = sorted(
    p
    for p in CORPUS.glob("**/*.py")
    if "# corpus: runnable" in "\n".join(p.read_text(encoding="utf-8").splitlines()[:5])
)
EXAMPLES = [
    (rule.code, index, example)
    for rule in all_rules()
    for index, example in enumerate(rule.invalid)
    if is_program(example.code)
]
# The rewrites that change structure (issue 7's) must each be proven by a run here.
REWRITES = {"PAR102", "PAR103", "PAR301", "PAR302", "PAR402", "PAR201", "PAR601"}


@pytest.mark.parametrize("path", RUNNABLE, ids=[p.name for p in RUNNABLE])
def test_runnable_corpus_program(path: Path, tmp_path: Path) -> None:
    outcome = assert_fix_keeps_behaviour(path.read_text(encoding="utf-8"), tmp_path)
    assert outcome.fixed_codes, f"{path.name} has nothing to fix: it proves nothing here"


@pytest.mark.parametrize(
    ("code", "index", "example"), EXAMPLES, ids=[f"{c}-{i}" for c, i, _ in EXAMPLES]
)
def test_rule_example_program(code: str, index: int, example: Invalid, tmp_path: Path) -> None:
    outcome = assert_fix_keeps_behaviour(
        example.code, tmp_path, same_output=not example.changes_output
    )
    assert code in outcome.fixed_codes


def test_every_rewrite_is_run() -> None:
    from parlint import check_source

    covered: set[str] = set()
    for path in RUNNABLE:
        text = path.read_text(encoding="utf-8")
        covered |= {d.code for d in check_source(text, filename=str(path)) if d.fix is not None}
    for code, _, example in EXAMPLES:
        found = check_source(example.code)
        covered |= {d.code for d in found if d.fix is not None and d.code == code}
    assert REWRITES <= covered, f"not proven by a run: {sorted(REWRITES - covered)}"


def test_the_joins_kept_display_only_would_have_hung_the_program(tmp_path: Path) -> None:
    """Applied, the display-only join of the server thread (a join placed before the client
    that lets the server end) makes the program wait forever: that is why it is only shown."""
    import subprocess
    import sys

    from parlint import check_source
    from parlint.fixes.edits import apply_edits
    from parlint.ftypes import Applicability
    from parlint.source import SourceText

    source = (CORPUS / "runnable" / "service_joins.py").read_text(encoding="utf-8")
    shown = [
        d
        for d in check_source(source)
        if d.fix is not None and d.fix.applicability is Applicability.DISPLAY_ONLY
    ]
    assert [d.location.row for d in shown] == [27, 43]
    server = shown[0]
    assert server.fix is not None
    program = tmp_path / "hangs.py"
    program.write_text(apply_edits(SourceText(source), server.fix.edits), encoding="utf-8")
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run([sys.executable, str(program)], capture_output=True, timeout=5)
