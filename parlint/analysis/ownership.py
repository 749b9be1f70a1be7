"""Who ends a service worker: the stop signal its loop waits for, and who sends it.

A thread whose loop runs until an `Event` is set (`while not stop.is_set()`,
`while not stop.wait(5)`), until a flag changes (`while not self.closed:`), until a sentinel
comes out of its queue (`item = jobs.get()` then `if item is None: return`), or that runs
`server.serve_forever()`, ends when some other code sets the event, assigns the flag, puts a
sentinel on the queue or calls `server.shutdown()`. That code owns
the worker (SPEC "Who owns a worker"): it is not left running by the scope that starts it.
The signal is matched by the object it goes through (a global, a local of the starting scope,
`self.X` of one class), mapped from the task's parameters to the arguments it is started with.
A worker that runs a method of an object of another library (`target=reactor.run`) is ended
by `reactor.stop()` (or `.shutdown()`, `.close()`, ...) called, or handed on as a callback,
by another function.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from parlint.analysis.scopes import Scope, parent

if TYPE_CHECKING:
    from parlint.analysis.model import ConcurrencyModel, Handoff, Worker

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# An object a signal goes through: ("global", name), ("local", scope id, name) or
# ("self", class id, attribute).
Key = tuple[Union[str, int], ...]

_EVENT_TESTS = frozenset({"is_set", "isSet", "wait"})
_QUEUE_READS = frozenset({"get", "get_nowait"})
_SENDS = {"event": ("set",), "queue": ("put", "put_nowait"), "server": ("shutdown",)}
# Methods that end what an object of another library runs (`reactor.run`, `loop.run_forever`),
# called or handed on as a callback (`reactor.callFromThread(reactor.stop)`).
_STOP_METHODS = frozenset({"stop", "shutdown", "close", "terminate", "quit"})
# Bound methods that run until the object is told to stop: whoever holds the object owns them.
_ENDLESS_METHODS = frozenset({"serve_forever", "run_forever"})


@dataclass(frozen=True)
class _Signal:
    """Code that may end a loop: `e.set()`, `q.put(None)`, `server.shutdown()`, or a flag
    assigned a constant (`self.running = False`) outside `__init__`."""

    kind: str  # "event", "queue", "server" or "flag"
    node: ast.AST  # the call or the assignment
    receiver: ast.expr  # the object it goes through
    scope: Scope


# (kind, object it goes through) -> the signals of that kind sent through it
Signals = dict[tuple[str, Key], list[_Signal]]


def find_stop_signals(model: ConcurrencyModel) -> None:
    """Set `Worker.stopped_by` for every started worker whose loop someone else ends."""
    signals: Optional[Signals] = None
    for handoff in model.handoffs:
        worker = handoff.worker
        if worker is None or not worker.starts or worker.daemon is not False:
            continue
        if signals is None:
            signals = _signals(model)
        worker.stopped_by = _stop_signal(model, handoff, signals)


def _signals(model: ConcurrencyModel) -> Signals:
    """Every call or assignment of the module that may send a stop signal, by kind."""
    kinds = {method: kind for kind, methods in _SENDS.items() for method in methods}
    found: Signals = {}
    for scope in model.scopes():
        in_init = isinstance(scope.node, ast.FunctionDef) and scope.node.name == "__init__"
        for node in scope.nodes:
            signal: Optional[_Signal] = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                kind = kinds.get(node.func.attr)
                if kind is not None and (kind != "queue" or _sentinel(model, node, scope)):
                    signal = _Signal(kind, node, node.func.value, scope)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                if in_init:
                    continue  # runs before anything can be started: the flag's first value
                for target in node.targets:
                    if isinstance(target, ast.Attribute) or (
                        isinstance(target, ast.Name) and target.id in scope.global_names
                    ):
                        signal = _Signal("flag", node, target, scope)
            if (
                signal is None
                and isinstance(node, ast.Attribute)
                and node.attr in _STOP_METHODS
                and isinstance(node.ctx, ast.Load)
            ):
                signal = _Signal("stop", node, node.value, scope)
            if signal is not None:
                key = _key(model, signal.receiver, scope)
                if key is not None:
                    found.setdefault((signal.kind, key), []).append(signal)
    return found


def _stop_signal(model: ConcurrencyModel, handoff: Handoff, signals: Signals) -> Optional[ast.AST]:
    """The call or assignment elsewhere in the module that ends the loop of the worker
    `handoff` starts, or None when its task has no such loop or nobody sends the signal."""
    worker = handoff.worker
    assert worker is not None
    task = handoff.task
    if isinstance(task, ast.Attribute) and model.function_named(task, handoff.call) is None:
        return _stopped_from_outside(model, worker, task, signals)
    function = handoff.subclass_run
    bound = function is not None
    if function is None and task is not None:
        function = model.function_named(task, handoff.call)
        bound = isinstance(task, ast.Attribute)
    if function is None:
        return None
    for kind, receiver in _stop_checks(model, function):
        key = _caller_key(model, handoff, function, receiver, bound)
        if key is not None:
            sender = _sent(model, signals, kind, key, _starters(model, worker) | {id(function)})
            if sender is not None:
                return sender
    return None


def _stopped_from_outside(
    model: ConcurrencyModel, worker: Worker, task: ast.Attribute, signals: Signals
) -> Optional[ast.AST]:
    """A worker that runs a method of an object this module does not define
    (`target=self._reactor.run`, `target=server.serve_forever`) ends when the object is told
    to stop: owned by the other function that does so (`self._reactor.stop()`, or
    `self._reactor.stop` handed on as a callback), or, for a method that runs until then
    (`serve_forever`, `run_forever`), by the caller that gave the object or gets it back."""
    scope = model.names.enclosing_scope(worker.call)
    key = _key(model, task.value, scope)
    if key is not None:
        kinds = ("server", "stop") if task.attr == "serve_forever" else ("stop",)
        for kind in kinds:
            sender = _sent(model, signals, kind, key, _starters(model, worker))
            if sender is not None:
                return sender
    if isinstance(task.value, ast.Name) and (
        task.attr in _ENDLESS_METHODS or _stoppable(model, scope, task.value)
    ):
        return _held_by_caller(scope, task.value.id)
    return None


def _stoppable(model: ConcurrencyModel, scope: Scope, name: ast.Name) -> bool:
    """`name` is assigned once in `scope`, an instance of a class of the project that defines
    a method to stop it (`stop`, `shutdown`, ...): whoever holds the object can end what its
    methods run (cheroot's `HTTPServer.safe_start` runs until `HTTPServer.stop()`)."""
    values = model.assigned_values(scope, name.id)
    if values is None or len(values) != 1 or not isinstance(values[0], ast.Call):
        return False
    call = values[0]
    func = call.func
    module_scope = model.names.module_scope
    if isinstance(func, ast.Name) and func.id in module_scope.classes:
        if func.id in module_scope.stores:
            return False
        cls = module_scope.classes[func.id]
        return any(
            isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in _STOP_METHODS
            for item in cls.body
        )
    qualname = model.resolve(func, call)
    if qualname is None or ":" in qualname:
        return False
    return any(model.defined_in_project(f"{qualname}.{method}") for method in _STOP_METHODS)


def _held_by_caller(scope: Scope, name: str) -> Optional[ast.AST]:
    """The parameter `name` of the starting function, or the `return name` / `self.x = name`
    that hands the object back: the caller then holds what stops it."""
    function = scope.node
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = function.args
        for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
            if argument.arg == name:
                return argument
    for node in scope.nodes:
        if isinstance(node, ast.Return) and _names(node.value, name):
            return node
        if isinstance(node, ast.Assign) and _names(node.value, name):
            if any(isinstance(target, ast.Attribute) for target in node.targets):
                return node
    return None


def _names(value: Optional[ast.expr], name: str) -> bool:
    return isinstance(value, ast.Name) and value.id == name


def _stop_checks(model: ConcurrencyModel, function: FunctionNode) -> list[tuple[str, ast.expr]]:
    """The objects whose signal ends a loop of `function`: ("event", e) for `e.is_set()` /
    `e.wait()` tested by a `while` (or by an `if` in it that leaves the loop), ("queue", q)
    for `q.get()` in a `while` of a function that compares a value with a sentinel."""
    scope = model.names.scope_of_node(function)
    compares_sentinel = any(
        isinstance(node, ast.Compare)
        and any(isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) for op in node.ops)
        for node in scope.nodes
    )
    found: list[tuple[str, ast.expr]] = []
    for node in scope.nodes:
        if isinstance(node, (ast.Attribute, ast.Name)) and isinstance(node.ctx, ast.Load):
            if _ends_a_loop(node, function):
                found.append(("flag", node))  # `while not self.stopped:`, `while RUNNING:`
            continue
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method in _EVENT_TESTS and _ends_a_loop(node, function):
            found.append(("event", node.func.value))
        elif method in _QUEUE_READS and compares_sentinel and _in_while(node, function):
            found.append(("queue", node.func.value))
    return found


def _ends_a_loop(node: ast.expr, function: ast.AST) -> bool:
    """`node` is in the test of a `while`, or of an `if` inside one whose body leaves it."""
    child: ast.AST = node
    current = parent(node)
    while current is not None and current is not function:
        if isinstance(current, ast.While) and child is current.test:
            return True
        if isinstance(current, ast.If) and child is current.test:
            leaves = any(
                isinstance(n, (ast.Break, ast.Return))
                for stmt in current.body
                for n in ast.walk(stmt)
            )
            return leaves and _in_while(current, function)
        child, current = current, parent(current)
    return False


def _in_while(node: ast.AST, function: ast.AST) -> bool:
    current = parent(node)
    while current is not None and current is not function:
        if isinstance(current, ast.While):
            return True
        current = parent(current)
    return False


def _caller_key(
    model: ConcurrencyModel,
    handoff: Handoff,
    function: FunctionNode,
    receiver: ast.expr,
    bound: bool,
) -> Optional[Key]:
    """The object `receiver` (an expression in the task) is, in terms the rest of the module
    can name: a global, `self.X` of the task's class, or the argument the worker passes for
    a parameter."""
    task_scope = model.names.scope_of_node(function)
    if isinstance(receiver, ast.Attribute):
        return _key(model, receiver, task_scope)
    if not isinstance(receiver, ast.Name):
        return None
    owner = model.names.lookup_scope(receiver.id, task_scope)
    if owner is not task_scope:
        return _key(model, receiver, task_scope)
    argument = _argument_for(handoff, function, receiver.id, bound)
    if argument is None:
        return None
    assert handoff.worker is not None
    return _key(model, argument, model.names.enclosing_scope(handoff.worker.call))


def _argument_for(
    handoff: Handoff, function: FunctionNode, name: str, bound: bool
) -> Optional[ast.expr]:
    """The value a worker passes for parameter `name` of its task (`args=`/`kwargs=`)."""
    if handoff.subclass_run is not None:
        return None  # run() takes no arguments: its parameters are `self` only
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if bound:
        params = params[1:]
    worker = handoff.worker
    assert worker is not None
    kwargs = worker.keyword("kwargs")
    if kwargs is not None and isinstance(kwargs.value, ast.Dict):
        for key, value in zip(kwargs.value.keys, kwargs.value.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == name:
                return value
    if name not in params:
        return None
    from parlint.analysis.model import literal_elements

    args = worker.keyword("args")
    values = literal_elements(args.value) if args is not None else ()
    index = params.index(name)
    return values[index] if index < len(values) else None


def _key(model: ConcurrencyModel, expr: ast.expr, scope: Scope) -> Optional[Key]:
    if isinstance(expr, ast.Name):
        owner = model.names.lookup_scope(expr.id, scope)
        if owner is None:
            return None
        if owner is model.names.module_scope:
            return ("global", expr.id)
        return ("local", id(owner), expr.id)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        cls = model.names.self_class(expr.value, scope) or _cls_class(model, expr.value, scope)
        if cls is not None:
            return ("self", id(cls), expr.attr)
    return None


def _cls_class(model: ConcurrencyModel, name: ast.Name, scope: Scope) -> Optional[ast.ClassDef]:
    """The class a classmethod's first parameter (`cls`) is: its attributes are the ones its
    instances read through `self` unless they assign their own."""
    owner = model.names.lookup_scope(name.id, scope)
    if owner is None or owner.parent is None or not isinstance(owner.parent.node, ast.ClassDef):
        return None
    function = owner.node
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if not any(isinstance(d, ast.Name) and d.id == "classmethod" for d in function.decorator_list):
        return None
    params = [*function.args.posonlyargs, *function.args.args]
    if not params or params[0].arg != name.id or name.id in owner.stores:
        return None
    return owner.parent.node


def _sent(
    model: ConcurrencyModel,
    signals: Signals,
    kind: str,
    key: Key,
    excluded: set[int],
) -> Optional[ast.AST]:
    """Code that sends the signal of `kind` through the object `key` from some other
    function than those in `excluded` (the task itself, the ones that start the worker:
    a scope that starts a worker and stops it itself has not handed it to anyone)."""
    for signal in signals.get((kind, key), ()):
        if id(signal.scope.node) not in excluded or _handed_on(signal):
            return signal.node
    return None


def _handed_on(signal: _Signal) -> bool:
    """A stop method referenced, not called (`request.addfinalizer(server.stop)`,
    `atexit.register(server.shutdown)`): whoever it is handed to calls it later, so even from
    the scope that starts the worker, it gives the worker's end away."""
    if signal.kind != "stop":
        return False
    owner = parent(signal.node)
    return not (isinstance(owner, ast.Call) and owner.func is signal.node)


def _starters(model: ConcurrencyModel, worker: Worker) -> set[int]:
    """The functions (by node id) that start `worker`."""
    return {id(model.names.enclosing_scope(event.call).node) for event in worker.starts}


def _sentinel(model: ConcurrencyModel, call: ast.Call, scope: Scope) -> bool:
    """`q.put(None)`, `q.put("STOP")`, `q.put(STOP)` with a module-level marker: not a job."""
    if len(call.args) != 1 or call.keywords:
        return False
    value = call.args[0]
    if isinstance(value, ast.Constant):
        return True
    return (
        isinstance(value, ast.Name)
        and model.names.lookup_scope(value.id, scope) is model.names.module_scope
        and value.id not in model.names.module_scope.functions
    )
