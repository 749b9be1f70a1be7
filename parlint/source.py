"""Source text: decoding bytes as Python does, and converting positions in one place.

`ast` reports columns as UTF-8 byte offsets, parlint reports code points (1-based),
LSP wants UTF-16 code units. Every conversion between them lives here.
"""

from __future__ import annotations

import ast
import bisect
import codecs
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

from parlint.ftypes import Location

# Python's tokenizer ends lines at \r\n, \n and \r only (str.splitlines also splits on
# form feeds and Unicode separators, which would shift every row after them).
_LINE_END = re.compile(r"\r\n|\r|\n")


# Characters `str.splitlines` also ends a line at: without them it splits as the tokenizer does.
_OTHER_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The lines of `text` with their endings, split as Python's tokenizer splits them."""
    if not _OTHER_BREAKS.search(text):
        return text.splitlines(keepends=True)  # C speed: the common case
    lines: list[str] = []
    start = 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def python_tokens(text: str) -> Iterator[tokenize.TokenInfo]:
    """The tokens of `text`, its rows counted as Python counts them: CR LF, CR and LF each
    end a line (`io.StringIO(text)` alone splits at LF only)."""
    return tokenize.generate_tokens(io.StringIO(text, newline=None).readline)


class SourceDecodeError(Exception):
    """The bytes cannot be decoded as Python source; `line` is 1-based when known."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Encoding:
    name: str
    bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.name)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode_source(data: bytes) -> tuple[str, Encoding]:
    """Decode like the interpreter: a UTF-8 BOM or a PEP 263 cookie, else UTF-8."""
    try:
        name, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise SourceDecodeError(str(exc), getattr(exc, "lineno", None) or 1) from exc
    bom = name == "utf-8-sig"
    if bom:
        name = "utf-8"
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(name)
    except (UnicodeDecodeError, LookupError) as exc:
        line = 1
        if isinstance(exc, UnicodeDecodeError):
            line = data.count(b"\n", 0, exc.start) + 1
        raise SourceDecodeError(f"cannot decode as {name}: {exc}", line) from exc
    return text, Encoding(name, bom)


@dataclass
class SourceText:
    """A file's text with row/column arithmetic; the text is kept exactly (CRLF too)."""

    text: str
    _starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in _LINE_END.finditer(self.text))
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line(self, row: int) -> str:
        """The text of 1-based `row` without its line ending."""
        if row < 1 or row > len(self._starts):
            return ""
        start = self._starts[row - 1]
        end = self._starts[row] if row < len(self._starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_with_ending(self, row: int) -> str:
        start = self._starts[row - 1]
        end = self._starts[row] if row < len(self._starts) else len(self.text)
        return self.text[start:end]

    def line_start(self, row: int) -> int:
        return self._starts[row - 1]

    def rows_span(self, first: int, last: int) -> tuple[int, int]:
        """The offsets of the text from the start of row `first` to the end of row `last`."""
        end = self._starts[last] if last < len(self._starts) else len(self.text)
        return self._starts[first - 1], end

    def row_at(self, offset: int) -> int:
        """The 1-based row of the character at `offset`."""
        return bisect.bisect_right(self._starts, offset)

    @cached_property
    def newline(self) -> str:
        match = _LINE_END.search(self.text)
        return match.group(0) if match else "\n"

    def location_from_ast(self, lineno: int, col_offset: int) -> Location:
        """`ast` gives a UTF-8 byte column; parlint counts code points from 1."""
        line = self.line(lineno)
        if line.isascii():
            return Location(lineno, col_offset + 1)
        prefix = line.encode("utf-8")[:col_offset].decode("utf-8", errors="replace")
        return Location(lineno, len(prefix) + 1)

    def start_of(self, node: ast.AST) -> Location:
        """Where an `ast` node starts."""
        return self.location_from_ast(getattr(node, "lineno", 1), getattr(node, "col_offset", 0))

    def span(self, node: ast.AST, end_node: Optional[ast.AST] = None) -> tuple[Location, Location]:
        """Where an `ast` node (or the run from `node` to `end_node`) starts and ends."""
        last = end_node or node
        end = self.location_from_ast(
            getattr(last, "end_lineno", None) or 1, getattr(last, "end_col_offset", None) or 0
        )
        return self.start_of(node), end

    def text_before(self, node: ast.AST) -> str:
        """What precedes `node` on its first line (only indentation when it opens the line)."""
        start = self.start_of(node)
        return self.line(start.row)[: start.column - 1]

    def text_after(self, node: ast.AST) -> str:
        """What follows `node` on its last line."""
        _, end = self.span(node)
        return self.line(end.row)[end.column - 1 :]

    def ends_line(self, node: ast.AST, comment_ok: bool = True) -> bool:
        """Nothing follows `node` on its last line (but a comment, when `comment_ok`)."""
        tail = self.text_after(node).strip()
        return not tail or (comment_ok and tail.startswith("#"))

    def segment(self, node: ast.AST) -> str:
        """The source text of an `ast` node (`ast.get_source_segment` splits the whole file
        on every call: too slow to call per finding)."""
        start, end = self.span(node)
        return self.text[self.offset(start) : self.offset(end)]

    def offset(self, location: Location) -> int:
        """The index into `text` of a location."""
        row = min(max(location.row, 1), len(self._starts))
        return self._starts[row - 1] + location.column - 1

    def location(self, offset: int) -> Location:
        """The location of an index into `text`."""
        lo, hi = 0, len(self._starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return Location(lo + 1, offset - self._starts[lo] + 1)

    def utf16_column(self, location: Location) -> int:
        """0-based UTF-16 column, as LSP counts by default."""
        prefix = self.line(location.row)[: location.column - 1]
        return len(prefix.encode("utf-16-le")) // 2

    def from_utf16(self, row0: int, col16: int) -> Location:
        """A location from LSP's 0-based row and UTF-16 column."""
        line = self.line(row0 + 1)
        units = 0
        for index, char in enumerate(line):
            if units >= col16:
                return Location(row0 + 1, index + 1)
            units += 2 if ord(char) > 0xFFFF else 1
        return Location(row0 + 1, len(line) + 1)
