"""Effect rules: PAR201 cpu-bound-thread, PAR202 io-bound-process."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from parlint.analysis.model import Handoff, HandoffApi
from parlint.analysis.project import IncomingTask
from parlint.analysis.task_effects import (
    EffectKind,
    FunctionNode,
    function_by_qualname,
    runs_concurrently,
)
from parlint.fixes.async_pool import (
    AsyncPoolFix,
    apply_async_pool,
    merge_async_plans,
    plan_async_pool,
)
from parlint.fixes.to_processes import SwapFix, apply_swap, constructor_of, plan_swap, swap_text
from parlint.ftypes import Applicability, Diagnostic, Related, Severity
from parlint.rules.base import CheckContext, Invalid, Rule, TextFix
from parlint.source import SourceText

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext


class _SwapRule(Rule):
    """Rules whose fix moves a task between threads and processes."""

    fix_applicability = Applicability.UNSAFE

    def swap(
        self, ctx: CheckContext, handoff: Handoff, to_processes: bool, interpreters: bool = False
    ) -> Optional[SwapFix | AsyncPoolFix]:
        if to_processes and handoff.api in (HandoffApi.TO_THREAD, HandoffApi.RUN_IN_EXECUTOR):
            if interpreters:
                return None
            return plan_async_pool(ctx.model, ctx.effects, handoff, ctx.source)
        constructor = constructor_of(handoff)
        if constructor is None:
            return None
        span = ctx.span(constructor.func)
        return plan_swap(ctx.model, ctx.effects, handoff, to_processes, span, interpreters)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        plan = diagnostic.fix_data
        if isinstance(plan, AsyncPoolFix):
            return apply_async_pool(fctx, plan)
        return apply_swap(fctx, plan) if isinstance(plan, SwapFix) else None

    def fix_text(self, source: SourceText, diagnostic: Diagnostic) -> Optional[TextFix]:
        plan = diagnostic.fix_data
        return swap_text(plan) if isinstance(plan, SwapFix) else None


class _Sites:
    """Where a finding about a hand-off points: its call, or, for a Thread/Process subclass,
    the `def run` that is its task, once per class however many times it is constructed."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.reported: set[int] = set()
        self.constructions: dict[int, list[Handoff]] = {}  # run() -> the hand-offs running it
        for handoff in ctx.model.handoffs:
            run = handoff.subclass_run
            if run is not None:
                self.constructions.setdefault(id(run), []).append(handoff)
        # Subclasses of this file constructed in other modules of the project.
        self.elsewhere: list[tuple[FunctionNode, IncomingTask]] = []
        if ctx.project is not None and ctx.module is not None:
            for task in ctx.project.incoming(ctx.module, ctx.settings):
                function = function_by_qualname(ctx.model, task.function)
                if task.subclass and function is not None:
                    self.elsewhere.append((function, task))

    def site(self, handoff: Handoff) -> Optional[ast.AST]:
        subclass = handoff.worker.subclass if handoff.worker is not None else None
        if subclass is not None and subclass.module is not None and handoff.task is None:
            return None  # reported on its `def run`, in the module that defines it
        run = handoff.subclass_run
        if run is None:
            return handoff.call
        if id(run) in self.reported:
            return None
        self.reported.add(id(run))
        return _def_header(self.ctx, run)

    def concurrent(self, handoff: Handoff) -> Optional[ast.AST]:
        """The site, when the task may run on two threads at once (for a subclass: any of
        its constructions may)."""
        run = handoff.subclass_run
        model = self.ctx.model
        if run is None:
            site = self.site(handoff)
            return site if site is not None and runs_concurrently(handoff, model) else None
        same = self.constructions[id(run)]
        return self.site(handoff) if any(runs_concurrently(h, model) for h in same) else None

    def runs_from_elsewhere(
        self, on_threads: bool, concurrent: bool
    ) -> Iterator[tuple[FunctionNode, ast.AST, Related]]:
        """(run, its `def run` site, where another module constructs it) for this file's
        subclasses constructed only in other modules, each once."""
        for run, task in self.elsewhere:
            if task.on_threads is not on_threads or (concurrent and not task.concurrent):
                continue
            if id(run) in self.reported or id(run) in self.constructions:
                continue
            assert isinstance(run, (ast.FunctionDef, ast.AsyncFunctionDef))
            self.reported.add(id(run))
            built = Related("constructed here", task.location, task.end_location, task.filename)
            yield run, _def_header(self.ctx, run), built


def _def_header(ctx: CheckContext, function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
    """A node spanning `def run` of `function` (the whole body would be a noisy range)."""
    line = ctx.source.line(function.lineno).encode("utf-8")
    keyword = rb"(?:async\s+)?def\s+" + re.escape(function.name.encode("utf-8"))
    match = re.compile(keyword).match(line, function.col_offset)
    end = match.end() if match else function.col_offset
    return ast.Name(
        id=function.name,
        ctx=ast.Load(),
        lineno=function.lineno,
        col_offset=function.col_offset,
        end_lineno=function.lineno,
        end_col_offset=end,
    )


def _task_name(handoff: Handoff, function: Optional[ast.AST]) -> str:
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return f"`{function.name}()`"
    return "the task"


class CpuBoundThread(_SwapRule):
    """
    ## What it does
    Flags CPU-bound work handed to several threads at once: a task whose loop or
    comprehension does pure-Python work, with nothing in it (or in the functions of this
    module it calls) that blocks on I/O or releases the GIL, run by a thread per item, by a
    thread pool's `map`/`submit` in a loop, by `asyncio.to_thread` or `run_in_executor(None)`.
    For a `Thread` subclass the task is its `run()`: the finding sits on `def run`, once per
    class however many times the class is constructed.

    ## Why is this bad?
    CPython's global interpreter lock (GIL) lets one thread run Python bytecode at a time.
    Threads running pure-Python loops take turns on one core: the program is no faster than a
    plain loop, and often slower. Processes each have their own interpreter and GIL, so
    `ProcessPoolExecutor` (or `multiprocessing.Pool`) runs such work on every core. On a
    free-threaded CPython (PEP 703, `python3.13t` and later) threads do run in parallel: set
    `free-threaded = true` and this rule is silent. Python 3.14's
    `InterpreterPoolExecutor` (PEP 734) runs each task in its own subinterpreter with its own
    GIL, in one process: with `target-version = "py314"` the editor offers it as a second
    quick-fix.

    A task parlint cannot see into (a call to another module, an unknown method) is never
    reported, nor one that calls numpy, hashlib, zlib and other libraries that release the
    GIL: threads are fine for those.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def count_primes(limit):
        found = 0
        for n in range(2, limit):
            if all(n % d for d in range(2, int(n ** 0.5) + 1)):
                found += 1
        return found

    def main():
        with ThreadPoolExecutor() as executor:
            print(list(executor.map(count_primes, [50_000] * 4)))
    ```

    Use instead:
    ```python
    from concurrent.futures import ProcessPoolExecutor

    def count_primes(limit):
        found = 0
        for n in range(2, limit):
            if all(n % d for d in range(2, int(n ** 0.5) + 1)):
                found += 1
        return found

    def main():
        with ProcessPoolExecutor() as executor:
            print(list(executor.map(count_primes, [50_000] * 4)))
    ```

    ## Fix safety
    The fix swaps the constructor: `ThreadPoolExecutor` -> `ProcessPoolExecutor`,
    `threading.Thread` -> `multiprocessing.Process`, `ThreadPool` / `multiprocessing.dummy.Pool`
    -> `multiprocessing.Pool`, adding the import it needs and removing the one left unused.
    It is unsafe: arguments and results are now pickled, and each task runs in a separate
    interpreter. It is offered only when parlint can see that the task is a module-level
    function, writes no state its caller could see (globals, closures, its arguments), and
    that no thread-only attribute (`ident`, `native_id`, ...) of the object is used. Child
    processes import the module again, so when the module starts work at import time (a
    `main()` call at the end), the fix moves those trailing statements under
    `if __name__ == "__main__":`; it is not offered when that work sits between definitions
    or binds names that functions read.

    `asyncio.to_thread(f, ...)` and `loop.run_in_executor(None, f, ...)` have no process
    twin, so their fix creates a pool around the statement that awaits the work
    (`with ProcessPoolExecutor() as pool:`) and hands the task to the running loop's
    `run_in_executor(pool, f, ...)`. It is offered only when that
    statement awaits every task itself (directly or through `asyncio.gather`), so the pool
    shuts down after the last one, and `to_thread` gets no keyword arguments.

    ## Options
    - `free-threaded` (or `--free-threaded`): the code runs on a free-threaded CPython.
    - `cpu-calls`, `io-calls`, `gil-releasing-modules`: teach the analysis your libraries.

    ## References
    - [PEP 703: Making the Global Interpreter Lock Optional](https://peps.python.org/pep-0703/)
    - [PEP 734: Multiple Interpreters in the Stdlib](https://peps.python.org/pep-0734/)
    - [concurrent.futures.ProcessPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor)
    """

    code = "PAR201"
    name = "cpu-bound-thread"
    family = "effects"
    severity = Severity.WARNING
    message = "CPU-bound work on threads: they share one GIL"
    fix_title = "Run it in processes"

    valid = (
        """
import hashlib
from concurrent.futures import ThreadPoolExecutor

def digest(blob):
    return hashlib.sha256(blob).hexdigest()

def main(blobs):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(digest, blobs))
""",
        """
import threading
import time

def poll(n):
    for i in range(n):
        time.sleep(0.1)
        print(i * i)

def main():
    threads = [threading.Thread(target=poll, args=(3,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
        """
import threading
from helpers import crunch

def main():
    threads = [threading.Thread(target=crunch) for _ in range(4)]
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

def square_sum(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

def main():
    threads = [threading.Thread(target=square_sum, args=(10**6,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
            fixed="""
import multiprocessing

def square_sum(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

def main():
    threads = [multiprocessing.Process(target=square_sum, args=(10**6,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
        ),
        Invalid(
            """
import asyncio

def checksum(n):
    total = 0
    for i in range(n):
        total = (total * 31 + i) % 1_000_003
    return total

async def main(sizes):
    return await asyncio.gather(*(asyncio.to_thread(checksum, n) for n in sizes))
""",
            fixed="""
import asyncio
from concurrent.futures import ProcessPoolExecutor

def checksum(n):
    total = 0
    for i in range(n):
        total = (total * 31 + i) % 1_000_003
    return total

async def main(sizes):
    with ProcessPoolExecutor() as pool:
        loop = asyncio.get_running_loop()
        return await asyncio.gather(*(loop.run_in_executor(pool, checksum, n) for n in sizes))
""",
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        diagnostics = list(self._check(ctx))
        # Hand-offs awaited by one statement share one process pool.
        merged = merge_async_plans(
            [d.fix_data for d in diagnostics if isinstance(d.fix_data, AsyncPoolFix)]
        )
        for diagnostic in diagnostics:
            plan = diagnostic.fix_data
            if isinstance(plan, AsyncPoolFix):
                diagnostic = replace(diagnostic, fix_data=merged[plan.statement])
            yield diagnostic

    def _check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        if self.settings.free_threaded:
            return
        effects = ctx.effects
        sites = _Sites(ctx)
        for handoff in ctx.model.handoffs:
            if handoff.on_threads is not True:
                continue
            effect = effects.classify(handoff)
            if effect.kind is not EffectKind.CPU or (site := sites.concurrent(handoff)) is None:
                continue
            target = effects.task_target(handoff)
            name = _task_name(handoff, target.function if target else None)
            message = (
                f"{name} runs on several threads, but its {effect.detail} does pure-Python "
                "work: threads share one GIL and take turns; use processes "
                "(ProcessPoolExecutor) or a free-threaded Python"
            )
            related = self.evidence(ctx, effect, "the pure-Python work")
            plan = self.swap(ctx, handoff, to_processes=True)
            diagnostic = self.report(
                ctx,
                site,
                message,
                related=related,
                fixable=plan is not None,
                fix_data=plan,
                fix_title=plan.title if plan else None,
            )
            if plan is not None and int(self.settings.target_version[3:]) >= 14:
                alternative = self.swap(ctx, handoff, to_processes=True, interpreters=True)
                if alternative is not None:
                    diagnostic = replace(
                        diagnostic, alternatives=((alternative.title, alternative),)
                    )
            yield diagnostic
        for run, site, built in sites.runs_from_elsewhere(on_threads=True, concurrent=True):
            effect = effects.effect_of(run)
            if effect.kind is EffectKind.CPU:
                message = (
                    f"`{getattr(run, 'name', 'run')}()` runs on several threads, but its "
                    f"{effect.detail} does pure-Python work: threads share one GIL and take "
                    "turns; use processes (ProcessPoolExecutor) or a free-threaded Python"
                )
                related = (*self.evidence(ctx, effect, "the pure-Python work"), built)
                yield self.report(ctx, site, message, related=related)


class IoBoundProcess(_SwapRule):
    """
    ## What it does
    Flags I/O-bound work run in a process or a process pool: a task whose work is dominated
    by blocking calls (`time.sleep`, files, sockets, HTTP clients, subprocesses, queues,
    database drivers) and that has no loop of pure-Python work. For a `Process` subclass the
    task is its `run()`: the finding sits on `def run`, once per class.

    ## Why is this bad?
    A process costs a new interpreter, its memory and its start-up time, and its arguments
    and results are pickled on the way. A task that mostly waits gains nothing from its own
    core: blocking calls release the GIL, so threads overlap the waiting just as well, far
    more cheaply.

    ## Example
    ```python
    import time
    from multiprocessing import Pool

    def fetch(url):
        time.sleep(0.5)
        return url

    def main(urls):
        with Pool(8) as pool:
            return pool.map(fetch, urls)
    ```

    Use instead:
    ```python
    import time
    from concurrent.futures import ThreadPoolExecutor

    def fetch(url):
        time.sleep(0.5)
        return url

    def main(urls):
        with ThreadPoolExecutor(8) as executor:
            return list(executor.map(fetch, urls))
    ```

    ## Fix safety
    The fix swaps the constructor: `ProcessPoolExecutor` -> `ThreadPoolExecutor`,
    `multiprocessing.Process` -> `threading.Thread`, `multiprocessing.Pool` ->
    `multiprocessing.pool.ThreadPool`, with the imports it needs. It is unsafe: threads share
    memory, so a task that relied on running in its own process (global state, signal
    handlers, `os.chdir`) behaves differently on a thread. Not offered when a process-only
    attribute (`pid`, `exitcode`, `terminate()`, ...) of the object is used, nor when the
    task writes state its caller could see (a global, a closure, an argument): in a process
    the write lands in the child's copy, on a thread the caller would see it.

    ## Options
    - `io-calls`: more qualified names to treat as blocking I/O.

    ## References
    - [multiprocessing: Programming guidelines](https://docs.python.org/3/library/multiprocessing.html#programming-guidelines)
    - [concurrent.futures.ThreadPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor)
    """

    code = "PAR202"
    name = "io-bound-process"
    family = "effects"
    severity = Severity.INFO
    message = "I/O-bound work in a process: threads would do, more cheaply"
    fix_title = "Run it on threads"

    valid = (
        """
from multiprocessing import Pool

def crunch(n):
    return sum(i * i for i in range(n))

def main():
    with Pool() as pool:
        return pool.map(crunch, [10**6] * 4)
""",
    )
    invalid = (
        Invalid(
            """
import time
from concurrent.futures import ProcessPoolExecutor

def wait_for(seconds):
    time.sleep(seconds)
    return seconds

def main():
    with ProcessPoolExecutor() as executor:
        return list(executor.map(wait_for, [1, 2, 3]))
""",
            fixed="""
import time
from concurrent.futures import ThreadPoolExecutor

def wait_for(seconds):
    time.sleep(seconds)
    return seconds

def main():
    with ThreadPoolExecutor() as executor:
        return list(executor.map(wait_for, [1, 2, 3]))
""",
        ),
        Invalid(
            """
import time
from multiprocessing import Process

class Poller(Process):
    def run(self):
        for _ in range(3):
            time.sleep(1)
            print("polling")

def main():
    pollers = [Poller(), Poller()]
    for p in pollers:
        p.start()
    for p in pollers:
        p.join()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        effects = ctx.effects
        sites = _Sites(ctx)
        for handoff in ctx.model.handoffs:
            if handoff.on_threads is not False:
                continue
            effect = effects.classify(handoff)
            if effect.kind is not EffectKind.IO or (site := sites.site(handoff)) is None:
                continue
            target = effects.task_target(handoff)
            name = _task_name(handoff, target.function if target else None)
            message = (
                f"{name} mostly waits on I/O ({effect.detail}): a process per task costs an "
                "interpreter, memory and pickling; threads overlap the waiting as well"
            )
            related = self.evidence(ctx, effect, "blocks here")
            plan = self.swap(ctx, handoff, to_processes=False)
            yield self.report(
                ctx,
                site,
                message,
                related=related,
                fixable=plan is not None,
                fix_data=plan,
                fix_title=plan.title if plan else None,
            )
        for run, site, built in sites.runs_from_elsewhere(on_threads=False, concurrent=False):
            effect = effects.effect_of(run)
            if effect.kind is EffectKind.IO:
                message = (
                    f"`{getattr(run, 'name', 'run')}()` mostly waits on I/O ({effect.detail}): "
                    "a process per task costs an interpreter, memory and pickling; threads "
                    "overlap the waiting as well"
                )
                related = (*self.evidence(ctx, effect, "blocks here"), built)
                yield self.report(ctx, site, message, related=related)
