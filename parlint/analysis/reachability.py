"""Which functions of the project may run on a thread, and how the thread gets there.

From every thread entry point (a hand-off to a thread, a thread pool, `asyncio.to_thread`,
the `run()` of a Thread subclass) the calls are followed through the project's modules. Each
function reached keeps its evidence: where the thread starts and the chain of calls from the
task to it (`handle()` → `lookup()`), whether the task may run on two or more threads at once,
whether those threads share `self`, and whether every way there holds a lock. Functions of the
module being checked are this module's `Reach`es; functions of other modules travel to them as
`IncomingTask`s (see `task_effects.outgoing_tasks`)."""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from parlint.analysis.scopes import parent
from parlint.ftypes import Location, Related

if TYPE_CHECKING:
    from parlint.analysis.model import ConcurrencyModel, Handoff
    from parlint.analysis.task_effects import EffectAnalysis, FunctionNode, Target

# How many calls deep a thread's code is followed, and how many functions one entry reaches
# at most (a guard for very connected code, not a limit real tasks meet).
MAX_CALL_DEPTH = 6
MAX_REACHED = 400


@dataclass(frozen=True)
class Hop:
    """One call on the way from a thread's task: `caller()` calls `callee()` here."""

    caller: str
    callee: str
    filename: Optional[str]  # the file of the call, None: the module being checked
    location: Location
    end_location: Location

    def related(self, here: Optional[str]) -> Related:
        filename = None if self.filename == here else self.filename
        message = f"`{self.caller}()` calls `{self.callee}()` here"
        return Related(message, self.location, self.end_location, filename)


@dataclass(frozen=True)
class Reach:
    """A function of the checked module that runs on a thread, with the evidence."""

    function: FunctionNode
    task: str  # the name of the function the thread runs
    hops: tuple[Hop, ...]
    start: Related  # where the thread (or the threads) start
    concurrent: bool  # the task may run on two or more threads at once
    shares_self: bool  # those threads share the `self` this function sees
    locked: bool  # every call on the way was made holding a lock (or under a `with`)
    # Concurrent only because the thread that starts the task runs this function too.
    with_starter: bool = False

    def threads(self) -> str:
        """Who runs it at once, with the way there: for a message."""
        via = f" ({self.chain()})" if self.hops else ""
        if self.with_starter:
            return f"the thread that runs `{self.task}()`{via} and the thread that started it"
        return f"the threads that run `{self.task}()` at once{via}"

    def chain(self) -> str:
        """`handle()` → `lookup()`; just `handle()` for the task itself."""
        names = [self.task, *(hop.callee for hop in self.hops)]
        return " → ".join(f"`{name}()`" for name in names)

    def related(self, here: Optional[str], start_message: str) -> tuple[Related, ...]:
        start = Related(start_message, self.start.location, self.start.end_location,
                        None if self.start.filename == here else self.start.filename)  # fmt: skip
        return (start, *(hop.related(here) for hop in self.hops))


@dataclass(frozen=True)
class Reached:
    """One function a walk from a task reaches (in any module of the project)."""

    target: Target
    hops: tuple[Hop, ...]
    shares_self: bool
    locked: bool


def function_name(function: FunctionNode) -> str:
    return getattr(function, "name", "lambda")


def own_nodes(function: FunctionNode) -> Iterator[ast.AST]:
    """The nodes of a function's body, not those of functions or classes defined in it."""
    roots: list[ast.AST] = [function.body] if isinstance(function, ast.Lambda) else [
        *function.body
    ]  # fmt: skip
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.append(child)


def takes_lock_by_hand(function: FunctionNode) -> bool:
    """`lock.acquire()` somewhere in the function: parlint does not follow its paths, so what
    it does and calls is taken as done under the lock."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "acquire"
        for node in own_nodes(function)
    )


def inside_with(model: ConcurrencyModel, node: ast.AST, stop: ast.AST) -> bool:
    """Whether `node` runs inside a `with` block (of `stop`) that may hold a lock."""
    current: Union[ast.AST, None] = parent(node)
    while current is not None and current is not stop:
        if isinstance(current, (ast.With, ast.AsyncWith)) and any(
            may_hold_a_lock(model, item.context_expr) for item in current.items
        ):
            return True
        current = parent(current)
    return False


def may_hold_a_lock(model: ConcurrencyModel, expr: ast.expr) -> bool:
    """A `with` item may hold a lock unless it makes a new object parlint knows: a fresh
    `threading.Lock()` protects nothing (each thread takes its own), a file is no lock."""
    if not isinstance(expr, ast.Call):
        return True
    return model.resolve(expr.func, expr) not in _NOT_SHARED_LOCKS


_NOT_SHARED_LOCKS = frozenset(
    {"threading.Lock", "threading.RLock", "threading.Semaphore", "threading.BoundedSemaphore",
     "threading.Condition", "multiprocessing.Lock", "multiprocessing.RLock", "builtins.open",
     "io.open", "socket.socket", "socket.create_connection", "urllib.request.urlopen",
     "tempfile.TemporaryFile", "tempfile.NamedTemporaryFile", "tempfile.TemporaryDirectory",
     "warnings.catch_warnings", "contextlib.suppress", "contextlib.redirect_stdout",
     "contextlib.redirect_stderr", "contextlib.chdir"}
)  # fmt: skip


def shares_self(handoff: Handoff) -> bool:
    """`executor.map(self.method, ...)`: every thread shares `self`. The `run()` of a Thread
    subclass does not: each thread is its own `self`."""
    task = handoff.task
    return (
        isinstance(task, ast.Attribute)
        and isinstance(task.value, ast.Name)
        and task.value.id == "self"
    )


def walk(start: Target, shares: bool) -> list[Reached]:
    """Every function `start` runs or calls (itself first), breadth first, each once: by an
    unlocked way if there is one. Calls are followed into the project's other modules.
    Remembered by the analysis of `start`'s module: the rules and the exports ask alike."""
    memo = start.analysis.walks
    key = (id(start.function), shares)
    found = memo.get(key)
    if found is None:
        found = memo[key] = list(_walk(start, shares))
    return found


def _walk(start: Target, shares: bool, locked: bool = False) -> Iterator[Reached]:
    queue: deque[Reached] = deque([Reached(start, (), shares, locked)])
    best: dict[int, bool] = {}  # function -> locked, of the way it was reached
    count = 0
    while queue and count < MAX_REACHED:
        item = queue.popleft()
        function = item.target.function
        known = best.get(id(function))
        if known is not None and (known is False or item.locked):
            continue  # reached before, by a way at least as open
        best[id(function)] = item.locked
        count += 1
        yield item
        if len(item.hops) >= MAX_CALL_DEPTH:
            continue
        analysis = item.target.analysis
        by_hand = takes_lock_by_hand(function)
        caller = function_name(function)
        for node in own_nodes(function):
            if not isinstance(node, ast.Call):
                continue
            callee = analysis.callee(node.func, node)
            callees = [callee] if callee is not None else analysis.constructors(node.func, node)
            for called in callees:
                if called.function is function:
                    continue
                hop_start, hop_end = analysis.source.span(node)
                name = function_name(called.function)
                hop = Hop(caller, name, analysis.filename, hop_start, hop_end)
                under_lock = item.locked or by_hand or inside_with(analysis.model, node, function)
                via_self = (
                    item.shares_self
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "self"
                )
                queue.append(Reached(called, (*item.hops, hop), via_self, under_lock))


# Servers that handle each request on a thread of its own (socketserver.ThreadingMixIn).
THREADING_SERVERS = frozenset(
    {"socketserver.ThreadingMixIn", "socketserver.ThreadingTCPServer",
     "socketserver.ThreadingUDPServer", "socketserver.ThreadingUnixStreamServer",
     "socketserver.ThreadingUnixDatagramServer", "http.server.ThreadingHTTPServer",
     "wsgiref.simple_server.WSGIServer"}
)  # fmt: skip
_SERVER_MODULES = ("socketserver", "http.server", "wsgiref")
# The methods of a request handler that run on the request's thread.
HANDLER_METHODS = ("setup", "handle", "finish")


@dataclass(frozen=True)
class RequestEntry:
    """A request-handler method a threading server runs, one thread per request."""

    server: ast.Call  # the server's construction
    target: Target
    server_name: str


def request_entries(effects: EffectAnalysis) -> list[RequestEntry]:
    """`ThreadingHTTPServer(address, Handler)` (or a class based on `ThreadingMixIn`): the
    `setup`/`handle`/`finish` and `do_*` methods of `Handler`, run for every request on a new
    thread, many at once."""
    model = effects.model
    found: list[RequestEntry] = []
    if not any(
        name.startswith(_SERVER_MODULES)
        for scope in model.scopes()
        for name in scope.qualified.values()
    ):
        return found  # nothing here names a threading server
    for scope in model.scopes():
        for node in scope.nodes:
            if not isinstance(node, ast.Call) or (len(node.args) < 2 and not node.keywords):
                continue
            server = _threading_server(effects, node.func, node)
            if server is None:
                continue
            handler = node.args[1] if len(node.args) >= 2 else next(
                (k.value for k in node.keywords if k.arg == "RequestHandlerClass"), None
            )  # fmt: skip
            if handler is None:
                continue
            for target in _handler_methods(effects, handler, node):
                found.append(RequestEntry(node, target, server))
    return found


def _threading_server(effects: EffectAnalysis, func: ast.expr, at: ast.AST) -> Optional[str]:
    """The name of the threading server class `func` names (a standard one, or a class of
    this module based on one)."""
    name = effects.model.resolve(func, at)
    if name is None:
        return None
    if name in THREADING_SERVERS:
        return name.rsplit(".", 1)[-1]
    node = effects.model.local_class(name) if ":" in name else None
    if node is not None and any(
        effects.model.resolve(base, node) in THREADING_SERVERS for base in node.bases
    ):
        return node.name
    return None


def _handler_methods(effects: EffectAnalysis, handler: ast.expr, at: ast.AST) -> list[Target]:
    from parlint.analysis.task_effects import Target

    name = effects.model.resolve(handler, at)
    if name is None:
        return []
    if ":" in name:
        node = effects.model.local_class(name)
        if node is None:
            return []
        methods = effects.model.names.scope_of_node(node).functions
        return [
            Target(effects, function)
            for method, function in methods.items()
            if method in HANDLER_METHODS or method.startswith("do_")
        ]
    found = []
    for method in (*HANDLER_METHODS, "do_GET", "do_POST", "do_PUT", "do_DELETE", "do_HEAD"):
        target = effects.callee(ast.Attribute(handler, method, ast.Load()), at)
        if target is not None:
            found.append(target)
    return found


@dataclass(frozen=True)
class ThreadEntry:
    """Where code starts running on threads of this module's making."""

    target: Target  # the function the threads run first
    start: ast.AST  # the hand-off, or the threading server's construction
    concurrent: bool
    shares_self: bool
    # The functions (by id) the starting thread itself runs while the task may still run:
    # reached from both, they run on two threads at once.
    alongside: frozenset[int] = frozenset()
    how: str = ""  # for a report: `map()`, `Worker` (a Thread subclass), ...

    def runs_concurrently(self, function: FunctionNode) -> bool:
        return self.concurrent or id(function) in self.alongside


def thread_entries(effects: EffectAnalysis) -> list[ThreadEntry]:
    """The module's hand-offs to threads (and request handlers of threading servers) whose
    function is known; found once per analysis (the rules, the exports and the audit ask)."""
    if effects.entries is None:
        effects.entries = list(_thread_entries(effects))
    return effects.entries


def _thread_entries(effects: EffectAnalysis) -> Iterator[ThreadEntry]:
    from parlint.analysis.task_effects import runs_concurrently

    for handoff in effects.model.handoffs:
        if handoff.on_threads is not True:
            continue
        target = effects.task_target(handoff)
        targets = (
            [(target, shares_self(handoff))]
            if target is not None
            else parameter_targets(effects, handoff)
        )
        if not targets:
            continue
        concurrent = runs_concurrently(handoff, effects.model)
        alongside = frozenset() if concurrent else meanwhile(effects, handoff)
        subclass = handoff.worker.subclass if handoff.worker is not None else None
        how = f"`{subclass.node.name}` (a Thread subclass)" if subclass else handoff.description
        for runs, shares in targets:
            yield ThreadEntry(runs, handoff.call, concurrent, shares, alongside, how)
    for request in request_entries(effects):
        how = f"`{request.server_name}` (a thread per request)"
        yield ThreadEntry(request.target, request.server, True, False, how=how)


def meanwhile(effects: EffectAnalysis, handoff: Handoff) -> frozenset[int]:
    """The functions the starting thread runs after the hand-off while the task may still
    run: the calls that follow it in its scope, before the worker is joined or the
    executor's `with` block ends (`t.start(); record(1); t.join()`), and what they call."""
    from parlint.analysis.model import HandoffApi
    from parlint.analysis.task_effects import waited_for_at_once

    if handoff.api not in (HandoffApi.CONSTRUCTOR, HandoffApi.SUBMIT):
        return frozenset()
    model = effects.model
    if waited_for_at_once(handoff, model):
        return frozenset()
    scope = model.names.enclosing_scope(handoff.call)
    after = (handoff.call.lineno, handoff.call.col_offset)
    if handoff.worker is not None:  # a Thread runs from its `start()`, not its construction
        starts = sorted(
            (e.call.lineno, e.call.col_offset)
            for e in handoff.worker.starts
            if (e.call.lineno, e.call.col_offset) > after
            and model.names.enclosing_scope(e.call) is scope
        )
        if not starts:
            return frozenset()
        after = starts[0]
    joins = sorted(
        (e.call.lineno, e.call.col_offset)
        for e in (handoff.worker.joins if handoff.worker is not None else ())
        if (e.call.lineno, e.call.col_offset) > after
    )
    until = joins[0] if joins else None
    block = _executor_block(handoff)
    inside_handoff = {id(n) for n in ast.walk(handoff.call)}
    found: set[int] = set()
    for node in scope.nodes:
        if not isinstance(node, ast.Call) or id(node) in inside_handoff:
            continue
        at = (node.lineno, node.col_offset)
        if at <= after or (until is not None and at >= until):
            continue
        if block is not None and not any(n is node for n in ast.walk(block)):
            continue
        callee = effects.callee(node.func, node)
        if callee is not None:
            found.update(id(r.target.function) for r in walk(callee, False))
    return frozenset(found)


def _executor_block(handoff: Handoff) -> Optional[ast.AST]:
    """The `with` block of the executor a task is submitted to: leaving it waits."""
    pool = handoff.pool
    if pool is None or not pool.in_with:
        return None
    current = parent(pool.call)
    while current is not None and not isinstance(current, (ast.With, ast.AsyncWith)):
        current = parent(current)
    return current


def parameter_targets(effects: EffectAnalysis, handoff: Handoff) -> list[tuple[Target, bool]]:
    """`def start(self, target): Thread(target=target)`: the functions this module's calls
    of `start` pass for `target` (and whether the threads share `self`: `self.handle`)."""
    task = handoff.task
    model = effects.model
    scope = model.names.enclosing_scope(handoff.call)
    function = scope.node
    if not isinstance(task, ast.Name) or not isinstance(
        function, (ast.FunctionDef, ast.AsyncFunctionDef)
    ):
        return []
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    keyword_only = [a.arg for a in function.args.kwonlyargs]
    if task.id not in params + keyword_only or task.id in scope.stores:
        return []
    method = model.names.self_name(scope) is not None
    found: dict[int, tuple[Target, bool]] = {}
    for other in model.scopes():
        for node in other.nodes:
            if (
                not isinstance(node, ast.Call)
                or model.function_named(node.func, node) is not function
            ):
                continue
            value = next((k.value for k in node.keywords if k.arg == task.id), None)
            if value is None and task.id in params:
                index = params.index(task.id) - (1 if method else 0)
                if 0 <= index < len(node.args) and not any(
                    isinstance(a, ast.Starred) for a in node.args[: index + 1]
                ):
                    value = node.args[index]
            if value is None:
                continue
            target = effects.resolve_target(value, node)
            if target is None:
                continue
            shares = (
                isinstance(value, ast.Attribute)
                and isinstance(value.value, ast.Name)
                and value.value.id == "self"
            )
            found.setdefault(id(target.function), (target, shares))
    return list(found.values())


def module_reaches(effects: EffectAnalysis, concurrent_only: bool = False) -> list[Reach]:
    """The functions of the checked module that run on threads: from its own hand-offs (the
    calls followed through the project) and from the tasks other modules hand in or reach.
    The most telling first: concurrent, then unlocked."""
    from parlint.analysis.task_effects import function_by_qualname

    model = effects.model
    here = effects.filename
    found: list[Reach] = []
    for entry in thread_entries(effects):
        if concurrent_only and not (entry.concurrent or entry.alongside):
            continue  # walking costs: only when a rule asks about single threads too
        begin, end = effects.source.span(entry.start)
        start = Related("", begin, end, here)
        task = function_name(entry.target.function)
        for reached in walk(entry.target, entry.shares_self):
            if reached.target.analysis is effects:
                runs, hops = reached.target.function, reached.hops
                shares, locked = reached.shares_self, reached.locked
                concurrent = entry.runs_concurrently(runs)
                starter = concurrent and not entry.concurrent
                found.append(Reach(runs, task, hops, start, concurrent, shares, locked, starter))
    if effects.project is not None and effects.module is not None:
        for incoming in effects.project.incoming(effects.module, effects.settings):
            if incoming.on_threads is not True or (concurrent_only and not incoming.concurrent):
                continue
            function = function_by_qualname(model, incoming.function)
            if function is None:
                continue
            start = Related("", incoming.location, incoming.end_location, incoming.filename)
            task = incoming.task or function_name(function)
            found.append(
                Reach(
                    function,
                    task,
                    incoming.hops,
                    start,
                    incoming.concurrent,
                    incoming.shares_self,
                    incoming.locked,
                )
            )
    found.sort(key=lambda r: (not r.concurrent, r.locked, len(r.hops)))
    return found
