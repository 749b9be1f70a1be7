"""Run the free-threading proofs (tests/corpus/proofs/) on an interpreter and print what each
program showed, before and after its fix.

    python benchmarks/proofs.py                       # the interpreter running this script
    python benchmarks/proofs.py --python python3.13t  # another one, a free-threaded build say

Each proof exits 1 and prints its failure when it sees the hazard (lost updates, a connection
opened twice, `ValueError: generator already executing`, a thread reading another's file) and 0
otherwise; on a free-threaded build a shared generator can also crash the interpreter. The
"after" program is parlint's own fix (`--fix --unsafe-fixes`) for PAR601 and PAR701, and the
rewrite the rule advises for PAR702 and PAR703 (the `*_fixed.py` files)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parlint import fix_source  # noqa: E402
from parlint.config import Settings  # noqa: E402

PROOFS = ROOT / "tests" / "corpus" / "proofs"
CASES = [
    ("PAR601", "lost_updates.py", None),
    ("PAR701", "double_init.py", None),
    ("PAR702", "shared_generator.py", "shared_generator_fixed.py"),
    ("PAR703", "working_directory.py", "working_directory_fixed.py"),
]


def _run(python: str, path: Path) -> tuple[int, str, float]:
    began = time.perf_counter()
    done = subprocess.run([python, str(path)], capture_output=True, text=True, timeout=600)
    output = (done.stdout.strip() or done.stderr.strip()).splitlines()
    shown = output[-1] if output else ""
    if done.returncode < 0:  # killed by a signal: the race corrupted the interpreter
        shown = f"crashed (signal {-done.returncode})"
    return done.returncode, shown, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter to run them on")
    args = parser.parse_args()
    version = subprocess.run(
        [args.python, "-c", "import sys; print(sys.version.split()[0], "
         "'free-threaded' if not getattr(sys, '_is_gil_enabled', lambda: True)() else 'GIL')"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    print(f"Python {version} ({args.python})\n")
    print(f"{'rule':7} {'program':22} {'before':45} {'after':30}")
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for code, program, fixed in CASES:
            broken = PROOFS / program
            if fixed is None:
                text = fix_source(
                    broken.read_text(encoding="utf-8"),
                    config=Settings(extend_select=("PAR7",)),
                    unsafe=True,
                )
                after = Path(scratch, program)
                after.write_text(text, encoding="utf-8")
            else:
                after = PROOFS / fixed
            rc_before, shown_before, _ = _run(args.python, broken)
            rc_after, shown_after, seconds = _run(args.python, after)
            before = f"{shown_before} (exit {rc_before})"
            print(
                f"{code:7} {program:22} {before:45} {shown_after} (exit {rc_after}, {seconds:.1f}s)"
            )
            failures += rc_before == 0 or rc_after != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
