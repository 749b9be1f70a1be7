"""Process rules: PAR401 unpicklable-task, PAR403 too-many-process-workers."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from parlint.analysis.model import Handoff, Pool
from parlint.analysis.scopes import Scope, parent
from parlint.analysis.stdlib import CONTEXT_FACTORIES, PoolKind, WorkerKind
from parlint.fixes.to_processes import guard_plan, guard_tail, is_main_guard
from parlint.ftypes import Applicability, Diagnostic, Edit, Location, Related, Severity
from parlint.rules.base import CheckContext, Invalid, Rule, TextFix

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext
    from parlint.source import SourceText

# ProcessPoolExecutor refuses more workers than this on Windows (WaitForMultipleObjects).
WINDOWS_MAX_WORKERS = 61


class UnpicklableTask(Rule):
    """
    ## What it does
    Flags a task that cannot be pickled handed to a process: a `lambda`, a function defined
    inside another function, or a `functools.partial` of one, given to `multiprocessing.Process`,
    `ProcessPoolExecutor` or a `multiprocessing.Pool`. What goes to the child with the task is
    checked too: the values in `args=`/`kwargs=` of a `Process` and of `apply`/`apply_async`,
    and a process pool's `initializer` (by keyword or position) and `initargs`.

    ## Why is this bad?
    A process started with *spawn* or *forkserver* receives its task pickled, and pickle stores
    functions by their importable name: lambdas and nested functions have none, so the call
    fails with `PicklingError` (or `AttributeError: Can't pickle local object`). Spawn is the
    default on Windows and macOS, and forkserver on Linux from Python 3.14: code that happens to
    work with *fork* breaks there. Pools pickle every task whatever the start method. A
    `Process` made from an explicit `get_context("fork")` (or after
    `set_start_method("fork")`) never pickles its target and arguments, nor does a pool of
    forked workers its initializer: they are not reported, that code has chosen fork, and the
    platforms that have it.

    ## Example
    ```python
    from concurrent.futures import ProcessPoolExecutor

    def main(numbers):
        with ProcessPoolExecutor() as executor:
            return list(executor.map(lambda n: n * n, numbers))
    ```

    Use instead:
    ```python
    from concurrent.futures import ProcessPoolExecutor

    def square(n):
        return n * n

    def main(numbers):
        with ProcessPoolExecutor() as executor:
            return list(executor.map(square, numbers))
    ```

    ## Fix safety
    There is no fix: where the function should live is the author's choice.

    ## Options
    None.

    ## References
    - [pickle: What can be pickled and unpickled?](https://docs.python.org/3/library/pickle.html#what-can-be-pickled-and-unpickled)
    - [multiprocessing: Contexts and start methods](https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods)
    """

    code = "PAR401"
    name = "unpicklable-task"
    family = "processes"
    severity = Severity.ERROR
    message = "The task cannot be pickled for another process"

    valid = (
        """
from multiprocessing import Pool

def square(n):
    return n * n

def main(numbers):
    with Pool() as pool:
        return pool.map(square, numbers)
""",
        """
from concurrent.futures import ThreadPoolExecutor

def main(numbers):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(lambda n: n * n, numbers))
""",
    )
    invalid = (
        Invalid(
            """
from multiprocessing import Process

def main():
    def work():
        print("hello")

    p = Process(target=work)
    p.start()
    p.join()
"""
        ),
        Invalid(
            """
import logging
from multiprocessing import Pool

def square(n):
    return n * n

def main(numbers):
    with Pool(initializer=lambda: logging.basicConfig(level=logging.INFO)) as pool:
        return pool.map(square, numbers)
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        for handoff in ctx.model.handoffs:
            if handoff.on_threads is not False:
                continue
            if handoff.worker is not None and not handoff.worker.starts:
                continue  # a Process pickles its target when started; this one never is
            destination = handoff.description
            found = [(handoff.task, self._unpicklable(ctx, handoff.task))] if handoff.task else []
            found += [(v, self._unpicklable(ctx, v)) for v in handoff.child_values]
            # A forked Process inherits its target and arguments (a pool's tasks and their
            # arguments travel through a queue, pickled, whatever the start method).
            for value, what in found:
                if what is None or _forked_process(ctx, handoff):
                    continue
                if value is handoff.task:
                    message = (
                        f"{what} cannot be pickled, so `{destination}` fails under the spawn "
                        "and forkserver start methods (Windows, macOS, Linux from 3.14); define "
                        "the task at module level"
                    )
                else:
                    message = (
                        f"{what} in the task's arguments cannot be pickled, so `{destination}` "
                        "fails under the spawn and forkserver start methods; pass a function "
                        "defined at module level"
                    )
                yield self.report(ctx, value, message)
        for pool in ctx.model.pools:
            if pool.kind not in (PoolKind.PROCESS_POOL, PoolKind.PROCESS_EXECUTOR):
                continue
            for value in pool.child_values:
                what = self._unpicklable(ctx, value)
                if what is None or _forked_pool(ctx, pool):
                    continue
                message = (
                    f"{what} cannot be pickled, so this pool's workers fail to start under "
                    "the spawn and forkserver start methods (Windows, macOS, Linux from "
                    "3.14); its initializer and `initargs` go to every worker process"
                )
                yield self.report(ctx, value, message)

    @staticmethod
    def _unpicklable(ctx: CheckContext, task: ast.expr) -> Optional[str]:
        if isinstance(task, ast.Lambda):
            return "A lambda"
        if (
            isinstance(task, ast.Call)
            and ctx.model.resolve(task.func, task) == "functools.partial"
            and task.args
        ):
            inner = UnpicklableTask._unpicklable(ctx, task.args[0])
            return f"{inner} wrapped in partial()" if inner else None
        if isinstance(task, ast.Name):
            function = ctx.model.function_named(task, task)
            if function is None:
                return None
            owner = ctx.model.names.enclosing_scope(function)
            if owner.is_function:
                return f"The nested function `{function.name}()`"
        return None


def _forked_process(ctx: CheckContext, handoff: Handoff) -> bool:
    """A `Process` made from an explicit `get_context("fork")`, or in a module that calls
    `set_start_method("fork")`: it never pickles its target. (Pools and executors pickle
    every task, forked or not.)"""
    if handoff.worker is None:
        return False
    return _forked_constructor(ctx, handoff.worker.call)


def _forked_pool(ctx: CheckContext, pool: Pool) -> bool:
    """A pool whose worker processes are forked (`get_context("fork").Pool(...)`,
    `mp_context=`/`context=` a fork context, `set_start_method("fork")`): they inherit the
    initializer instead of receiving it pickled."""
    context = next(
        (k.value for k in pool.call.keywords if k.arg in ("mp_context", "context")), None
    )
    if context is not None and _is_fork_context(ctx, context):
        return True
    return _forked_constructor(ctx, pool.call)


def _forked_constructor(ctx: CheckContext, call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and _is_fork_context(ctx, func.value):
        return True
    return any(_fork_call(ctx, node, START_METHOD_SETTERS) for node in ast.walk(ctx.tree))


def _is_fork_context(ctx: CheckContext, expr: ast.expr) -> bool:
    """`get_context("fork")`, a variable assigned only that, or `self.ctx` likewise."""
    values: list[ast.AST] = [expr]
    if isinstance(expr, ast.Name):
        only = _only_value(ctx, expr)
        values = [only] if only is not None else []
    elif isinstance(expr, ast.Attribute):
        values = list(ctx.model.attribute_values(expr) or ())
    return bool(values) and all(_fork_call(ctx, v, CONTEXT_FACTORIES) for v in values)


START_METHOD_SETTERS = frozenset(
    {"multiprocessing.set_start_method", "multiprocessing.context.set_start_method"}
)


def _fork_call(ctx: CheckContext, node: ast.AST, callees: frozenset[str]) -> bool:
    return (
        isinstance(node, ast.Call)
        and ctx.model.resolve(node.func, node) in callees
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "fork"
    )


def _only_value(ctx: CheckContext, name: ast.Name) -> Optional[ast.AST]:
    """The value of the one assignment to `name` in its scope, else None."""
    scope = ctx.model.names.lookup_scope(name.id, ctx.model.names.enclosing_scope(name))
    if scope is None:
        return None
    values = [
        parent(node)
        for node in scope.nodes
        if isinstance(node, ast.Name) and node.id == name.id and isinstance(node.ctx, ast.Store)
    ]
    if len(values) != 1 or not isinstance(values[0], ast.Assign):
        return None
    assign = values[0]
    return assign.value if len(assign.targets) == 1 else None


# Calls that give the machine's CPU count; the first two may return None.
CPU_COUNTS_MAYBE_NONE = frozenset({"os.cpu_count", "os.process_cpu_count"})
CPU_COUNTS = CPU_COUNTS_MAYBE_NONE | {"multiprocessing.cpu_count"}
# Calls whose result is at least as large as one of their arguments (or one of them).
_PASS_THROUGH = frozenset({"max", "int", "round", "abs", "math.ceil", "math.floor"})
# What says code runs only on some platforms: not judged.
_PLATFORM_WORDS = ("sys.platform", "os.name", "platform.system")
# How deep a count is followed through variables.
_MAX_DEPTH = 4


@dataclass(frozen=True)
class _CapFix:
    """`min(<count>, 61)` around the `max_workers` argument (`<count> or 1` when the count
    may be None, which `min` would not take)."""

    start: Location
    end: Location
    may_be_none: bool


class TooManyProcessWorkers(Rule):
    """
    ## What it does
    Flags a `ProcessPoolExecutor` whose `max_workers` can exceed 61: a constant above 61, or a
    count taken from the machine's CPU count (`os.cpu_count()`, `multiprocessing.cpu_count()`,
    `os.process_cpu_count()`, `len(os.sched_getaffinity(0))`, and arithmetic, `max()`,
    `int()` of them, also through variables) that no `min(..., 61)` (or a smaller constant)
    caps. `min(len(files), os.cpu_count())` is flagged: it exceeds 61 with 62 files on a large
    machine. Code that checks `sys.platform`, `os.name` or `platform.system()` on its way is
    not judged; `ProcessPoolExecutor()` caps its default itself.

    ## Why is this bad?
    On Windows, `ProcessPoolExecutor` raises `ValueError: max_workers must be <= 61`: the
    program works on Linux and macOS and on every Windows machine with up to 61 logical CPUs,
    then fails on a large workstation or server. Real projects shipped exactly this and had to
    cap the count after users' machines crashed.

    ## Example
    ```python
    import os
    from concurrent.futures import ProcessPoolExecutor

    def main(jobs, work):
        with ProcessPoolExecutor(max_workers=os.cpu_count()) as executor:
            return list(executor.map(work, jobs))
    ```

    Use instead:
    ```python
    import os
    from concurrent.futures import ProcessPoolExecutor

    def main(jobs, work):
        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 61)) as executor:
            return list(executor.map(work, jobs))
    ```

    ## Fix safety
    For a count taken from the CPU count the fix wraps it in `min(..., 61)` (with `or 1`
    when it may be None, which `os.cpu_count()` returns when the count cannot be known). It is
    unsafe: on machines with more than 61 CPUs fewer processes run, and where the count is
    unknown one process runs instead of the default. A constant above 61 has no fix: the right
    number is the author's choice.

    ## Options
    None.

    ## References
    - [ProcessPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.ProcessPoolExecutor)
    - [os.cpu_count](https://docs.python.org/3/library/os.html#os.cpu_count)
    """

    code = "PAR403"
    name = "too-many-process-workers"
    family = "processes"
    severity = Severity.WARNING
    message = "More than 61 process workers fails on Windows"
    fix_title = "Cap the count with `min(..., 61)`"
    fix_applicability = Applicability.UNSAFE

    valid = (
        """
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

def main(work, jobs, n):
    with ProcessPoolExecutor(max_workers=n) as a, ThreadPoolExecutor(max_workers=128) as b:
        return list(a.map(work, jobs)), list(b.map(work, jobs))
""",
        """
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

def capped(work, jobs):
    workers = max(2, min(32, os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(work, jobs))

def posix_only(work, jobs):
    if sys.platform == "win32":
        return [work(job) for job in jobs]
    with ProcessPoolExecutor(os.cpu_count()) as executor:
        return list(executor.map(work, jobs))

def threads(work, jobs):
    with ThreadPoolExecutor(max_workers=os.cpu_count() * 5) as executor:
        return list(executor.map(work, jobs))
""",
    )
    invalid = (
        Invalid(
            """
import concurrent.futures as cf

def main(work, jobs):
    with cf.ProcessPoolExecutor(100) as executor:
        return list(executor.map(work, jobs))
"""
        ),
        Invalid(
            """
import os
from concurrent.futures import ProcessPoolExecutor

def main(work, jobs):
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as executor:
        return list(executor.map(work, jobs))
""",
            fixed="""
import os
from concurrent.futures import ProcessPoolExecutor

def main(work, jobs):
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 61)) as executor:
        return list(executor.map(work, jobs))
""",
        ),
        Invalid(
            """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def convert(files, work):
    workers = min(len(files), multiprocessing.cpu_count())
    with ProcessPoolExecutor(workers) as executor:
        return list(executor.map(work, files))
""",
            fixed="""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def convert(files, work):
    workers = min(len(files), multiprocessing.cpu_count())
    with ProcessPoolExecutor(min(workers, 61)) as executor:
        return list(executor.map(work, files))
""",
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        for pool in ctx.model.pools:
            if pool.kind is not PoolKind.PROCESS_EXECUTOR:
                continue
            value = next((k.value for k in pool.call.keywords if k.arg == "max_workers"), None)
            if value is None and pool.call.args:
                value = pool.call.args[0]
            if value is None:
                continue  # the default caps itself
            if isinstance(value, ast.Constant) and isinstance(value.value, int):
                if isinstance(value.value, bool) or value.value <= WINDOWS_MAX_WORKERS:
                    continue
                message = (
                    f"`max_workers={value.value}`: ProcessPoolExecutor raises ValueError on "
                    f"Windows above {WINDOWS_MAX_WORKERS} workers; leave the default (one per "
                    "CPU) or cap it"
                )
                yield self.report(ctx, pool.call, message)
                continue
            yield from self._cpu_count(ctx, pool, value)

    def _cpu_count(self, ctx: CheckContext, pool: Pool, value: ast.expr) -> Iterator[Diagnostic]:
        if _platform_aware(ctx, pool.call):
            return
        scope = ctx.model.names.enclosing_scope(pool.call)
        found = _uncapped_count(ctx, value, scope, 0)
        if found is None:
            return
        count, may_be_none = found
        shown = ctx.source.segment(value)
        related: tuple[Related, ...] = ()
        if count is not value and not _inside(count, value):
            related = (self.related(ctx, count, "the CPU count it comes from"),)
        message = (
            f"`max_workers={shown}` follows the CPU count with no cap: on a Windows machine "
            f"with more than {WINDOWS_MAX_WORKERS} logical CPUs ProcessPoolExecutor raises "
            f"ValueError; cap it with `min(..., {WINDOWS_MAX_WORKERS})`"
        )
        start, end = ctx.span(value)
        none = may_be_none and (count is value or isinstance(value, ast.Name))
        yield self.report(
            ctx, pool.call, message, related=related, fixable=True,
            fix_data=_CapFix(start, end, none),
        )  # fmt: skip

    def fix_text(self, source: SourceText, diagnostic: Diagnostic) -> Optional[TextFix]:
        from parlint.fixes.imports import ImportChanges

        plan = diagnostic.fix_data
        if not isinstance(plan, _CapFix):
            return None
        tail = f"{' or 1' if plan.may_be_none else ''}, {WINDOWS_MAX_WORKERS})"
        return (
            Edit("min(", plan.start, plan.start),
            Edit(tail, plan.end, plan.end),
        ), ImportChanges()

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        plan = diagnostic.fix_data
        if not isinstance(plan, _CapFix):
            return None
        node = fctx.find(cst.BaseExpression, plan.start, plan.end)  # type: ignore[type-abstract]
        if node is None:
            return None
        count: cst.BaseExpression = node
        if plan.may_be_none:
            count = cst.BooleanOperation(count, cst.Or(), cst.Integer("1"))
        capped = cst.Call(
            cst.Name("min"), [cst.Arg(count), cst.Arg(cst.Integer(str(WINDOWS_MAX_WORKERS)))]
        )
        return fctx.module.deep_replace(node, capped)  # type: ignore[return-value]


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    return any(child is node for child in ast.walk(outer))


def _platform_aware(ctx: CheckContext, call: ast.Call) -> bool:
    """Whether the function (or module) around the pool mentions the platform."""
    owner: Optional[ast.AST] = call
    while owner is not None and not isinstance(
        owner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)
    ):
        owner = parent(owner)
    text = ctx.source.segment(owner) if owner is not None and not isinstance(
        owner, ast.Module
    ) else ctx.source.text  # fmt: skip
    return any(word in text for word in _PLATFORM_WORDS)


def _uncapped_count(
    ctx: CheckContext, expr: ast.expr, scope: Scope, depth: int
) -> Optional[tuple[ast.expr, bool]]:
    """The CPU-count call `expr` follows with nothing capping it at 61 or less, and whether
    `expr` itself may be None; None when it does not follow the CPU count or is capped."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Call):
        name = _callee(ctx, expr)
        if name in CPU_COUNTS:
            return expr, name in CPU_COUNTS_MAYBE_NONE
        if name == "len" and len(expr.args) == 1 and isinstance(expr.args[0], ast.Call):
            if _callee(ctx, expr.args[0]) == "os.sched_getaffinity":
                return expr, False
            return None
        if name == "min":
            if any(_small_constant(arg) for arg in expr.args):
                return None
            return _first(ctx, expr.args, scope, depth)
        if name in _PASS_THROUGH:
            return _first(ctx, expr.args, scope, depth)
        return None
    if isinstance(expr, ast.BinOp):
        found = _first(ctx, [expr.left, expr.right], scope, depth)
        return (found[0], False) if found else None
    if isinstance(expr, ast.BoolOp):
        found = _first(ctx, expr.values, scope, depth)
        return (found[0], False) if found else None
    if isinstance(expr, ast.IfExp):
        return _first(ctx, [expr.body, expr.orelse], scope, depth)
    if isinstance(expr, ast.Name):
        home = scope if expr.id in scope.bound else ctx.model.names.module_scope
        values = ctx.model.assigned_values(home, expr.id)
        if not values:
            return None
        return _first(ctx, values, home, depth + 1)
    return None


def _first(
    ctx: CheckContext, exprs: list[ast.expr], scope: Scope, depth: int
) -> Optional[tuple[ast.expr, bool]]:
    for expr in exprs:
        found = _uncapped_count(ctx, expr, scope, depth)
        if found is not None:
            return found
    return None


def _callee(ctx: CheckContext, call: ast.Call) -> Optional[str]:
    name = ctx.model.resolve(call.func, call)
    if name is not None and name.startswith("builtins."):
        return name.removeprefix("builtins.")
    return name


def _small_constant(expr: ast.expr) -> bool:
    return (
        isinstance(expr, ast.Constant)
        and isinstance(expr.value, int)
        and not isinstance(expr.value, bool)
        and expr.value <= WINDOWS_MAX_WORKERS
    )


class MissingMainGuard(Rule):
    """
    ## What it does
    Flags a process or process pool created when the module is imported: at module level
    outside `if __name__ == "__main__":`, or inside a function that module-level code calls
    (a bare `main()` at the end of a script).

    ## Why is this bad?
    Under the *spawn* and *forkserver* start methods (the default on Windows and macOS, and on
    Linux from Python 3.14) every child process imports the main module again. Unguarded
    module-level work then runs in each child: multiprocessing stops it with
    `RuntimeError: An attempt has been made to start a new process before the current process
    has finished its bootstrapping phase`, or the program starts processes recursively.

    ## Example
    ```python
    from multiprocessing import Pool

    def square(n):
        return n * n

    def main():
        with Pool() as pool:
            print(pool.map(square, range(10)))

    main()
    ```

    Use instead:
    ```python
    from multiprocessing import Pool

    def square(n):
        return n * n

    def main():
        with Pool() as pool:
            print(pool.map(square, range(10)))

    if __name__ == "__main__":
        main()
    ```

    ## Fix safety
    The fix moves the module-level statements at the end of the module that do work under
    `if __name__ == "__main__":`; imports, definitions and constant assignments stay where they
    are. It is unsafe: importing the module no longer runs them. It is offered only when that
    work is the tail of the module and binds no name that a function reads.

    ## Options
    None.

    ## References
    - [multiprocessing: Safe importing of main module](https://docs.python.org/3/library/multiprocessing.html#multiprocessing-safe-main-import)
    """

    code = "PAR402"
    name = "missing-main-guard"
    family = "processes"
    severity = Severity.ERROR
    message = "Processes are created when the module is imported"
    fix_title = 'Move the work under `if __name__ == "__main__":`'
    fix_applicability = Applicability.UNSAFE
    fix_needs_module = True

    valid = (
        """
from multiprocessing import Pool

def square(n):
    return n * n

def main():
    with Pool() as pool:
        print(pool.map(square, range(10)))

if __name__ == "__main__":
    main()
""",
    )
    invalid = (
        Invalid(
            """
from multiprocessing import Pool

def square(n):
    return n * n

def main():
    with Pool() as pool:
        print(pool.map(square, range(10)))

main()
""",
            fixed="""
from multiprocessing import Pool

def square(n):
    return n * n

def main():
    with Pool() as pool:
        print(pool.map(square, range(10)))

if __name__ == "__main__":
    main()
""",
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        model = ctx.model
        sites: list[ast.Call] = [w.call for w in model.workers if w.kind is WorkerKind.PROCESS]
        sites += [
            p.call
            for p in model.pools
            if p.kind in (PoolKind.PROCESS_EXECUTOR, PoolKind.PROCESS_POOL)
        ]
        if not sites:
            return
        reachable = self._import_time_functions(ctx)
        guard: Optional[int] = None
        plan_known = False
        for call in sorted(sites, key=lambda c: (c.lineno, c.col_offset)):
            if _under_main_guard(call):
                continue
            scope = model.names.enclosing_scope(call)
            related: tuple[Related, ...] = ()
            if scope.is_module:
                where = "at module level"
            else:
                function = _running_function(scope)
                if function is None or id(function) not in reachable:
                    continue
                caller = reachable[id(function)]
                where = (
                    f"in `{function.name}()`, which module-level code calls at line {caller.lineno}"
                )
                related = (self.related(ctx, caller, "called when the module is imported"),)
            if not plan_known:
                planned = guard_plan(model)
                guard = (
                    planned if isinstance(planned, int) and not isinstance(planned, bool) else None
                )
                plan_known = True
            message = (
                f"This creates a process {where}: under spawn/forkserver every child imports the "
                'module again and runs it; move that work under `if __name__ == "__main__":`'
            )
            yield self.report(
                ctx, call, message, related=related, fixable=guard is not None, fix_data=guard
            )

    @staticmethod
    def _import_time_functions(ctx: CheckContext) -> dict[int, ast.Call]:
        """Module functions that run at import time -> the module-level call that runs them."""
        model = ctx.model
        found: dict[int, ast.Call] = {}
        queue: list[tuple[ast.AST, ast.Call]] = []
        for node in model.names.module_scope.nodes:
            if isinstance(node, ast.Call) and not _under_main_guard(node):
                function = model.function_named(node.func, node)
                if function is not None and id(function) not in found:
                    found[id(function)] = node
                    queue.append((function, node))
        while queue:
            function, origin = queue.pop()
            for node in model.names.scope_of_node(function).nodes:  # type: ignore[arg-type]
                if isinstance(node, ast.Call):
                    callee = model.function_named(node.func, node)
                    if callee is not None and id(callee) not in found:
                        found[id(callee)] = origin
                        queue.append((callee, origin))
        return found

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        if not isinstance(diagnostic.fix_data, int):
            return None
        return guard_tail(fctx, fctx.module, diagnostic.fix_data)


def _under_main_guard(node: ast.AST) -> bool:
    from parlint.analysis.scopes import parent

    child, current = node, parent(node)
    while current is not None:
        if isinstance(current, ast.If) and is_main_guard(current.test) and child in current.body:
            return True
        child, current = current, parent(current)
    return False


def _running_function(scope: Scope) -> Optional[Union[ast.FunctionDef, ast.AsyncFunctionDef]]:
    """The function whose call runs code of `scope` (comprehensions run inline). Only that
    function, not one around it: `hard_timeout(5)` at module level runs the factory, while the
    wrapper it returns, which creates the process, runs only when the decorated function is
    called."""
    current: Optional[Scope] = scope
    while current is not None and not current.is_module:
        if isinstance(current.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return current.node
        if isinstance(current.node, (ast.Lambda, ast.ClassDef)):
            return None
        current = current.parent
    return None
