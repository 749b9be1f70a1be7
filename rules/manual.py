"""Hand-managed threads and processes: PAR102 manual-thread-list, PAR103 many-manual-threads."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from parlint.analysis.model import Handoff, Worker
from parlint.analysis.scopes import containing_block, fresh_name, parent, scope_identifiers
from parlint.analysis.stdlib import WorkerKind
from parlint.analysis.task_effects import EffectKind
from parlint.analysis.thread_lists import (
    ListShape,
    event_calls,
    has_multiline_string,
    later_read,
    list_shape,
    loop_var,
    middle_statement_rows,
    names_in,
    only_in,
    own_statement,
    reaching_event,
    reads_identity,
    task_names,
    uses_thread_identity,
    waits_without_timeout,
)
from parlint.fixes.imports import ImportChanges, local_name, reads_of
from parlint.fixes.to_executor import (
    INDENT,
    ExecutorRewrite,
    RunLines,
    apply_executor_rewrite,
    comments_between,
    executor_spelling,
    may_wait_on_others,
    run_lines,
    submit_arguments,
    text_rewrite,
    worker_import,
)
from parlint.fixes.to_processes import process_ready
from parlint.ftypes import Applicability, Diagnostic, Severity
from parlint.rules.base import CheckContext, Invalid, Rule, TextFix
from parlint.source import SourceText

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext

ONE_LINE = 88  # beyond this, the list of submits is written one per line


@dataclass(frozen=True)
class _Rewrite:
    plan: ExecutorRewrite
    comments: tuple[str, ...]
    lines: Optional[RunLines] = None  # the rewrite as whole lines of text, when it can be


class _ExecutorRule(Rule):
    fix_applicability = Applicability.UNSAFE

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        data = diagnostic.fix_data
        if not isinstance(data, _Rewrite):
            return None
        return apply_executor_rewrite(fctx, data.plan, data.comments)

    def fix_text(self, source: SourceText, diagnostic: Diagnostic) -> Optional[TextFix]:
        data = diagnostic.fix_data
        if not isinstance(data, _Rewrite) or data.lines is None:
            return None
        plan = data.plan
        changes = ImportChanges()
        if plan.add_import:
            changes.add.append(("concurrent.futures", plan.executor))
        if plan.old_import is not None:
            changes.remove.append(plan.old_import)
            changes.reads[local_name(plan.old_import)] = plan.old_import_reads
        return text_rewrite(source, plan, data.lines, data.comments), changes


def _handoff_of(ctx: CheckContext, worker: Worker) -> Optional[Handoff]:
    return ctx.model.handoff_of(worker)


def _needs_own_thread(ctx: CheckContext, worker: Worker) -> bool:
    """The worker's task keeps per-thread state or reads its thread's identity (see
    `EffectAnalysis.needs_own_thread`): an executor that reuses threads would change it."""
    handoff = _handoff_of(ctx, worker)
    target = ctx.effects.task_target(handoff) if handoff is not None else None
    return target is not None and ctx.effects.needs_own_thread(target)


def _executor_kind(
    ctx: CheckContext, workers: list[Worker], plain: set[str], free_threaded: bool
) -> Optional[WorkerKind]:
    """ProcessPoolExecutor for processes, and for CPU-bound threads that can move to
    processes; ThreadPoolExecutor otherwise. None when processes are needed but their tasks
    would not survive pickling (a lambda, a bound method, arguments that are not plain data)."""
    kinds = {w.kind for w in workers}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind not in (WorkerKind.THREAD, WorkerKind.PROCESS):
        return None
    picklable = all(_plain_task(ctx, w, plain) for w in workers)
    if kind is WorkerKind.PROCESS:
        return kind if picklable else None
    if not picklable or free_threaded:
        return kind
    for worker in workers:
        handoff = _handoff_of(ctx, worker)
        if handoff is None or ctx.effects.classify(handoff).kind is not EffectKind.CPU:
            return kind
        if process_ready(ctx.model, ctx.effects, handoff) is not None:
            return kind  # shares state, or the module would need a `__main__` guard
    return WorkerKind.PROCESS


def _plain_task(ctx: CheckContext, worker: Worker, plain: set[str]) -> bool:
    """A module-level function with constant or plain-name arguments (no queues or pipes of
    multiprocessing, which a pool cannot pickle)."""
    target = next(k.value for k in worker.call.keywords if k.arg == "target")
    function = ctx.model.function_named(target, worker.call)
    if not isinstance(target, ast.Name) or function is None or function not in ctx.tree.body:
        return False
    for keyword in worker.call.keywords:
        if keyword.arg in ("args", "kwargs"):
            value = keyword.value
            items = value.values if isinstance(value, ast.Dict) else getattr(value, "elts", [])
            for item in items:
                if isinstance(item, ast.Constant):
                    continue
                if not (isinstance(item, ast.Name) and item.id in plain):
                    return False
    return True


@dataclass(frozen=True)
class _Opening:
    line: str  # `with ThreadPoolExecutor(...) as executor:`
    variable: str  # `executor`
    spelled: str  # how the module names the executor class
    add_import: bool


def _executor_code(
    ctx: CheckContext, kind: WorkerKind, max_workers: Optional[str], taken: set[str]
) -> Optional[_Opening]:
    spelled = executor_spelling(ctx.model, kind)
    if spelled is None:
        return None
    text, add_import = spelled
    variable = fresh_name("executor", taken)
    argument = f"max_workers={max_workers}" if max_workers else ""
    return _Opening(f"with {text}({argument}) as {variable}:\n", variable, text, add_import)


class ManualThreadList(_ExecutorRule):
    """
    ## What it does
    Flags threads or processes built in a loop (`for`, `while`, `async for`) or a
    comprehension (also a generator expression made into a list), kept in a list, then
    started and joined by hand, one loop at a time. A join loop with a timeout
    (`t.join(timeout=5)`, then a look at `t.is_alive()`) is a watchdog, not this pattern: an
    executor's `with` block waits without a bound, so it is not reported.

    ## Why is this bad?
    It is the pattern an executor exists for, written out with more code and fewer
    guarantees: one thread per item however many items there are, exceptions printed to
    stderr and otherwise lost, and every thread left running if the code between the loops
    raises. `concurrent.futures.ThreadPoolExecutor` bounds how many run at once, waits for
    all of them when its `with` block ends, even on an exception, and hands each task's
    result or exception back to the caller. `ProcessPoolExecutor` does the same for
    processes.

    ## Example
    ```python
    import threading

    def fetch(url):
        ...

    def fetch_all(urls):
        threads = [threading.Thread(target=fetch, args=(url,)) for url in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ```

    Use instead:
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def fetch(url):
        ...

    def fetch_all(urls):
        with ThreadPoolExecutor() as executor:
            list(executor.map(fetch, urls))
    ```

    ## Fix safety
    The fix rewrites the building, starting and joining loops into one `with` block:
    `executor.map(f, items)` when each thread runs the same function on one item of one
    iterable, otherwise a `submit` per item and a loop over the futures' `result()`. It is
    unsafe: an exception in a task now reaches the caller instead of being printed, and at most
    `max_workers` tasks run at once. It keeps the worker count when the code fixed it (`for _ in
    range(n)` gives `max_workers=n`; an executor refuses `n = 0`, where the loop made no
    thread); when the count was one per item, it is offered only if parlint can read the task
    and sees nothing in it that waits for another task (a queue, an event, a barrier): with
    fewer workers than tasks such code could wait for ever. Processes, and CPU-bound threads
    whose task can move to another process, get a `ProcessPoolExecutor`. Only this canonical
    shape is rewritten: a `threads = []` list filled by `append` in a `for` loop (which may also
    start each thread) or built by a comprehension, a loop that starts them, a later loop of the
    same block that joins them, and no other use of the list, the threads or the loop variables.
    Results passed back through a shared list, dict or queue keep working as before with
    threads. Thread subclasses that keep their results on `self` keep their objects and list
    (later code reads them, in order): the executor runs each object's `run()`, unless some code
    asks which thread it is on (`name`, `ident`, `current_thread()`). Work the caller does
    between starting and joining moves into the `with` block, unless it can leave early
    (`return`, `break`, `raise`). Any other shape is reported without a fix.

    ## Options
    None.

    ## References
    - [concurrent.futures](https://docs.python.org/3/library/concurrent.futures.html)
    - [ThreadPoolExecutor](https://docs.python.org/3/library/concurrent.futures.html#threadpoolexecutor)
    """

    code = "PAR102"
    name = "manual-thread-list"
    family = "threads"
    severity = Severity.WARNING
    message = "Threads kept in a list and started and joined by hand: use an executor"
    fix_title = "Use an executor"

    valid = (
        """
from concurrent.futures import ThreadPoolExecutor

def fetch(url):
    return url.upper()

def fetch_all(urls):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(fetch, urls))
""",
        """
import threading

def watch(path):
    print(path)

def main(paths):
    # One thread, named: nothing to pool.
    t = threading.Thread(target=watch, args=(paths[0],))
    t.start()
    t.join()
""",
        """
import threading

def serve(port):
    print(port)

def start_servers(ports):
    # Left running on purpose and handed back: not joined here.
    servers = [threading.Thread(target=serve, args=(p,), daemon=True) for p in ports]
    for s in servers:
        s.start()
    return servers
""",
    )
    invalid = (
        Invalid(
            """
import threading

fetched = []

def fetch(url):
    fetched.append(url.upper())

def fetch_all(urls):
    threads = [threading.Thread(target=fetch, args=(url,)) for url in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

fetch_all(["a", "b", "c"])
print(sorted(fetched))
""",
            fixed="""
from concurrent.futures import ThreadPoolExecutor

fetched = []

def fetch(url):
    fetched.append(url.upper())

def fetch_all(urls):
    with ThreadPoolExecutor() as executor:
        list(executor.map(fetch, urls))

fetch_all(["a", "b", "c"])
print(sorted(fetched))
""",
        ),
        Invalid(
            """
import queue
import threading

done = []

def worker(jobs):
    while (job := jobs.get()) is not None:
        done.append(job)

def main(workers):
    jobs = queue.Queue()
    for job in [*range(6), *[None] * workers]:
        jobs.put(job)
    threads = []
    for _ in range(workers):
        thread = threading.Thread(target=worker, args=(jobs,))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()

main(3)
print(sorted(done))
""",
            fixed="""
import queue
from concurrent.futures import ThreadPoolExecutor

done = []

def worker(jobs):
    while (job := jobs.get()) is not None:
        done.append(job)

def main(workers):
    jobs = queue.Queue()
    for job in [*range(6), *[None] * workers]:
        jobs.put(job)
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(worker, jobs) for _ in range(workers)]
        for future in futures:
            future.result()

main(3)
print(sorted(done))
""",
        ),
        Invalid(
            """
import threading

def tally(results, word):
    results[word] = len(word)

def main(words):
    results = {}
    threads = []
    for word in words:
        t = threading.Thread(target=tally, args=(results, word))
        threads.append(t)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sorted(results.items()))

main(["pool", "thread", "gil"])
""",
            fixed="""
from concurrent.futures import ThreadPoolExecutor

def tally(results, word):
    results[word] = len(word)

def main(words):
    results = {}
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(tally, results, word) for word in words]
        for future in futures:
            future.result()
    print(sorted(results.items()))

main(["pool", "thread", "gil"])
""",
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        reported: set[int] = set()
        for worker in ctx.model.workers:
            if not self._is_manual_list(worker):
                continue
            loop = worker.loops[-1]
            if id(loop) in reported:
                continue
            reported.add(id(loop))
            container = sorted(worker.containers)[0]
            start, join = (
                reaching_event(worker, worker.starts),
                reaching_event(worker, worker.joins),
            )
            things = worker.kind_plural
            message = (
                f"{things.capitalize()} built in a loop, kept in `{container}`, started and "
                f"joined by hand: an executor does it in one `with` block, bounds how many run "
                f"at once and hands back their exceptions"
            )
            related = (
                self.related(ctx, start.call, f"the {things} are started here"),
                self.related(ctx, join.call, "and joined here"),
            )
            rewrite = self._plan(ctx, worker, container)
            end_node = loop.iter if isinstance(loop, ast.For) else None
            yield self.report(
                ctx,
                loop,
                message,
                end_node=end_node,
                related=related,
                fixable=rewrite is not None,
                fix_data=rewrite,
                fix_title=rewrite.plan.title if rewrite else None,
            )

    @staticmethod
    def _is_manual_list(worker: Worker) -> bool:
        if worker.kind is WorkerKind.TIMER or not worker.loops or not worker.containers:
            return False
        if worker.escaped or not worker.starts or not worker.joins:
            return False
        # The same call may reach the objects twice (through the list and through a loop
        # variable of the same name): one call that reaches them all is enough. A loop of
        # `t.join(timeout)` is a watchdog (what is still alive after it is checked, often on
        # daemon threads): an executor's `with` block, which waits for ever, is no rewrite of it.
        return any(
            worker.reaches_every_instance(event)
            and event.iteration is not None
            and waits_without_timeout(event.call)
            for event in worker.joins
        ) and any(worker.reaches_every_instance(event) for event in worker.starts)

    def _plan(self, ctx: CheckContext, worker: Worker, container: str) -> Optional[_Rewrite]:
        if INDENT in ctx.source.text:
            return None
        if len(worker.loops) != 1 or len(worker.containers) != 1 or worker.runs:
            return None
        if len(event_calls(worker.starts)) != 1 or len(event_calls(worker.joins)) != 1:
            return None
        sharing = [w for w in ctx.model.workers if w.scope is worker.scope]
        if sum(1 for w in sharing if container in w.containers) != 1:
            return None
        shape = list_shape(worker, container)
        if shape is None:
            return None
        if worker.subclass is not None:
            if worker.subclass.module is not None:
                return None  # its run() is another module's: not rewritten from here
            return self._plan_subclass(ctx, worker, container, shape)
        build, init, join_loop = shape.build, shape.init, shape.join_loop
        target, iterable, local = shape.target, shape.iterable, shape.local
        following = [s for s in (shape.start_loop, join_loop) if s is not None]
        statements = [s for s in (init, build, *following) if s is not None]
        nodes = worker.scope.nodes
        if not only_in(nodes, container, statements):
            return None
        loop_names = {loop_var(s) for s in following} | names_in(target)
        if local is not None:
            loop_names.add(local)
            if not only_in(nodes, local, statements):
                return None
        if later_read(nodes, loop_names, join_loop):
            return None
        middle_names = set().union(*(names_in(stmt) for stmt in shape.middle))
        if middle_names & loop_names:
            return None  # the work in between reads a loop variable the rewrite removes
        arguments = submit_arguments(ctx.source, worker)
        if arguments is None or task_names(worker, "target") & (
            names_in(target) | ({local} if local else set())
        ):
            return None
        if _needs_own_thread(ctx, worker):
            return None
        max_workers = _bounded_count(ctx, iterable)
        if max_workers is None:
            handoff = _handoff_of(ctx, worker)
            function = ctx.effects.task_function(handoff) if handoff else None
            if function is None or may_wait_on_others(ctx.model, function):
                return None
        kind = _executor_kind(ctx, [worker], names_in(target), self.settings.free_threaded)
        if kind is None:
            return None
        identifiers = scope_identifiers(worker.scope)
        opening = _executor_code(ctx, kind, max_workers, identifiers - loop_names - {container})
        if opening is None:
            return None
        executor = opening.variable
        iterable_text = ctx.source.segment(iterable)
        target_text = ctx.source.segment(target)
        moved = _moved_middle(ctx, shape)
        if moved is None:
            return None
        middle, middle_rows = moved
        if isinstance(target, ast.Name) and arguments[1:] == [target.id] and not middle:
            body = f"{INDENT}list({executor}.map({arguments[0]}, {iterable_text}))\n"
        else:
            used = task_names(worker, "args", "kwargs")
            if isinstance(target, ast.Name) and target.id not in used:
                target_text = "_"  # the count matters, not the value
            submits = (
                f"{executor}.submit({', '.join(arguments)}) for {target_text} in {iterable_text}"
            )
            body = _submit_block(
                submits, middle, identifiers | {executor}, loop_names | {container}
            )
        old_import = worker_import(ctx.model, worker)
        plan = ExecutorRewrite(
            first=ctx.source.start_of(build),
            last=ctx.source.start_of(join_loop),
            drop=(ctx.source.start_of(init),) if init is not None else (),
            code=opening.line + body,
            executor=opening.spelled,
            add_import=opening.add_import,
            old_import=old_import,
            old_import_reads=reads_of(ctx.model, old_import),
        )
        comments = comments_between(ctx.source, build, join_loop, middle_rows)
        if init is not None:
            comments = comments_between(ctx.source, init, init) + comments
        drops = [init] if init is not None else []
        lines = run_lines(ctx.source, build, join_loop, drops)
        return _Rewrite(plan, tuple(comments), lines)

    def _plan_subclass(
        self, ctx: CheckContext, worker: Worker, container: str, shape: ListShape
    ) -> Optional[_Rewrite]:
        """Thread subclasses that keep their results on `self`: the objects stay (later
        code reads them, in order), and the executor runs each one's `run()`."""
        subclass = worker.subclass
        assert subclass is not None
        if worker.kind is not WorkerKind.THREAD or subclass.run is None:
            return None  # a process's attributes would stay in the child
        if subclass.methods & {"start", "join", "is_alive"} or shape.start_loop is None:
            return None
        if reads_identity(worker.scope.nodes, container) or uses_thread_identity(
            list(ast.walk(subclass.run))
        ):
            return None
        if _needs_own_thread(ctx, worker):
            return None
        start_loop, join_loop = shape.start_loop, shape.join_loop
        loop_names = {loop_var(start_loop), loop_var(join_loop)}
        if later_read(worker.scope.nodes, loop_names, join_loop):
            return None
        middle_names = set().union(*(names_in(stmt) for stmt in shape.middle))
        if middle_names & loop_names:
            return None
        max_workers = _bounded_count(ctx, shape.iterable)
        if max_workers is None and may_wait_on_others(ctx.model, subclass.run):
            return None
        identifiers = scope_identifiers(worker.scope)
        opening = _executor_code(ctx, WorkerKind.THREAD, max_workers, identifiers - loop_names)
        if opening is None:
            return None
        moved = _moved_middle(ctx, shape)
        if moved is None:
            return None
        middle, middle_rows = moved
        variable = loop_var(start_loop)
        submits = f"{opening.variable}.submit({variable}.run) for {variable} in {container}"
        body = _submit_block(submits, middle, identifiers | {opening.variable}, loop_names)
        plan = ExecutorRewrite(
            first=ctx.source.start_of(start_loop),
            last=ctx.source.start_of(join_loop),
            drop=(),
            code=opening.line + body,
            executor=opening.spelled,
            add_import=opening.add_import,
            old_import=None,  # the class still subclasses Thread
        )
        comments = comments_between(ctx.source, start_loop, join_loop, middle_rows)
        lines = run_lines(ctx.source, start_loop, join_loop, [])
        return _Rewrite(plan, tuple(comments), lines)


def _submit_block(submits: str, middle: str, taken: set[str], freed: set[str]) -> str:
    """The `with` block's body: the futures, the caller's work, the wait for each result.
    `freed` names are removed by the rewrite and may be reused."""
    futures = fresh_name("futures", taken - freed)
    future = fresh_name("future", taken | {futures})
    return (
        f"{INDENT}{futures} = [{submits}]\n"
        f"{middle}"
        f"{INDENT}for {future} in {futures}:\n"
        f"{INDENT}{INDENT}{future}.result()\n"
    )


def _moved_middle(ctx: CheckContext, shape: ListShape) -> Optional[tuple[str, tuple[range, ...]]]:
    """The statements between start and join as text for the `with` block, and their rows;
    None when they cannot move as text."""
    middle_rows = middle_statement_rows(shape)
    moved = [
        _indented(ctx, rows, stmt.col_offset)
        for rows, stmt in zip(middle_rows, shape.middle, strict=False)
    ]
    if any(text is None for text in moved) or has_multiline_string(shape.middle):
        return None
    return "".join(text for text in moved if text is not None), middle_rows


def _indented(ctx: CheckContext, rows: range, base: int) -> Optional[str]:
    """Those rows of source, one level deeper (inside the `with`); None when they cannot be
    moved as text: a line indented less than the statement (a string literal's continuation)."""
    lines = [ctx.source.line(row) for row in rows]
    shifted: list[str] = []
    for line in lines:
        if not line.strip():
            shifted.append("")
        elif line[:base].strip():
            return None
        else:
            shifted.append(INDENT + line[base:])
    return "".join(line + "\n" for line in shifted)


def _bounded_count(ctx: CheckContext, iterable: ast.expr) -> Optional[str]:
    """`n` for `range(n)`: the code fixed how many run at once."""
    if (
        isinstance(iterable, ast.Call)
        and ctx.model.resolve(iterable.func, iterable) == "builtins.range"
        and len(iterable.args) == 1
        and not iterable.keywords
    ):
        argument = iterable.args[0]
        if isinstance(argument, ast.Constant) and not (
            isinstance(argument.value, int) and argument.value > 0
        ):
            return None
        return ctx.source.segment(argument)
    return None


class ManyManualThreads(_ExecutorRule):
    """
    ## What it does
    Flags a scope that creates `max-manual-threads` (3 by default) or more threads or
    processes, each under its own name, and manages them one by one.

    ## Why is this bad?
    Every extra thread is three more lines (create, start, join) and one more chance to
    forget a join or to leave threads running when something in between raises. One
    executor with a `submit` per task starts them all, waits for all of them when its `with`
    block ends, and hands back each task's exception.

    ## Example
    ```python
    import threading

    def main():
        a = threading.Thread(target=load_users)
        b = threading.Thread(target=load_orders)
        c = threading.Thread(target=load_stock)
        a.start()
        b.start()
        c.start()
        a.join()
        b.join()
        c.join()
    ```

    Use instead:
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def main():
        with ThreadPoolExecutor(max_workers=3) as executor:
            futures = [
                executor.submit(load_users),
                executor.submit(load_orders),
                executor.submit(load_stock),
            ]
            for future in futures:
                future.result()
    ```

    ## Fix safety
    The fix replaces the statements that create, start and join the threads with one
    `with` block that submits each task in the order the threads were started, with
    `max_workers` equal to their number (they all ran at once before, and may wait for each
    other), and then waits for each result. It is unsafe: an exception in a task now
    reaches the caller. It is offered only when those statements follow each other with
    nothing else between them, every object is started once before any is joined and joined
    once without a timeout, nothing else uses their names, and each is built from
    `target=`, `args=` and `kwargs=` alone. Processes get a `ProcessPoolExecutor` when their
    tasks are module-level functions given plain values.

    ## Options
    - `max-manual-threads`: how many separately named threads or processes in one scope are
      too many (default 3).

    ## References
    - [Executor.submit](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.submit)
    """

    code = "PAR103"
    name = "many-manual-threads"
    family = "threads"
    severity = Severity.INFO
    message = "Many threads managed one by one: use one executor"
    fix_title = "Use one executor"

    valid = (
        """
import threading

def main():
    reader = threading.Thread(target=print, args=("reader",))
    writer = threading.Thread(target=print, args=("writer",))
    reader.start()
    writer.start()
    reader.join()
    writer.join()
""",
        """
from concurrent.futures import ThreadPoolExecutor

def main(jobs):
    with ThreadPoolExecutor(max_workers=3) as executor:
        for future in [executor.submit(job) for job in jobs]:
            future.result()
""",
    )
    invalid = (
        Invalid(
            """
import threading

loaded = []

def load(kind, limit=0):
    loaded.append((kind, limit))

def main():
    users = threading.Thread(target=load, args=("users",))
    orders = threading.Thread(target=load, args=("orders",), kwargs={"limit": 10})
    stock = threading.Thread(target=load, args=("stock",))
    users.start()
    orders.start()
    stock.start()
    users.join()
    orders.join()
    stock.join()

main()
print(sorted(loaded))
""",
            fixed="""
from concurrent.futures import ThreadPoolExecutor

loaded = []

def load(kind, limit=0):
    loaded.append((kind, limit))

def main():
    with ThreadPoolExecutor(max_workers=3) as executor:
        futures = [
            executor.submit(load, "users"),
            executor.submit(load, "orders", limit=10),
            executor.submit(load, "stock"),
        ]
        for future in futures:
            future.result()

main()
print(sorted(loaded))
""",
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        limit = self.settings.max_manual_threads
        by_scope: dict[int, list[Worker]] = {}
        for worker in ctx.model.workers:
            if worker.kind is WorkerKind.TIMER or worker.loops or worker.containers:
                continue
            if len(worker.names) != 1:
                continue
            by_scope.setdefault(id(worker.scope), []).append(worker)
        for workers in by_scope.values():
            named: dict[str, Worker] = {}
            for worker in sorted(workers, key=lambda w: (w.call.lineno, w.call.col_offset)):
                named.setdefault(next(iter(worker.names)), worker)
            if len(named) < limit:
                continue
            group = list(named.values())
            first = group[0]
            noun = "processes" if all(w.kind is WorkerKind.PROCESS for w in group) else "threads"
            message = (
                f"{len(group)} {noun} created and managed one by one in "
                f"{first.scope.display_name}: one executor with a `submit` per task starts "
                f"them, waits for all of them and hands back their exceptions"
            )
            related = tuple(
                self.related(ctx, w.call, f"`{next(iter(w.names))}` is created here")
                for w in group[1:]
            )
            rewrite = self._plan(ctx, group, workers) if len(group) == len(workers) else None
            yield self.report(
                ctx,
                first.call,
                message,
                related=related,
                fixable=rewrite is not None,
                fix_data=rewrite,
                fix_title=rewrite.plan.title if rewrite else None,
            )

    def _plan(
        self, ctx: CheckContext, group: list[Worker], workers: list[Worker]
    ) -> Optional[_Rewrite]:
        if INDENT in ctx.source.text:
            return None
        statements: dict[int, ast.stmt] = {}
        starts: list[tuple[ast.stmt, Worker]] = []
        joins: list[ast.stmt] = []
        arguments: list[list[str]] = []
        for worker in group:
            if _needs_own_thread(ctx, worker):
                return None
            name = next(iter(worker.names))
            owner = parent(worker.call)
            if not (
                isinstance(owner, ast.Assign)
                and len(owner.targets) == 1
                and isinstance(owner.targets[0], ast.Name)
            ):
                return None
            if worker.escaped or worker.runs or len(worker.starts) != 1 or len(worker.joins) != 1:
                return None
            start, join = worker.starts[0], worker.joins[0]
            start_stmt, join_stmt = (
                own_statement(start, name, "start"),
                own_statement(join, name, "join"),
            )
            if start_stmt is None or join_stmt is None:
                return None
            found = submit_arguments(ctx.source, worker)
            if found is None:
                return None
            arguments.append(found)
            statements[id(owner)] = owner
            starts.append((start_stmt, worker))
            joins.append(join_stmt)
            for stmt in (start_stmt, join_stmt):
                statements[id(stmt)] = stmt
        run = sorted(statements.values(), key=lambda s: (s.lineno, s.col_offset))
        block_info = containing_block(run[0])
        if block_info is None:
            return None
        block, index = block_info
        if block[index : index + len(run)] != run:
            return None  # other statements between them, or not in one block
        last_start = max(s.lineno for s, _ in starts)
        if min(j.lineno for j in joins) < last_start:
            return None  # one finished before another started: not the same program
        for worker in group:
            name = next(iter(worker.names))
            if not only_in(worker.scope.nodes, name, run):
                return None
            start_stmt = next(s for s, w in starts if w is worker)
            if start_stmt.lineno < parent(worker.call).lineno:  # type: ignore[union-attr]
                return None
        names = {next(iter(w.names)) for w in group}
        if any(task_names(w, "target") & names for w in group):
            return None
        ordered = [w for _, w in sorted(starts, key=lambda p: (p[0].lineno, p[0].col_offset))]
        by_worker = {id(w): a for w, a in zip(group, arguments, strict=False)}
        kind = _executor_kind(ctx, ordered, set(), self.settings.free_threaded)
        if kind is None:
            return None
        scope = group[0].scope
        taken = scope_identifiers(scope) - names
        opening = _executor_code(ctx, kind, str(len(group)), taken)
        if opening is None:
            return None
        executor = opening.variable
        futures = fresh_name("futures", taken | {executor})
        future = fresh_name("future", taken | {executor, futures})
        submits = [f"{executor}.submit({', '.join(by_worker[id(w)])})" for w in ordered]
        one_line = f"{futures} = [{', '.join(submits)}]"
        if run[0].col_offset + 4 + len(one_line) <= ONE_LINE:
            listing = f"{INDENT}{one_line}\n"
        else:
            inner = "".join(f"{INDENT}{INDENT}{s},\n" for s in submits)
            listing = f"{INDENT}{futures} = [\n{inner}{INDENT}]\n"
        body = listing + f"{INDENT}for {future} in {futures}:\n{INDENT}{INDENT}{future}.result()\n"
        old_imports = {worker_import(ctx.model, w) for w in group}
        old_import = old_imports.pop() if len(old_imports) == 1 else None
        plan = ExecutorRewrite(
            first=ctx.source.start_of(run[0]),
            last=ctx.source.start_of(run[-1]),
            drop=(),
            code=opening.line + body,
            executor=opening.spelled,
            add_import=opening.add_import,
            old_import=old_import,
            old_import_reads=reads_of(ctx.model, old_import),
        )
        comments = comments_between(ctx.source, run[0], run[-1])
        return _Rewrite(plan, tuple(comments), run_lines(ctx.source, run[0], run[-1], []))
