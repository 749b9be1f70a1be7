"""The free-threading hazards are real: each program in tests/corpus/proofs/ shows its failure
on this interpreter (many threads, a tiny `sys.setswitchinterval`), parlint reports it, and the
fixed program (parlint's own fix, or the rewrite the rule advises) runs clean and is clean.

A proof exits 1 and prints what went wrong when it sees the hazard, 0 when it does not. The
races are real races: a program that misses its hazard is run again, up to three times."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from parlint import check_source, fix_source
from parlint.config import Settings

PROOFS = Path(__file__).parent / "corpus" / "proofs"
SETTINGS = Settings(extend_select=("PAR7",))
ATTEMPTS = 3

# (the program, the rule it proves, the hand-written fixed program or None: parlint's fix)
CASES = [
    ("lost_updates.py", "PAR601", None, "lost"),
    ("double_init.py", "PAR701", None, "connections for one"),
    ("shared_generator.py", "PAR702", "shared_generator_fixed.py", "generator already executing"),
    ("working_directory.py", "PAR703", "working_directory_fixed.py", "'s file"),
]


def _run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def _codes(text: str) -> set[str]:
    return {d.code for d in check_source(text, config=SETTINGS, fixes=False)}


@pytest.mark.parametrize(("program", "code", "fixed", "shows"), CASES, ids=[c[1] for c in CASES])
def test_the_hazard_shows_and_the_fixed_program_runs_clean(
    program: str, code: str, fixed: str | None, shows: str, tmp_path: Path
) -> None:
    path = PROOFS / program
    text = path.read_text(encoding="utf-8")
    assert code in _codes(text)
    for _ in range(ATTEMPTS):
        broken = _run(path)
        if broken.returncode == 1:
            break
    assert broken.returncode == 1, f"{program} never showed its hazard: {broken.stdout}"
    assert shows in broken.stdout

    if fixed is None:
        fixed_text = fix_source(text, config=SETTINGS, unsafe=True)
        assert fixed_text != text
        fixed_path = tmp_path / program
        fixed_path.write_text(fixed_text, encoding="utf-8")
    else:
        fixed_path = PROOFS / fixed
        fixed_text = fixed_path.read_text(encoding="utf-8")
    assert code not in _codes(fixed_text)
    clean = _run(fixed_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
