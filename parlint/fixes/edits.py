"""Fixes: libcst trees in, minimal text edits out.

Rules describe a fix as a transformed libcst module. This module parses with libcst only when a
fix is asked for, finds the libcst nodes that match `ast` positions, turns the rewritten module
into the smallest text edits (what `--diff` and the editor need), and applies edits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Optional, TypeVar

from parlint.fixes.imports import ImportChanges, ImportSpec, Reads, RemovalSpec, local_name
from parlint.fixes.plain_text import PlainText, line_opcodes
from parlint.ftypes import Edit, Location
from parlint.source import SourceText, split_lines

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import CodeRange

# libcst takes a third of a second to import: only fixes pay for it.
N = TypeVar("N", bound="cst.CSTNode")


class UnparsableForFixes(Exception):
    """Code Python parses and libcst does not (a file ending in a backslash continuation, say):
    the fixes of that region cannot be built, and the findings are shown without them."""


class FixContext:
    """A region of one file seen through libcst, built lazily and shared by the fixes in it.

    libcst with positions reads about 0.1 MB/s, so a fix parses only the top-level statement
    that holds it (a function, a class, an `if __name__ == "__main__":` block) when it can:
    such a statement starts at column 0 and parses on its own, and every position inside it
    maps back by a row offset. Fixes of module-level statements parse the whole module.
    libcst parses the region's plain text (see `PlainText`): `\n` line ends, no form feeds
    before a statement; `edits` maps the rewrite back to the file's own bytes.
    """

    def __init__(self, source: SourceText, first_row: int = 1, last_row: Optional[int] = None):
        self.file = source
        self.first_row = first_row
        last = source.line_count if last_row is None else last_row
        if first_row == 1 and last == source.line_count:
            self.source = source
        else:
            start = source.line_start(first_row)
            end = source.line_start(last + 1) if last < source.line_count else len(source.text)
            self.source = SourceText(source.text[start:end])
        self.plain = PlainText(self.source.text)
        # What the fix being built adds and leaves unused (reset for each fix).
        self.imports = ImportChanges()

    def change_imports(
        self,
        module: cst.Module,
        add: Sequence[ImportSpec] = (),
        remove: Sequence[tuple[RemovalSpec, Reads]] = (),
    ) -> cst.Module:
        """Ask for imports the fix needs, and name the imports whose uses it rewrote (with
        where the checked text read each: see `reads_of`); the engine writes the import lines
        as text edits (parlint/fixes/imports.py), not through this region's tree."""
        self.imports.add.extend(add)
        for spec, reads in remove:
            self.imports.remove.append(spec)
            self.imports.reads[local_name(spec)] = reads
        return module

    @cached_property
    def module(self) -> cst.Module:
        import libcst as cst

        try:
            return cst.parse_module(self.plain.plain)
        except cst.ParserSyntaxError as exc:
            raise UnparsableForFixes(str(exc).splitlines()[0]) from exc

    @cached_property
    def positions(self) -> dict[cst.CSTNode, CodeRange]:
        from libcst.metadata import MetadataWrapper, PositionProvider

        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return dict(wrapper.resolve(PositionProvider))

    @cached_property
    def _by_start(self) -> dict[tuple[int, int], list[cst.CSTNode]]:
        index: dict[tuple[int, int], list[cst.CSTNode]] = {}
        for node, code_range in self.positions.items():
            key = (code_range.start.line, code_range.start.column)
            index.setdefault(key, []).append(node)
        return index

    def _local(self, location: Location) -> tuple[int, int]:
        """A file location as libcst's (row, 0-based column) in the plain region."""
        row = location.row - self.first_row + 1
        return row, location.column - 1 - self.plain.feed_width(row)

    def find(self, kind: type[N], start: Location, end: Optional[Location] = None) -> Optional[N]:
        """The libcst node of type `kind` at `start` (and ending at `end`, when given)."""
        for node in self._by_start.get(self._local(start), ()):
            if not isinstance(node, kind):
                continue
            if end is not None:
                code_range = self.positions[node]
                if (code_range.end.line, code_range.end.column) != self._local(end):
                    continue
            return node
        return None

    def find_statement(self, start: Location) -> Optional[tuple[cst.BaseStatement, int]]:
        """The libcst statement line that holds the `ast` statement at `start`, and the index of
        that statement among the line's simple statements (`x = 1; return x`); 0 for a
        compound statement."""
        import libcst as cst

        compound = self.find(cst.BaseCompoundStatement, start)  # type: ignore[type-abstract]
        if compound is not None:
            return compound, 0
        small = self.find(cst.BaseSmallStatement, start)  # type: ignore[type-abstract]
        line = self._lines_by_statement.get(id(small))
        if small is None or line is None:
            return None
        return line, next(i for i, s in enumerate(line.body) if s is small)

    @cached_property
    def _lines_by_statement(self) -> dict[int, cst.SimpleStatementLine]:
        import libcst as cst

        return {
            id(small): node
            for node in self.positions
            if isinstance(node, cst.SimpleStatementLine)
            for small in node.body
        }

    def edits(self, new_module: cst.Module) -> tuple[Edit, ...]:
        shift = self.first_row - 1
        return tuple(
            Edit(
                e.content,
                Location(e.location.row + shift, e.location.column),
                Location(e.end_location.row + shift, e.end_location.column),
            )
            for e in diff_edits(self.source, self.plain.restore(new_module.code))
        )


def diff_edits(source: SourceText, new_text: str) -> tuple[Edit, ...]:
    """The smallest edits (per changed hunk, trimmed to changed characters) from old to new.

    An edit never starts or ends between the CR and the LF of a line ending: an editor
    cannot address that position (LSP), and the line would read as two."""
    old_text = source.text
    if old_text == new_text:
        return ()
    old_lines = split_lines(old_text)
    new_lines = split_lines(new_text)
    old_offsets = _line_offsets(old_lines)
    new_offsets = _line_offsets(new_lines)
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in line_opcodes(old_lines, new_lines):
        if tag == "equal":
            continue
        start, end = old_offsets[i1], old_offsets[i2]
        old_chunk = old_text[start:end]
        new_chunk = new_text[new_offsets[j1] : new_offsets[j2]]
        prefix = _common_prefix(old_chunk, new_chunk)
        while prefix and _splits_crlf(old_chunk, new_chunk, prefix, prefix):
            prefix -= 1
        suffix = _common_suffix(old_chunk[prefix:], new_chunk[prefix:])
        while suffix and _splits_crlf(
            old_chunk, new_chunk, len(old_chunk) - suffix, len(new_chunk) - suffix
        ):
            suffix -= 1
        content = new_chunk[prefix : len(new_chunk) - suffix]
        edits.append(Edit(content, source.location(start + prefix), source.location(end - suffix)))
    return tuple(edits)


def _line_offsets(lines: Sequence[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _splits_crlf(old: str, new: str, old_index: int, new_index: int) -> bool:
    """Whether a cut at these indexes falls between a CR and its LF in either text."""
    return any(
        0 < index < len(text) and text[index - 1] == "\r" and text[index] == "\n"
        for text, index in ((old, old_index), (new, new_index))
    )


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def edit_offsets(source: SourceText, edit: Edit) -> tuple[int, int]:
    return source.offset(edit.location), source.offset(edit.end_location)


def apply_edits(source: SourceText, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to the text."""
    spans = sorted(
        ((*edit_offsets(source, e), e.content) for e in edits), key=lambda s: (s[0], s[1])
    )
    out: list[str] = []
    cursor = 0
    text = source.text
    for start, end, content in spans:
        if start < cursor:
            raise ValueError("overlapping edits")
        out.append(text[cursor:start])
        out.append(content)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def merge_edits(source: SourceText, edits: Sequence[Edit]) -> Optional[tuple[Edit, ...]]:
    """Edits from separate builders (a rewritten statement, the import lines) as one sorted
    set, with touching edits joined; None when two overlap."""
    spans = sorted(
        ((*edit_offsets(source, e), e.content) for e in edits), key=lambda s: (s[0], s[1])
    )
    merged: list[tuple[int, int, str]] = []
    for start, end, content in spans:
        if merged and start < merged[-1][1]:
            return None
        if merged and start == merged[-1][1]:
            last_start, _, last_content = merged[-1]
            merged[-1] = (last_start, end, last_content + content)
        else:
            merged.append((start, end, content))
    return tuple(
        Edit(content, source.location(start), source.location(end))
        for start, end, content in merged
    )


def overlaps(taken: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether any span touches a taken one (touching counts: order would be ambiguous)."""
    return any(s <= te and ts <= e for s, e in spans for ts, te in taken)
