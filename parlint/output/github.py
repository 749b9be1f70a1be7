"""GitHub Actions workflow commands: one annotation per diagnostic on the pull request's diff."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from parlint.ftypes import Severity
from parlint.output.common import Ordered

_COMMAND: Mapping[Severity, str] = MappingProxyType(
    {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
)


def _data(text: str) -> str:
    # The runner ends a command at a line break and decodes `%XX`: the same escaping as
    # @actions/core's `escapeData`.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    # In properties `:` ends the list and `,` separates entries (@actions/core's `escapeProperty`).
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(ordered: Ordered) -> str:
    lines: list[str] = []
    for result, diagnostics in ordered:
        for d in diagnostics:
            start, end = d.location, d.end_location
            properties = ",".join(
                [
                    f"title={_property(f'parlint ({d.code})')}",
                    f"file={_property(result.filename)}",
                    f"line={start.row}",
                    f"col={start.column}",
                    f"endLine={end.row}",
                    f"endColumn={end.column}",
                ]
            )
            message = f"{result.filename}:{start.row}:{start.column}: {d.code} {d.message}"
            lines.append(f"::{_COMMAND[d.severity]} {properties}::{_data(message)}\n")
    return "".join(lines)
