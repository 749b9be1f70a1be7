"""ruff's full format: the header, a code frame with carets, notes and help, and the fix's diff.

    pkg/m.py:5:2: PAR101 [*] `t` is started but never joined in `f()`
      |
    3 | def f():
    4 |     t = threading.Thread(target=work)
    5 |     t.start()
      |     ^^^^^^^^^ PAR101
      |
      = help: Insert `t.join()`

A range over several lines is drawn the way ruff (and rustc) draw it: a `/` or `_^` where it
starts, `|` down the lines it covers and `|___^ CODE` under its last character.
"""

from __future__ import annotations

import difflib
from typing import Optional

from parlint.ftypes import Diagnostic, Fix, Location
from parlint.output.common import Ordered, display_line, display_path, header
from parlint.source import SourceText, split_lines

# Lines of context around the range, as ruff shows.
CONTEXT = 2
# Lines of context around each change of a fix's diff, as ruff's (and diff's) default.
DIFF_CONTEXT = 3


def _span(source: SourceText, d: Diagnostic) -> tuple[Location, Location]:
    """The diagnostic's range, kept inside the text and without a bare line ending at its end."""
    last_row = source.line_count
    start = Location(min(max(d.location.row, 1), last_row), max(d.location.column, 1))
    end = Location(min(max(d.end_location.row, 1), last_row), max(d.end_location.column, 1))
    if end < start:
        end = start
    # A range that stops at the start of a line really ends on the line before: drawing it down
    # to an empty spot on the next line would point at nothing.
    while end.row > start.row and end.column == 1:
        end = Location(end.row - 1, len(source.line(end.row - 1)) + 1)
    return start, end


def _shown_rows(source: SourceText, start: Location, end: Location) -> tuple[int, int]:
    first = max(1, start.row - CONTEXT)
    # Blank context says nothing; ruff trims it from both ends.
    while first < start.row and not source.line(first).strip():
        first += 1
    last = min(source.line_count, end.row + CONTEXT)
    while last > end.row and not source.line(last).strip():
        last -= 1
    return first, last


def _at(columns: list[int], column: int) -> int:
    """The screen column of 1-based `column`, or of the line's end when past it."""
    return columns[min(max(column - 1, 0), len(columns) - 1)]


def _frame(source: SourceText, d: Diagnostic) -> tuple[list[str], int]:
    """The code frame's lines, and the gutter width the footer lines align to."""
    start, end = _span(source, d)
    first, last = _shown_rows(source, start, end)
    gutter = len(str(last))
    blank = " " * gutter
    lines = [f"{blank} |"]
    multiline = end.row > start.row
    for row in range(first, last + 1):
        raw = source.line(row)
        text, columns = display_line(raw)
        number = f"{row:>{gutter}} |"
        if not multiline:
            lines.append(f"{number} {text}".rstrip())
            if row == start.row:
                begin = _at(columns, start.column)
                width = max(1, _at(columns, end.column) - begin)
                lines.append(f"{blank} | {' ' * begin}{'^' * width} {d.code}")
            continue
        # Every line of a multi-line frame has a two-column margin for the range's bar.
        if row == start.row:
            if not raw[: start.column - 1].strip():
                lines.append(f"{number} / {text}".rstrip())
            else:
                lines.append(f"{number}   {text}".rstrip())
                lines.append(f"{blank} |  {'_' * (_at(columns, start.column) + 1)}^")
        elif start.row < row <= end.row:
            lines.append(f"{number} | {text}".rstrip())
            if row == end.row:
                # The caret sits under the range's last character, not one past it.
                caret = _at(columns, end.column - 1)
                lines.append(f"{blank} | |{'_' * (caret + 1)}^ {d.code}")
        else:
            lines.append(f"{number}   {text}".rstrip())
    lines.append(f"{blank} |")
    return lines, gutter


def _fix_diff(source: SourceText, fix: Fix) -> Optional[list[str]]:
    """The fix as ruff shows it: `ℹ Unsafe fix`, then `old new |±line` for each changed line."""
    # Imported here: only --show-fixes needs edits applied.
    from parlint.fixes.edits import apply_edits

    try:
        fixed = apply_edits(source, fix.edits)
    except ValueError:
        # Overlapping edits cannot be shown as one text; the rest of the report still can.
        return None
    old = [line.rstrip("\r\n") for line in split_lines(source.text)]
    new = [line.rstrip("\r\n") for line in split_lines(fixed)]
    groups = list(
        difflib.SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(DIFF_CONTEXT)
    )
    rows: list[tuple[Optional[int], Optional[int], str, str]] = []
    for index, group in enumerate(groups):
        if index:
            rows.append((None, None, "", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [(i + 1, j1 + k + 1, " ", old[i]) for k, i in enumerate(range(i1, i2))]
                continue
            rows += [(i + 1, None, "-", old[i]) for i in range(i1, i2)]
            rows += [(None, j + 1, "+", new[j]) for j in range(j1, j2)]
    width = len(str(max((n for r in rows for n in r[:2] if n is not None), default=1)))
    lines = [f"ℹ {fix.applicability.value.capitalize()} fix"]
    for old_row, new_row, sign, text in rows:
        if not sign:
            # ruff separates hunks with a rule rather than `@@` headers.
            lines.append("-" * 80)
            continue
        old_number = " " * width if old_row is None else f"{old_row:<{width}}"
        new_number = " " * width if new_row is None else f"{new_row:<{width}}"
        lines.append(f"{old_number} {new_number} |{sign}{display_line(text)[0]}")
    return lines


def render(ordered: Ordered, *, unsafe_fixes: bool, show_fixes: bool) -> str:
    out: list[str] = []
    for result, diagnostics in ordered:
        whole = SourceText(result.source) if result.source is not None else None
        cells = {key: SourceText(text) for key, text in result.cells}
        for d in diagnostics:
            source = cells.get(d.cell) if d.cell is not None else whole
            title = header(result.filename, d, unsafe_fixes)
            if source is None:
                # Nothing to quote: ruff shows only the header without a source.
                out.append(title + "\n")
                continue
            lines, gutter = _frame(source, d)
            pad = " " * gutter
            for related in d.related:
                shown = display_path(related.filename) if related.filename else result.filename
                cell = f"cell {d.cell}:" if d.cell is not None and not related.filename else ""
                where = f"{shown}:{cell}{related.location.row}:{related.location.column}"
                lines.append(f"{pad} = note: {where}: {related.message}")
            if d.fix_applicability is not None and d.fix_title:
                lines.append(f"{pad} = help: {d.fix_title}")
            out.append("\n".join([title, *lines]) + "\n\n")
            diff = _fix_diff(source, d.fix) if show_fixes and d.fix is not None else None
            if diff is not None:
                out.append("\n".join(diff) + "\n\n")
    return "".join(out)
