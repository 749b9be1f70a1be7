"""Rows, columns and statements of a program's text, computed here rather than with parlint's
own `SourceText`: the harness must not inherit the position bugs it is looking for.

Rows end at `\\r\\n`, `\\r` or `\\n` (what CPython's tokenizer and LSP both use); `ast` columns
are UTF-8 byte offsets and are turned into indexes into the text here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Optional

LINE_END = re.compile(r"\r\n|\r|\n")
_BODY_FIELDS = ("body", "orelse", "finalbody")
_INDENT = re.compile(r"[ \t\f]*")


def split_keepends(text: str) -> list[str]:
    """The lines of `text`, each with its own line ending (the last one may have none)."""
    lines: list[str] = []
    start = 0
    for match in LINE_END.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def first_newline(text: str) -> str:
    match = LINE_END.search(text)
    return match.group(0) if match else "\n"


def ending_of(line: str) -> str:
    match = LINE_END.search(line)
    return match.group(0) if match else ""


@dataclass(frozen=True)
class Stmt:
    """One statement of a statement list, with where its text is."""

    node: ast.stmt
    body: int  # which statement list (an index into Program.bodies)
    index: int  # its place in that list
    first_row: int  # 1-based, decorators included
    last_row: int
    start: int  # index into the text where it (or its first decorator) starts
    end: int  # index just after its last character
    alone: bool  # nothing but whitespace and a comment shares its rows
    indent: str  # the leading whitespace of its first row

    @property
    def simple(self) -> bool:
        return not isinstance(self.node, _COMPOUND)


_COMPOUND = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    *((ast.Match,) if hasattr(ast, "Match") else ()),
    *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
)


class Program:
    """A text and (when it parses) its `ast`, with offsets for rows and `ast` positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in LINE_END.finditer(text))]

    @cached_property
    def tree(self) -> Optional[ast.Module]:
        try:
            return ast.parse(self.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None

    @property
    def row_count(self) -> int:
        return len(self.starts)

    def row_start(self, row: int) -> int:
        return self.starts[row - 1]

    def row_end(self, row: int) -> int:
        """The index just after `row`'s line ending."""
        return self.starts[row] if row < len(self.starts) else len(self.text)

    def row_text(self, row: int) -> str:
        """`row` without its line ending."""
        return self.text[self.row_start(row) : self.row_end(row)].rstrip("\r\n")

    def offset(self, row: int, byte_column: int) -> int:
        """The index into the text of an `ast` (row, UTF-8 byte column) position."""
        line = self.row_text(row)
        prefix = line.encode("utf-8", errors="surrogatepass")[:byte_column]
        return self.row_start(row) + len(prefix.decode("utf-8", errors="replace"))

    def node_span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_row = getattr(node, "end_lineno", None) or node.lineno  # type: ignore[attr-defined]
        end_col = getattr(node, "end_col_offset", None) or 0
        return start, self.offset(end_row, end_col)

    def row_of(self, index: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    @cached_property
    def bodies(self) -> list[list[ast.stmt]]:
        """Every statement list of the tree (module, function, loop and branch bodies)."""
        if self.tree is None:
            return []
        found: list[list[ast.stmt]] = []
        for node in ast.walk(self.tree):
            for name in _BODY_FIELDS:
                value = getattr(node, name, None)
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    found.append(value)
        return found

    @cached_property
    def statements(self) -> list[Stmt]:
        return [
            self._stmt(node, body, index)
            for body, nodes in enumerate(self.bodies)
            for index, node in enumerate(nodes)
        ]

    def siblings(self, stmt: Stmt) -> list[Stmt]:
        return [s for s in self.statements if s.body == stmt.body]

    def _stmt(self, node: ast.stmt, body: int, index: int) -> Stmt:
        decorators = getattr(node, "decorator_list", [])
        first_node: ast.AST = decorators[0] if decorators else node
        start, end = self.node_span(node)
        if decorators:
            # A decorator's position is after its `@`.
            start = self.offset(first_node.lineno, first_node.col_offset) - 1  # type: ignore[attr-defined]
        first_row = self.row_of(start)
        last_row = self.row_of(end) if end > start else first_row
        line = self.row_text(first_row)
        indent = _INDENT.match(line)
        assert indent is not None
        before = self.text[self.row_start(first_row) : start]
        after = self.text[end : self.row_start(last_row) + len(self.row_text(last_row))]
        alone = before.strip(" \t\f") == "" and (
            after.strip(" \t\f") == "" or after.lstrip(" \t\f").startswith("#")
        )
        return Stmt(node, body, index, first_row, last_row, start, end, alone, indent.group(0))

    def block(self, first: Stmt, last: Optional[Stmt] = None) -> tuple[int, int]:
        """The whole rows from `first` to `last` (inclusive), line ending included."""
        last = last or first
        return self.row_start(first.first_row), self.row_end(last.last_row)

    def block_text(self, first: Stmt, last: Optional[Stmt] = None) -> str:
        """Rows of a statement run, always ending with a line ending (added at end of file)."""
        start, end = self.block(first, last)
        chunk = self.text[start:end]
        return chunk if chunk.endswith(("\n", "\r")) else chunk + first_newline(self.text)

    def indent_unit(self, indent: str) -> str:
        """One more level of indentation, in the file's own style."""
        if "\t" in indent:
            return "\t"
        if indent:
            return "    "
        for stmt in self.statements:
            if stmt.indent.strip("\f"):
                return "\t" if stmt.indent.lstrip("\f").startswith("\t") else "    "
        return "    "


def indent_lines(chunk: str, unit: str) -> str:
    """Every non-blank line of `chunk` one level deeper (after any leading form feeds, which
    reset the tokenizer's column count)."""
    out = []
    for line in split_keepends(chunk):
        if not line.strip(" \t\f\r\n"):
            out.append(line)
            continue
        feeds = len(line) - len(line.lstrip("\f"))
        out.append(line[:feeds] + unit + line[feeds:])
    return "".join(out)
