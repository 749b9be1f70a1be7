"""Parsing an edited text again by re-parsing only the top-level statements the edit touched.

An edit in the editor changes a few lines of a file of thousands; parsing the whole file again
is most of the time budget of a keystroke. The statements before the edit are kept as they
are, the ones after it are kept with their rows moved, and the text from the first touched
statement to the next untouched one is parsed on its own.

That is the same tree `ast.parse` would build, because each kept statement starts a line at
column 0 after a complete statement, and the re-parsed text parses on its own: it cannot end
inside a bracket, a string or a line continuation, so the tokenizer is in the same state
where the kept text resumes. When any of that does not hold, there is no splice and the
caller parses the whole text.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional

from parlint.source import split_lines


def shift(node: ast.AST, rows: int) -> None:
    """Move every node under `node` by `rows` rows (`ast.increment_lineno`, without its
    generator overhead)."""
    stack = [node]
    pop, push = stack.pop, stack.extend
    while stack:
        current = pop()
        if "lineno" in current._attributes:
            lineno = getattr(current, "lineno", None)
            if lineno is not None:
                current.lineno = lineno + rows  # type: ignore[attr-defined]
            end = getattr(current, "end_lineno", None)
            if end is not None:
                current.end_lineno = end + rows  # type: ignore[attr-defined]
        push(ast.iter_child_nodes(current))


def first_row(stmt: ast.stmt) -> int:
    """The first row of a statement, its decorators included."""
    decorators = getattr(stmt, "decorator_list", None)
    if decorators:
        return min(stmt.lineno, *(d.lineno for d in decorators))
    return stmt.lineno


def last_row(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


@dataclass
class Splice:
    """The new tree, and which of its top-level statements are new.

    `old_range` is the slice of the old tree's body that was replaced, `new_range` the slice
    of the new tree's body that replaced it; `delta` is how many rows the statements after
    them moved."""

    tree: ast.Module
    lines: list[str]
    old_range: tuple[int, int]
    new_range: tuple[int, int]
    delta: int
    # The rows of the old text that changed (first, last; last < first: only an insertion).
    changed_old: tuple[int, int]
    changed_new: tuple[int, int]


def changed_rows(old: list[str], new: list[str]) -> tuple[int, int, int]:
    """(rows in common at the start, rows in common at the end, without overlap)."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    return prefix, suffix, len(new) - len(old)


def splice(
    old_tree: ast.Module,
    old_lines: list[str],
    new_text: str,
    filename: str = "<unknown>",
    lag: Callable[[ast.stmt], int] = lambda stmt: 0,
) -> Optional[Splice]:
    """The tree of `new_text` built from `old_tree` (the tree of `old_lines`), or None when
    the edit cannot be parsed on its own (the caller then parses everything).

    Rows are not moved in the statements kept after the edit (that would walk half the
    file): their nodes' rows lag `delta` behind, which the caller keeps track of (see
    `shift`). `lag` says by how much a statement of `old_tree` already lags."""
    new_lines = split_lines(new_text)
    prefix, suffix, delta = changed_rows(old_lines, new_lines)
    first_changed = prefix + 1
    last_changed = len(old_lines) - suffix
    if first_changed > len(old_lines) and delta == 0:
        return None  # nothing changed
    body = old_tree.body
    firsts = [first_row(s) + lag(s) for s in body]
    lasts = [last_row(s) + lag(s) for s in body]
    # The first statement to parse again: the last one starting at or before the first
    # changed row (an insertion just before a statement can join it: a decorator).
    start = 0
    while start + 1 < len(body) and firsts[start + 1] <= first_changed:
        start += 1
    if body and firsts[start] > first_changed:
        start = 0
    # The first statement kept after the edit: it starts after every changed row.
    bound = max(first_changed, last_changed)
    end = start
    while end < len(body) and firsts[end] <= bound:
        end += 1
    # Statements sharing a row (`a = 1; b = 2`) are parsed together.
    while start > 0 and lasts[start - 1] >= firsts[start]:
        start -= 1
    while 0 < end < len(body) and lasts[end - 1] >= firsts[end]:
        end += 1
    region_start = firsts[start] if body and start < len(body) else 1
    region_start = min(region_start, first_changed)
    if start == 0:
        region_start = 1  # what precedes the first statement (comments) is parsed too
    region_end_old = firsts[end] - 1 if end < len(body) else len(old_lines)
    region_end_new = region_end_old + delta
    if region_end_new < region_start - 1:
        return None
    text = "".join(new_lines[region_start - 1 : region_end_new])
    stripped = text.rstrip(" \t\r\n\f")
    if stripped.endswith("\\"):
        return None  # a continuation into the kept text
    try:
        region = ast.parse(text, filename=filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    offset = region_start - 1
    if offset:
        for stmt in region.body:
            ast.increment_lineno(stmt, offset)
    tree = ast.Module(body=[*body[:start], *region.body, *body[end:]], type_ignores=[])
    return Splice(
        tree,
        new_lines,
        (start, end),
        (start, start + len(region.body)),
        delta,
        (first_changed, last_changed),
        (first_changed, len(new_lines) - suffix),
    )
