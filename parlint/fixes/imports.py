"""The import lines a fix adds or leaves unused, as text edits decided from the `ast` tree.

libcst's codemod visitors walk the whole module for every fix (and the removal computes scope
metadata, the slow path SPEC "Architecture" rules out): a fix's cost would then grow with the
file, not with the statement it rewrites. The rule that asks for an import change has already
decided, from parlint's own name resolution, that an import is missing or no longer used, so
here only the text is written, in the style libcst's `AddImportsVisitor` gives a file:

- a needed import that the file's leading import block already has is not added again; a name
  of a module that block already imports from joins that `from` statement (first, sorted);
- other imports go right after that block (after the docstring, or before the first statement
  when there is neither), `import x` lines first, then `from x import y`, with a blank line
  between them and the code that follows;
- an unused alias leaves its statement (with the whole line when it was alone on it; the
  comments above stay).

`None` means the file's shape is not one of these (an import that shares its line with another
statement, say): the caller then uses libcst over the whole module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

from parlint.ftypes import Edit
from parlint.source import SourceText

if TYPE_CHECKING:
    from parlint.analysis.model import ConcurrencyModel

ImportSpec = tuple[str, Optional[str]]  # (module, name): `import module` when name is None
RemovalSpec = tuple[str, Optional[str], Optional[str]]  # (module, name, asname)
ImportNode = Union[ast.Import, ast.ImportFrom]
_IDENTIFIER = re.compile(r"[^\W\d]\w*")


# Where a name is read in the checked text: (lineno, col_offset) of each `ast.Name` that is not
# a store, and of each string of a module-level `__all__`, in text order.
Reads = tuple[tuple[int, int], ...]


@dataclass
class ImportChanges:
    """What one fix asks for: imports to make sure of, and imports whose uses it rewrote
    (removed unless their name is still read: `reads` says where it was, by local name)."""

    add: list[ImportSpec] = field(default_factory=list)
    remove: list[RemovalSpec] = field(default_factory=list)
    reads: dict[str, Reads] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)


def local_name(spec: RemovalSpec) -> str:
    """The name an import binds: `asname`, the imported name, or a module's first part."""
    module, name, asname = spec
    return asname or name or module.split(".")[0]


def reads_of(model: ConcurrencyModel, spec: Optional[RemovalSpec]) -> Reads:
    """Where the checked module reads the name `spec` binds. A fix plan carries this (one
    tuple shared by every plan of the file), so that a fix built later, in another process,
    knows which reads its rewrite removes without parsing the file again."""
    if spec is None:
        return ()
    local = local_name(spec)
    found = model_name_uses(model)
    return model.memo(f"reads:{local}", lambda: tuple(found.get(local, ())))


def model_name_uses(model: ConcurrencyModel) -> dict[str, list[tuple[int, int]]]:
    """`name_uses` of the model's module, built once per model."""
    return model.memo("name_uses", lambda: _model_name_uses(model))


def _model_name_uses(model: ConcurrencyModel) -> dict[str, list[tuple[int, int]]]:
    """`name_uses` from the nodes the model has already listed per scope (a fresh `ast.walk`
    of a large module costs more than the whole model)."""
    found: dict[str, list[tuple[int, int]]] = {}
    for scope in model.scopes():
        for node in scope.nodes:
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                found.setdefault(node.id, []).append((node.lineno, node.col_offset))
    _add_dunder_all(model.tree, found)
    for positions in found.values():
        positions.sort()
    return found


def import_edits(
    source: SourceText,
    tree: ast.Module,
    changes: ImportChanges,
    prelude: Optional[tuple[int, Optional[int]]] = None,
) -> Optional[list[Edit]]:
    """The text edits that make `changes` in `source`, in no order (see `merge_edits`); None
    when the shape of the imports needs libcst. `tree` is the module's, or, when `prelude`
    (`prelude_rows` of the module) is given, the tree of the prelude's rows alone."""
    spans: list[tuple[int, int, str]] = []
    body = tree.body
    partial = prelude is not None
    code_row = prelude[1] if prelude is not None else prelude_rows(body)[1]
    top = _top_imports(source, body)
    if top is None:
        return None
    removed: set[int] = set()
    for spec in changes.remove:
        found = _removal(source, body, spec, removed)
        if found is None or (partial and not found):
            return None  # elsewhere in the module, or not there: the prelude cannot tell
        spans.extend(found)
    added = _additions(source, body, top, changes.add, code_row)
    if added is None:
        return None
    spans.extend(added)
    return _as_edits(source, spans)


def still_used(source: SourceText, reads: Reads, spec: RemovalSpec, edits: Sequence[Edit]) -> bool:
    """Whether the name an import binds is read (`reads`) outside the lines the fix's `edits`
    rewrite, or appears in those lines as rewritten: the import then stays. Whole lines are
    compared because edits may be trimmed to the characters that change (`ThreadPool` for
    `Pool` is an insertion of `Thread` before the read)."""
    text = source.text
    lines: list[list[int]] = []  # [first offset, end offset, cursor] of each run of lines
    rewritten: list[str] = []
    for start, end, content in sorted(
        (source.offset(e.location), source.offset(e.end_location), e.content) for e in edits
    ):
        first = source.line_start(source.location(start).row)
        last_row = source.location(end).row
        stop = source.line_start(last_row + 1) if last_row < source.line_count else len(text)
        if lines and first < lines[-1][1]:
            run = lines[-1]
            rewritten[-1] += text[run[2] : start] + content
            run[1], run[2] = max(run[1], stop), end
        else:
            lines.append([first, stop, end])
            rewritten.append(text[first:start] + content)
    for index, (_, stop, cursor) in enumerate(lines):
        rewritten[index] += text[cursor:stop]
    index = 0
    for lineno, col_offset in reads:  # in text order, as are the runs: one sweep
        at = source.offset(source.location_from_ast(lineno, col_offset))
        while index < len(lines) and lines[index][1] <= at:
            index += 1
        if index == len(lines) or at < lines[index][0]:
            return True
    local = local_name(spec)
    return any(local in _identifiers(new) for new in rewritten)


def name_uses(tree: ast.Module) -> dict[str, list[tuple[int, int]]]:
    """Where each name of the module is read (see `Reads`)."""
    found: dict[str, list[tuple[int, int]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            found.setdefault(node.id, []).append((node.lineno, node.col_offset))
    _add_dunder_all(tree, found)
    for positions in found.values():
        positions.sort()
    return found


def _add_dunder_all(tree: ast.Module, found: dict[str, list[tuple[int, int]]]) -> None:
    """The strings of a module-level `__all__` read the names they list."""
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else []
        if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            targets = [stmt.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            for node in ast.walk(stmt):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found.setdefault(node.value, []).append((node.lineno, node.col_offset))


def _identifiers(text: str) -> set[str]:
    return set(_IDENTIFIER.findall(text))


def _alone_on_its_lines(source: SourceText, stmt: ast.stmt) -> bool:
    """Nothing but indentation before the statement and nothing but a comment after it."""
    return not source.text_before(stmt).strip() and source.ends_line(stmt)


def prelude_rows(body: list[ast.stmt]) -> tuple[int, Optional[int]]:
    """The last row of the module's opening docstring and imports (0: there are none), and
    the first row of the statement after them (None: nothing follows)."""
    start = _first_index(body)
    end = (body[0].end_lineno or body[0].lineno) if start else 0
    for stmt in body[start:]:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            return end, _first_row(stmt)
        end = stmt.end_lineno or stmt.lineno
    return end, None


def _top_imports(source: SourceText, body: list[ast.stmt]) -> Optional[list[ImportNode]]:
    """The import statements that open the module (after its docstring), each alone on its
    line; None when one of them shares a line with another statement."""
    found: list[ImportNode] = []
    for stmt in body[_first_index(body) :]:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            break
        if not _alone_on_its_lines(source, stmt):
            return None
        found.append(stmt)
    return found


def _first_index(body: list[ast.stmt]) -> int:
    """1 when the module opens with a docstring (or libcst's `__strict__` flag), else 0."""
    if not body:
        return 0
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        return 1 if isinstance(first.value.value, str) else 0
    if isinstance(first, ast.Assign) and len(first.targets) == 1:
        target = first.targets[0]
        return 1 if isinstance(target, ast.Name) and target.id == "__strict__" else 0
    return 0


def _additions(
    source: SourceText,
    body: list[ast.stmt],
    top: list[ImportNode],
    wanted: Sequence[ImportSpec],
    code_row: Optional[int],
) -> Optional[list[tuple[int, int, str]]]:
    plain_modules: set[str] = set()
    names_by_module: dict[str, set[str]] = {}
    for module, name in wanted:
        if name is None:
            plain_modules.add(module)
        else:
            names_by_module.setdefault(module, set()).add(name)
    spans: list[tuple[int, int, str]] = []
    for stmt in top:
        if isinstance(stmt, ast.Import):
            plain_modules -= {a.name for a in stmt.names if a.asname is None}
            continue
        if stmt.level or stmt.module is None or stmt.module not in names_by_module:
            continue
        if any(a.name == "*" for a in stmt.names):
            del names_by_module[stmt.module]
            continue
        names_by_module[stmt.module] -= {a.name for a in stmt.names if a.asname is None}
    for stmt in top:
        if not isinstance(stmt, ast.ImportFrom) or stmt.level or stmt.module is None:
            continue
        missing = names_by_module.pop(stmt.module, None)
        if not missing or any(a.name == "*" for a in stmt.names):
            continue
        first = stmt.names[0]
        at = source.offset(source.location_from_ast(first.lineno, first.col_offset))
        spans.append((at, at, "".join(f"{name}, " for name in sorted(missing))))
    lines = [f"import {module}" for module in sorted(plain_modules)]
    lines += [
        f"from {module} import {', '.join(sorted(names))}"
        for module, names in sorted(names_by_module.items())
        if names
    ]
    if not lines:
        return spans
    newline = source.newline
    at, next_row = _insertion_point(source, body, top, code_row)
    text = "".join(line + newline for line in lines)
    if next_row is not None and source.line(next_row).strip():
        text += newline  # a blank line between the imports and the code (or comment) below
    if at == len(source.text) and source.text and not source.text.endswith(("\n", "\r")):
        text = newline + text
    spans.append((at, at, text))
    return spans


def _insertion_point(
    source: SourceText, body: list[ast.stmt], top: list[ImportNode], code_row: Optional[int]
) -> tuple[int, Optional[int]]:
    """Where new import lines go, and the row that will follow them (None at the end)."""
    if top:
        row = (top[-1].end_lineno or top[-1].lineno) + 1
    elif _first_index(body):
        row = (body[0].end_lineno or body[0].lineno) + 1
    elif code_row is not None:
        row = code_row
    else:
        return len(source.text), None
    if row > source.line_count or (row == source.line_count and not source.line(row)):
        return len(source.text), None
    return source.line_start(row), row


def _first_row(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _removal(
    source: SourceText, body: list[ast.stmt], spec: RemovalSpec, removed: set[int]
) -> Optional[list[tuple[int, int, str]]]:
    """The edit that takes the import `spec` names out; `removed` holds the statements
    already cut into (two names out of one statement: left to libcst)."""
    module, name, asname = spec
    for stmt in body:
        if name is None and isinstance(stmt, ast.Import):
            matches = [a for a in stmt.names if a.name == module and a.asname == asname]
        elif name is not None and isinstance(stmt, ast.ImportFrom):
            if stmt.level or stmt.module != module:
                continue
            matches = [a for a in stmt.names if a.name == name and a.asname == asname]
        else:
            continue
        if not matches:
            continue
        if not _alone_on_its_lines(source, stmt) or id(stmt) in removed:
            return None
        removed.add(id(stmt))
        if len(stmt.names) == 1:
            start = source.line_start(stmt.lineno)
            end_row = (stmt.end_lineno or stmt.lineno) + 1
            end = source.line_start(end_row) if end_row <= source.line_count else len(source.text)
            return [(start, end, "")]
        return [_alias_removal(source, stmt.names, stmt.names.index(matches[0]))]
    return []  # already gone: nothing to do


def _alias_removal(
    source: SourceText, aliases: list[ast.alias], index: int
) -> tuple[int, int, str]:
    """Cut one name out of `import a, b` / `from m import (a, b)`, with its comma (and the
    line it had to itself in a parenthesised list)."""

    def start(alias: ast.alias) -> int:
        return source.offset(source.start_of(alias))

    def end(alias: ast.alias) -> int:
        return source.offset(source.span(alias)[1])

    alias = aliases[index]
    row = alias.lineno
    before = source.text_before(alias)
    after = source.text_after(alias).split("#")[0].strip()
    if not before.strip() and (alias.end_lineno or row) == row and after in ("", ","):
        # The name had its own line in a parenthesised list: the line goes.
        next_start = source.line_start(row + 1) if row < source.line_count else len(source.text)
        return source.line_start(row), next_start, ""
    if index + 1 < len(aliases):
        return start(alias), start(aliases[index + 1]), ""
    return end(aliases[index - 1]), end(alias), ""


def _as_edits(source: SourceText, spans: list[tuple[int, int, str]]) -> list[Edit]:
    return [Edit(text, source.location(start), source.location(end)) for start, end, text in spans]
