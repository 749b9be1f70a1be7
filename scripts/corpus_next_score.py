"""Compare the labels of tests/corpus_next with what today's parlint reports.

Runs `parlint check --no-cache --output-format json` on the corpus (as the CLI would, so
projects are checked in their own project) and prints, per file, the labels that are met,
missing and unexpected, then the totals. Usage:

    .venv/bin/python scripts/corpus_next_score.py [PATH] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABEL = re.compile(r"#\s*expect:\s*(?P<codes>PAR\d{3}(?:\s*,\s*PAR\d{3})*)")


def labels_of(path: Path) -> Counter[tuple[int, str]]:
    labels: Counter[tuple[int, str]] = Counter()
    for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = LABEL.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group("codes")):
                labels[(row, code)] += 1
    return labels


def findings_of(corpus: Path) -> dict[Path, Counter[tuple[int, str]]]:
    parlint = Path(sys.executable).parent / "parlint"
    run = subprocess.run(
        [
            str(parlint),
            "check",
            "--no-cache",
            "--exit-zero",
            "--output-format",
            "json",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[Path, Counter[tuple[int, str]]] = {}
    for item in json.loads(run.stdout):
        path = Path(item["filename"]).resolve()
        found.setdefault(path, Counter())[(item["location"]["row"], item["code"])] += 1
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "tests" / "corpus_next"))
    parser.add_argument("--verbose", action="store_true", help="list every missing/unexpected")
    args = parser.parse_args()
    corpus = Path(args.path).resolve()
    found = findings_of(corpus)
    totals: Counter[str] = Counter()
    per_code: dict[str, Counter[str]] = {}
    for path in sorted(corpus.rglob("*.py")):
        want = labels_of(path)
        got = found.get(path.resolve(), Counter())
        met, missing, unexpected = want & got, want - got, got - want
        totals.update(
            met=sum(met.values()),
            missing=sum(missing.values()),
            unexpected=sum(unexpected.values()),
        )
        for kind, counter in (("met", met), ("missing", missing), ("unexpected", unexpected)):
            for (_, code), n in counter.items():
                per_code.setdefault(code, Counter())[kind] += n
        name = path.relative_to(corpus)
        print(
            f"{name}: met {sum(met.values())}, missing {sum(missing.values())}, "
            f"unexpected {sum(unexpected.values())}"
        )
        if args.verbose:
            for row, code in sorted(missing.elements()):
                print(f"    missing    {row}: {code}")
            for row, code in sorted(unexpected.elements()):
                print(f"    unexpected {row}: {code}")
    print()
    for code in sorted(per_code):
        c = per_code[code]
        print(f"{code}: met {c['met']}, missing {c['missing']}, unexpected {c['unexpected']}")
    print(
        f"total: met {totals['met']}, missing {totals['missing']}, "
        f"unexpected {totals['unexpected']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
