"""libcst building blocks for fixes (imported only when a fix is built: libcst is slow to load)."""

from __future__ import annotations

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
        for old, new in zip(original.body, updated_body):
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
            returns = (
                isinstance(last, cst.SimpleStatementLine)
                and len(last.body) == 1
                and isinstance(last.body[0], cst.Return)
            )
            index = len(result) - 1 if self.end_before_return and returns else len(result)
            result[index:index] = list(self.at_end)
        return result

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._rewrite(original_node, list(updated_node.body))
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._rewrite(original_node, list(updated_node.body))
        return updated_node if body is None else updated_node.with_changes(body=body)


def statement(code: str) -> cst.BaseStatement:
    return cst.parse_statement(code)
