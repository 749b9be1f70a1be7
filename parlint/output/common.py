"""Small pieces every format shares."""

from __future__ import annotations

from collections.abc import Sequence

from parlint.ftypes import Applicability, Diagnostic, FileResult

Ordered = Sequence[tuple[FileResult, Sequence[Diagnostic]]]


def applicable(diagnostic: Diagnostic, unsafe_fixes: bool) -> bool:
    """Whether `--fix` (with `--unsafe-fixes` when given) would apply this diagnostic's fix."""
    if diagnostic.fix_applicability is None:
        return False
    return diagnostic.fix_applicability is Applicability.SAFE or unsafe_fixes


def marker(diagnostic: Diagnostic, unsafe_fixes: bool) -> str:
    return "[*] " if applicable(diagnostic, unsafe_fixes) else ""
