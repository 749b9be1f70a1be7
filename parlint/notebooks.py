"""Jupyter notebooks: the code cells are checked as one module, results mapped back per cell.

The editor sends cells one by one (parlint.server); the command line reads `.ipynb` files,
and writes fixes back into the cells they belong to, keeping the notebook's JSON layout,
outputs and metadata.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any, Optional
from urllib.parse import unquote

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


class NotebookError(ValueError):
    """The file is not a notebook parlint can read."""


@dataclass(frozen=True)
class NotebookFile:
    """A `.ipynb` file: its JSON, and how it was written (to write it back the same way)."""

    data: dict[str, Any]
    indent: Optional[int]
    trailing_newline: bool

    @classmethod
    def parse(cls, text: str) -> NotebookFile:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotebookError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from exc
        cells = data.get("cells") if isinstance(data, dict) else None
        if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
            raise NotebookError("no `cells` list: not a Jupyter notebook (nbformat 4)")
        for number, cell in enumerate(cells, start=1):
            source = cell.get("source", "")
            if not (isinstance(source, str) or (
                isinstance(source, list) and all(isinstance(s, str) for s in source)
            )):  # fmt: skip
                raise NotebookError(f"cell {number}: `source` is not text")
        return cls(data, _indent_of(text), text.endswith("\n"))

    def is_python(self) -> bool:
        """Whether the notebook's language is Python (or not said)."""
        metadata = self.data.get("metadata") or {}
        language = (metadata.get("language_info") or {}).get("name") or (
            metadata.get("kernelspec") or {}
        ).get("language")
        return language is None or str(language).lower() == "python"

    def code_cells(self) -> list[tuple[str, str]]:
        """(cell number, counting every cell from 1; source) of each code cell."""
        return [
            (str(number), _source_text(cell.get("source", "")))
            for number, cell in enumerate(self.data["cells"], start=1)
            if cell.get("cell_type") == "code"
        ]

    def combined(self) -> NotebookText:
        return combine(self.code_cells())

    def with_sources(self, sources: dict[str, str]) -> str:
        """The notebook's text with the code cells numbered in `sources` replaced."""
        data = json.loads(json.dumps(self.data))  # a copy: the cells are changed
        for key, text in sources.items():
            cell = data["cells"][int(key) - 1]
            lines = text.splitlines(keepends=True)
            cell["source"] = lines if isinstance(cell.get("source"), list) else text
        text = json.dumps(data, indent=self.indent, ensure_ascii=False)
        return text + "\n" if self.trailing_newline else text


def _source_text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _indent_of(text: str) -> Optional[int]:
    """The indentation the notebook's JSON was written with (nbformat writes 1)."""
    match = re.search(r"^\{\s*?\n( +)\"", text)
    return len(match.group(1)) if match else None


def cell_location(notebook: NotebookText, location: Location) -> tuple[Optional[str], Location]:
    """The cell a location of the combined module is in, and the location within it."""
    cell = notebook.cell_at(location.row)
    if cell is None:
        return None, location
    return cell.uri, cell.local(location)


def in_cells(notebook: NotebookText, diagnostics: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
    """The diagnostics of the combined module in their cells' own rows (`Diagnostic.cell`),
    with their fixes' edits likewise (a fix whose edits leave its cell is dropped)."""
    found: list[Diagnostic] = []
    for cell in notebook.cells:
        for _, local in notebook.diagnostics_for(cell, list(diagnostics)):
            fix = local.fix
            if fix is not None:
                mapped = notebook.edits_for(fix.edits)
                if mapped is None or set(mapped) != {cell.uri}:
                    fix = None
                else:
                    fix = replace(fix, edits=tuple(mapped[cell.uri]))
            found.append(replace(local, cell=cell.uri, fix=fix))
    return tuple(found)
