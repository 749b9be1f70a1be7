"""How parlint's time grows with the size of one file: it must grow like Python's parser.

    python benchmarks/bench_scaling.py [--counts 1000 2000 4000 8000 16000] [--json]

Generates a module of N small functions, each starting a thread it does not join (one
PAR101 finding per function, the densest ordinary shape), and times, in this process:
`ast.parse` of the text, and `parlint check` of it (the diagnostics; with --json also every
fix built, as `--output-format json` does). Prints each time, its ratio to the parse, and
the growth from the previous N: a linear tool doubles when N doubles. Target (issue 14):
check <= 3x the parse, at every N.
"""

from __future__ import annotations

import argparse
import ast
import time
from collections.abc import Callable
from typing import Optional

from parlint.engine import Linter

HEADER = '''"""Generated: N thread functions."""
import threading


def work(n):
    return n * 2
'''

BLOCK = """

def start_{n}():
    threading.Thread(target=work, args=({n},)).start()
"""


def make_source(count: int) -> str:
    return HEADER + "".join(BLOCK.format(n=n) for n in range(count))


def _best(action: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 2000, 4000, 8000, 16000])
    parser.add_argument("--json", action="store_true", help="also build every fix")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'N':>7} {'lines':>8} {'parse':>9} {'check':>9} {'ratio':>6} {'growth':>7}", end="")
    print(f" {'json':>9} {'ratio':>6}" if args.json else "")
    previous = None
    for count in args.counts:
        parse, check, full = _measure(make_source(count), args.runs, args.json)
        growth = f"{check / previous:6.2f}x" if previous else "      -"
        previous = check
        line = (
            f"{count:>7} {make_source(count).count(chr(10)):>8} {parse * 1000:7.0f}ms"
            f" {check * 1000:7.0f}ms {check / parse:5.1f}x {growth}"
        )
        if full is not None:
            line += f" {full * 1000:7.0f}ms {full / parse:5.1f}x"
        print(line, flush=True)


def _measure(text: str, runs: int, json: bool) -> tuple[float, float, Optional[float]]:
    linter = Linter(filename="generated.py")
    parse = _best(lambda: ast.parse(text), runs)
    check = _best(lambda: linter.check(text), runs)
    full = _best(lambda: linter.check(text, with_fixes=True), 1) if json else None
    return parse, check, full


if __name__ == "__main__":
    main()
