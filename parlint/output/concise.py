"""`path:row:col: CODE [*] message`, one line per diagnostic."""

from __future__ import annotations

from parlint.output.common import Ordered, marker


def render(ordered: Ordered, *, unsafe_fixes: bool) -> str:
    lines = [
        f"{result.filename}:{d.location.row}:{d.location.column}: {d.code} "
        f"{marker(d, unsafe_fixes)}{d.message}"
        for result, diagnostics in ordered
        for d in diagnostics
    ]
    return "".join(line + "\n" for line in lines)
