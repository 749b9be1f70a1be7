"""Moving an awaited thread hand-off (`asyncio.to_thread`, `run_in_executor(None, ...)`) into
a process pool.

There is no process-pool twin of `asyncio.to_thread`, so the rewrite creates the pool where
the work is awaited and shuts it down once the awaiting statement is done:

    results = await asyncio.gather(*(asyncio.to_thread(crunch, n) for n in sizes))

becomes

    with ProcessPoolExecutor() as pool:
        loop = asyncio.get_running_loop()
        results = await asyncio.gather(*(loop.run_in_executor(pool, crunch, n) for n in sizes))

It is offered only where that is proven to keep the program's meaning: the hand-off is
awaited within its own statement (directly or through `asyncio.gather`), so every task has
finished before the pool shuts down; the statement is a simple one inside an `async def`;
`to_thread` gets no keyword arguments (`run_in_executor` passes none); and the task passes
the same checks as every other move into processes (`swap.process_ready`).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional

from parlint.analysis.model import ConcurrencyModel, Handoff, HandoffApi
from parlint.analysis.scopes import all_identifiers, fresh_name, parent
from parlint.analysis.stdlib import WorkerKind
from parlint.fixes.imports import Reads, RemovalSpec, reads_of
from parlint.fixes.to_executor import executor_spelling
from parlint.fixes.to_processes import guard_tail, process_ready
from parlint.ftypes import Location
from parlint.source import SourceText

if TYPE_CHECKING:
    import libcst as cst

    from parlint.analysis.task_effects import EffectAnalysis
    from parlint.fixes.edits import FixContext

EXECUTOR = "concurrent.futures.ProcessPoolExecutor"
SIMPLE_STATEMENTS = (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)


@dataclass(frozen=True)
class AsyncPoolFix:
    statement: Location  # the awaiting statement, wrapped in the `with` block
    # Each hand-off's expression (span) and its replacement text; one pool serves every
    # hand-off of the statement (see `merge_async_plans`).
    targets: tuple[tuple[tuple[Location, Location], str], ...]
    pool: str  # the `as` name
    # `loop = asyncio.get_running_loop()` first in the block, for `to_thread` (name, call text)
    loop: Optional[tuple[str, str]]
    executor: str  # how the module spells `ProcessPoolExecutor`
    import_executor: bool  # add `from concurrent.futures import ProcessPoolExecutor`
    import_asyncio: bool  # add `import asyncio` (the module used `from asyncio import to_thread`)
    drop_to_thread: Optional[str]  # the local name of a from-imported `to_thread`, if any
    guard_from: Optional[int] = None
    to_thread_reads: Reads = ()  # where the checked text reads `drop_to_thread`

    @property
    def title(self) -> str:
        return "Run it in a `ProcessPoolExecutor`"


def plan_async_pool(
    model: ConcurrencyModel, effects: EffectAnalysis, handoff: Handoff, source: SourceText
) -> Optional[AsyncPoolFix]:
    """The rewrite of an awaited `to_thread`/`run_in_executor(None, ...)`, or None."""
    call = handoff.call
    if handoff.api is HandoffApi.TO_THREAD:
        if call.keywords or not call.args or any(isinstance(a, ast.Starred) for a in call.args):
            return None
    elif handoff.api is HandoffApi.RUN_IN_EXECUTOR:
        first = call.args[0] if call.args else None
        if not (isinstance(first, ast.Constant) and first.value is None) or call.keywords:
            return None
    else:
        return None
    awaiting = _awaiting_statement(model, call)
    if awaiting is None:
        return None
    statement, function = awaiting
    guard = process_ready(model, effects, handoff)
    if guard is False:
        return None
    module_names = model.names.module_scope
    # New names are local to the function: they must not shadow anything it uses.
    taken = all_identifiers(function)
    pool = fresh_name("pool", taken)
    loop: Optional[tuple[str, str]] = None
    spelled = executor_spelling(model, WorkerKind.PROCESS)
    if spelled is None:
        return None  # `ProcessPoolExecutor` means something else here
    executor, import_executor = spelled
    import_asyncio = False
    drop: Optional[str] = None
    if handoff.api is HandoffApi.TO_THREAD:
        func = call.func
        if isinstance(func, ast.Attribute):
            asyncio_name = ast.unparse(func.value)
        else:
            assert isinstance(func, ast.Name)
            drop = func.id
            found = _local_name(model, "asyncio")
            if found is None:
                if "asyncio" in module_names.bound or "asyncio" in model.identifiers():
                    return None
                found, import_asyncio = "asyncio", True
            asyncio_name = found
        arguments = ", ".join(source.segment(a) for a in call.args)
        loop_name = _running_loop_variable(model, function, statement)
        if loop_name is None:
            loop_name = fresh_name("loop", taken)
            loop = (loop_name, f"{asyncio_name}.get_running_loop()")
        replacement = f"{loop_name}.run_in_executor({pool}, {arguments})"
        target = source.span(call)
    else:
        replacement = pool
        target = source.span(call.args[0])
    return AsyncPoolFix(
        statement=source.start_of(statement),
        targets=((target, replacement),),
        pool=pool,
        loop=loop,
        executor=executor,
        import_executor=import_executor,
        import_asyncio=import_asyncio,
        drop_to_thread=drop,
        guard_from=guard if isinstance(guard, int) else None,
        to_thread_reads=reads_of(model, _to_thread_spec(drop)),
    )


def _to_thread_spec(local: Optional[str]) -> Optional[RemovalSpec]:
    if local is None:
        return None
    return ("asyncio", "to_thread", local if local != "to_thread" else None)


def merge_async_plans(plans: Sequence[AsyncPoolFix]) -> dict[Location, AsyncPoolFix]:
    """One plan per statement, covering all its hand-offs (one pool, not one pool each)."""
    merged: dict[Location, AsyncPoolFix] = {}
    for plan in plans:
        known = merged.get(plan.statement)
        if known is None:
            merged[plan.statement] = plan
            continue
        merged[plan.statement] = replace(
            known,
            targets=(*known.targets, *plan.targets),
            loop=known.loop or plan.loop,
            import_asyncio=known.import_asyncio or plan.import_asyncio,
            drop_to_thread=known.drop_to_thread or plan.drop_to_thread,
            to_thread_reads=known.to_thread_reads or plan.to_thread_reads,
        )
    return merged


def _awaiting_statement(
    model: ConcurrencyModel, call: ast.Call
) -> Optional[tuple[ast.stmt, ast.AsyncFunctionDef]]:
    """The simple statement of an `async def` that awaits `call` to completion (and that
    function), else None."""
    node: ast.AST = call
    up = parent(node)
    if isinstance(up, (ast.GeneratorExp, ast.ListComp)) and up.elt is node:
        node, up = up, parent(up)
        if isinstance(up, ast.Starred):
            node, up = up, parent(up)
    if isinstance(up, ast.Call) and node in up.args:
        if model.resolve(up.func, up) != "asyncio.gather" or up.keywords:
            return None
        node, up = up, parent(up)
    if node is call and isinstance(up, ast.Call):
        return None
    if not isinstance(up, ast.Await):
        return None
    # The await may sit deeper in the statement (`print(await ...)`): the statement still
    # finishes only after it.
    statement: Optional[ast.AST] = parent(up)
    while statement is not None and not isinstance(statement, ast.stmt):
        if isinstance(statement, ast.Lambda):
            return None
        statement = parent(statement)
    if not isinstance(statement, SIMPLE_STATEMENTS):
        return None
    owner = parent(statement)
    block = getattr(owner, "body", None)
    if not isinstance(block, list) or statement not in block:
        return None
    if sum(1 for s in block if s.lineno == statement.lineno) != 1:
        return None  # shares its line with another statement
    scope: Optional[ast.AST] = owner
    while scope is not None and not isinstance(
        scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)
    ):
        scope = parent(scope)
    return (statement, scope) if isinstance(scope, ast.AsyncFunctionDef) else None


LOOP_GETTERS = frozenset({"asyncio.get_running_loop", "asyncio.get_event_loop"})


def _running_loop_variable(
    model: ConcurrencyModel, function: ast.AsyncFunctionDef, statement: ast.stmt
) -> Optional[str]:
    """`loop` when the function did `loop = asyncio.get_running_loop()` before `statement`,
    as its only assignment to that name: the fix then uses it."""
    stores: dict[str, list[ast.AST]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores.setdefault(node.id, []).append(node)
    for stmt in function.body:
        if stmt.lineno >= statement.lineno:
            break
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and not stmt.value.args
            and model.resolve(stmt.value.func, stmt.value) in LOOP_GETTERS
            and len(stores.get(stmt.targets[0].id, [])) == 1
        ):
            return stmt.targets[0].id
    return None


def _local_name(model: ConcurrencyModel, qualified: str) -> Optional[str]:
    scope = model.names.module_scope
    for name, qual in sorted(scope.qualified.items()):
        if qual == qualified and name not in scope.untrusted:
            return name
    return None


def apply_async_pool(fctx: FixContext, plan: AsyncPoolFix) -> Optional[cst.Module]:
    import libcst as cst

    from parlint.fixes.cst import BlockInserter, ImportSpec

    line = fctx.find(cst.SimpleStatementLine, plan.statement)
    if line is None:
        return None
    replacements: dict[cst.CSTNode, cst.CSTNode] = {}
    for span, text in plan.targets:
        target = fctx.find(cst.BaseExpression, *span)  # type: ignore[type-abstract]
        if target is None:
            return None
        replacements[target] = cst.parse_expression(text)
    new_line = line.visit(_replacer(replacements))
    assert isinstance(new_line, cst.SimpleStatementLine)
    get_loop = [cst.parse_statement(f"{plan.loop[0]} = {plan.loop[1]}\n")] if plan.loop else []
    wrapped = cst.With(
        items=[
            cst.WithItem(
                cst.parse_expression(f"{plan.executor}()"),
                asname=cst.AsName(cst.Name(plan.pool)),
            )
        ],
        body=cst.IndentedBlock(body=[*get_loop, new_line.with_changes(leading_lines=())]),
        leading_lines=line.leading_lines,
    )
    inserter = BlockInserter(line, replace_with=wrapped)
    module = fctx.module.visit(inserter)
    if not inserter.done:
        return None
    if plan.guard_from is not None:
        module = guard_tail(fctx, module, plan.guard_from)
    add: list[ImportSpec] = []
    if plan.import_executor:
        add.append(("concurrent.futures", "ProcessPoolExecutor"))
    if plan.import_asyncio:
        add.append(("asyncio", None))
    remove: list[tuple[RemovalSpec, Reads]] = []
    spec = _to_thread_spec(plan.drop_to_thread)
    if spec is not None:
        remove.append((spec, plan.to_thread_reads))
    return fctx.change_imports(module, add, remove)


def _replacer(replacements: dict[cst.CSTNode, cst.CSTNode]) -> cst.CSTTransformer:
    """A transformer that swaps each node in `replacements` (by identity) for its value."""
    import libcst as cst

    class Replace(cst.CSTTransformer):
        def on_leave(  # type: ignore[override]
            self, original_node: cst.CSTNode, updated_node: cst.CSTNode
        ) -> cst.CSTNode:
            return replacements.get(original_node, updated_node)

    return Replace()
