"""Time `parlint check` (cold and warm cache) against `ruff check --select ALL` on one tree.

    python benchmarks/bench_cli.py [TREE] [--runs N] [--jobs N]

TREE defaults to the running Python's standard library. Prints wall times (best of N runs),
the ratios parlint/ruff, and the peak RSS of the largest parlint process. Targets (SPEC §5):
cold no slower than ruff, warm faster than ruff, peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({completed.returncode}):\n{completed.stderr.decode()}")
    return elapsed


def _best(runs: int, cmd: list[str], env: dict[str, str], before: object = None) -> float:
    times = []
    for _ in range(runs):
        if callable(before):
            before()
        times.append(_timed(cmd, env))
    return min(times)


def _peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    """The largest resident set of any process of `cmd` (workers included), in MB."""
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *cmd], env=env, capture_output=True, text=True
    )
    return int(out.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("tree", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="parlint --jobs (default: one per CPU)")
    args = parser.parse_args()

    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not os.path.exists(ruff):
        sys.exit("ruff is not installed: pip install -e '.[test]'")
    parlint = [
        sys.executable,
        "-m",
        "parlint",
        "check",
        "--exit-zero",
        "-q",
        "--jobs",
        str(args.jobs),
    ]
    tree = args.tree
    # Both tools skip site-packages (and the other ruff default exclusions) when walking.
    checked = [p for p in Path(tree).rglob("*.py") if "site-packages" not in p.parts]
    files = len(checked)
    size_mb = sum(p.stat().st_size for p in checked) / 1e6
    print(
        f"tree: {tree} ({files} .py files, {size_mb:.1f} MB), "
        f"{os.cpu_count()} CPUs, best of {args.runs}"
    )

    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PARLINT_CACHE_DIR=cache)

        def clear() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            os.makedirs(cache, exist_ok=True)

        ruff_cmd = [
            ruff,
            "check",
            "--select",
            "ALL",
            "--no-cache",
            "--exit-zero",
            "-q",
            "--isolated",
            tree,
        ]
        ruff_time = _best(args.runs, ruff_cmd, env)
        cold = _best(args.runs, [*parlint, tree], env, before=clear)
        _timed([*parlint, tree], env)  # fill the cache
        warm = _best(args.runs, [*parlint, tree], env)
        clear()
        peak = _peak_rss_mb([*parlint, tree], env)

    print(f"ruff check --select ALL : {ruff_time:6.2f} s")
    print(
        f"parlint check (cold)    : {cold:6.2f} s   "
        f"ratio {cold / ruff_time:4.2f}x ruff   (target <= 1.00)"
    )
    print(
        f"parlint check (warm)    : {warm:6.2f} s   "
        f"ratio {warm / ruff_time:4.2f}x ruff   (target <  1.00)"
    )
    print(f"parlint peak RSS        : {peak:6.1f} MB  (largest process; target < 300)")


if __name__ == "__main__":
    main()
