"""GitHub Actions workflow commands: one annotation per diagnostic."""

from __future__ import annotations

from parlint.ftypes import Severity
from parlint.output.common import Ordered

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(ordered: Ordered) -> str:
    lines = []
    for result, diagnostics in ordered:
        for d in diagnostics:
            props = ",".join(
                [
                    f"title={_property(f'parlint ({d.code})')}",
                    f"file={_property(result.filename)}",
                    f"line={d.location.row}",
                    f"col={d.location.column}",
                    f"endLine={d.end_location.row}",
                    f"endColumn={d.end_location.column}",
                ]
            )
            message = (
                f"{result.filename}:{d.location.row}:{d.location.column}: {d.code} {d.message}"
            )
            lines.append(f"::{_LEVEL[d.severity]} {props}::{_data(message)}\n")
    return "".join(lines)
