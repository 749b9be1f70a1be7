"""The free-threading family (PAR7xx): code that relies on running alone, found where it runs on
threads. Off in the default selection: on with `free-threaded = true` or `--select PAR7`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Optional, Union

from parlint.analysis.model import HandoffApi, loops_around
from parlint.analysis.reachability import Reach, inside_with, own_nodes
from parlint.analysis.scopes import Scope
from parlint.analysis.task_effects import runs_concurrently
from parlint.ftypes import Diagnostic, Severity
from parlint.rules.base import CheckContext, Invalid, Rule

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]

# Calls that change what every thread of the process sees, and what they change.
_PROCESS_CALLS = {
    "os.chdir": "the working directory",
    "contextlib.chdir": "the working directory",
    "os.putenv": "the environment",
    "os.unsetenv": "the environment",
    "locale.setlocale": "the locale",
    "sys.setrecursionlimit": "the recursion limit",
    "socket.setdefaulttimeout": "the default socket timeout",
    "contextlib.redirect_stdout": "sys.stdout",
    "contextlib.redirect_stderr": "sys.stderr",
    "signal.signal": "the signal handlers (and raises ValueError outside the main thread)",
}
# Not thread-safe before Python 3.14 (a context variable since).
_WARNINGS_CALLS = {
    "warnings.simplefilter": "the warnings filters",
    "warnings.filterwarnings": "the warnings filters",
    "warnings.resetwarnings": "the warnings filters",
    "warnings.catch_warnings": "the warnings filters",
}
_ENVIRON_METHODS = frozenset({"update", "pop", "popitem", "clear", "setdefault", "__setitem__"})
_STREAMS = frozenset({"sys.stdout", "sys.stderr", "sys.stdin"})


class ProcessStateInThread(Rule):
    """
    ## What it does
    Flags code that runs on a thread (a task handed to a thread, a thread pool or
    `asyncio.to_thread`, the `run()` of a Thread subclass, a threading server's request
    handler, or any function of the project they call) and changes state the whole process
    shares: the working directory (`os.chdir`),
    the environment (`os.environ[...] = ...`, `os.environ.update(...)`, `os.putenv`),
    `sys.stdout`/`sys.stderr`/`sys.stdin`, the locale, the signal handlers, the recursion
    limit, the default socket timeout, and (for a `target-version` below 3.14) the warnings
    filters. Each call or assignment is its own finding; the message names the way from the
    task to it.

    This rule belongs to the free-threading family: it is off unless `free-threaded = true`
    or it is selected (`--select PAR7`, `--extend-select PAR703`).

    ## Why is this bad?
    Threads share one process. The GIL made each single change atomic, never private: a
    thread that changes the working directory moves every other thread's relative paths, an
    environment change leaks into every subprocess started meanwhile, a redirected
    `sys.stdout` captures other threads' prints. `signal.signal` raises `ValueError` in any
    thread but the main one, and the warnings filters are a global list that threads corrupt
    before Python 3.14. On a free-threaded Python (PEP 703) threads truly run at once, and
    what was rare becomes routine.

    ## Example
    ```python
    import os
    import threading

    def build(project):
        os.chdir(project)
        return os.listdir(".")

    def main(projects):
        threads = [threading.Thread(target=build, args=(p,)) for p in projects]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ```

    Use instead:
    ```python
    import os
    import threading

    def build(project):
        return os.listdir(project)

    def main(projects):
        threads = [threading.Thread(target=build, args=(p,)) for p in projects]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ```

    ## Fix safety
    There is no fix: pass paths, environments (`subprocess.run(..., env=...)`, `cwd=`) and
    streams explicitly instead; that is the author's rewrite.

    ## Options
    `free-threaded`, `target-version` (the warnings filters are thread-safe from `py314`).

    ## References
    - [PEP 703: Making the GIL optional](https://peps.python.org/pep-0703/)
    - [os.chdir](https://docs.python.org/3/library/os.html#os.chdir)
    - [signal: signals and threads](https://docs.python.org/3/library/signal.html#signals-and-threads)
    """

    code = "PAR703"
    name = "process-state-in-thread"
    family = "free-threading"
    severity = Severity.WARNING
    message = "Code running on a thread changes state the whole process shares"

    valid = (
        """
import os
import subprocess
import threading

def build(project, env):
    subprocess.run(["make"], cwd=project, env={**os.environ, **env}, check=True)
    return os.environ.get("HOME")

def main(projects):
    os.chdir("/srv")
    threads = [threading.Thread(target=build, args=(p, {})) for p in projects]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
    )
    invalid = (
        Invalid(
            """
import os
import threading

def prepare(project):
    os.environ["PROJECT"] = project

def build(project):
    prepare(project)
    return project

def main(projects):
    threads = [threading.Thread(target=build, args=(p,)) for p in projects]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        reported: set[int] = set()
        warnings_unsafe = int(ctx.settings.target_version.removeprefix("py3")) < 14
        for reach in ctx.reaches:
            for node, what in _hazards(ctx, reach.function, warnings_unsafe):
                if id(node) in reported:
                    continue
                reported.add(id(node))
                text = ctx.source.segment(node).splitlines()[0]
                message = (
                    f"`{text}` changes {what} for the whole process, in code that runs on a "
                    f"thread ({reach.chain()}): every other thread sees the change"
                )
                related = reach.related(ctx.effects.filename, "the thread runs it from here")
                yield self.report(ctx, node, message, related=related)


def _hazards(
    ctx: CheckContext, function: Function, warnings_unsafe: bool
) -> Iterator[tuple[ast.AST, str]]:
    """(node, what it changes) for every change of process state in the function's own code."""
    calls = dict(_PROCESS_CALLS)
    if warnings_unsafe:
        calls.update(_WARNINGS_CALLS)
    for node in own_nodes(function):
        if isinstance(node, ast.Call):
            name = ctx.model.resolve(node.func, node)
            if name in calls:
                yield node, calls[name]
                continue
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in _ENVIRON_METHODS
                and ctx.model.resolve(func.value, node) == "os.environ"
            ):
                yield node, "the environment"
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target_node in targets:
                what = _changed(ctx, target_node, node)
                if what is not None:
                    yield node, what
                    break


def _changed(ctx: CheckContext, target: ast.expr, at: ast.AST) -> Optional[str]:
    if isinstance(target, ast.Subscript) and ctx.model.resolve(target.value, at) == "os.environ":
        return "the environment"
    if isinstance(target, ast.Attribute):
        name = ctx.model.resolve(target, at)
        if name in _STREAMS:
            return name
    return None


# Calls that return an iterator (consumed once, shared state inside).
_ITERATOR_FACTORIES = frozenset({"iter", "map", "filter", "zip", "enumerate", "reversed"})
# `next(itertools.count())` is the usual way to hand out ids: one atomic step, under the GIL
# and (with its own lock) on free-threaded builds.
_ATOMIC_ITERTOOLS = frozenset({"itertools.count"})


class SharedIterator(Rule):
    """
    ## What it does
    Flags an iterator or generator that several threads consume at once: a generator,
    generator expression, `iter(...)`, `map(...)`, `zip(...)`, `itertools` object (and the
    like) kept at module level, in an enclosing function, on `self` when the threads share
    the object, or made once and passed to every thread (`args=(source,)` in the loop that
    starts them), and read with `next()`, a `for` loop or a comprehension by code that runs on
    two or more threads at once (mapped, submitted or started in a loop, and what that calls).
    Reading it under a `with` block (a lock) is not reported, nor `next()` on an
    `itertools.count()` (one atomic step: the usual id generator).

    This rule belongs to the free-threading family: it is off unless `free-threaded = true`
    or it is selected (`--select PAR7`).

    ## Why is this bad?
    A generator runs its body for whoever asks next; two threads asking at once make it raise
    `ValueError: generator already executing`, and the item one of them was owed is lost. The
    GIL does not prevent it: it may change hands while the generator runs. Other iterators
    keep their position in plain fields: with the GIL the interleavings are rare, on a
    free-threaded Python (PEP 703, where threads run truly in parallel) items are skipped or
    handed out twice, and a shared generator can crash the interpreter (seen on 3.13t).

    ## Example
    ```python
    import threading

    def numbers():
        yield from range(100)

    JOBS = numbers()

    def worker(results):
        for job in JOBS:
            results.append(job * 2)

    def main():
        results = []
        threads = [threading.Thread(target=worker, args=(results,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results
    ```

    Use instead:
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def double(job):
        return job * 2

    def main():
        with ThreadPoolExecutor(max_workers=4) as executor:
            return list(executor.map(double, range(100)))
    ```

    ## Fix safety
    There is no fix: hand out the items with `executor.map` or a `queue.Queue` instead.

    ## Options
    `free-threaded`.

    ## References
    - [PEP 703: Making the GIL optional](https://peps.python.org/pep-0703/)
    - [Generators](https://docs.python.org/3/reference/expressions.html#generator-iterator-methods)
    """

    code = "PAR702"
    name = "shared-iterator"
    family = "free-threading"
    severity = Severity.ERROR
    message = "An iterator is consumed by several threads at once"

    valid = (
        """
import threading
from queue import Queue

SIZES = [1, 2, 3]
LOCK = threading.Lock()
ITEMS = iter(range(10))

def worker(queue, results):
    for size in SIZES:
        results.append(size)
    with LOCK:
        results.append(next(ITEMS))
    results.append(queue.get())

def main(queue):
    results = []
    threads = [threading.Thread(target=worker, args=(queue, results)) for _ in range(4)]
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

def numbers():
    yield from range(100)

JOBS = numbers()

def worker(results):
    results.append(next(JOBS))

def main():
    results = []
    threads = [threading.Thread(target=worker, args=(results,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        reported: set[int] = set()
        passed = _passed_iterators(ctx)
        for reach in ctx.concurrent_reaches:
            if not reach.concurrent or reach.locked:
                continue
            for node, target in _consumed(ctx, reach.function):
                if id(node) in reported:
                    continue
                shown = _shared_iterator(ctx, reach, target)
                if shown is None and isinstance(target, ast.Name) and not reach.hops:
                    handed = passed.get((id(reach.function), target.id))
                    if handed is not None:
                        shown = (
                            f"`{target.id}`, one iterator passed to every thread"
                            if handed == target.id
                            else f"`{target.id}`, the iterator `{handed}` passed to every thread"
                        )
                if shown is None:
                    continue
                reported.add(id(node))
                what = (
                    f"`{ctx.source.segment(node)}`" if isinstance(node, ast.Call) else "This loop"
                )
                message = (
                    f"{what} reads {shown}, shared by {reach.threads()}: a generator raises "
                    "ValueError (already executing), other iterators skip or repeat items"
                )
                related = reach.related(
                    ctx.effects.filename, "the threads that share it start here"
                )
                yield self.report(ctx, node, message, related=related)


def _passed_iterators(ctx: CheckContext) -> dict[tuple[int, str], str]:
    """(task function, parameter) -> the name of the one iterator every thread of a
    concurrent hand-off passes to that parameter: `source = pages()` made once, then
    `Thread(target=reader, args=(source, out))` in a loop."""
    found: dict[tuple[int, str], str] = {}
    for handoff in ctx.model.handoffs:
        if handoff.on_threads is not True or not runs_concurrently(handoff, ctx.model):
            continue
        function = ctx.effects.task_function(handoff)
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if handoff.api is HandoffApi.SUBMIT:
            values: list[ast.expr] = list(handoff.call.args[1:])
        else:
            args, _ = handoff.passed_arguments()
            values = list(args.elts) if isinstance(args, (ast.Tuple, ast.List)) else []
        params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        if isinstance(handoff.task, ast.Attribute) and params:
            params = params[1:]  # a bound method: `self` is not passed
        scope = ctx.model.names.enclosing_scope(handoff.call)
        loops = set(map(id, loops_around(handoff.call, scope.node)))
        for param, value in zip(params, values, strict=False):
            if isinstance(value, ast.Starred):
                break
            if isinstance(value, ast.Name) and _one_iterator(ctx, scope, value.id, loops):
                found[(id(function), param)] = value.id
    return found


def _one_iterator(ctx: CheckContext, scope: Scope, name: str, loops: set[int]) -> bool:
    """`name` holds an iterator made outside the loops that start the threads."""
    if not loops:
        return False  # concurrent for another reason: each hand-off may pass a fresh one
    values = ctx.model.assigned_values(scope, name)
    if not values or not all(_makes_iterator(ctx, value) for value in values):
        return False
    stores = [
        node for node in scope.nodes
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load)
    ]  # fmt: skip
    # Each store is outside some loop that starts the threads: they all get the same one.
    return all(loops - set(map(id, loops_around(n, scope.node))) for n in stores)


def _shared_iterator(ctx: CheckContext, reach: Reach, target: ast.expr) -> Optional[str]:
    """How to name `target` when it is one iterator every thread running the task reads: a
    module-level or closed-over name, or `self.X` of an object the threads share."""
    names = ctx.model.names
    if isinstance(target, ast.Name):
        scope = names.scope_of_node(reach.function)
        if target.id in scope.bound and target.id not in scope.global_names:
            return None  # the function's own
        owner = names.lookup_scope(target.id, scope)
        if owner is None or owner is scope:
            return None
        values = ctx.model.assigned_values(owner, target.id)
        if not values or not all(_makes_iterator(ctx, value) for value in values):
            return None
        where = "module-level" if owner.is_module else "enclosing function's"
        return f"the {where} iterator `{target.id}`"
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
        and reach.shares_self
    ):
        values = names.attribute_values(target)
        if values and all(_makes_iterator(ctx, value) for value in values):
            return f"the iterator `self.{target.attr}` of the object"
    return None


def _makes_iterator(ctx: CheckContext, value: ast.expr) -> bool:
    if isinstance(value, ast.GeneratorExp):
        return True
    if not isinstance(value, ast.Call):
        return False
    function = ctx.model.function_named(value.func, value)
    if function is not None:
        return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(function))
    name = (ctx.model.resolve(value.func, value) or "").removeprefix("builtins.")
    if name == "iter" and len(value.args) == 2:
        return False  # `iter(queue.get, None)`: each item comes from the queue, one at a time
    return name in _ITERATOR_FACTORIES or (
        name.startswith("itertools.") and name not in _ATOMIC_ITERTOOLS
    )


def _consumed(ctx: CheckContext, function: Function) -> Iterator[tuple[ast.AST, ast.expr]]:
    """(where, what) for `next(X)`, `for ... in X` and comprehensions over X, not under a
    `with` block that may hold a lock."""
    for node in own_nodes(function):
        target: Optional[ast.expr] = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            if node.func.id == "next":
                target = node.args[0]
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            target = node.iter
        if target is None or inside_with(ctx.model, node, function):
            continue
        yield (node if isinstance(node, ast.Call) else target), target
