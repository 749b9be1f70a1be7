"""Small pieces several formats share."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from typing import Optional

from parlint.ftypes import Applicability, Diagnostic, FileResult

# Each file with its diagnostics already in display order, so no format sorts on its own.
Ordered = Sequence[tuple[FileResult, Sequence[Diagnostic]]]

# ruff's default indent width: where tab stops fall when a tab is shown as spaces.
TAB_WIDTH = 4


def applicable(diagnostic: Diagnostic, unsafe_fixes: bool) -> bool:
    """Whether `--fix` (with `--unsafe-fixes` when given) would apply this diagnostic's fix."""
    if diagnostic.fix_applicability is Applicability.SAFE:
        return True
    return diagnostic.fix_applicability is Applicability.UNSAFE and unsafe_fixes


def marker(diagnostic: Diagnostic, unsafe_fixes: bool) -> str:
    return "[*] " if applicable(diagnostic, unsafe_fixes) else ""


def header(filename: str, diagnostic: Diagnostic, unsafe_fixes: bool) -> str:
    """`path:row:col: CODE [*] message`, the line concise and full output start with
    (`path:cell N:row:col` in a notebook, as ruff writes it)."""
    location = diagnostic.location
    cell = f"cell {diagnostic.cell}:" if diagnostic.cell is not None else ""
    return (
        f"{filename}:{cell}{location.row}:{location.column}: {diagnostic.code} "
        f"{marker(diagnostic, unsafe_fixes)}{diagnostic.message}"
    )


def plural(count: int, singular: str, plural_form: str) -> str:
    return f"{count} {singular if count == 1 else plural_form}"


def _char_width(char: str) -> int:
    # Combining marks and format characters take no cell; wide East Asian ones take two. A
    # caret line counted in code points would drift under either.
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _visible(char: str) -> str:
    # A raw control character would move the cursor or drive the terminal (ESC), putting the
    # carets under the wrong text: show it as its Unicode control picture instead, as ruff does.
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if 0x80 <= code < 0xA0:
        return "\ufffd"
    return char


def display_line(line: str) -> tuple[str, list[int]]:
    """`line` as it is shown, and the screen column each character starts at.

    Tabs become spaces up to the next tab stop. The column list has one entry per character of
    `line` plus one for its end, so a 1-based column `c` starts at `columns[c - 1]`.
    """
    shown: list[str] = []
    columns: list[int] = []
    column = 0
    for char in line:
        columns.append(column)
        if char == "\t":
            spaces = TAB_WIDTH - column % TAB_WIDTH
            shown.append(" " * spaces)
            column += spaces
            continue
        char = _visible(char)
        shown.append(char)
        column += _char_width(char)
    columns.append(column)
    return "".join(shown), columns


def display_path(path: str, cwd: Optional[str] = None) -> str:
    """A path as users want to read it: relative to the working directory when inside it."""
    if not os.path.isabs(path):
        return os.path.normpath(path)
    relative = os.path.relpath(path, cwd or os.getcwd())
    return path if relative.startswith("..") else relative
