"""What the server knows about each open document: its text, settings and last analysis."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse

from parlint.analysis.project import Projects
from parlint.config import Settings
from parlint.engine import Linter
from parlint.ftypes import Diagnostic, Edit, Location
from parlint.incremental import FileState
from parlint.server.notebooks import NotebookText
from parlint.source import SourceText


def uri_to_path(uri: str) -> Optional[Path]:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if re.match(r"^/[A-Za-z]:", path):  # file:///C:/... on Windows
        path = path[1:]
    return Path(path)


@dataclass(frozen=True)
class DocumentText:
    """One document (a file or a notebook cell) as the client last sent it."""

    version: Optional[int]
    text: str


@dataclass(frozen=True)
class Snapshot:
    """What a URI belongs to as it is now: the document, or all the cells of its notebook."""

    key: str  # the document's URI, or the notebook's
    version: Optional[int]
    text: str  # what is analysed: the document, or the notebook's code cells as one module
    notebook: Optional[NotebookText]
    documents: dict[str, DocumentText]


@dataclass
class Analysis:
    """The diagnostics of one version of one text, with the settings they were found with.

    For a notebook the text is its code cells as one module (`notebook` maps rows back).
    """

    key: str  # the document's URI, or the notebook's
    version: Optional[int]
    text: str
    path: Optional[Path]
    settings: Settings
    diagnostics: list[Diagnostic]
    notebook: Optional[NotebookText] = None
    # Each document the text was made of, at the version read: edits are converted with
    # these texts and labelled with these versions, never with what the editor has now.
    documents: dict[str, DocumentText] = field(default_factory=dict)
    # The other files of the project the diagnostics depend on (a task imported from them).
    dependencies: frozenset[str] = frozenset()
    # (index of a diagnostic, alternative or None) -> the diagnostic with that fix built
    fixes: dict[tuple[int, Optional[int]], Diagnostic] = field(default_factory=dict)
    # When the text does not parse: the findings of the last version that did, still shown.
    carried: list[Diagnostic] = field(default_factory=list)

    @property
    def source(self) -> SourceText:
        return SourceText(self.text)


@dataclass(frozen=True)
class View:
    """One document as the client sees it (a file, or a notebook cell) within an analysis."""

    uri: str
    text: SourceText
    # (index in the analysis, the diagnostic in this document's rows)
    items: list[tuple[int, Diagnostic]]


def view_of(uri: str, analysis: Analysis) -> Optional[View]:
    if analysis.notebook is None:
        return View(uri, analysis.source, list(enumerate(analysis.diagnostics)))
    cell = analysis.notebook.cell(uri)
    if cell is None:
        return None
    return View(
        uri, SourceText(cell.text), analysis.notebook.diagnostics_for(cell, analysis.diagnostics)
    )


@dataclass(frozen=True)
class Analysed:
    """What the lint thread hands back for one text."""

    diagnostics: list[Diagnostic]
    errors: list[str]
    # The other project files the diagnostics depend on.
    dependencies: frozenset[str]
    # What the next edit of the text can start from (see parlint.incremental).
    state: Optional[FileState]


def analyse(
    text: str,
    path: Optional[Path],
    settings: Settings,
    projects: Projects,
    previous: Optional[FileState] = None,
    depended: frozenset[str] = frozenset(),
) -> Analysed:
    """Runs in the lint thread: the core's check, nothing else. `previous` is what the check
    of an earlier version of the text left (only the statements an edit touched are then
    analysed again), `depended` the files that earlier check depended on."""
    project = projects.of(path) if path is not None and path.is_file() else None
    if project is not None:
        project.start_file()
    linter = Linter(settings, str(path) if path else None, project)
    result, state, partial = linter.check_edited(text, previous)
    used = frozenset(p for p, _ in project.dependencies(path)) if project and path else frozenset()
    if partial:
        used |= depended  # the findings kept still depend on what they read
    return Analysed(result.diagnostics, result.errors, used, state)


_NOQA_CODES = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)", re.I)
_BARE_NOQA = re.compile(r"#\s*noqa(?![:\w])", re.I)
_ANY_CODE = re.compile(r"[A-Z]+[0-9]+")


def noqa_edit(text: SourceText, row: int, code: str) -> Optional[Edit]:
    """The edit that adds `code` to the line's `# noqa: ...` comment, or adds one."""
    line = text.line(row)
    match = _NOQA_CODES.search(line)
    if match:
        codes = [c.upper() for c in _ANY_CODE.findall(match.group("codes"))]
        if code in codes:
            return None
        after_codes = Location(row, match.end("codes") + 1)
        return Edit(f", {code}", after_codes, after_codes)
    if _BARE_NOQA.search(line):
        return None  # already suppresses every code
    line_end = Location(row, len(line) + 1)
    return Edit(f"  # noqa: {code}", line_end, line_end)


def noqa_code_at(line: str, column: int) -> Optional[str]:
    """The rule code under 0-based code-point `column` in a `# noqa: ...` comment."""
    for match in _NOQA_CODES.finditer(line):
        start = match.start("codes")
        for code in _ANY_CODE.finditer(match.group("codes")):
            if start + code.start() <= column <= start + code.end():
                return code.group(0).upper()
    return None
