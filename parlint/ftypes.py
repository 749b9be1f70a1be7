"""Data types shared by the core, the rules and every surface (CLI, server, API).

Positions are 1-based rows and 1-based columns counted in Unicode code points, as ruff's JSON
output has them. `parlint.source` converts from `ast` (UTF-8 byte columns) and to LSP (UTF-16).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Optional


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, enum.Enum):
    """How much a fix can be trusted (ruff's `Safe` > `Unsafe` > `DisplayOnly`).

    A display-only fix is a suggestion a person must review (it could make a working program
    wait forever): shown in the editor, `--diff` and JSON, never applied by `--fix`,
    `--unsafe-fixes` or fix-all."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, order=True)
class Location:
    row: int
    column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text between `location` and `end_location` with `content`."""

    content: str
    location: Location
    end_location: Location


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Related:
    """A piece of evidence: the loop that does the work, the start call, ...

    `filename` is set when the evidence is in another file of the project (a task imported
    from another module): the path of that file, as parlint read it."""

    message: str
    location: Location
    end_location: Location
    filename: Optional[str] = None


@dataclass(frozen=True)
class FixScope:
    """Where in the checked text a finding's fix works, noted at check time so that a fix
    built later (in the editor's fix worker) need not parse the file again: the rows of the
    top-level statement that holds the finding (None: the module), the last row of the
    module's opening docstring and imports (0: none), and the first row after them (None:
    nothing follows)."""

    region: Optional[tuple[int, int]]
    prelude_end: int
    code_row: Optional[int]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    message: str
    severity: Severity
    location: Location
    end_location: Location
    related: tuple[Related, ...] = ()
    # Known at detection time: the applicability of the fix the rule can build, or None.
    fix_applicability: Optional[Applicability] = None
    fix_title: Optional[str] = None
    # Built on demand with libcst (see parlint.fixes.edits); None until asked for.
    fix: Optional[Fix] = None
    # Opaque, picklable data the rule needs to build its fix later.
    fix_data: Any = field(default=None, compare=False, repr=False)
    noqa_row: Optional[int] = None
    url: Optional[str] = None
    # Other fixes offered in the editor (never applied by --fix): (title, fix data).
    alternatives: tuple[tuple[str, Any], ...] = field(default=(), compare=False, repr=False)
    fix_scope: Optional[FixScope] = field(default=None, compare=False, repr=False)
    # In a notebook: the cell (numbered from 1, every cell counted) the rows are in.
    cell: Optional[str] = None

    @property
    def fixable(self) -> bool:
        return self.fix_applicability is not None


@dataclass(frozen=True)
class FileResult:
    """Everything the core found in one file."""

    filename: str
    diagnostics: tuple[Diagnostic, ...]
    # The fixed text when fixes were applied (None: unchanged or not asked for).
    fixed_source: Optional[str] = None
    # Diagnostics that --fix applied, for --show-fixes and statistics.
    fixed: tuple[Diagnostic, ...] = ()
    # An internal problem (never a user's code problem): reported, exit status 2.
    error: Optional[str] = None
    # The text the diagnostics point into (kept only when there are diagnostics), for display.
    source: Optional[str] = None
    # A notebook's code cells, (number, source), which its diagnostics' rows point into.
    cells: tuple[tuple[str, str], ...] = ()
