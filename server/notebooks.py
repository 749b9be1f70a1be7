"""Jupyter notebooks in the editor: the cells of a notebook document, one module."""

from __future__ import annotations

from lsprotocol import types

from parlint.notebooks import Cell, NotebookText, combine

__all__ = ["Cell", "NotebookText", "code_cells", "combine"]


def code_cells(notebook: types.NotebookDocument) -> list[str]:
    return [c.document for c in notebook.cells if c.kind == types.NotebookCellKind.Code]
