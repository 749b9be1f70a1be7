"""What fixes cost: one fix built on demand, every fix of a file (JSON), and fix-all.

    python benchmarks/bench_fixes.py [--lines 500 6000] [--runs 5]

Generates files dense with fixable findings (each block: CPU-bound threads in a list, PAR201
and PAR102; a thread started and not joined, PAR101) and times, in this process, with the
median of --runs:
- check: the diagnostics alone (what the concise output needs);
- check + fixes: every finding with its fix built (what `--output-format json` needs);
- resolve PAR201 / PAR102 / PAR101: one fix built for a finding in the middle of the file
  (what the editor's `codeAction/resolve` does);
- fix-all: `--fix --unsafe-fixes` until nothing changes (what `source.fixAll` does).
Targets (SPEC §5, issue 14): one fix <= 100 ms at any size; check + fixes <= 1.5x check;
cost linear in the number of findings.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from parlint.engine import Linter

HEADER = '''"""Generated benchmark module: dense with fixable findings."""
import threading


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def fetch(url, results):
    results[url] = len(url)
'''

BLOCK = """

def batch_{n}(sizes):
    threads = [threading.Thread(target=crunch, args=(size,)) for size in sizes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def warm_{n}(results):
    loader = threading.Thread(target=fetch, args=("https://example.org/{n}", results))
    loader.start()
    print("warming {n}", len(results))
"""


def make_source(lines: int) -> str:
    parts = [HEADER]
    n = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(BLOCK.format(n=n))
        n += 1
    return "".join(parts)


def _median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def bench(lines: int, runs: int) -> None:
    text = make_source(lines)
    linter = Linter(filename="dense.py")
    found = linter.check(text).diagnostics
    print(f"\n{text.count(chr(10))} lines, {len(found)} findings")
    check = _median_ms(lambda: linter.check(text), runs)
    with_fixes = _median_ms(lambda: linter.check(text, with_fixes=True), runs)
    print(f"  check                  {check:9.1f} ms")
    print(f"  check + fixes (JSON)   {with_fixes:9.1f} ms   {with_fixes / check:5.2f}x check")
    for code in ("PAR201", "PAR102", "PAR101"):
        ofcode = [d for d in found if d.code == code and d.fixable]
        if not ofcode:
            print(f"  resolve {code}         (no fixable finding)")
            continue
        middle = ofcode[len(ofcode) // 2]
        resolve = _median_ms(lambda d=middle: linter.build_fix(text, d), runs)  # type: ignore[misc]
        print(f"  resolve one {code}     {resolve:9.1f} ms   (target <= 100 ms)")
    fix_all = _median_ms(lambda: linter.fix(text, unsafe=True), max(1, runs // 2))
    print(f"  fix-all (unsafe)       {fix_all:9.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, nargs="+", default=[500, 6000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for lines in args.lines:
        bench(lines, args.runs)


if __name__ == "__main__":
    main()
