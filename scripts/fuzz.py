#!/usr/bin/env python3
"""Fuzz parlint's checks and fixes: hypothesmith programs among concurrency code, and mutants
of the corpus, the examples and the rules' examples (the harness is in tests/fuzzing/).

    .venv/bin/python scripts/fuzz.py --minutes 30 --seed 1 --jobs 1
    .venv/bin/python scripts/fuzz.py --count 500 --seed 7     # the same 500 cases every time

Each new failure is shrunk and written under --out (default fuzz-findings/, git-ignored) as
`<kind>/<code>-<hash>.py` with notes (`.txt`) and the unshrunk case (`.orig.py`). Exit status:
0 when no new failure was found, 1 when one was.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing.campaign import Plan, Result, run, summary  # noqa: E402


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float, help="run for this long (default 5)")
    budget.add_argument("--count", type=int, help="run exactly this many cases")
    parser.add_argument("--seed", type=int, default=0, help="the stream of cases (default 0)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "fuzz-findings", help="where reproducers go"
    )
    parser.add_argument("--no-reduce", action="store_true", help="do not shrink failures")
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds for one case (default 60)"
    )
    parser.add_argument(
        "--shrink-seconds", type=float, default=180.0, help="time to shrink one failure"
    )
    return parser.parse_args(argv)


def _progress(every: int) -> Callable[[Result], None]:
    def report(result: Result) -> None:
        if result.cases and result.cases % every == 0:
            print(
                f"... {result.cases} cases, {len(result.findings)} unique failures",
                file=sys.stderr,
                flush=True,
            )

    return report


def main(argv: list[str]) -> int:
    args = _arguments(argv)
    minutes = args.minutes if args.minutes is not None or args.count is not None else 5.0
    plan = Plan(
        seed=args.seed,
        count=args.count,
        minutes=minutes,
        jobs=max(args.jobs, 1),
        reduce=not args.no_reduce,
        out=args.out,
        time_limit=args.time_limit,
        shrink_seconds=args.shrink_seconds,
    )
    result = run(plan, _progress(50))
    print(summary(plan, result))
    return 1 if result.new else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
