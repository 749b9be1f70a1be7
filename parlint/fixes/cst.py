"""libcst building blocks for fixes (imported only when a fix is built: libcst is slow to load)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional, Union

import libcst as cst


class BlockInserter(cst.CSTTransformer):
    """Inserts statements into the block that holds `anchor`: before it, after it, or at its end."""

    def __init__(
        self,
        anchor: cst.CSTNode,
        *,
        before: tuple[cst.BaseStatement, ...] = (),
        after: tuple[cst.BaseStatement, ...] = (),
        at_end: tuple[cst.BaseStatement, ...] = (),
        end_before_return: bool = False,
        replace_with: Optional[cst.BaseStatement] = None,
        drop: Optional[cst.CSTNode] = None,
    ) -> None:
        super().__init__()
        self.anchor = anchor
        self.before, self.after, self.at_end = before, after, at_end
        self.end_before_return = end_before_return
        self.replace_with = replace_with
        self.drop = drop
        self.done = False

    def _rewrite(
        self, original: Union[cst.IndentedBlock, cst.Module], updated_body: list[cst.CSTNode]
    ) -> Optional[list[cst.CSTNode]]:
        if not any(stmt is self.anchor for stmt in original.body):
            return None
        self.done = True
        result: list[cst.CSTNode] = []
        for old, new in zip(original.body, updated_body, strict=False):
            if old is self.drop:
                continue
            if old is self.anchor:
                node = self.replace_with if self.replace_with is not None else new
                if self.before:
                    # Comments above the anchor stay above the whole group.
                    leading = getattr(node, "leading_lines", ())
                    first = self.before[0].with_changes(leading_lines=leading)
                    result.extend([first, *self.before[1:]])
                    node = node.with_changes(leading_lines=())
                result.append(node)
                result.extend(self.after)
            else:
                result.append(new)
        if self.at_end:
            last = result[-1] if result else None
            if not self.end_before_return or not _ends_in_return(last):
                result.extend(self.at_end)
            elif isinstance(last, cst.SimpleStatementLine) and len(last.body) > 1:
                result[-1:] = _before_last_statement(last, self.at_end)
            else:
                result[-1:-1] = self.at_end
        return result

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._rewrite(original_node, list(updated_node.body))
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._rewrite(original_node, list(updated_node.body))
        return updated_node if body is None else updated_node.with_changes(body=body)


def _ends_in_return(line: Optional[cst.CSTNode]) -> bool:
    return isinstance(line, cst.SimpleStatementLine) and isinstance(line.body[-1], cst.Return)


def _before_last_statement(
    line: cst.SimpleStatementLine, inserted: Sequence[cst.BaseStatement]
) -> list[cst.BaseStatement]:
    """`x = 1; return x` with `inserted` run between its statements: on the same line
    (`x = 1; t.join(); return x`) when they are simple, else on lines of their own."""
    *kept, final = line.body
    if all(isinstance(s, cst.SimpleStatementLine) for s in inserted):
        separator = kept[-1].semicolon
        small = [s.with_changes(semicolon=separator) for n in inserted for s in n.body]  # type: ignore[attr-defined]
        return [line.with_changes(body=[*kept, *small, final])]
    head = line.with_changes(
        body=[*kept[:-1], kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
        trailing_whitespace=cst.TrailingWhitespace(),
    )
    tail = cst.SimpleStatementLine(body=[final], trailing_whitespace=line.trailing_whitespace)
    return [head, *inserted, tail]


StatementAt = tuple[cst.BaseStatement, int]  # a statement line, and one statement's index in it


class RunReplacer(cst.CSTTransformer):
    """Replaces the statements `first`..`last` of one block with `replacement`, and deletes
    the statements in `drops` that come before them in that block.

    Each is a line and the index of one simple statement in it (see `FixContext.find_statement`):
    statements sharing a line with the run but outside it (`x = 0; a = Thread(...)`,
    `c.join(); print(x)`) stay before and after the replacement, and a dropped statement's
    neighbours on its line stay where they are. The first line's leading comments and blank
    lines stay above everything, then `comments` (those of the replaced code)."""

    def __init__(
        self,
        first: StatementAt,
        last: StatementAt,
        drops: tuple[StatementAt, ...],
        replacement: Sequence[cst.BaseStatement],
        comments: Sequence[cst.EmptyLine] = (),
    ) -> None:
        super().__init__()
        self.first, self.last, self.drops = first, last, drops
        self.replacement = list(replacement)
        self.comments = list(comments)
        self.done = False

    def _rewrite(
        self, original: Sequence[cst.CSTNode], updated: Sequence[cst.CSTNode]
    ) -> Optional[list[cst.CSTNode]]:
        (first, first_index), (last, last_index) = self.first, self.last
        i = next((n for n, s in enumerate(original) if s is first), None)
        j = next((n for n, s in enumerate(original) if s is last), None)
        if i is None or j is None or j < i:
            return None
        self.done = True
        kept: list[cst.CSTNode] = []
        carried: list[cst.EmptyLine] = []  # comments above a deleted statement move down
        for old, new in zip(original[:i], updated[:i], strict=False):
            dropped = {index for line, index in self.drops if line is old}
            if dropped and isinstance(new, cst.SimpleStatementLine):
                rest = [s for n, s in enumerate(new.body) if n not in dropped]
                if rest:
                    new = _line_of(new, rest)
                    dropped = set()
            if dropped:
                carried.extend(getattr(old, "leading_lines", ()))
                continue
            if carried:
                new = new.with_changes(leading_lines=[*carried, *getattr(new, "leading_lines", ())])
                carried = []
            kept.append(new)
        leading = [*carried, *getattr(first, "leading_lines", ())]
        head: list[cst.BaseStatement] = []
        if isinstance(first, cst.SimpleStatementLine) and first_index > 0:
            head = [_line_of(first, first.body[:first_index], leading_lines=leading)]
            head[0] = head[0].with_changes(trailing_whitespace=cst.TrailingWhitespace())
            leading = []
        tail: list[cst.BaseStatement] = []
        if isinstance(last, cst.SimpleStatementLine) and last_index + 1 < len(last.body):
            tail = [_line_of(last, last.body[last_index + 1 :], leading_lines=[])]
        replacement = list(self.replacement)
        if replacement:
            lines = [*leading, *self.comments, *getattr(replacement[0], "leading_lines", ())]
            replacement[0] = replacement[0].with_changes(leading_lines=lines)
        return [*kept, *head, *replacement, *tail, *updated[j + 1 :]]

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._rewrite(original_node.body, updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._rewrite(original_node.body, updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)


def _line_of(
    line: cst.SimpleStatementLine, body: Sequence[cst.BaseSmallStatement], **changes: object
) -> cst.SimpleStatementLine:
    """`line` holding only `body`; the new last statement loses its `;`."""
    *init, final = body
    return line.with_changes(
        body=[*init, final.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)], **changes
    )


from parlint.fixes.imports import ImportSpec, RemovalSpec  # noqa: E402  (re-exported)


def update_imports(
    module: cst.Module, add: Sequence[ImportSpec] = (), remove: Sequence[RemovalSpec] = ()
) -> cst.Module:
    """Add the imports a fix needs and remove those it left unused, in the file's style
    (libcst's codemod visitors). Each visitor walks the whole module, and the removal
    analyses its scopes: only for the shapes parlint/fixes/imports.py leaves to libcst."""
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

    context = CodemodContext()
    for module_name, name in add:
        AddImportsVisitor.add_needed_import(context, module_name, name)
    for module_name, name, asname in remove:
        RemoveImportsVisitor.remove_unused_import(context, module_name, name, asname)
    if add:
        module = AddImportsVisitor(context).transform_module(module)
    if remove:
        module = RemoveImportsVisitor(context).transform_module(module)
    return module


def statement(code: str) -> cst.BaseStatement:
    return cst.parse_statement(code)
