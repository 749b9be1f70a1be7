"""Jupyter notebooks: the code cells are linted as one module, results mapped back per cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional
from urllib.parse import unquote

from lsprotocol import types

from parlint.ftypes import Diagnostic, Edit, Location
from parlint.source import SourceText

# IPython magics and shell escapes are not Python: commented out, rows and cells unchanged.
_MAGIC = re.compile(r"^(\s*)([%!])", re.MULTILINE)


@dataclass(frozen=True)
class Cell:
    uri: str
    text: str
    first_row: int  # 1-based row of the cell's first line in the combined module
    rows: int

    def holds(self, row: int) -> bool:
        return self.first_row <= row < self.first_row + self.rows

    def local(self, location: Location) -> Location:
        return Location(location.row - self.first_row + 1, location.column)


@dataclass(frozen=True)
class NotebookText:
    text: str
    cells: tuple[Cell, ...]

    def cell(self, uri: str) -> Optional[Cell]:
        """The cell at `uri`, in either encoding a client may send (see ParlintServer.is_open)."""
        wanted = unquote(uri)
        return next((c for c in self.cells if unquote(c.uri) == wanted), None)

    def cell_at(self, row: int) -> Optional[Cell]:
        return next((c for c in self.cells if c.holds(row)), None)

    def diagnostics_for(
        self, cell: Cell, diagnostics: list[Diagnostic]
    ) -> list[tuple[int, Diagnostic]]:
        """The diagnostics inside `cell` (with their index), in the cell's own rows."""
        found = []
        for index, d in enumerate(diagnostics):
            if cell.holds(d.location.row):
                related = tuple(
                    replace(
                        r, location=cell.local(r.location), end_location=cell.local(r.end_location)
                    )
                    for r in d.related
                    if r.filename is None and cell.holds(r.location.row)
                )
                found.append(
                    (
                        index,
                        replace(
                            d,
                            location=cell.local(d.location),
                            end_location=cell.local(d.end_location),
                            related=related,
                            noqa_row=d.noqa_row - cell.first_row + 1 if d.noqa_row else None,
                        ),
                    )
                )
        return found

    def edits_for(self, edits: tuple[Edit, ...] | list[Edit]) -> Optional[dict[str, list[Edit]]]:
        """Edits of the combined module, per cell; None when one does not fit in a cell.

        Cells are separated by one blank row that belongs to no cell, so an insertion after a
        cell's last line (a join at the end of a function) lands on that row, unambiguously.
        """
        per_cell: dict[str, list[Edit]] = {}
        for edit in edits:
            mapped = self._map(edit)
            if mapped is None:
                return None
            uri, local = mapped
            per_cell.setdefault(uri, []).append(local)
        return per_cell

    def _map(self, edit: Edit) -> Optional[tuple[str, Edit]]:
        cell = self.cell_at(edit.location.row)
        if cell is not None and cell.holds(edit.end_location.row):
            return cell.uri, Edit(
                edit.content, cell.local(edit.location), cell.local(edit.end_location)
            )
        after = self.cell_at(edit.location.row - 1)
        is_append = (
            edit.location == edit.end_location
            and edit.location.column == 1
            and after is not None
            and edit.location.row == after.first_row + after.rows
        )
        if not is_append or after is None:
            return None
        lines = SourceText(after.text)
        if after.text.endswith(("\n", "\r")):
            end = Location(after.rows + 1, 1)
            return after.uri, Edit(edit.content, end, end)
        # The cell's last line has no line ending: put one before the appended text.
        end = Location(after.rows, len(lines.line(after.rows)) + 1)
        content = lines.newline + edit.content.rstrip("\r\n")
        return after.uri, Edit(content, end, end)


def combine(cells: list[tuple[str, str]]) -> NotebookText:
    """(uri, source) of each code cell, in order, as one module."""
    parts: list[str] = []
    spans: list[Cell] = []
    row = 1
    for uri, source in cells:
        text = _MAGIC.sub(r"\1#\2", source)
        if not text.endswith(("\n", "\r")):
            text += "\n"
        rows = SourceText(text).line_count - 1
        spans.append(Cell(uri, source, row, rows))
        parts.append(text + "\n")  # the separator row
        row += rows + 1
    return NotebookText("".join(parts), tuple(spans))


def code_cells(notebook: types.NotebookDocument) -> list[str]:
    return [c.document for c in notebook.cells if c.kind == types.NotebookCellKind.Code]
