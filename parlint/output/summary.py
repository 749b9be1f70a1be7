"""The closing lines of a run: counts, fixable hints, statistics, applied fixes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from parlint.ftypes import Applicability, Diagnostic, FileResult
from parlint.output.common import applicable


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word}{'es' if word.endswith(('x', 's')) else 's'}"


def summary(
    remaining: Sequence[Diagnostic], *, fixed: int, unsafe_fixes: bool, fix_mode: bool
) -> str:
    """ruff's wording: `Found 3 errors.`, fixable hints, or `All checks passed!`."""
    if not remaining and not fixed:
        return "All checks passed!\n"
    total = len(remaining) + fixed
    if fix_mode and fixed:
        lines = [f"Found {_plural(total, 'error')} ({fixed} fixed, {len(remaining)} remaining)."]
    else:
        lines = [f"Found {_plural(total, 'error')}."]
    fixable = sum(1 for d in remaining if applicable(d, unsafe_fixes))
    hidden = sum(
        1 for d in remaining if d.fix_applicability is Applicability.UNSAFE and not unsafe_fixes
    )
    if fixable and not fix_mode:
        hint = f"[*] {fixable} fixable with the `--fix` option"
        if hidden:
            hidden_fixes = _plural(hidden, "hidden fix")
            hint += f" ({hidden_fixes} can be enabled with the `--unsafe-fixes` option)"
        lines.append(hint + ".")
    elif hidden:
        lines.append(
            f"No fixes available ({_plural(hidden, 'hidden fix')} can be enabled with the "
            "`--unsafe-fixes` option)."
        )
    return "\n".join(lines) + "\n"


def statistics(results: Sequence[FileResult], *, unsafe_fixes: bool = False) -> str:
    """One line per code, most frequent first: `count  CODE  [*] name`."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    fixable: dict[str, bool] = {}
    for result in results:
        for d in result.diagnostics:
            counts[d.code] += 1
            names[d.code] = d.name
            fixable[d.code] = fixable.get(d.code, False) or applicable(d, unsafe_fixes)
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    code_width = max(len(code) for code in counts)
    lines = [
        f"{count:>{width}}\t{code:<{code_width}}\t{'[*]' if fixable[code] else '[ ]'} {names[code]}"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "\n".join(lines) + "\n"


def fix_summary(results: Sequence[FileResult]) -> str:
    """After `--fix --show-fixes`: what was fixed, per file and code."""
    total = sum(len(r.fixed) for r in results)
    if not total:
        return ""
    lines = [f"Fixed {_plural(total, 'error')}:"]
    for result in results:
        if not result.fixed:
            continue
        lines.append(f"- {result.filename}:")
        per_code = Counter((d.code, d.name) for d in result.fixed)
        for (code, name), count in sorted(per_code.items()):
            lines.append(f"    {count} × {code} ({name})")
    return "\n".join(lines) + "\n"
