"""Thread lifecycle rules: PAR101 unjoined-thread, PAR104 run-instead-of-start,
PAR105 serial-start-join."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from parlint.analysis.lifecycle import exits_if_joined_at, unjoined_by_class
from parlint.analysis.loops import condition_is_private
from parlint.analysis.model import ConcurrencyModel, Event, HandoffApi, Worker
from parlint.analysis.scopes import (
    assigned_names,
    body_nodes,
    containing_block,
    fresh_name,
    parent,
    statement_after,
)
from parlint.analysis.stdlib import WorkerKind
from parlint.fixes.to_executor import opening_whitespace
from parlint.ftypes import Applicability, Diagnostic, Edit, Location, Severity
from parlint.rules.base import CheckContext, Invalid, Rule, TextFix
from parlint.source import SourceText

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext


def _first(events: list[Event]) -> Event:
    return min(events, key=lambda e: (e.call.lineno, e.call.col_offset))


def _ends_block(stmt: ast.stmt, rest: list[ast.stmt]) -> bool:
    """Whether `stmt` is the last thing that runs in `rest` (a block after a start), on the
    normal path: the block's last statement, or last in the `finally` or the body of the
    `try`/`with` that ends it."""
    if not rest:
        return False
    current: ast.stmt = stmt
    while current is not rest[-1]:
        owner = parent(current)
        if isinstance(owner, (ast.With, ast.AsyncWith)):
            block = owner.body
        elif isinstance(owner, ast.Try) and not owner.finalbody and not owner.orelse:
            block = owner.body
        elif isinstance(owner, ast.Try):
            block = owner.finalbody
        else:
            return False
        if not block or block[-1] is not current:
            return False
        current = owner
    return True


def _sets_other_work_going(
    model: ConcurrencyModel, worker: Worker, statements: list[ast.stmt]
) -> bool:
    """Whether `statements` start or join another worker, or hand off a task: then something
    does run alongside the thread (`a.start(); b.start(); a.join(); b.join()`)."""
    inside = {id(node) for stmt in statements for node in ast.walk(stmt)}
    if not inside:
        return False
    for other in model.workers:
        if other is not worker and any(id(e.call) in inside for e in other.events):
            return True
    return any(
        id(h.call) in inside and h.worker is not worker and h.api is not HandoffApi.CONSTRUCTOR
        for h in model.handoffs
    )


def _waits_with_timeout(worker: Worker, statements: list[ast.stmt]) -> bool:
    """Whether one of `statements` joins `worker` with a timeout (`t.join(5)`)."""
    inside = {id(node) for stmt in statements for node in ast.walk(stmt)}
    return any(
        (event.call.args or event.call.keywords) and id(event.call) in inside
        for event in worker.joins
    )


@dataclass(frozen=True)
class _JoinFix:
    statement: Location
    name: str
    # True: the join goes right after `statement` (a `kill()`/`terminate()` of the worker);
    # False: at the end of the block that holds `statement` (the start), before a `return`.
    after: bool = False
    # UNSAFE when the worker surely ends by itself and nothing before the join talks to it;
    # DISPLAY_ONLY when the join could wait forever (a service loop stopped by later code).
    applicability: Applicability = Applicability.UNSAFE
    # The join as a line of text: inserted before this row, with this indentation (None when
    # the block's shape needs libcst: a statement sharing its line, say).
    line_before: Optional[tuple[int, str]] = None


class UnjoinedThread(Rule):
    """
    ## What it does
    Flags a `Thread` or `Process` that a scope starts and does not join on every normal way
    out of it (a `return`, or the end of the function or module), unless it is a daemon or
    escapes the scope (returned, yielded, stored in a global or in a container that leaves
    the scope, passed to another call, or used by a nested function). Passing it to `print`,
    `repr` or a logger is not an escape.

    A worker kept on `self` belongs to its class: it is reported, at its `start()`, when no
    method of the class joins it (a `stop()`, `close()` or `__exit__` that joins it, or a
    helper they call, is enough). A worker whose loop ends on a stop signal that other code
    sends (an `Event` the loop tests and another function sets, a sentinel put on its
    queue, `serve_forever()` ended by `shutdown()`) is owned by that code and not reported;
    so is a worker that runs a method of another library's object (`target=reactor.run`)
    that another function stops (`reactor.stop()`, or `reactor.stop` handed on as a
    callback), and a `serve_forever` / `run_forever` of an object the caller passed in or
    gets back.

    ## Why is this bad?
    Code after the scope runs while the worker is still running: its results may not be
    ready, its exceptions are never seen by anyone, and a function that starts a thread and
    returns leaves work behind that nobody waits for. A `join()` in a loop after
    `for ... : t = Thread(...); t.start()` waits only for the last thread of the loop.
    `threading.Timer` is not reported: firing later, unjoined, is its purpose.

    ## Example
    ```python
    import threading

    def download(urls):
        for url in urls:
            print("fetching", url)

    def main(urls):
        worker = threading.Thread(target=download, args=(urls,))
        worker.start()
        print("started")
    ```

    Use instead:
    ```python
    import threading

    def download(urls):
        for url in urls:
            print("fetching", url)

    def main(urls):
        worker = threading.Thread(target=download, args=(urls,))
        worker.start()
        print("started")
        worker.join()
    ```

    ## Fix safety
    The fix inserts `name.join()` at the end of the block that started the worker (before a
    final `return`), or right after the scope's `kill()`/`terminate()` of it. It is unsafe:
    the scope now waits for the worker, which changes timing. A join must never make a
    working program hang, so the fix is applied (with `--unsafe-fixes`) only when the
    worker's task surely ends by itself (no `while` loop, no waiting call such as a queue's
    `get()`, an event's `wait()`, `accept()` or `serve_forever()`, every call it makes known)
    and nothing between the start and the join talks to it through the objects it was given.
    Otherwise the fix is display-only: shown in the editor and by `--diff`, never applied.
    It is offered only when that one join covers every way out of the scope, and never in an
    `async def`, where a blocking join would stall the event loop (await
    `asyncio.to_thread(t.join)` there instead).

    ## Options
    None.

    ## References
    - [threading.Thread.join](https://docs.python.org/3/library/threading.html#threading.Thread.join)
    - [multiprocessing.Process.join](https://docs.python.org/3/library/multiprocessing.html#multiprocessing.Process.join)
    """

    code = "PAR101"
    name = "unjoined-thread"
    family = "threads"
    severity = Severity.WARNING
    message = "Thread or process is started but not joined"
    fix_title = "Join it at the end of the block that starts it"
    fix_applicability = Applicability.UNSAFE

    valid = (
        """
import threading

def main():
    t = threading.Thread(target=print)
    t.start()
    t.join()
""",
        """
import threading

def main():
    threads = [threading.Thread(target=print, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""",
        """
import threading

def start_worker():
    t = threading.Thread(target=print, daemon=True)
    t.start()

def start_other():
    t = threading.Thread(target=print)
    t.start()
    return t
""",
        """
import threading

def main(flag):
    t = threading.Thread(target=print)
    t.start()
    try:
        if flag:
            return 1
        return 2
    finally:
        t.join()
""",
        """
import queue
import threading

def consume(jobs):
    while (job := jobs.get()) is not None:
        print(job)

class Consumer:
    def __init__(self):
        self.jobs = queue.Queue()
        self._thread = threading.Thread(target=consume, args=(self.jobs,))

    def start(self):
        self._thread.start()

    def stop(self):
        self.jobs.put(None)
        self._thread.join()
""",
    )
    invalid = (
        Invalid(
            """
import threading

def main():
    t = threading.Thread(target=print)
    t.start()
    print("done")
""",
            fixed="""
import threading

def main():
    t = threading.Thread(target=print)
    t.start()
    print("done")
    t.join()
""",
        ),
        Invalid(
            """
import threading

def main():
    t = threading.Thread(target=print)
    t.start()
    # report back
    return 3
""",
            fixed="""
import threading

def main():
    t = threading.Thread(target=print)
    t.start()
    t.join()
    # report back
    return 3
""",
        ),
        Invalid(
            """
import threading

def main():
    for i in range(3):
        t = threading.Thread(target=print, args=(i,))
        t.start()
    t.join()
"""
        ),
        Invalid(
            """
from multiprocessing import Process

def main(skip):
    p = Process(target=print)
    p.start()
    if skip:
        return
    p.join()
"""
        ),
        Invalid(
            """
import threading

class Snapshot:
    def write_async(self, path):
        self._thread = threading.Thread(target=print, args=(path,))
        self._thread.start()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        lifecycle = ctx.lifecycle
        for worker in ctx.model.workers:
            if unjoined_by_class(worker):
                yield self._unjoined_by_class(ctx, worker)
                continue
            exits = lifecycle.get(id(worker))
            if not exits:
                continue
            start = _first(worker.starts)
            returns = [e.node for e in exits if e.node is not None]
            related = tuple(self.related(ctx, r, "returns with it still running") for r in returns)
            joins = worker.joins
            partial = [j for j in joins if not worker.reaches_every_instance(j)]
            what = worker.label
            verb = "are" if worker.label_is_plural else "is"
            scope = worker.scope.display_name
            if joins and len(partial) == len(joins) and worker.loops:
                message = (
                    f"Only the last {worker.kind_word} started in the loop is joined: "
                    f"`{partial[0].via_name or 'it'}.join()` at line {partial[0].call.lineno} "
                    "runs after the loop"
                )
                related += (self.related(ctx, partial[0].call, "joins one of them"),)
            elif returns:
                lines = ", ".join(str(r.lineno) for r in returns)  # type: ignore[attr-defined]
                message = (
                    f"{what} {verb} started but not joined before the `return` at line "
                    f"{lines}; {'they keep' if worker.label_is_plural else 'it keeps'} "
                    f"running after {scope} returns"
                )
            elif joins:
                message = f"{what} {verb} started but not joined on every path out of {scope}"
            else:
                message = f"{what} {verb} started but never joined in {scope}"
                if worker.scope.is_function:
                    # Who should join it (SPEC "Who owns a worker"): the function that starts it.
                    them = "them" if worker.label_is_plural else "it"
                    message += f", which should join {them} before it returns"
            if worker.kind is WorkerKind.PROCESS and _stopped_in(worker, start):
                message += "; a killed or terminated process still needs `join()` to be reaped"
            fix = self._plan_fix(ctx, worker, start)
            yield self.report(
                ctx,
                start.call,
                message[0].upper() + message[1:],
                related=related,
                fixable=fix is not None,
                fix_data=fix,
                fix_title=f"Insert `{fix.name}.join()`" if fix else None,
                applicability=fix.applicability if fix else None,
            )

    def _unjoined_by_class(self, ctx: CheckContext, worker: Worker) -> Diagnostic:
        home = worker.home
        assert home is not None
        start = _first(worker.starts)
        what = home.label if not worker.names else f"{worker.label} (kept as {home.label})"
        message = (
            f"{what[0].upper()}{what[1:]} is started but no method of {home.class_name} joins "
            f"it: the class keeps the {worker.kind_word}, so a method such as `stop()` or "
            "`close()` should join it"
        )
        related = tuple(self.related(ctx, store, "kept here") for store in home.stores[:1])
        return self.report(ctx, start.call, message, related=related)

    def _plan_fix(self, ctx: CheckContext, worker: Worker, start: Event) -> Optional[_JoinFix]:
        if (
            start.via_name is None
            or start.iteration is not None
            or start.loops
            or worker.loops
            or len(worker.starts) != 1
            # A blocking join() inside a coroutine stalls the event loop (and deadlocks if
            # the thread waits for the loop): there the fix is not a join.
            or isinstance(worker.scope.node, ast.AsyncFunctionDef)
        ):
            return None
        stmt = start.statement
        if not isinstance(stmt, ast.Expr) or stmt.value is not start.call:
            return None
        found = containing_block(stmt)
        if found is None:
            return None
        block, index = found
        later = block[index + 1 :]
        if start.via_name in assigned_names(later):
            return None  # the name may hold another object by the end of the block
        if later and isinstance(later[-1], ast.Raise):
            return None
        stopped = next((i for i, s in enumerate(later) if _stops(s, start.via_name)), None)
        if stopped is not None:
            # Killed or terminated here: it ends now, and the join reaps it right away.
            stop = later[stopped]
            insert_at = index + 1 + stopped + 1
            if exits_if_joined_at(ctx.model, worker, block, insert_at) or _shares_line(block, stop):
                return None
            line = _line_after(ctx, stmt, block[insert_at - 1])
            return _JoinFix(ctx.source.start_of(stop), start.via_name, after=True, line_before=line)
        insert_at = len(block)
        if later and isinstance(later[-1], ast.Return):
            insert_at = len(block) - 1
            value = later[-1].value
            if value is not None and any(
                isinstance(n, ast.Name) and n.id == start.via_name for n in ast.walk(value)
            ):
                return None
        if exits_if_joined_at(ctx.model, worker, block, insert_at):
            return None
        applicability = _join_applicability(ctx, worker, block[index + 1 : insert_at])
        line = _line_after(ctx, stmt, block[insert_at - 1])
        return _JoinFix(
            ctx.source.start_of(stmt), start.via_name, applicability=applicability, line_before=line
        )

    def fix_text(self, source: SourceText, diagnostic: Diagnostic) -> Optional[TextFix]:
        from parlint.fixes.imports import ImportChanges

        plan = diagnostic.fix_data
        if not isinstance(plan, _JoinFix) or plan.line_before is None:
            return None
        row, indent = plan.line_before
        text = f"{indent}{plan.name}.join(){source.newline}"
        if row > source.line_count:
            at = Location(source.line_count, len(source.line(source.line_count)) + 1)
            text = source.newline + text  # the file ends without a newline
        else:
            at = Location(row, 1)
        return (Edit(text, at, at),), ImportChanges()

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        from parlint.fixes.cst import BlockInserter, statement

        plan = diagnostic.fix_data
        if not isinstance(plan, _JoinFix):
            return None
        anchor = fctx.find(cst.SimpleStatementLine, plan.statement)
        if anchor is None:
            return None
        join = statement(f"{plan.name}.join()\n")
        inserter = (
            BlockInserter(anchor, after=(join,))
            if plan.after
            else BlockInserter(anchor, at_end=(join,), end_before_return=True)
        )
        new = fctx.module.visit(inserter)
        return new if inserter.done else None


def _line_after(ctx: CheckContext, start: ast.stmt, anchor: ast.stmt) -> Optional[tuple[int, str]]:
    """Where a join line goes right after `anchor` (a statement of the block that holds
    `start`), and its indentation, the start's: None when `start` does not open its line or
    `anchor` does not end its own (only a comment may follow), where libcst places it."""
    indent = opening_whitespace(ctx.source, start)  # None: `if x: t.start()`, `a = 1; t.start()`
    if indent is None or not ctx.source.ends_line(anchor):
        return None
    if "\t" in indent and " " in indent:
        return None  # indentation Python reads in ways a copied prefix may not keep
    return (anchor.end_lineno or anchor.lineno) + 1, indent


def _nothing_waits_on_run(call: ast.Call, name: Optional[str]) -> bool:
    """Whether nothing after `x.run()` can rely on the target having finished: the call is a
    statement of its own, and what runs next is the end of the function or module, a bare
    `return`/`pass`, or `x.join()` (which then waits for the started worker)."""
    statement = parent(call)
    if not isinstance(statement, ast.Expr):
        return False
    following = statement_after(statement)
    if following is None or isinstance(following, ast.Pass):
        return True
    if isinstance(following, ast.Return):
        return following.value is None
    return (
        name is not None
        and isinstance(following, ast.Expr)
        and isinstance(following.value, ast.Call)
        and isinstance(following.value.func, ast.Attribute)
        and following.value.func.attr == "join"
        and isinstance(following.value.func.value, ast.Name)
        and following.value.func.value.id == name
    )


class RunInsteadOfStart(Rule):
    """
    ## What it does
    Flags `.run()` called on a `Thread` or `Process` object.

    ## Why is this bad?
    `run()` is the method the new thread executes; calling it directly runs the target in
    the calling thread, synchronously. Nothing runs in parallel, and a later `join()` waits
    for a thread that was never started (it raises `RuntimeError`).

    ## Example
    ```python
    import threading

    def main():
        worker = threading.Thread(target=print, args=("hello",))
        worker.run()
    ```

    Use instead:
    ```python
    import threading

    def main():
        worker = threading.Thread(target=print, args=("hello",))
        worker.start()
        worker.join()
    ```

    ## Fix safety
    The fix replaces `.run()` with `.start()`. It is unsafe: the target now runs
    concurrently with the caller (and, for a process, its changes to objects stay in the
    child). It is applied only when nothing after the call can rely on the target having
    finished: the call is the last thing its function does, or `x.join()` comes next (PAR101
    then asks for the join when nothing does). When other code follows (an assertion on what
    `run()` did, say) the fix is display-only. It is not offered when the same object is also
    started, or run more than once: it would then be started twice, which raises.

    ## Options
    None.

    ## References
    - [threading.Thread.run](https://docs.python.org/3/library/threading.html#threading.Thread.run)
    """

    code = "PAR104"
    name = "run-instead-of-start"
    family = "threads"
    severity = Severity.ERROR
    message = "`run()` runs the target in the calling thread"
    fix_title = "Replace `.run()` with `.start()`"
    fix_applicability = Applicability.UNSAFE

    valid = (
        """
import threading

class Worker(threading.Thread):
    def run(self):
        super().run()

def main():
    w = Worker(target=print)
    w.start()
    w.join()
""",
    )
    invalid = (
        Invalid(
            """
import threading

def main():
    t = threading.Thread(target=print, args=("hi",))
    t.run()
    t.join()
""",
            fixed="""
import threading

def main():
    t = threading.Thread(target=print, args=("hi",))
    t.start()
    t.join()
""",
        ),
        Invalid(
            """
from multiprocessing import Process

if __name__ == "__main__":
    Process(target=print).run()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        for worker in ctx.model.workers:
            for event in worker.runs:
                call = event.call
                func = call.func
                assert isinstance(func, ast.Attribute)
                who = f"`{event.via_name}`" if event.via_name else f"this {worker.kind_word}"
                message = (
                    f"`.run()` executes the target of {who} in the calling thread; "
                    "`.start()` runs it in a new " + worker.kind_word
                )
                # A worker that is also started, or run again, would start twice: the
                # second start raises (RuntimeError for threads, AssertionError for processes).
                once = not worker.starts and len(worker.runs) == 1
                fixable = once and not call.args and not call.keywords
                data = ctx.source.location_from_ast(func.end_lineno or 1, func.end_col_offset or 0)
                applicability = (
                    Applicability.UNSAFE
                    if _nothing_waits_on_run(call, event.via_name)
                    else Applicability.DISPLAY_ONLY
                )
                yield self.report(
                    ctx, call, message, fixable=fixable, fix_data=data, applicability=applicability
                )

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        end = diagnostic.fix_data
        if not isinstance(end, Location):
            return None
        call = fctx.find(cst.Call, diagnostic.location, diagnostic.end_location)
        if call is None or not isinstance(call.func, cst.Attribute):
            return None
        new_func = call.func.with_changes(attr=cst.Name("start"))
        return fctx.module.deep_replace(call.func, new_func)  # type: ignore[return-value]


@dataclass(frozen=True)
class _SerialFix:
    loop: Location
    join: Location
    name: str  # the variable the thread goes through
    list_name: Optional[str]  # a new list to collect threads created in the loop, or None


class SerialStartJoin(Rule):
    """
    ## What it does
    Flags `t.start()` followed by `t.join()` on the same object in one loop iteration, in
    any loop (`for`, `while`, `async for`; in a `def` or an `async def`), also when the
    caller does other work between the two calls.

    ## Why is this bad?
    Each thread is joined before the next one is started, so no two ever run at once:
    the code pays for threads and gets serial execution. Work between the two calls
    overlaps with one thread at most. Not reported: a `join(timeout)` used as a watchdog,
    and work after the join in the same iteration (it needs the thread finished).

    ## Example
    ```python
    import threading

    def fetch(url):
        print("fetching", url)

    def main(urls):
        for url in urls:
            t = threading.Thread(target=fetch, args=(url,))
            t.start()
            t.join()
    ```

    Use instead:
    ```python
    import threading

    def fetch(url):
        print("fetching", url)

    def main(urls):
        threads = []
        for url in urls:
            t = threading.Thread(target=fetch, args=(url,))
            t.start()
            threads.append(t)
        for t in threads:
            t.join()
    ```

    ## Fix safety
    The fix starts every thread in the loop and joins them all after it. It is unsafe:
    the tasks now overlap, which changes the order of their effects and is wrong if one
    task depends on the previous one having finished. It is offered only for a loop
    whose body ends with the join and has no `break`, `continue` or `else`; for a `while`
    loop, only when its condition reads nothing but the function's own objects that no
    thread can see (`while pending:` over a list it built, a counter it keeps): the
    condition is now evaluated while the threads run. A fix must never make a working program
    hang, so it is applied (with `--unsafe-fixes`) only when the task surely ends by itself
    (no `while` loop, no waiting call such as a queue's `get()` or an event's `wait()`, every
    call it makes known); otherwise it is display-only: shown in the editor and by `--diff`,
    never applied.

    ## Options
    None.

    ## References
    - [threading.Thread.join](https://docs.python.org/3/library/threading.html#threading.Thread.join)
    """

    code = "PAR105"
    name = "serial-start-join"
    family = "threads"
    severity = Severity.WARNING
    message = "Started and joined in the same loop iteration: nothing runs in parallel"
    fix_title = "Start all in the loop, join them after it"
    fix_applicability = Applicability.UNSAFE

    valid = (
        """
import threading

def main(jobs):
    for job in jobs:
        t = threading.Thread(target=job)
        t.start()
        t.join(timeout=5)
        if t.is_alive():
            print("timed out")
""",
        """
import threading

def main(jobs):
    threads = []
    for job in jobs:
        t = threading.Thread(target=job)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
""",
    )
    invalid = (
        Invalid(
            """
import threading

def fetch(url):
    print("fetching", url)

def main(urls):
    for url in urls:
        t = threading.Thread(target=fetch, args=(url,))
        t.start()
        t.join()
""",
            fixed="""
import threading

def fetch(url):
    print("fetching", url)

def main(urls):
    threads = []
    for url in urls:
        t = threading.Thread(target=fetch, args=(url,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
""",
        ),
        Invalid(
            """
import threading

def main(threads):
    workers = [threading.Thread(target=print) for _ in range(3)]
    for w in workers:
        w.start()
        w.join()
""",
            fixed="""
import threading

def main(threads):
    workers = [threading.Thread(target=print) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
""",
        ),
        Invalid(
            """
import threading

def main(jobs):
    pending = list(jobs)
    while pending:
        t = threading.Thread(target=print, args=(pending.pop(),))
        t.start()
        print(len(pending), "left")
        t.join()
""",
            fixed="""
import threading

def main(jobs):
    pending = list(jobs)
    threads = []
    while pending:
        t = threading.Thread(target=print, args=(pending.pop(),))
        t.start()
        print(len(pending), "left")
        threads.append(t)
    for t in threads:
        t.join()
""",
        ),
        Invalid(
            """
import threading

async def main(jobs):
    while not jobs.empty():
        t = threading.Thread(target=jobs.get())
        t.start()
        t.join()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        taken: Optional[set[str]] = None
        for worker in ctx.model.workers:
            for start in worker.starts:
                found = self._serial_join(ctx.model, worker, start)
                if found is None:
                    continue
                join, work_between = found
                if taken is None:
                    taken = ctx.model.identifiers()
                plan = self._plan_fix(ctx, worker, start, join, taken)
                who = f"`{start.via_name}`" if start.via_name else f"the {worker.kind_word}"
                when = (
                    "in the same loop iteration that starts it"
                    if work_between
                    else "right after it is started, in the same loop iteration"
                )
                message = (
                    f"{who} is joined at line {join.call.lineno} {when}: the "
                    f"{worker.kind_plural} run one at a time"
                )
                yield self.report(
                    ctx,
                    start.call,
                    message,
                    related=(self.related(ctx, join.call, "waits for it here"),),
                    fixable=plan is not None,
                    fix_data=plan,
                    applicability=None if plan is None else _overlap_applicability(ctx, worker),
                )

    @staticmethod
    def _serial_join(
        model: ConcurrencyModel, worker: Worker, start: Event
    ) -> Optional[tuple[Event, bool]]:
        """The join that ends the iteration that `start` is in, and whether the caller does
        other work between the two (reported all the same: SPEC, "by the letter")."""
        if not start.loops or start.via_name is None:
            return None
        loop = start.loops[0]
        per_iteration = start.iteration is loop or (
            start.iteration is None and bool(worker.loops) and worker.loops[0] is loop
        )
        if not per_iteration:
            return None
        start_stmt = start.statement
        found = containing_block(start_stmt) if start_stmt is not None else None
        if found is None:
            return None
        block, index = found
        for join in worker.joins:
            if join.call.args or join.call.keywords or not join.loops or join.loops[0] is not loop:
                continue
            if join.via_name != start.via_name or join.iteration is not start.iteration:
                continue
            # Work after the join in the same iteration needs the thread finished: that is
            # intent, not a missed overlap.
            if join.statement is None or not _ends_block(join.statement, block[index + 1 :]):
                continue
            after_start = block[index + 1 :]
            if _waits_with_timeout(worker, after_start):
                continue  # a watchdog: `join(timeout)`, then a check, then the final wait
            if _sets_other_work_going(model, worker, after_start):
                continue  # another thread or task runs alongside: not one at a time
            return join, len(after_start) > 1 or after_start[0] is not join.statement
        return None

    @staticmethod
    def _plan_fix(
        ctx: CheckContext, worker: Worker, start: Event, join: Event, taken: set[str]
    ) -> Optional[_SerialFix]:
        loop = start.loops[0]
        if not isinstance(loop, (ast.For, ast.AsyncFor, ast.While)) or loop.orelse:
            return None
        if isinstance(loop, ast.While) and not condition_is_private(
            loop, worker.scope, ctx.model.names
        ):
            return None  # the threads could change the test once they run alongside the loop
        join_stmt = join.statement
        if not isinstance(join_stmt, ast.Expr) or loop.body[-1] is not join_stmt:
            return None
        if any(isinstance(n, (ast.Break, ast.Continue)) for n in body_nodes(loop)):
            return None
        assert start.via_name is not None
        loop_location = ctx.source.start_of(loop)
        join_location = ctx.source.start_of(join_stmt)
        if start.iteration is loop:
            if (
                not isinstance(loop, ast.For)
                or not isinstance(loop.iter, ast.Name)
                or not isinstance(loop.target, ast.Name)
                or start.via_name != loop.target.id
            ):
                return None
            return _SerialFix(loop_location, join_location, start.via_name, None)
        base = "processes" if worker.kind_word == "process" else "threads"
        list_name = fresh_name(base, taken)
        return _SerialFix(loop_location, join_location, start.via_name, list_name)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        from parlint.fixes.cst import BlockInserter, statement

        plan = diagnostic.fix_data
        if not isinstance(plan, _SerialFix):
            return None
        loop: Optional[Union[cst.For, cst.While]] = fctx.find(cst.For, plan.loop)
        if loop is None:
            loop = fctx.find(cst.While, plan.loop)
        join = fctx.find(cst.SimpleStatementLine, plan.join)
        if loop is None or join is None:
            return None
        name = plan.name
        if plan.list_name is None:
            if not isinstance(loop, cst.For):
                return None
            iterable = loop.iter
            join_loop = statement(
                f"for {name} in {fctx.module.code_for_node(iterable)}:\n    {name}.join()\n"
            )
            new_loop: Union[cst.For, cst.While] = loop.with_deep_changes(
                loop.body, body=[s for s in loop.body.body if s is not join]
            )
            before: tuple[cst.BaseStatement, ...] = ()
        else:
            join_loop = statement(f"for {name} in {plan.list_name}:\n    {name}.join()\n")
            appended = cst.parse_statement(f"{plan.list_name}.append({name})\n")
            assert isinstance(appended, cst.SimpleStatementLine)
            append = join.with_changes(body=appended.body)
            new_body = [append if s is join else s for s in loop.body.body]
            new_loop = loop.with_deep_changes(loop.body, body=new_body)
            before = (statement(f"{plan.list_name} = []\n"),)
        inserter = BlockInserter(loop, before=before, after=(join_loop,), replace_with=new_loop)
        new = fctx.module.visit(inserter)
        return new if inserter.done else None


def _stops(stmt: ast.stmt, name: str) -> bool:
    """`name.kill()` or `name.terminate()` as a statement of its own."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("kill", "terminate")
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == name
    )


def _stopped_in(worker: Worker, start: Event) -> bool:
    scope = worker.scope.node
    return start.via_name is not None and any(
        isinstance(node, ast.stmt) and _stops(node, start.via_name) for node in ast.walk(scope)
    )


def _shares_line(block: list[ast.stmt], stmt: ast.stmt) -> bool:
    return sum(1 for other in block if other.lineno == stmt.lineno) > 1


def _overlap_applicability(ctx: CheckContext, worker: Worker) -> Applicability:
    """Starting them all before the first join makes the tasks run side by side. Tasks that
    surely end by themselves still end; one that waits (a queue, an event, a lock taken by
    hand, a socket) may now wait for another that runs beside it, or for input meant for the
    next one: that fix is only shown, for a person to judge (SPEC "display-only")."""
    handoff = ctx.model.handoff_of(worker)
    if handoff is None or not ctx.effects.task_ends_by_itself(handoff):
        return Applicability.DISPLAY_ONLY
    return Applicability.UNSAFE


def _join_applicability(
    ctx: CheckContext, worker: Worker, between: list[ast.stmt]
) -> Applicability:
    """A join that surely returns is an unsafe fix; one that could wait forever (a worker
    whose task waits for something, or that the code before the join talks to through the
    objects it was given) is only shown, for a person to judge (SPEC "display-only")."""
    if _overlap_applicability(ctx, worker) is Applicability.DISPLAY_ONLY:
        return Applicability.DISPLAY_ONLY
    handoff = ctx.model.handoff_of(worker)
    given = {
        node.id
        for arg in [
            *worker.call.args,
            *(k.value for k in worker.call.keywords if k.arg != "target"),
        ]
        for node in ast.walk(arg)
        if isinstance(node, ast.Name)
    }
    if handoff is not None and isinstance(handoff.task, ast.Name):
        given.discard(handoff.task.id)
    for stmt in between:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id in given:
                return Applicability.DISPLAY_ONLY
    return Applicability.UNSAFE
