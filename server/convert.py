"""parlint's positions, diagnostics and edits as LSP types.

parlint counts code points; LSP counts UTF-16 code units unless the client negotiated
UTF-8 or UTF-32. Rows are split the way LSP splits them (\\n, \\r\\n, \\r): the conversion is
done here and in `parlint.source`, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

from lsprotocol import types

from parlint.ftypes import Diagnostic, Edit, Location, Severity
from parlint.source import SourceText

SOURCE = "parlint"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


class Positions:
    """Converts between parlint locations and LSP positions for one text."""

    def __init__(self, text: SourceText, encoding: str = types.PositionEncodingKind.Utf16):
        self.text = text
        self.encoding = encoding

    def _units(self, chars: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(chars)
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(chars.encode("utf-8"))
        return len(chars.encode("utf-16-le")) // 2

    def position(self, location: Location) -> types.Position:
        row = min(max(location.row, 1), self.text.line_count)
        line = self.text.line(row)
        return types.Position(row - 1, self._units(line[: location.column - 1]))

    def range(self, start: Location, end: Location) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def location(self, position: types.Position) -> Location:
        """The code-point location of an LSP position (clamped to the text)."""
        row = min(position.line + 1, self.text.line_count)
        line = self.text.line(row)
        if self.encoding == types.PositionEncodingKind.Utf32:
            return Location(row, min(position.character, len(line)) + 1)
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return Location(row, index + 1)
            units += self._units(char)
        return Location(row, len(line) + 1)

    def text_edit(self, edit: Edit) -> types.TextEdit:
        return types.TextEdit(self.range(edit.location, edit.end_location), edit.content)


def to_lsp(
    diagnostic: Diagnostic,
    positions: Positions,
    uri: str,
    data: Optional[dict[str, Any]] = None,
    severity: Optional[types.DiagnosticSeverity] = None,
    other_file: Optional[Callable[[str], Optional[Positions]]] = None,
) -> types.Diagnostic:
    """The LSP diagnostic; `other_file` gives the positions of a file that evidence in
    another file of the project points into (None: that evidence is left out)."""
    related = []
    for r in diagnostic.related:
        where, where_uri = positions, uri
        if r.filename is not None:
            found = other_file(r.filename) if other_file is not None else None
            if found is None:
                continue
            where, where_uri = found, Path(r.filename).as_uri()
        related.append(
            types.DiagnosticRelatedInformation(
                location=types.Location(where_uri, where.range(r.location, r.end_location)),
                message=r.message,
            )
        )
    return types.Diagnostic(
        range=positions.range(diagnostic.location, diagnostic.end_location),
        message=diagnostic.message,
        severity=severity or _SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=diagnostic.url) if diagnostic.url else None,
        source=SOURCE,
        related_information=related or None,
        data=data,
    )
