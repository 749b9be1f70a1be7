"""The library API: `check_source` and `fix_source`, for other tools."""

from __future__ import annotations

from typing import Optional, Union

from parlint.config import Settings
from parlint.engine import Linter, decode
from parlint.ftypes import Diagnostic


def _text(source: Union[str, bytes]) -> tuple[Optional[str], list[Diagnostic]]:
    if isinstance(source, bytes):
        text, _, problem = decode(source)
        return text, [problem] if problem else []
    return source, []


def check_source(
    source: Union[str, bytes],
    *,
    filename: Optional[str] = None,
    config: Optional[Settings] = None,
    fixes: bool = True,
) -> list[Diagnostic]:
    """The diagnostics for `source`, each fixable one with its fix built (`fixes=True`)."""
    text, problems = _text(source)
    if text is None:
        return problems
    result = Linter(config, filename).check(text, with_fixes=fixes)
    return result.diagnostics


def fix_source(
    source: Union[str, bytes],
    *,
    filename: Optional[str] = None,
    config: Optional[Settings] = None,
    unsafe: bool = False,
) -> str:
    """`source` with every applicable fix applied (safe ones; unsafe ones too with `unsafe`)."""
    text, problems = _text(source)
    if text is None:
        raise ValueError(problems[0].message)
    return Linter(config, filename).fix(text, unsafe=unsafe).text
