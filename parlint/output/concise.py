"""`path:row:col: CODE [*] message`, one line per diagnostic, as ruff's concise output."""

from __future__ import annotations

from parlint.output.common import Ordered, header


def render(ordered: Ordered, *, unsafe_fixes: bool) -> str:
    return "".join(
        header(result.filename, d, unsafe_fixes) + "\n"
        for result, diagnostics in ordered
        for d in diagnostics
    )
