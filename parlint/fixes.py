"""Fixes: libcst trees in, minimal text edits out.

Rules describe a fix as a transformed libcst module. This module parses with libcst only when a
fix is asked for, finds the libcst nodes that match `ast` positions, turns the rewritten module
into the smallest text edits (what `--diff` and the editor need), and applies edits.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Optional, TypeVar

from parlint.ftypes import Edit, Location
from parlint.source import SourceText, split_lines

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import CodeRange

# libcst takes a third of a second to import: only fixes pay for it.
N = TypeVar("N", bound="cst.CSTNode")


class FixContext:
    """A region of one file seen through libcst, built lazily and shared by the fixes in it.

    libcst with positions reads about 0.1 MB/s, so a fix parses only the top-level statement
    that holds it (a function, a class, an `if __name__ == "__main__":` block) when it can:
    such a statement starts at column 0 and parses on its own, and every position inside it
    maps back by a row offset. Fixes of module-level statements parse the whole module.
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

    @cached_property
    def module(self) -> cst.Module:
        import libcst as cst

        return cst.parse_module(self.source.text)

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

    def _local_row(self, row: int) -> int:
        return row - self.first_row + 1

    def find(self, kind: type[N], start: Location, end: Optional[Location] = None) -> Optional[N]:
        """The libcst node of type `kind` at `start` (and ending at `end`, when given)."""
        key = (self._local_row(start.row), start.column - 1)
        for node in self._by_start.get(key, ()):
            if not isinstance(node, kind):
                continue
            if end is not None:
                code_range = self.positions[node]
                wanted = (self._local_row(end.row), end.column - 1)
                if (code_range.end.line, code_range.end.column) != wanted:
                    continue
            return node
        return None

    def edits(self, new_module: cst.Module) -> tuple[Edit, ...]:
        shift = self.first_row - 1
        return tuple(
            Edit(
                e.content,
                Location(e.location.row + shift, e.location.column),
                Location(e.end_location.row + shift, e.end_location.column),
            )
            for e in diff_edits(self.source, new_module.code)
        )


def diff_edits(source: SourceText, new_text: str) -> tuple[Edit, ...]:
    """The smallest edits (per changed hunk, trimmed to changed characters) from old to new."""
    old_text = source.text
    if old_text == new_text:
        return ()
    old_lines = split_lines(old_text)
    new_lines = split_lines(new_text)
    # Most of a file is unchanged: match the common head and tail before diffing the middle.
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_lines), len(new_lines)) - head
        and old_lines[-1 - tail] == new_lines[-1 - tail]
    ):
        tail += 1
    old_mid = old_lines[head : len(old_lines) - tail]
    new_mid = new_lines[head : len(new_lines) - tail]
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    edits: list[Edit] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = offsets[head + i1]
        end = offsets[head + i2]
        old_chunk = old_text[start:end]
        new_chunk = "".join(new_mid[j1:j2])
        prefix = _common_prefix(old_chunk, new_chunk)
        suffix = _common_suffix(old_chunk[prefix:], new_chunk[prefix:])
        start += prefix
        end -= suffix
        content = new_chunk[prefix : len(new_chunk) - suffix]
        edits.append(Edit(content, source.location(start), source.location(end)))
    return tuple(edits)


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


def overlaps(taken: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether any span touches a taken one (touching counts: order would be ambiguous)."""
    return any(s <= te and ts <= e for s, e in spans for ts, te in taken)
