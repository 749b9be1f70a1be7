"""The free-threading family (PAR7xx): code that relies on running alone, found where it runs on
threads. Off in the default selection: on with `free-threaded = true` or `--select PAR7`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Optional, Union

from parlint.analysis.model import Handoff
from parlint.analysis.scopes import parent
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
# How deep calls are followed from a task.
MAX_CALL_DEPTH = 4


class ProcessStateInThread(Rule):
    """
    ## What it does
    Flags code that runs on a thread (a task handed to a thread, a thread pool or
    `asyncio.to_thread`, the `run()` of a Thread subclass, or a function of this module they
    call) and changes state the whole process shares: the working directory (`os.chdir`),
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
        for handoff in ctx.model.handoffs:
            if handoff.on_threads is not True:
                continue
            entry = _entry(ctx, handoff)
            if entry is None:
                continue
            start = self.related(ctx, handoff.call, "the thread runs it from here")
            for node, what, chain in _hazards(ctx, entry, warnings_unsafe):
                if id(node) in reported:
                    continue
                reported.add(id(node))
                text = ctx.source.segment(node).splitlines()[0]
                via = " → ".join(f"`{name}()`" for name in chain)
                message = (
                    f"`{text}` changes {what} for the whole process, in code that runs on a "
                    f"thread ({via}): every other thread sees the change"
                )
                yield self.report(ctx, node, message, related=(start,))


def _entry(ctx: CheckContext, handoff: Handoff) -> Optional[Function]:
    run = handoff.subclass_run
    if run is not None:
        return run
    return ctx.effects.task_function(handoff)


def _hazards(
    ctx: CheckContext, entry: Function, warnings_unsafe: bool
) -> Iterator[tuple[ast.AST, str, list[str]]]:
    """(node, what it changes, the functions from the task to it) for every change of
    process state in `entry` and the functions of this module it calls."""
    calls = dict(_PROCESS_CALLS)
    if warnings_unsafe:
        calls.update(_WARNINGS_CALLS)
    stack: list[tuple[Function, list[str]]] = [(entry, [_name(entry)])]
    seen: set[int] = set()
    while stack:
        function, chain = stack.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        for node in _own_nodes(function):
            if isinstance(node, ast.Call):
                name = ctx.model.resolve(node.func, node)
                if name in calls:
                    yield node, calls[name], chain
                    continue
                func = node.func
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr in _ENVIRON_METHODS
                    and ctx.model.resolve(func.value, node) == "os.environ"
                ):
                    yield node, "the environment", chain
                    continue
                if len(chain) < MAX_CALL_DEPTH:
                    target = ctx.effects.callee(node.func, node)
                    if target is not None and target.analysis is ctx.effects:
                        stack.append((target.function, [*chain, _name(target.function)]))
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                targets = (
                    node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                )
                for target_node in targets:
                    what = _changed(ctx, target_node, node)
                    if what is not None:
                        yield node, what, chain
                        break


def _changed(ctx: CheckContext, target: ast.expr, at: ast.AST) -> Optional[str]:
    if isinstance(target, ast.Subscript) and ctx.model.resolve(target.value, at) == "os.environ":
        return "the environment"
    if isinstance(target, ast.Attribute):
        name = ctx.model.resolve(target, at)
        if name in _STREAMS:
            return name
    return None


def _own_nodes(function: Function) -> Iterator[ast.AST]:
    """The nodes of a function's body, not those of functions or classes defined in it."""
    body: list[ast.AST] = [function.body] if isinstance(function, ast.Lambda) else [
        *function.body
    ]  # fmt: skip
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.append(child)


def _name(function: Function) -> str:
    return getattr(function, "name", "lambda")


# Calls that return an iterator (consumed once, shared state inside).
_ITERATOR_FACTORIES = frozenset(
    {"iter", "map", "filter", "zip", "enumerate", "reversed"}
)  # fmt: skip


class SharedIterator(Rule):
    """
    ## What it does
    Flags an iterator or generator that several threads consume at once: a module-level
    generator, generator expression, `iter(...)`, `map(...)`, `zip(...)`, `itertools` object
    (and the like) read with `next()` or a `for` loop by a task that runs on two or more threads
    at once (mapped, submitted or started in a loop). Reading it under a `with` block (a lock)
    is not reported.

    This rule belongs to the free-threading family: it is off unless `free-threaded = true`
    or it is selected (`--select PAR7`).

    ## Why is this bad?
    A generator runs its body for whoever asks next; two threads asking at once make it raise
    `ValueError: generator already executing`, and the item one of them was owed is lost.
    Other iterators keep their position in plain attributes: with the GIL the interleavings
    are rare, on a free-threaded Python (PEP 703) items are skipped or handed out twice.

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
        shared = _module_iterators(ctx)
        if not shared:
            return
        reported: set[int] = set()
        for handoff in ctx.model.handoffs:
            if handoff.on_threads is not True or not runs_concurrently(handoff, ctx.model):
                continue
            function = _entry(ctx, handoff)
            if function is None:
                continue
            scope = ctx.model.names.scope_of_node(function)
            start = self.related(ctx, handoff.call, "the threads that share it start here")
            for node, name in _consumed(ctx, function, shared):
                if id(node) in reported or (scope is not None and name in scope.bound):
                    continue
                reported.add(id(node))
                task = _name(function)
                message = (
                    f"`{ctx.source.segment(node)}` reads `{name}`, one iterator shared by the "
                    f"threads that run `{task}()` at once: a generator raises ValueError "
                    "(already executing), other iterators skip or repeat items"
                )
                yield self.report(ctx, node, message, related=(start,))


def _module_iterators(ctx: CheckContext) -> set[str]:
    """Module-level names only ever bound to an iterator or generator object."""
    module = ctx.model.names.module_scope
    generators = {
        name
        for name, function in module.functions.items()
        if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(function))
    }
    found: set[str] = set()
    for name in module.bound:
        values = ctx.model.assigned_values(module, name)
        if values and all(_makes_iterator(ctx, value, generators) for value in values):
            found.add(name)
    return found


def _makes_iterator(ctx: CheckContext, value: ast.expr, generators: set[str]) -> bool:
    if isinstance(value, ast.GeneratorExp):
        return True
    if not isinstance(value, ast.Call):
        return False
    if isinstance(value.func, ast.Name) and value.func.id in generators:
        return True
    name = ctx.model.resolve(value.func, value) or ""
    name = name.removeprefix("builtins.")
    return name in _ITERATOR_FACTORIES or name.startswith("itertools.")


def _consumed(
    ctx: CheckContext, function: Function, shared: set[str]
) -> Iterator[tuple[ast.AST, str]]:
    """`next(NAME)` and `for ... in NAME` of a shared iterator, not under a `with` block."""
    for node in _own_nodes(function):
        target: Optional[ast.expr] = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            if node.func.id == "next":
                target = node.args[0]
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            target = node.iter
        if not isinstance(target, ast.Name) or target.id not in shared:
            continue
        if _under_with(node, function):
            continue
        yield (node if isinstance(node, ast.Call) else target), target.id


def _under_with(node: ast.AST, function: ast.AST) -> bool:
    current = parent(node)
    while current is not None and current is not function:
        if isinstance(current, (ast.With, ast.AsyncWith)):
            return True
        current = parent(current)
    return False
