"""The text around the diagnostics in ruff's words: counts, fix hints, statistics, fixes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from parlint.ftypes import Applicability, Diagnostic, FileResult
from parlint.output.common import applicable, plural


def _errors(count: int) -> str:
    return plural(count, "error", "errors")


def _hidden(count: int) -> str:
    fixes = plural(count, "hidden fix", "hidden fixes")
    return f"{fixes} can be enabled with the `--unsafe-fixes` option"


def summary(
    remaining: Sequence[Diagnostic], *, fixed: int, unsafe_fixes: bool, fix_mode: bool
) -> str:
    """The closing lines of full and concise output.

    `Found 3 errors.` or, once fixes were applied, `Found 3 errors (2 fixed, 1 remaining).`;
    then how many `--fix` would apply and how many more `--unsafe-fixes` would allow.
    """
    if not remaining and not fixed:
        return "All checks passed!\n"
    if fixed:
        total = len(remaining) + fixed
        lines = [f"Found {_errors(total)} ({fixed} fixed, {len(remaining)} remaining)."]
    else:
        lines = [f"Found {_errors(len(remaining))}."]
    # After --fix, what is still fixable could not be applied: offering --fix again would
    # promise a change that will not happen.
    fixable = 0 if fix_mode else sum(1 for d in remaining if applicable(d, unsafe_fixes))
    hidden = 0
    if not unsafe_fixes:
        hidden = sum(1 for d in remaining if d.fix_applicability is Applicability.UNSAFE)
    if fixable and hidden:
        lines.append(f"[*] {fixable} fixable with the `--fix` option ({_hidden(hidden)}).")
    elif fixable:
        lines.append(f"[*] {fixable} fixable with the `--fix` option.")
    elif hidden:
        lines.append(f"No fixes available ({_hidden(hidden)}).")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class RuleCount:
    """One line of `--statistics`: how often a rule was reported, how often fixably."""

    code: str
    name: str
    count: int
    fixable_count: int

    @property
    def fixable(self) -> bool:
        return self.fixable_count > 0


def rule_counts(results: Sequence[FileResult], *, unsafe_fixes: bool = False) -> list[RuleCount]:
    """A count per code, most frequent first (then by code)."""
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    names: dict[str, str] = {}
    for result in results:
        for d in result.diagnostics:
            counts[d.code] += 1
            names.setdefault(d.code, d.name)
            if applicable(d, unsafe_fixes):
                fixable[d.code] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [RuleCount(code, names[code], count, fixable[code]) for code, count in ordered]


def statistics(
    results: Sequence[FileResult], *, unsafe_fixes: bool = False, fmt: str = "full"
) -> str:
    """`ruff --statistics`: a line per code, most frequent first: `count\tCODE\t[*] name`.

    As ruff does, the `[*]`/`[ ]` column appears only when some code has an applicable fix.
    With `fmt` json (or json-lines), ruff's objects instead: `code`, `name`, `count`,
    `fixable`, `fixable_count`; every other format gets the text.
    """
    counts = rule_counts(results, unsafe_fixes=unsafe_fixes)
    if fmt == "json":
        return json.dumps([_count_object(c) for c in counts], indent=2) + "\n"
    if fmt == "json-lines":
        return "".join(json.dumps(_count_object(c)) + "\n" for c in counts)
    if not counts:
        return ""
    count_width = len(str(max(c.count for c in counts)))
    code_width = max(len(c.code) for c in counts)
    any_fixable = any(c.fixable for c in counts)
    lines = []
    for c in counts:
        mark = ("[*] " if c.fixable else "[ ] ") if any_fixable else ""
        lines.append(f"{c.count:>{count_width}}\t{c.code:<{code_width}}\t{mark}{c.name}")
    return "\n".join(lines) + "\n"


def _count_object(count: RuleCount) -> dict[str, object]:
    return {
        "code": count.code,
        "name": count.name,
        "count": count.count,
        "fixable": count.fixable,
        "fixable_count": count.fixable_count,
    }


def fix_summary(fixed: Sequence[FileResult]) -> str:
    """What `--fix --show-fixes` applied, per file and code, set off by blank lines as ruff does.

    Empty when nothing was fixed.
    """
    per_file = [(r.filename, Counter((d.code, d.name) for d in r.fixed)) for r in fixed if r.fixed]
    total = sum(sum(counts.values()) for _, counts in per_file)
    if not total:
        return ""
    width = len(str(max(max(counts.values()) for _, counts in per_file)))
    lines = ["", f"Fixed {_errors(total)}:"]
    for filename, counts in per_file:
        lines.append(f"- {filename}:")
        for (code, name), count in sorted(counts.items(), key=lambda i: (-i[1], i[0])):
            lines.append(f"    {count:>{width}} × {code} ({name})")
    return "\n".join(lines) + "\n\n"
