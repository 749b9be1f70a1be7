"""ruff's full format: the header, the source lines with carets, help and notes."""

from __future__ import annotations

import difflib
import unicodedata

from parlint.ftypes import Diagnostic, FileResult
from parlint.output.common import Ordered, marker
from parlint.source import SourceText

CONTEXT = 2
TAB = 4


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _display(line: str) -> tuple[str, list[int]]:
    """The line with tabs expanded, and each character's starting display column."""
    out: list[str] = []
    starts: list[int] = []
    column = 0
    for char in line:
        starts.append(column)
        if char == "\t":
            spaces = TAB - column % TAB
            out.append(" " * spaces)
            column += spaces
        else:
            out.append(char)
            column += _width(char)
    starts.append(column)
    return "".join(out), starts


def _snippet(source: SourceText, d: Diagnostic) -> list[str]:
    first = max(1, d.location.row - CONTEXT)
    # A final line ending does not start a line worth showing.
    lines_shown = source.line_count - (1 if source.text.endswith(("\n", "\r")) else 0)
    last = max(d.end_location.row, min(lines_shown, d.end_location.row + CONTEXT))
    gutter = len(str(last))
    lines = [f"{' ' * gutter} |"]
    for row in range(first, last + 1):
        text, starts = _display(source.line(row))
        lines.append(f"{row:>{gutter}} | {text}".rstrip())
        if d.location.row <= row <= d.end_location.row:
            begin = d.location.column - 1 if row == d.location.row else 0
            end = d.end_location.column - 1 if row == d.end_location.row else len(starts) - 1
            begin = min(begin, len(starts) - 1)
            end = min(max(end, begin), len(starts) - 1)
            width = max(1, starts[end] - starts[begin])
            label = f" {d.code}" if row == d.end_location.row else ""
            lines.append(f"{' ' * gutter} | {' ' * starts[begin]}{'^' * width}{label}")
    lines.append(f"{' ' * gutter} |")
    return lines


def _fix_diff(result: FileResult, d: Diagnostic) -> list[str]:
    if d.fix is None or result.source is None:
        return []
    from parlint.fixes import apply_edits

    source = SourceText(result.source)
    fixed = apply_edits(source, d.fix.edits)
    diff = difflib.unified_diff(result.source.splitlines(), fixed.splitlines(), lineterm="", n=1)
    body = [line for line in diff if not line.startswith(("---", "+++"))]
    kind = d.fix.applicability.value
    return [f"  ℹ {kind.capitalize()} fix: {d.fix.message}", *("    " + line for line in body)]


def render(ordered: Ordered, *, unsafe_fixes: bool, show_fixes: bool) -> str:
    blocks: list[str] = []
    for result, diagnostics in ordered:
        source = SourceText(result.source) if result.source is not None else None
        for d in diagnostics:
            lines = [
                f"{result.filename}:{d.location.row}:{d.location.column}: {d.code} "
                f"{marker(d, unsafe_fixes)}{d.message}"
            ]
            if source is not None:
                lines += _snippet(source, d)
            if d.fix_title:
                suffix = "" if d.fix_applicability is None else f" ({d.fix_applicability.value})"
                lines.append(f"  = help: {d.fix_title}{suffix}")
            for related in d.related:
                lines.append(
                    f"  = note: {result.filename}:{related.location.row}:"
                    f"{related.location.column}: {related.message}"
                )
            if show_fixes:
                lines += _fix_diff(result, d)
            blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks) + ("\n" if blocks else "")
