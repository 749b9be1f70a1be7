"""Effect analysis: what a task handed to a thread or process does.

A task resolves to a function (or lambda) of this module: `Thread(target=f)`, `submit(f, x)`,
`functools.partial(f, ...)`, `lambda: f(x)`, `self.method`, a nested function, the `run()`
of a Thread/Process subclass. Its effect is
- CPU: a loop or comprehension doing Python-level work, and nothing in the task (or in the
  functions of this module it calls, transitively) blocks on I/O or releases the GIL;
- IO: blocking calls (sleep, files, sockets, HTTP, subprocesses, queues ...) and no loop
  of pure work, or blocking calls inside every loop;
- GIL: a call into a library that releases the GIL (numpy, hashlib, zlib ...);
- UNKNOWN: anything else, in particular any call parlint cannot see into. Unknown is never
  reported: a wrong CPU-bound verdict costs the user's trust.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Union

from parlint.analysis.catalog import (
    BLOCKING_METHODS,
    GIL_RELEASING_MODULES,
    IO_CALLS,
    IO_CONSTRUCTORS,
    PURE_BUILTINS,
    PURE_METHODS,
    PURE_MODULES,
    in_modules,
    matches,
)
from parlint.analysis.model import Handoff, HandoffApi, loops_around
from parlint.analysis.scopes import containing_block, parent

if TYPE_CHECKING:
    from parlint.analysis.model import ConcurrencyModel
    from parlint.config import Settings

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
MAX_DEPTH = 4
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
          ast.GeneratorExp)  # fmt: skip
_WORK = (ast.BinOp, ast.AugAssign, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Subscript)


class EffectKind(str, enum.Enum):
    CPU = "cpu"
    IO = "io"
    GIL = "gil-releasing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Effect:
    kind: EffectKind
    # The loop doing the work (CPU), the blocking call (IO), the GIL-releasing call (GIL).
    evidence: Optional[ast.AST] = None
    detail: str = ""


@dataclass
class _Facts:
    """What one function does, with the functions of this module it calls folded in."""

    io: list[tuple[ast.expr, str]] = field(default_factory=list)  # (call, description)
    io_in_loops: bool = False
    gil: list[tuple[ast.Call, str]] = field(default_factory=list)
    unknown: list[ast.Call] = field(default_factory=list)
    work_loops: list[ast.AST] = field(default_factory=list)  # loops of pure work


class EffectAnalysis:
    """Classifies tasks; results are cached per function."""

    def __init__(self, model: ConcurrencyModel, settings: Settings) -> None:
        self.model = model
        self.io_calls = IO_CALLS + tuple(settings.io_calls)
        self.cpu_calls = tuple(settings.cpu_calls)
        self.gil_modules = GIL_RELEASING_MODULES + tuple(settings.gil_releasing_modules)
        self._facts: dict[int, _Facts] = {}
        self._bindings: dict[tuple[int, str], Optional[str]] = {}

    # -- tasks -----------------------------------------------------------------------------
    def task_function(self, handoff: Handoff) -> Optional[FunctionNode]:
        """The function of this module a hand-off runs, or None when it cannot be known."""
        if handoff.worker is not None and handoff.worker.subclass is not None:
            run = handoff.worker.subclass.run
            if run is not None and handoff.task is None:
                return run
        task = handoff.task
        if task is None:
            return None
        return self.resolve_callable(task, handoff.call)

    def resolve_callable(self, expr: ast.AST, at: ast.AST) -> Optional[FunctionNode]:
        if isinstance(expr, ast.Lambda):
            body = expr.body
            # `lambda: f(x)` runs f; any other lambda is its own (small) task.
            if isinstance(body, ast.Call):
                called = self.model.function_named(body.func, body)
                if called is not None:
                    return called
            return expr
        if isinstance(expr, ast.Call):
            if self.model.resolve(expr.func, at) == "functools.partial" and expr.args:
                return self.resolve_callable(expr.args[0], at)
            return None
        return self.model.function_named(expr, at)

    def classify(self, handoff: Handoff) -> Effect:
        function = self.task_function(handoff)
        if function is None:
            return Effect(EffectKind.UNKNOWN)
        return self.effect_of(function)

    # -- effects ---------------------------------------------------------------------------
    def effect_of(self, function: FunctionNode) -> Effect:
        facts = self._gather(function, 0, set())
        if facts.unknown:
            return Effect(EffectKind.UNKNOWN)
        if facts.gil:
            gil_call, gil_name = facts.gil[0]
            return Effect(EffectKind.GIL, gil_call, f"`{gil_name}()` releases the GIL")
        io_only_prints = all(name == "print" for _, name in facts.io)
        if facts.work_loops and (not facts.io or (io_only_prints and not facts.io_in_loops)):
            loop = facts.work_loops[0]
            kind = "comprehension" if isinstance(loop, (ast.ListComp, ast.SetComp, ast.DictComp,
                                                        ast.GeneratorExp)) else "loop"  # fmt: skip
            return Effect(EffectKind.CPU, loop, f"{kind} at line {loop.lineno}")  # type: ignore[attr-defined]
        # print() alone does not make a task I/O-bound: it is how tasks report results.
        waiting = [(call, name) for call, name in facts.io if name != "print"]
        if waiting and (not facts.work_loops or facts.io_in_loops):
            call, name = waiting[0]
            return Effect(EffectKind.IO, call, f"`{name}()` at line {call.lineno}")
        return Effect(EffectKind.UNKNOWN)

    def _gather(self, function: FunctionNode, depth: int, seen: set[int]) -> _Facts:
        key = id(function)
        if key in self._facts:
            return self._facts[key]
        facts = _Facts()
        if key in seen or depth > MAX_DEPTH:
            return facts  # a cycle or too deep: adds nothing (and proves nothing)
        seen = seen | {key}
        scope = self.model.names.scope_of_node(function)
        io_objects = self._io_objects(scope.nodes)
        loop_io: dict[int, bool] = {}
        loop_work: dict[int, bool] = {}
        for node in scope.nodes:
            if isinstance(node, _WORK):
                for loop in loops_around(node, function):
                    loop_work[id(loop)] = True
            if isinstance(node, ast.withitem) and isinstance(node.context_expr, ast.Name):
                # `with lock:` waits for the lock like `lock.acquire()` does.
                held = node.context_expr
                if held.id in io_objects or self._bound_to(held, held) == "io":
                    facts.io.append((held, f"{held.id}.acquire"))
                    for loop in loops_around(node, function):
                        loop_io[id(loop)] = True
                continue
            if not isinstance(node, ast.Call):
                continue
            verdict = self._call(node, io_objects, depth, seen)
            loops = loops_around(node, function)
            if verdict is None:
                continue
            kind, name, callee = verdict
            if kind == "io":
                facts.io.append((node, name))
                for loop in loops:
                    loop_io[id(loop)] = True
            elif kind == "gil":
                facts.gil.append((node, name))
            elif kind == "unknown":
                facts.unknown.append(node)
            elif kind == "pure":
                for loop in loops:
                    loop_work[id(loop)] = True
            elif kind == "local" and callee is not None:
                sub = self._gather(callee, depth + 1, seen)
                facts.io.extend(sub.io)
                facts.gil.extend(sub.gil)
                facts.unknown.extend(sub.unknown)
                facts.work_loops.extend(sub.work_loops)
                if sub.io:
                    facts.io_in_loops = facts.io_in_loops or bool(loops) or sub.io_in_loops
                    for loop in loops:
                        loop_io[id(loop)] = True
                if sub.work_loops:
                    for loop in loops:
                        loop_work[id(loop)] = True
        for node in scope.nodes:
            if isinstance(node, _LOOPS) and loop_work.get(id(node)):
                if loop_io.get(id(node)):
                    facts.io_in_loops = True
                else:
                    facts.work_loops.append(node)
        if any(loop_io.values()):
            facts.io_in_loops = True
        self._facts[key] = facts
        return facts

    def _io_objects(self, nodes: list[ast.AST]) -> set[str]:
        """Local names bound to files, sockets, queues ... (`f = open(...)`, `with ... as f`)."""
        names: set[str] = set()
        for node in nodes:
            value: Optional[ast.AST] = None
            target: Optional[ast.AST] = None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                value, target = node.value, node.targets[0]
            elif isinstance(node, ast.withitem):
                value, target = node.context_expr, node.optional_vars
            if isinstance(value, ast.Call) and isinstance(target, ast.Name):
                qual = self.model.resolve(value.func, value)
                if qual is not None and matches(qual, IO_CONSTRUCTORS + self.io_calls):
                    names.add(target.id)
        return names

    def _call(
        self, call: ast.Call, io_objects: set[str], depth: int, seen: set[int]
    ) -> Optional[tuple[str, str, Optional[FunctionNode]]]:
        """(kind, display name, local callee) for one call; None for calls that do nothing
        of interest (a constructor of a plain value, ...)."""
        func = call.func
        qual = self.model.resolve(func, call)
        name = ast.unparse(func) if not isinstance(func, ast.Lambda) else "lambda"
        if qual is not None:
            short = qual[len("builtins.") :] if qual.startswith("builtins.") else qual
            if matches(qual, self.cpu_calls):
                return "pure", short, None
            if matches(qual, self.io_calls):
                return "io", short, None
            if in_modules(qual, self.gil_modules):
                return "gil", short, None
            if qual.startswith("builtins.") and short in PURE_BUILTINS:
                return "pure", short, None
            if matches(qual, PURE_MODULES):
                return "pure", short, None
        callee = self.model.function_named(func, call)
        if callee is not None:
            return "local", name, callee
        if isinstance(func, ast.Attribute):
            receiver = func.value
            if isinstance(receiver, ast.Name):
                bound = self._bound_to(receiver, call)
                if bound == "gil":
                    return "gil", name, None
                if (receiver.id in io_objects or bound == "io") and func.attr in BLOCKING_METHODS:
                    return "io", name, None
                if bound is not None:
                    return "unknown", name, None
            if isinstance(receiver, ast.Constant) and isinstance(receiver.value, str):
                return "pure", name, None  # "".join(...), "{}".format(...)
            if func.attr in PURE_METHODS:
                return "pure", name, None
        return "unknown", name, None

    def _bound_to(self, name: ast.Name, at: ast.AST) -> Optional[str]:
        """ "gil"/"io" when the variable (here or in an enclosing scope) holds an object made
        by a GIL-releasing library or an I/O constructor (`hasher = hashlib.sha1()`)."""
        scope = self.model.names.lookup_scope(name.id, self.model.names.enclosing_scope(at))
        if scope is None:
            return None
        key = (id(scope), name.id)
        if key not in self._bindings:
            kind: Optional[str] = None
            for node in scope.nodes:
                if (
                    isinstance(node, ast.Assign)
                    and isinstance(node.value, ast.Call)
                    and any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets)
                ):
                    qual = self.model.resolve(node.value.func, node.value)
                    if qual is None:
                        continue
                    if in_modules(qual, self.gil_modules):
                        kind = "gil"
                    elif matches(qual, IO_CONSTRUCTORS + self.io_calls) and kind is None:
                        kind = "io"
            self._bindings[key] = kind
        return self._bindings[key]


def runs_concurrently(handoff: Handoff, model: ConcurrencyModel) -> bool:
    """Whether the task may run on two or more threads/processes at once."""
    if _waited_for_at_once(handoff, model):
        return False  # each one finishes before the loop goes on: one at a time
    if handoff.api is HandoffApi.MAP or (
        handoff.api is HandoffApi.POOL and handoff.method not in ("apply", "apply_async")
    ):
        return True
    scope_node = model.names.enclosing_scope(handoff.call).node
    if loops_around(handoff.call, scope_node):
        return True
    if handoff.worker is not None and handoff.worker.loops:
        return True
    # Several hand-offs of the same task in one scope.
    return _same_task_counts(model).get(_task_key(handoff, model), 0) > 1


def _waited_for_at_once(handoff: Handoff, model: ConcurrencyModel) -> bool:
    """`await asyncio.to_thread(f)`, `executor.submit(f).result()`, `pool.apply(f)`: the
    caller waits for the task right where it hands it off, or in the very next statement
    (`future = executor.submit(f)` then `results.append(future.result())`)."""
    call = handoff.call
    up = parent(call)
    if handoff.api in (HandoffApi.TO_THREAD, HandoffApi.RUN_IN_EXECUTOR):
        if (
            isinstance(up, ast.Call)
            and up.args
            and up.args[0] is call
            and model.resolve(up.func, up) in _AWAITABLE_WRAPPERS
        ):
            call, up = up, parent(up)  # `await asyncio.wait_for(asyncio.to_thread(f), 5)`
        return isinstance(up, ast.Await) or _waited_next(call, "await")
    if handoff.api is HandoffApi.SUBMIT:
        return _result_read(up) or _waited_next(call, "result")
    return handoff.api is HandoffApi.POOL and handoff.method == "apply"


# Calls that wrap an awaitable and finish when it does.
_AWAITABLE_WRAPPERS = frozenset({"asyncio.wait_for", "asyncio.shield"})
_SIMPLE_STATEMENTS = (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)
_CONDITIONAL_PARTS = (ast.IfExp, ast.BoolOp, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                      ast.GeneratorExp)  # fmt: skip


def _result_read(node: Optional[ast.AST]) -> bool:
    """`node` is the `.result` of a `node.result()` call."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "result"
        and isinstance(parent(node), ast.Call)
        and parent(node).func is node  # type: ignore[union-attr]
    )


def _waited_next(call: ast.expr, how: str) -> bool:
    """`name = <call>` whose next statement, a simple one, waits for `name` (`await name`,
    or `name.result()`) on every path through it."""
    assign = parent(call)
    if not (
        isinstance(assign, ast.Assign)
        and assign.value is call
        and len(assign.targets) == 1
        and isinstance(assign.targets[0], ast.Name)
    ):
        return False
    name = assign.targets[0].id
    found = containing_block(assign)
    if found is None:
        return False
    block, index = found
    if index + 1 >= len(block) or not isinstance(block[index + 1], _SIMPLE_STATEMENTS):
        return False
    for node in ast.walk(block[index + 1]):
        if isinstance(node, _CONDITIONAL_PARTS):
            return False  # a wait that may not run, or runs later
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        owner = parent(node)
        if (how == "await" and isinstance(owner, ast.Await)) or (
            how == "result" and _result_read(owner)
        ):
            return True
    return False


def _task_key(handoff: Handoff, model: ConcurrencyModel) -> Optional[tuple[int, str]]:
    if handoff.task is None:
        return None
    return id(model.names.enclosing_scope(handoff.call)), ast.dump(handoff.task)


def _same_task_counts(model: ConcurrencyModel) -> dict[Optional[tuple[int, str]], int]:
    """How many hand-offs each (scope, task) has: computed once per model."""
    cached = model.__dict__.get("_parlint_task_counts")
    if cached is None:
        cached = {}
        for other in model.handoffs:
            key = _task_key(other, model)
            if key is not None:
                cached[key] = cached.get(key, 0) + 1
        model.__dict__["_parlint_task_counts"] = cached
    return cached
