"""Shared-state rules: PAR601 unsynchronized-shared-state."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional, Union

from parlint.analysis.reachability import inside_with, own_nodes, takes_lock_by_hand, walk
from parlint.analysis.scopes import Scope, containing_block, fresh_name, parent
from parlint.analysis.task_effects import FunctionNode
from parlint.ftypes import Applicability, Diagnostic, Location, Severity
from parlint.rules.base import CheckContext, Invalid, Rule

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext

LOCK_TYPES = frozenset({"threading.Lock", "threading.RLock"})


@dataclass(frozen=True)
class LockFix:
    statement: Location
    lock: str  # the lock's name
    create: bool  # define `lock = threading.Lock()` at module level
    # How many statements of its block, from this one on, go under the lock.
    count: int = 1


def _guarded(stmt: ast.stmt) -> tuple[Optional[str], bool]:
    """The name a lock for the update is named after (`_total` of `_total += n`, `seen` of
    `self.seen[k] += 1`), and whether it is a module-level name (a lock named after it
    guards it)."""
    target = _rmw_target(stmt)
    if target is None:
        return None, False
    root = _root(target)
    if isinstance(root, ast.Name) and root.id not in ("self", "cls"):
        return root.id, True
    while isinstance(target, ast.Subscript):
        target = target.value
    return (target.attr, False) if isinstance(target, ast.Attribute) else (None, False)


def _root(expr: ast.AST) -> ast.AST:
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return expr


class UnsynchronizedSharedState(Rule):
    """
    ## What it does
    Flags a read-modify-write (`x += 1`, `x = x + 1`, `counts[key] += 1`, `self.total += n`)
    of shared state (module-level or `global`, `nonlocal` or closed-over variables, class
    attributes, `self` when the threads share the object) in code that runs on two or more
    threads at once: a task mapped, submitted or started in a loop, a request handler of a
    threading server, and every function they call, in any module of the project. The
    message names the way from the task to the statement (`handle()` → `record()`), each call
    on it is in the related information. Not reported: the statement inside a `with` block
    (where a lock would be held), in a function that takes a lock by hand (`acquire()`), or
    in code only ever called with a lock held.

    ## Why is this bad?
    `x += 1` is a read, an addition and a write: two threads can read the same value and one
    update is lost. The GIL (the lock that lets one thread run Python at a time) does not
    prevent this; it only makes the window small, so the bug shows up rarely and under load.
    On a free-threaded CPython (PEP 703: no GIL, threads truly in parallel) the window is
    always open. Hold a `threading.Lock` around the update (or give each task its own result
    and combine them afterwards).

    ## Example
    ```python
    import threading

    hits = 0

    def count(n):
        global hits
        for _ in range(n):
            hits += 1

    def main():
        threads = [threading.Thread(target=count, args=(1000,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ```

    Use instead:
    ```python
    import threading

    hits = 0
    hits_lock = threading.Lock()

    def count(n):
        global hits
        for _ in range(n):
            with hits_lock:
                hits += 1

    def main():
        threads = [threading.Thread(target=count, args=(1000,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ```

    ## Fix safety
    The fix wraps the statement in `with <lock>:`, using a module-level `threading.Lock` or
    `RLock` the file already has (never one that a function of this module it calls takes
    again), or creating one (`lock = threading.Lock()` after the imports). It is unsafe: the
    statement now waits for the lock, and a lock that other code also holds can deadlock or slow
    the program. Appending to a list, `queue.Queue` operations and other single atomic calls are
    not reported.

    ## Options
    None.

    ## References
    - [threading.Lock](https://docs.python.org/3/library/threading.html#lock-objects)
    - [Python FAQ: What kinds of global value mutation are thread-safe?](https://docs.python.org/3/faq/library.html#what-kinds-of-global-value-mutation-are-thread-safe)
    """

    code = "PAR601"
    name = "unsynchronized-shared-state"
    family = "state"
    severity = Severity.WARNING
    message = "Shared state updated without a lock by concurrent threads"
    fix_title = "Hold a lock around the update"
    fix_applicability = Applicability.UNSAFE
    fix_needs_module = True

    valid = (
        """
import threading

lock = threading.Lock()
hits = 0

def count(n):
    global hits
    for _ in range(n):
        with lock:
            hits += 1

def main():
    threads = [threading.Thread(target=count, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
        """
import threading

results = []

def work(n):
    total = 0
    for i in range(n):
        total += i
    results.append(total)

def main():
    threads = [threading.Thread(target=work, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
    )
    invalid = (
        Invalid(
            """
import threading

hits = 0

def count(n):
    global hits
    for _ in range(n):
        hits += 1

def main():
    threads = [threading.Thread(target=count, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
            fixed="""
import threading

hits_lock = threading.Lock()

hits = 0

def count(n):
    global hits
    for _ in range(n):
        with hits_lock:
            hits += 1

def main():
    threads = [threading.Thread(target=count, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        seen: set[int] = set()
        for reach in ctx.concurrent_reaches:
            if not reach.concurrent or reach.locked or takes_lock_by_hand(reach.function):
                continue
            for stmt, what in self._updates(ctx, reach.function, reach.shares_self):
                if id(stmt) in seen:
                    continue
                seen.add(id(stmt))
                message = (
                    f"`{ctx.source.segment(stmt)}` reads and writes {what}, shared by "
                    f"{reach.threads()}; without a lock, concurrent updates are lost"
                )
                plan = lock_fix_plan(ctx, stmt, *_guarded(stmt))
                yield self.report(
                    ctx,
                    stmt,
                    message,
                    related=reach.related(ctx.effects.filename, "the threads start here"),
                    fixable=plan is not None,
                    fix_data=plan,
                    fix_title=f"Hold `{plan.lock}` around the update" if plan else None,
                )

    def _updates(
        self, ctx: CheckContext, function: FunctionNode, is_method: bool
    ) -> Iterator[tuple[ast.stmt, str]]:
        """The read-modify-writes of shared state in the function's own code, outside any
        `with` block that may hold a lock (what it calls is reached on its own)."""
        scope = ctx.model.names.scope_of_node(function)
        for node in scope.nodes:
            target = _rmw_target(node)
            if target is not None and not inside_with(ctx.model, node, function):
                what = shared_state(ctx, scope, target, is_method)
                if what is not None:
                    assert isinstance(node, ast.stmt)
                    yield node, what

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        plan = diagnostic.fix_data
        return wrap_in_lock(fctx, plan) if isinstance(plan, LockFix) else None


def _is_import(statement: cst.CSTNode) -> bool:
    import libcst as cst

    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def _defines_lock(module: cst.Module, statement: cst.CSTNode) -> bool:
    """`name = threading.Lock()` (or `RLock()`), as a line of its own."""
    import libcst as cst

    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    assign = statement.body[0]
    if not isinstance(assign, cst.Assign) or not isinstance(assign.value, cst.Call):
        return False
    called = module.code_for_node(assign.value.func)
    return called in ("threading.Lock", "threading.RLock", "Lock", "RLock")


def _is_docstring(statement: cst.CSTNode) -> bool:
    import libcst as cst

    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _rmw_target(node: ast.AST) -> Optional[ast.expr]:
    """The target of `x += ...` or `x = x <op> ...` (a read-modify-write), else None."""
    if isinstance(node, ast.AugAssign):
        return node.target
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.value, ast.BinOp)
    ):
        target = node.targets[0]
        if isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)):
            dumped = ast.dump(target, annotate_fields=False).replace("Store()", "Load()")
            for side in ast.walk(node.value):
                if ast.dump(side, annotate_fields=False) == dumped:
                    return target
                # counts[k] = counts.get(k, 0) + 1
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(side, ast.Call)
                    and isinstance(side.func, ast.Attribute)
                    and side.func.attr == "get"
                    and side.args
                    and ast.dump(side.func.value) == ast.dump(target.value)
                    and ast.dump(side.args[0]) == ast.dump(target.slice)
                ):
                    return target
    return None


def shared_state(
    ctx: CheckContext, scope: Scope, target: ast.expr, is_method: bool
) -> Optional[str]:
    """How to name the shared state `target` changes (module-level, `global`, `nonlocal`,
    closed-over, `self` when the threads share the object), or None: the task's own."""
    root = _root(target)
    if not isinstance(root, ast.Name):
        return None
    shown = f"`{ast.unparse(target)}`"
    if root.id == "self":
        return f"{shown} of the object" if is_method else None
    if root is not target and _class_parameter(scope) == root.id:
        return f"the class attribute {shown}"  # `cls._instance`: every thread shares the class
    if isinstance(target, ast.Name):
        if root.id in scope.global_names:
            return f"the global {shown}"
        if root.id in scope.nonlocal_names:
            return f"the enclosing function's {shown}"
        return None
    if root.id in scope.bound:
        return None  # a local object
    owner = ctx.model.names.lookup_scope(root.id, scope)
    if owner is None:
        return None
    if root.id in owner.classes and root.id not in owner.stores:
        return f"the class attribute {shown}"
    if owner.is_module:
        return f"the module-level {shown}"
    return f"the closed-over {shown}"


def lock_fix_plan(
    ctx: CheckContext,
    stmt: ast.stmt,
    state: Optional[str] = None,
    by_name: bool = True,
    count: int = 1,
) -> Optional[LockFix]:
    """How to hold a lock around `stmt` (and the `count - 1` statements after it): a
    module-level lock the file has (the one the statement already takes, one named after
    the `state` it guards when `by_name`, or the file's only lock), or a new one (named
    after `state` when it is given). A lock that the code under it takes again through a
    call is never chosen: a `threading.Lock` taken twice by one thread hangs it."""
    owner = parent(stmt)
    siblings = [s for s in getattr(owner, "body", []) if s.lineno == stmt.lineno]
    if len(siblings) != 1:
        return None  # shares its line with another statement
    location = ctx.source.start_of(stmt)
    found = containing_block(stmt)
    covered = found[0][found[1] : found[1] + count] if found else [stmt]
    locks = [lock for lock in module_locks(ctx) if not _taken_by_callees(ctx, covered, lock)]
    taken = [
        item.context_expr.id
        for node in ast.walk(stmt)
        if isinstance(node, (ast.With, ast.AsyncWith))
        for item in node.items
        if isinstance(item.context_expr, ast.Name) and item.context_expr.id in locks
    ]
    if taken:
        return LockFix(location, taken[0], False, count)
    base = state.strip("_").lower() if state else ""
    named = [name for name in locks if by_name and base and base in name.lower()]
    if named:
        return LockFix(location, named[0], False, count)
    if len(locks) == 1 and not state:
        return LockFix(location, locks[0], False, count)
    module = ctx.model.names.module_scope
    if not state and any("lock" in name.lower() for name in module.bound):
        return None  # a lock parlint does not know: let the author choose
    name = "lock"
    if state:
        base = state.rstrip("_")
        name = f"{base}_LOCK" if base.isupper() else f"{base}_lock"  # `PENDING` -> `PENDING_LOCK`
    lock = fresh_name(name, ctx.model.identifiers())
    return LockFix(location, lock, True, count)


def _taken_by_callees(ctx: CheckContext, statements: Sequence[ast.stmt], lock: str) -> bool:
    """Whether a function of this module that the statements call takes `lock` (`with lock:`
    or `lock.acquire()`), directly or through its own calls."""
    for stmt in statements:
        for node in ast.walk(stmt):
            if not isinstance(node, ast.Call):
                continue
            callee = ctx.effects.callee(node.func, node)
            if callee is None:
                continue
            for reached in walk(callee, False):
                if reached.target.analysis is ctx.effects and _takes(reached.target.function, lock):
                    return True
    return False


def _takes(function: FunctionNode, lock: str) -> bool:
    for node in own_nodes(function):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.context_expr, ast.Name) and item.context_expr.id == lock
            for item in node.items
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "acquire"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == lock
        ):
            return True
    return False


def module_locks(ctx: CheckContext) -> list[str]:
    """The module-level names that only ever hold a `threading.Lock()` or `RLock()`."""
    module = ctx.model.names.module_scope
    found = []
    for name in sorted(module.bound):
        qualified = module.qualified.get(name)
        if qualified is not None:
            continue  # an import or an alias: not a lock object
        values = ctx.model.assigned_values(module, name)
        if values and all(
            isinstance(v, ast.Call) and ctx.model.resolve(v.func, v) in LOCK_TYPES for v in values
        ):
            found.append(name)
    return found


def wrap_in_lock(fctx: FixContext, plan: LockFix, dissolve: bool = False) -> Optional[cst.Module]:
    """The module with the statement at `plan.statement` inside `with <lock>:`; `dissolve`:
    a `with <lock>:` inside the statement gives its body to the new one (the same
    `threading.Lock` taken twice by one thread would hang it)."""
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    found = fctx.find_statement(plan.statement)
    if found is None or found[1] != 0:
        return None
    line = found[0]
    if not isinstance(line, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return None
    module = fctx.module.visit(_wrap_range(line, plan.count, plan.lock, dissolve))
    if not plan.create:
        return module
    definition = cst.parse_statement(f"{plan.lock} = threading.Lock()\n")
    body = list(module.body)
    index = 0
    after_lock = False
    for position, statement in enumerate(body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            break  # new locks go with the module's other definitions, before any code
        if _is_import(statement) or (position == 0 and _is_docstring(statement)):
            index, after_lock = position + 1, False
        elif _defines_lock(module, statement):
            index, after_lock = position + 1, True
    blank = [cst.EmptyLine()] if index and not after_lock else []
    definition = definition.with_changes(leading_lines=blank)
    module = module.with_changes(body=[*body[:index], definition, *body[index:]])
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, "threading")
    return AddImportsVisitor(context).transform_module(module)


def _wrap_range(
    first: cst.BaseStatement, count: int, lock: str, dissolve: bool
) -> cst.CSTTransformer:
    """Puts `count` statements of a block (or the module), from `first` on, under one
    `with <lock>:`."""
    import libcst as cst

    def wrapped(original: Sequence[Any], updated: Sequence[Any]) -> Optional[list[Any]]:
        for index, statement in enumerate(original):
            if statement is first:
                taken = [
                    _dissolve(s, lock) if dissolve else s for s in updated[index : index + count]
                ]
                taken[0] = taken[0].with_changes(leading_lines=())  # they go on the `with`
                block = cst.With(
                    items=[cst.WithItem(cst.Name(lock))],
                    body=cst.IndentedBlock(body=taken),
                    leading_lines=getattr(first, "leading_lines", ()),
                )
                return [*updated[:index], block, *updated[index + count :]]
        return None

    class WrapRange(cst.CSTTransformer):
        def leave_IndentedBlock(
            self, original: cst.IndentedBlock, updated: cst.IndentedBlock
        ) -> cst.IndentedBlock:
            body = wrapped(original.body, updated.body)
            return updated if body is None else updated.with_changes(body=body)

        def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
            body = wrapped(original.body, updated.body)
            return updated if body is None else updated.with_changes(body=body)

    return WrapRange()


def _dissolve(statement: cst.BaseStatement, lock: str) -> cst.BaseStatement:
    """`statement` with its `with <lock>:` blocks replaced by their statements."""
    import libcst as cst

    class Dissolve(cst.CSTTransformer):
        def leave_With(
            self, original: cst.With, updated: cst.With
        ) -> Union[cst.BaseStatement, cst.FlattenSentinel[cst.BaseStatement]]:
            items = updated.items
            if (
                len(items) == 1
                and items[0].asname is None
                and isinstance(items[0].item, cst.Name)
                and items[0].item.value == lock
                and isinstance(updated.body, cst.IndentedBlock)
            ):
                return cst.FlattenSentinel(updated.body.body)
            return updated

    result = statement.visit(Dissolve())
    return result if isinstance(result, cst.BaseStatement) else statement


def _class_parameter(scope: Scope) -> Optional[str]:
    """The first parameter of a classmethod or `__new__`: the class itself."""
    node = scope.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.args.args:
        return None
    decorated = any(isinstance(d, ast.Name) and d.id == "classmethod" for d in node.decorator_list)
    if not decorated and node.name != "__new__":
        return None
    name = node.args.args[0].arg
    return None if name in scope.stores else name
