"""Shared-state rules: PAR601 unsynchronized-shared-state."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from parlint.analysis.scopes import Scope, fresh_name, parent
from parlint.analysis.task_effects import FunctionNode, function_by_qualname, runs_concurrently
from parlint.ftypes import Applicability, Diagnostic, Location, Related, Severity
from parlint.rules.base import CheckContext, Invalid, Rule

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext

LOCK_TYPES = frozenset({"threading.Lock", "threading.RLock"})
MAX_CALLEE_DEPTH = 2


@dataclass(frozen=True)
class _LockFix:
    statement: Location
    lock: str  # the lock's name
    create: bool  # define `lock = threading.Lock()` at module level


def _root(expr: ast.AST) -> ast.AST:
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return expr


class UnsynchronizedSharedState(Rule):
    """
    ## What it does
    Flags a read-modify-write (`x += 1`, `x = x + 1`, `counts[key] += 1`, `self.total += n`)
    of shared state (module-level or `global`, `nonlocal` or closed-over variables, `self`)
    inside a task that runs on two or more threads at once, outside a `with` block (where a
    lock would be held) and in a function that takes no lock by hand (`acquire()`).

    ## Why is this bad?
    `x += 1` is a read, an addition and a write: two threads can read the same value and one
    update is lost. The GIL does not prevent this; it only makes the window small, so the bug
    shows up rarely and under load. Hold a `threading.Lock` around the update (or give each
    task its own result and combine them afterwards).

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
    `RLock` the file already has, or creating one (`lock = threading.Lock()` after the
    imports). It is unsafe: the statement now waits for the lock, and a lock that other code
    also holds can deadlock or slow the program. Appending to a list, `queue.Queue`
    operations and other single atomic calls are not reported.

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
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        seen: set[int] = set()
        for function, shares_self, start in self._concurrent_tasks(ctx):
            for stmt, what in self._updates(ctx, function, shares_self, 0, set()):
                if id(stmt) in seen:
                    continue
                seen.add(id(stmt))
                task = getattr(function, "name", "the task")
                text = ctx.source.segment(stmt)
                message = (
                    f"`{text}` reads and writes {what}, shared by the threads that run "
                    f"`{task}()` at once; without a lock, concurrent updates are lost"
                )
                plan = self._plan_fix(ctx, stmt)
                yield self.report(
                    ctx,
                    stmt,
                    message,
                    related=(start,),
                    fixable=plan is not None,
                    fix_data=plan,
                    fix_title=f"Hold `{plan.lock}` around the update" if plan else None,
                )

    def _concurrent_tasks(self, ctx: CheckContext) -> Iterator[tuple[FunctionNode, bool, Related]]:
        """(function of this module, whether its threads share `self`, where they start) for
        every task that runs on several threads at once: handed off here or in another
        module of the project."""
        for handoff in ctx.model.handoffs:
            if handoff.on_threads is not True or not runs_concurrently(handoff, ctx.model):
                continue
            function = ctx.effects.task_function(handoff)
            if function is None:
                continue
            # `executor.map(self.method, ...)`: every thread shares `self`. The `run()` of a
            # Thread subclass is not: each thread is its own `self`.
            bound_method = (
                isinstance(handoff.task, ast.Attribute)
                and isinstance(handoff.task.value, ast.Name)
                and handoff.task.value.id == "self"
            )
            yield function, bound_method, self.related(ctx, handoff.call, "the threads start here")
        if ctx.project is None or ctx.module is None:
            return
        for task in ctx.project.incoming(ctx.module, self.settings):
            if task.on_threads is not True or not task.concurrent:
                continue
            function = function_by_qualname(ctx.model, task.function)
            if function is not None:
                start = Related(
                    "the threads start here", task.location, task.end_location, task.filename
                )
                yield function, task.shares_self, start

    def _updates(
        self, ctx: CheckContext, function: FunctionNode, is_method: bool, depth: int, seen: set[int]
    ) -> Iterator[tuple[ast.stmt, str]]:
        if id(function) in seen or depth > MAX_CALLEE_DEPTH:
            return
        seen.add(id(function))
        scope = ctx.model.names.scope_of_node(function)
        if any(
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "acquire"
            for n in scope.nodes
        ):
            return  # a lock taken by hand: parlint does not follow its paths
        for node in scope.nodes:
            target = _rmw_target(node)
            if target is not None and not _inside_with(ctx, node, function):
                what = self._shared(ctx, scope, target, is_method)
                if what is not None:
                    assert isinstance(node, ast.stmt)
                    yield node, what
            if isinstance(node, ast.Call) and not _inside_with(ctx, node, function):
                # A helper called under `with lock:` runs with the lock held.
                callee = ctx.model.function_named(node.func, node)
                if callee is not None:
                    method = is_method and isinstance(node.func, ast.Attribute)
                    yield from self._updates(ctx, callee, method, depth + 1, seen)

    @staticmethod
    def _shared(
        ctx: CheckContext, scope: Scope, target: ast.expr, is_method: bool
    ) -> Optional[str]:
        root = _root(target)
        if not isinstance(root, ast.Name):
            return None
        shown = f"`{ast.unparse(target)}`"
        if root.id == "self":
            return f"{shown} of the object" if is_method else None
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
        if owner.is_module:
            return f"the module-level {shown}"
        return f"the closed-over {shown}"

    @staticmethod
    def _plan_fix(ctx: CheckContext, stmt: ast.stmt) -> Optional[_LockFix]:
        owner = parent(stmt)
        siblings = [s for s in getattr(owner, "body", []) if s.lineno == stmt.lineno]
        if len(siblings) != 1:
            return None  # shares its line with another statement
        module = ctx.model.names.module_scope
        for name, qual in module.qualified.items():
            if qual in LOCK_TYPES and name not in module.untrusted:
                location = ctx.source.start_of(stmt)
                return _LockFix(location, name, False)
        for name in sorted(module.bound):
            if "lock" in name.lower():
                return None  # a lock of another kind exists: let the author choose
        lock = fresh_name("lock", ctx.model.identifiers())
        return _LockFix(ctx.source.start_of(stmt), lock, True)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor

        from parlint.fixes.cst import BlockInserter

        plan = diagnostic.fix_data
        if not isinstance(plan, _LockFix):
            return None
        line = fctx.find(cst.SimpleStatementLine, plan.statement)
        if line is None:
            return None
        wrapped = cst.With(
            items=[cst.WithItem(cst.Name(plan.lock))],
            body=cst.IndentedBlock(body=[line.with_changes(leading_lines=())]),
            leading_lines=line.leading_lines,
        )
        module = fctx.module.visit(BlockInserter(line, replace_with=wrapped))
        if not plan.create:
            return module
        definition = cst.parse_statement(f"{plan.lock} = threading.Lock()\n")
        body = list(module.body)
        index = 0
        for position, statement in enumerate(body):
            if _is_import(statement) or (position == 0 and _is_docstring(statement)):
                index = position + 1
        definition = definition.with_changes(leading_lines=[cst.EmptyLine()] if index else [])
        module = module.with_changes(body=[*body[:index], definition, *body[index:]])
        context = CodemodContext()
        AddImportsVisitor.add_needed_import(context, "threading")
        return AddImportsVisitor(context).transform_module(module)


def _is_import(statement: cst.CSTNode) -> bool:
    import libcst as cst

    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


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


def _inside_with(ctx: CheckContext, node: ast.AST, stop: ast.AST) -> bool:
    """Whether `node` runs inside a `with` block that may hold a lock."""
    current: Union[ast.AST, None] = parent(node)
    while current is not None and current is not stop:
        if isinstance(current, (ast.With, ast.AsyncWith)) and any(
            _may_hold_a_lock(ctx, item.context_expr) for item in current.items
        ):
            return True
        current = parent(current)
    return False


def _may_hold_a_lock(ctx: CheckContext, expr: ast.expr) -> bool:
    """A `with` item may hold a lock unless it makes a new object parlint knows: a fresh
    `threading.Lock()` protects nothing (each thread takes its own), a file is no lock."""
    if not isinstance(expr, ast.Call):
        return True
    made = ctx.model.resolve(expr.func, expr)
    return made not in _NOT_SHARED_LOCKS


_NOT_SHARED_LOCKS = frozenset(
    {"threading.Lock", "threading.RLock", "threading.Semaphore", "threading.BoundedSemaphore",
     "threading.Condition", "multiprocessing.Lock", "multiprocessing.RLock", "builtins.open",
     "io.open", "socket.socket", "socket.create_connection", "urllib.request.urlopen",
     "tempfile.TemporaryFile", "tempfile.NamedTemporaryFile", "tempfile.TemporaryDirectory"}
)  # fmt: skip
