"""Pool rules: PAR302 lost-task-exception."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from parlint.analysis.model import Handoff, HandoffApi, Pool
from parlint.analysis.results import Fate, result_uses
from parlint.analysis.scopes import parent
from parlint.analysis.stdlib import PoolKind
from parlint.analysis.task_effects import waited_for_at_once
from parlint.ftypes import Applicability, Diagnostic, Location, Severity
from parlint.rules.base import CheckContext, Invalid, Rule

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext

# Pool methods whose result carries the task's exception (Pool.map itself raises at once).
_DEFERRED_POOL_METHODS = frozenset(
    {"apply_async", "map_async", "starmap_async", "imap", "imap_unordered"}
)
_ELEMENT_OF = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


class LostTaskException(Rule):
    """
    ## What it does
    Flags a task whose outcome nobody reads: the future of `executor.submit(...)` or of
    `loop.run_in_executor(...)`, or the result of `pool.apply_async(...)` / `map_async` /
    `imap`, thrown away or kept in a variable that is never read for it; `executor.map(...)`
    never iterated. A variable that is only printed, logged, counted with `len()`, formatted
    or compared is not read. Not reported: a pool call with an `error_callback=`, which
    receives the exception, and a task whose whole body is a `try` that catches `Exception`
    or `BaseException` and does not raise again (it stores or logs its own error).

    ## Why is this bad?
    An exception raised by a task is stored in its future (or result object) and raised only
    when someone asks for the result. Nobody does here: the task can fail and the program
    goes on as if it had worked, with no traceback anywhere.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def upload(path):
        print("uploading", path)

    def main(paths):
        with ThreadPoolExecutor() as executor:
            executor.map(upload, paths)
    ```

    Use instead:
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def upload(path):
        print("uploading", path)

    def main(paths):
        with ThreadPoolExecutor() as executor:
            list(executor.map(upload, paths))
    ```

    ## Fix safety
    For `executor.map(...)` the fix consumes the results with `list(...)`. It is unsafe: the
    statement now waits for every task and raises the first exception, where before it went
    on at once. It is not offered when the variable that keeps the iterator is printed or
    logged (that would show the list instead), nor in an `async def`, where waiting for the
    tasks would stall the event loop. There is no fix for a lost `submit()` or
    `apply_async()`: keep the future and call `result()` (or `concurrent.futures.wait`) where
    the outcome matters.

    ## Options
    None.

    ## References
    - [Executor.map](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.map)
    - [Future.result](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Future.result)
    """

    code = "PAR302"
    name = "lost-task-exception"
    family = "pools"
    severity = Severity.WARNING
    message = "The task's result, and its exception, are never read"
    fix_title = "Consume the results with `list(...)`"
    fix_applicability = Applicability.UNSAFE

    valid = (
        """
from concurrent.futures import ThreadPoolExecutor, as_completed

def work(n):
    return n

def main(items):
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(work, n) for n in items]
        for future in as_completed(futures):
            print(future.result())
        print(list(executor.map(work, items)))
""",
    )
    invalid = (
        Invalid(
            """
from concurrent.futures import ThreadPoolExecutor

def work(n):
    return n

def main(items):
    with ThreadPoolExecutor() as executor:
        executor.map(work, items)
""",
            fixed="""
from concurrent.futures import ThreadPoolExecutor

def work(n):
    return n

def main(items):
    with ThreadPoolExecutor() as executor:
        list(executor.map(work, items))
""",
        ),
        Invalid(
            """
from concurrent.futures import ThreadPoolExecutor

def work(n):
    return n

def main(items):
    with ThreadPoolExecutor() as executor:
        results = executor.map(work, items)
    return len(items)
""",
            fixed="""
from concurrent.futures import ThreadPoolExecutor

def work(n):
    return n

def main(items):
    with ThreadPoolExecutor() as executor:
        results = list(executor.map(work, items))
    return len(items)
""",
        ),
        Invalid(
            """
from multiprocessing.pool import ThreadPool

def work(n):
    return n

def main(items):
    with ThreadPool() as pool:
        for n in items:
            pool.apply_async(work, (n,))
        pool.close()
        pool.join()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        lost = [(h, what) for h in ctx.model.handoffs if (what := self._what(h)) is not None]
        uses = result_uses(ctx.model, (h for h, _ in lost))
        for handoff, what in lost:
            use = uses[id(handoff.call)]
            if use.fate is Fate.READ or ctx.effects.task_catches_everything(handoff):
                continue  # read, or a task that stores or logs its own errors: nothing is lost
            method = handoff.method or "submit"
            plural = isinstance(parent(handoff.call), _ELEMENT_OF)
            if plural:
                what = f"{what} of each `{method}()`"
            else:
                what = f"{what} of `{method}()`"
            if use.fate is Fate.DISCARDED:
                fate = "thrown away"
            else:
                fate = f"kept in `{use.name}` but never {self._read_verb(handoff)}"
            message = (
                f"{what} is {fate}: if the task raises, the exception is stored there and "
                "nobody ever sees it"
            )
            fixable = (
                handoff.api is HandoffApi.MAP
                and not plural
                # A variable that is printed or logged would show a list instead.
                and not use.mentioned
                # `list(...)` waits for every task: in a coroutine it stalls the event loop.
                and not isinstance(
                    ctx.model.names.enclosing_scope(handoff.call).node, ast.AsyncFunctionDef
                )
            )
            yield self.report(ctx, handoff.call, message, fixable=fixable)

    @staticmethod
    def _what(handoff: Handoff) -> Optional[str]:
        if handoff.api is HandoffApi.SUBMIT:
            return "The future"
        if handoff.api is HandoffApi.MAP:
            return "The result iterator"
        if handoff.api is HandoffApi.RUN_IN_EXECUTOR:
            return "The future"
        if handoff.api is HandoffApi.POOL and handoff.method in _DEFERRED_POOL_METHODS:
            if any(k.arg == "error_callback" for k in handoff.call.keywords):
                return None  # the pool hands the exception to that callback
            return "The result"
        return None

    @staticmethod
    def _read_verb(handoff: Handoff) -> str:
        if handoff.api is HandoffApi.MAP or handoff.method in ("imap", "imap_unordered"):
            return "iterated"
        if handoff.api is HandoffApi.RUN_IN_EXECUTOR:
            return "awaited"
        return "read"

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        call = fctx.find(cst.Call, diagnostic.location, diagnostic.end_location)
        if call is None:
            return None
        wrapped = cst.Call(func=cst.Name("list"), args=[cst.Arg(call)])
        return fctx.module.deep_replace(call, wrapped)  # type: ignore[return-value]


# Pool methods that return only when every task they were given is done.
_WAITING_POOL_METHODS = frozenset({"apply", "map", "starmap"})
# Calls that consume an iterator of results to its end (each result waits for its task).
_CONSUMERS = frozenset({"list", "tuple", "set", "sorted", "sum", "dict", "min", "max"})


def _shutdown_applicability(ctx: CheckContext, pool: Pool) -> Applicability:
    """Leaving the `with` block waits for every task given to the executor (a
    multiprocessing pool's `__exit__` terminates instead: nothing to wait for). That wait
    surely returns when each task is already waited for where it is handed off, or ends by
    itself; a task that may wait for code after the block (a service loop stopped later, a
    queue fed later) would make the fixed program hang, so that fix is only shown."""
    if pool.kind in (PoolKind.PROCESS_POOL, PoolKind.THREAD_POOL):
        return Applicability.UNSAFE
    for handoff in ctx.model.handoffs:
        if handoff.pool is not pool or _waited_where_handed(ctx, handoff):
            continue
        if not ctx.effects.task_ends_by_itself(handoff):
            return Applicability.DISPLAY_ONLY
    return Applicability.UNSAFE


def _waited_where_handed(ctx: CheckContext, handoff: Handoff) -> bool:
    """The statement itself waits for the tasks: `executor.submit(f).result()` and the other
    waits `waited_for_at_once` knows, `list(executor.map(f, xs))`, `for r in executor.map(...)`,
    `pool.map(f, xs)`."""
    if waited_for_at_once(handoff, ctx.model):
        return True
    if handoff.api is HandoffApi.POOL:
        return handoff.method in _WAITING_POOL_METHODS
    if handoff.api is not HandoffApi.MAP:
        return False
    call = handoff.call
    owner = parent(call)
    if isinstance(owner, (ast.For, ast.AsyncFor)) and owner.iter is call:
        return not any(isinstance(n, ast.Break) for n in ast.walk(owner))
    return (
        isinstance(owner, ast.Call)
        and isinstance(owner.func, ast.Name)
        and owner.func.id in _CONSUMERS
        and owner.args[:1] == [call]
    )


_SHUTDOWN_METHODS = frozenset({"shutdown", "close", "terminate", "__exit__"})
_TASK_METHODS = frozenset(
    {"submit", "map", "apply", "apply_async", "map_async", "imap", "imap_unordered", "starmap",
     "starmap_async"}
)  # fmt: skip


@dataclass(frozen=True)
class _WithFix:
    assignment: Location  # `name = Executor(...)`
    last: Location  # the last statement of the block that uses it
    name: str


class ExecutorNotShutdown(Rule):
    """
    ## What it does
    Flags a `ThreadPoolExecutor`, `ProcessPoolExecutor`, `InterpreterPoolExecutor`,
    `multiprocessing.Pool` or `ThreadPool` created in a function outside a `with` block and
    never shut down (`shutdown()`, or `close()`/`terminate()` for pools) there, when it does
    not escape the function (returned, stored, passed on, used by a nested function).

    An executor or pool kept on `self` belongs to its class: it is reported, at its
    constructor, when no method of the class shuts it down (`shutdown()`, `close()`,
    `terminate()`, `with self.pool:`), and nothing outside the class can reach it.

    ## Why is this bad?
    An executor that is never shut down keeps its worker threads or processes until the
    interpreter exits: each call of the function leaks a pool, and a process pool's workers
    can outlive their use. `with Executor() as executor:` shuts it down (waiting for the
    tasks) on every way out of the block.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def fetch_all(fetch, urls):
        executor = ThreadPoolExecutor(max_workers=8)
        return list(executor.map(fetch, urls))
    ```

    Use instead:
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def fetch_all(fetch, urls):
        with ThreadPoolExecutor(max_workers=8) as executor:
            return list(executor.map(fetch, urls))
    ```

    ## Fix safety
    The fix turns the assignment into a `with` block over the statements of the same block
    that use the executor. It is unsafe: leaving the block now waits for the submitted tasks.
    A wait must never make a working program hang, so the fix is applied (with
    `--unsafe-fixes`) only when every task is already waited for where it is handed off
    (`list(executor.map(...))`, `submit(...).result()`) or surely ends by itself (no `while`
    loop, no waiting call such as a queue's `get()` or an event's `wait()`, every call it makes
    known); otherwise it is display-only: shown in the editor and by `--diff`, never applied.
    It is offered only when every use is in those statements, and not in an `async def`,
    where that wait would stall the event loop. An executor kept on `self` has no fix: which
    method should shut it down is the author's choice.

    ## Options
    None.

    ## References
    - [Executor.shutdown](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.shutdown)
    """

    code = "PAR301"
    name = "executor-not-shutdown"
    family = "pools"
    severity = Severity.WARNING
    message = "An executor or pool is never shut down"
    fix_title = "Use it in a `with` block"
    fix_applicability = Applicability.UNSAFE

    valid = (
        """
from concurrent.futures import ThreadPoolExecutor

def run(work, items):
    executor = ThreadPoolExecutor()
    try:
        return list(executor.map(work, items))
    finally:
        executor.shutdown()

def make_pool():
    return ThreadPoolExecutor()
""",
        """
from concurrent.futures import ThreadPoolExecutor

class Uploader:
    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=4)

    def upload(self, send, paths):
        return [self._executor.submit(send, p) for p in paths]

    def close(self):
        self._executor.shutdown(wait=True)
""",
    )
    invalid = (
        Invalid(
            """
from concurrent.futures import ThreadPoolExecutor

def run(work, items):
    executor = ThreadPoolExecutor(max_workers=4)
    results = list(executor.map(work, items))
    print(len(results))
    return results
""",
            fixed="""
from concurrent.futures import ThreadPoolExecutor

def run(work, items):
    with ThreadPoolExecutor(max_workers=4) as executor:
        results = list(executor.map(work, items))
    print(len(results))
    return results
""",
        ),
        Invalid(
            """
from concurrent.futures import ThreadPoolExecutor

class Uploader:
    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=4)

    def upload(self, send, paths):
        return [self._executor.submit(send, p) for p in paths]
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        for pool in ctx.model.pools:
            home = pool.home
            if home is not None:
                if not pool.shutdowns and not pool.escapes and not home.escapes:
                    message = (
                        f"{home.label} is never shut down by {home.class_name}: its workers "
                        "stay alive as long as the object that holds it; shut it down in a "
                        "`close()` or `__exit__` method"
                    )
                    yield self.report(ctx, pool.call, message)
                continue
            if pool.in_with or not pool.scope.is_function or len(pool.names) != 1:
                continue
            (name,) = pool.names
            owner = parent(pool.call)
            if not (isinstance(owner, ast.Assign) and owner.value is pool.call):
                continue
            loads = [
                n for n in pool.scope.nodes
                if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
            ]  # fmt: skip
            stores = [
                n for n in pool.scope.nodes
                if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
            ]  # fmt: skip
            if len(stores) != 1 or name in pool.scope.global_names | pool.scope.nonlocal_names:
                continue
            if self._escapes_or_stops(ctx, pool.scope, name, loads):
                continue
            # Leaving a `with` block waits for the tasks: in a coroutine that stalls the loop.
            in_coroutine = isinstance(pool.scope.node, ast.AsyncFunctionDef)
            plan = None if in_coroutine else self._plan_fix(ctx, owner, name, loads)
            constructor = pool.call
            assert isinstance(constructor, ast.Call)
            message = (
                f"`{name}` is never shut down in {pool.scope.display_name}: its workers stay "
                f"alive after the function returns; use `with {ast.unparse(constructor.func)}(...) "
                f"as {name}:`"
            )
            applicability = None if plan is None else _shutdown_applicability(ctx, pool)
            yield self.report(
                ctx,
                pool.call,
                message,
                fixable=plan is not None,
                fix_data=plan,
                applicability=applicability,
            )

    @staticmethod
    def _escapes_or_stops(
        ctx: CheckContext, scope: object, name: str, loads: list[ast.Name]
    ) -> bool:
        for load in loads:
            owner = parent(load)
            if isinstance(owner, ast.Attribute) and owner.value is load:
                if owner.attr in _SHUTDOWN_METHODS:
                    return True
                if owner.attr in _TASK_METHODS or owner.attr in ("join", "_max_workers"):
                    continue
                return True  # another method: parlint does not know what it does
            return True  # returned, passed on, stored, compared ...: not this rule's business
        # A nested function or class that reads it: escapes.
        for child in getattr(scope, "children", []):
            stack = [child]
            while stack:
                current = stack.pop()
                stack.extend(current.children)
                if any(isinstance(n, ast.Name) and n.id == name for n in current.nodes):
                    return True
        return False

    @staticmethod
    def _plan_fix(
        ctx: CheckContext, assignment: ast.Assign, name: str, loads: list[ast.Name]
    ) -> Optional[_WithFix]:
        from parlint.analysis.scopes import containing_block

        found = containing_block(assignment)
        if found is None or len(assignment.targets) != 1:
            return None
        block, index = found
        rest = block[index + 1 :]
        last = None
        for position, stmt in enumerate(rest):
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt)):
                last = position
        if last is None:
            return None
        covered = rest[: last + 1]
        inside = {id(n) for stmt in covered for n in ast.walk(stmt)}
        if any(id(load) not in inside for load in loads):
            return None
        # A `return`/`break`/`continue` or a name binding inside the moved statements stays
        # correct inside a with block; a def/class would change nothing either.
        start = ctx.source.start_of(assignment)
        end_stmt = covered[-1]
        end = ctx.source.start_of(end_stmt)
        return _WithFix(start, end, name)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        plan = diagnostic.fix_data
        if not isinstance(plan, _WithFix):
            return None
        assignment = fctx.find(cst.SimpleStatementLine, plan.assignment)
        last = fctx.find(cst.SimpleStatementLine, plan.last) or fctx.find(
            cst.BaseCompoundStatement,  # type: ignore[type-abstract]
            plan.last,
        )
        if assignment is None or last is None or len(assignment.body) != 1:
            return None
        assign = assignment.body[0]
        if not isinstance(assign, cst.Assign):
            return None
        constructor: cst.BaseExpression = assign.value
        leading = assignment.leading_lines
        trailing = assignment.trailing_whitespace
        anchor: cst.CSTNode = assignment

        class Wrap(cst.CSTTransformer):
            done = False

            def _rewrite(self, body: list[cst.BaseStatement]) -> Optional[list[cst.BaseStatement]]:
                ids = [id(s) for s in body]
                if id(anchor) not in ids or id(last) not in ids:
                    return None
                first, final = ids.index(id(anchor)), ids.index(id(last))
                moved = list(body[first + 1 : final + 1])
                block = cst.With(
                    items=[
                        cst.WithItem(
                            constructor,
                            asname=cst.AsName(cst.Name(plan.name)),
                        )
                    ],
                    # A comment after the assignment stays on the line that replaces it.
                    body=cst.IndentedBlock(body=moved, header=trailing),
                    leading_lines=leading,
                )
                self.done = True
                return [*body[:first], block, *body[final + 1 :]]

            def leave_IndentedBlock(
                self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
            ) -> cst.IndentedBlock:
                new = self._rewrite(list(original_node.body))
                return updated_node if new is None else updated_node.with_changes(body=new)

        transformer = Wrap()
        module = fctx.module.visit(transformer)
        return module if transformer.done else None
