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
from typing import TYPE_CHECKING, Any, Optional, Union

from parlint.analysis.catalog import (
    BLOCKING_METHODS,
    GIL_RELEASING_MODULES,
    IO_CALLS,
    IO_CONSTRUCTORS,
    PURE_BUILTINS,
    PURE_METHODS,
    PURE_MODULES,
    WAITING_CALLS,
    WAITING_METHODS,
    in_modules,
    matches,
)
from parlint.analysis.model import Handoff, HandoffApi, loops_around
from parlint.analysis.scopes import (
    containing_block,
    dotted,
    parent,
    shape_key,
    simple_assignment_value,
)
from parlint.analysis.stdlib import LOGGER_FACTORIES, LOGGING_METHODS
from parlint.ftypes import Location
from parlint.source import SourceText

if TYPE_CHECKING:
    from parlint.analysis.model import ConcurrencyModel
    from parlint.analysis.project import IncomingTask, Module, Project
    from parlint.config import Settings

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
MAX_DEPTH = 4
# What gives each thread its own state or identity: a task that reaches one of these needs a
# thread of its own.
PER_THREAD_NAMES = frozenset(
    {
        "threading.local",
        "_thread._local",
        "threading.current_thread",
        "threading.currentThread",
        "threading.get_ident",
        "threading.get_native_id",
        "_thread.get_ident",
        "_thread.get_native_id",
    }
)
_CONTAINERS = frozenset(
    {"builtins.set", "builtins.list", "builtins.dict", "builtins.frozenset",
     "collections.deque", "collections.Counter", "collections.defaultdict",
     "collections.OrderedDict"}
)  # fmt: skip
# How tasks report what they did: output, not the kind of work they do.
_REPORTING = frozenset({"print", "sys.stdout.write", "sys.stderr.write", "logging"})
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
    # The analysis of the module the evidence is in (another module of the project, or None
    # for the module that asked).
    origin: Optional[EffectAnalysis] = field(default=None, compare=False)

    def site(self) -> Optional[tuple[Optional[str], Location, Location]]:
        """(file when it is another module's, start, end) of the evidence."""
        if self.evidence is None or self.origin is None:
            return None
        start, end = self.origin.source.span(self.evidence)
        return self.origin.filename, start, end


@dataclass(frozen=True)
class Target:
    """The function a task runs, and the analysis of the module that defines it."""

    analysis: EffectAnalysis
    function: FunctionNode


@dataclass
class _Facts:
    """What one function does, with the functions of the project it calls folded in. Each
    piece of evidence keeps the analysis of the module it is in."""

    io: list[tuple[ast.expr, str, EffectAnalysis]] = field(default_factory=list)
    io_in_loops: bool = False
    gil: list[tuple[ast.Call, str, EffectAnalysis]] = field(default_factory=list)
    unknown: list[ast.Call] = field(default_factory=list)
    work_loops: list[tuple[ast.AST, EffectAnalysis]] = field(default_factory=list)


class EffectAnalysis:
    """Classifies tasks; results are cached per function.

    With a project, tasks and the functions they call are followed into the project's other
    modules (each analysed once, by its own EffectAnalysis, shared through the project)."""

    def __init__(
        self,
        model: ConcurrencyModel,
        settings: Settings,
        project: Optional[Project] = None,
        module: Optional[Module] = None,
        source: Optional[SourceText] = None,
    ) -> None:
        self.model = model
        self.settings = settings
        self.project = project
        self.module = module
        self.source = module.source if module is not None else source or SourceText("")
        self.io_calls = IO_CALLS + tuple(settings.io_calls)
        self.cpu_calls = tuple(settings.cpu_calls)
        self.gil_modules = GIL_RELEASING_MODULES + tuple(settings.gil_releasing_modules)
        self._facts: dict[int, _Facts] = {}
        # (function, whether its threads share `self`) -> what it reaches (reachability.walk)
        self.walks: dict[tuple[int, bool], list[Any]] = {}
        self.entries: Optional[list[Any]] = None  # reachability.thread_entries
        self._bindings: dict[tuple[int, str], Optional[str]] = {}
        if project is not None and module is not None:
            project.analyses[module.name] = self

    @property
    def filename(self) -> Optional[str]:
        return str(self.module.path) if self.module is not None else None

    def _analysis_of(self, module: Module) -> EffectAnalysis:
        assert self.project is not None
        known = self.project.analyses.get(module.name)
        if isinstance(known, EffectAnalysis) and known.module is module:
            return known
        return EffectAnalysis(module.model, self.settings, self.project, module)

    # -- tasks -----------------------------------------------------------------------------
    def task_target(self, handoff: Handoff) -> Optional[Target]:
        """The function (of this module or another of the project) a hand-off runs."""
        subclass = handoff.worker.subclass if handoff.worker is not None else None
        if subclass is not None and subclass.run is not None and handoff.task is None:
            if subclass.module is None:
                return Target(self, subclass.run)
            defining = self.project.module(subclass.module) if self.project else None
            return Target(self._analysis_of(defining), subclass.run) if defining else None
        task = handoff.task
        if task is None:
            return None
        return self.resolve_target(task, handoff.call)

    def task_function(self, handoff: Handoff) -> Optional[FunctionNode]:
        """The function of this module a hand-off runs, or None (not known, or defined in
        another module)."""
        target = self.task_target(handoff)
        return target.function if target is not None and target.analysis is self else None

    def resolve_target(self, expr: ast.AST, at: ast.AST) -> Optional[Target]:
        """What calling `expr` runs: a function, method, lambda, `functools.partial` of one,
        in this module or (through imports) another module of the project."""
        if isinstance(expr, ast.Lambda):
            body = expr.body
            # `lambda: f(x)` runs f; any other lambda is its own (small) task.
            if isinstance(body, ast.Call):
                called = self._callee(body.func, body)
                if called is not None:
                    return called
            return Target(self, expr)
        if isinstance(expr, ast.Call):
            if self.model.resolve(expr.func, at) == "functools.partial" and expr.args:
                return self.resolve_target(expr.args[0], at)
            return None
        return self._callee(expr, at)

    def callee(self, expr: ast.AST, at: ast.AST) -> Optional[Target]:
        """The project function a call of `expr` runs (see `_callee`)."""
        return self._callee(expr, at)

    def _callee(self, expr: ast.AST, at: ast.AST) -> Optional[Target]:
        """The project function a name or attribute refers to (`f`, `self.m`, `obj.m` of an
        instance made here, `Class.m`, `module.f`, an imported `f`)."""
        local = self.model.function_named(expr, at)
        if local is not None:
            return Target(self, local)
        qualname = self.model.resolve(expr, at)
        if qualname is None and isinstance(expr, ast.Attribute):
            qualname = self._instance_method(expr, at)
        if qualname is None:
            return None
        if ":" in qualname:  # a class of this module: `module:line:Name.method`
            return self._local_method(qualname)
        if self.project is None:
            return None
        found = self.project.lookup(qualname)
        if found is None:
            return None
        return Target(self._analysis_of(found.module), found.function)

    def constructors(self, expr: ast.AST, at: ast.AST) -> list[Target]:
        """The `__new__` and `__init__` a call of `expr` runs when it names a class of the
        project."""
        qualname = self.model.resolve(expr, at)
        if qualname is None:
            return []
        found = []
        for method in ("__new__", "__init__"):
            if ":" in qualname:
                target = self._local_method(f"{qualname}.{method}")
            elif self.project is not None:
                definition = self.project.lookup(f"{qualname}.{method}")
                target = (
                    Target(self._analysis_of(definition.module), definition.function)
                    if definition is not None
                    else None
                )
            else:
                target = None
            if target is not None:
                found.append(target)
        return found

    def _instance_method(self, expr: ast.Attribute, at: ast.AST) -> Optional[str]:
        """`obj.method` where `obj = SomeClass(...)` is the variable's one assignment."""
        receiver = expr.value
        if not isinstance(receiver, ast.Name):
            return None
        scope = self.model.names.lookup_scope(receiver.id, self.model.names.enclosing_scope(at))
        if scope is None or receiver.id in scope.qualified:
            return None
        values = [
            simple_assignment_value(node)
            for node in scope.nodes
            if isinstance(node, ast.Name) and node.id == receiver.id
            and not isinstance(node.ctx, ast.Load)
        ]  # fmt: skip
        if len(values) != 1 or not isinstance(values[0], ast.Call):
            return None
        cls = self.model.resolve(values[0].func, values[0])
        return f"{cls}.{expr.attr}" if cls is not None else None

    def _local_method(self, qualname: str) -> Optional[Target]:
        class_name, _, method = qualname.rpartition(".")
        node = self.model.local_class(class_name)
        if node is None:
            return None
        function = self.model.names.scope_of_node(node).functions.get(method)
        return Target(self, function) if function is not None else None

    def task_ends_by_itself(self, handoff: Handoff) -> bool:
        """Whether the hand-off's task surely returns without waiting for anyone: a function
        of the project that does (see `ends_by_itself`), or a known library call that does
        not wait (`print`, `time.sleep`)."""
        target = self.task_target(handoff)
        if target is not None:
            return self.ends_by_itself(target)
        if handoff.task is None:
            return False
        qual = self.model.resolve(handoff.task, handoff.call)
        if qual is None or matches(qual, WAITING_CALLS):
            return False
        short = qual[len("builtins.") :] if qual.startswith("builtins.") else qual
        return matches(qual, self.io_calls) or (
            qual.startswith("builtins.") and short in PURE_BUILTINS
        )

    def task_catches_everything(self, handoff: Handoff) -> bool:
        """Whether the task's function handles every exception itself (see
        `catches_everything`): its future or result then never holds one."""
        target = self.task_target(handoff)
        return target is not None and catches_everything(target.function)

    def ends_by_itself(self, target: Target) -> bool:
        """Whether the function surely returns without waiting for anyone: no `while` loop
        (a service loop runs until told to stop), no waiting call (a queue's `get`, an
        event's `wait`, `accept`, `serve_forever`, ...), no `for` over a waiting iterator,
        and every call it makes known (followed into the project's functions)."""
        return target.analysis._ends(target.function, 0, set())

    def _ends(self, function: FunctionNode, depth: int, seen: set[int]) -> bool:
        if id(function) in seen:
            return True  # recursion adds no new way to wait
        if depth > MAX_DEPTH:
            return False
        seen.add(id(function))
        io_objects = self._io_objects(self.model.names.scope_of_node(function).nodes)
        for node in self.model.names.scope_of_node(function).nodes:
            if isinstance(node, ast.While):
                return False
            if isinstance(node, (ast.For, ast.AsyncFor)) and _waiting_iterable(node.iter):
                return False
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            qual = self.model.resolve(func, node)
            if qual is not None and matches(qual, WAITING_CALLS):
                return False
            if isinstance(func, ast.Attribute) and func.attr in WAITING_METHODS:
                return False
            verdict = self._call(node, io_objects, depth, seen.copy())
            if verdict is None:
                continue
            kind, _, callee = verdict
            if kind == "unknown":
                return False
            if kind == "local" and callee is not None:
                if not callee.analysis._ends(callee.function, depth + 1, seen):
                    return False
        return True

    def needs_own_thread(self, target: Target) -> bool:
        """Whether the task, or a project function it calls, keeps state per thread (a
        `threading.local`) or reads which thread it runs on: one new thread per task is then
        part of what it does, and an executor, which reuses its threads, changes it."""
        return target.analysis._per_thread(target.function, 0, set())

    def _per_thread(self, function: FunctionNode, depth: int, seen: set[int]) -> bool:
        if id(function) in seen or depth > MAX_DEPTH:
            return False
        seen.add(id(function))
        scope = self.model.names.scope_of_node(function)
        defaults: list[ast.AST] = []
        if not isinstance(function, ast.Lambda):
            arguments = function.args
            for value in (*arguments.defaults, *arguments.kw_defaults):
                if value is not None:
                    defaults.extend(ast.walk(value))
        for node in (*scope.nodes, *defaults):
            if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
                if self._per_thread_name(node):
                    return True
            elif isinstance(node, ast.Call):
                callee = self._callee(node.func, node)
                if callee is not None and callee.analysis._per_thread(
                    callee.function, depth + 1, seen
                ):
                    return True
        return False

    def _per_thread_name(self, node: Union[ast.Name, ast.Attribute]) -> bool:
        """`threading.local`, `get_ident`, `current_thread`, or a global made by
        `threading.local()`."""
        qual = self.model.resolve(node, node)
        if qual in PER_THREAD_NAMES:
            return True
        if not isinstance(node, ast.Name):
            return False
        module_scope = self.model.names.module_scope
        if self.model.names.lookup_scope(node.id, self.model.names.enclosing_scope(node)) is not (
            module_scope
        ):
            return False
        values = self.model.assigned_values(module_scope, node.id) or ()
        return any(
            isinstance(v, ast.Call) and self.model.resolve(v.func, v) in PER_THREAD_NAMES
            for v in values
        )

    def classify(self, handoff: Handoff) -> Effect:
        target = self.task_target(handoff)
        if target is None:
            return Effect(EffectKind.UNKNOWN)
        return target.analysis.effect_of(target.function, viewer=self)

    # -- effects ---------------------------------------------------------------------------
    def effect_of(self, function: FunctionNode, viewer: Optional[EffectAnalysis] = None) -> Effect:
        """The effect of `function`; evidence in another module than `viewer`'s names its
        file in the detail."""
        viewer = viewer or self
        facts = self._gather(function, 0, set())
        if facts.unknown:
            return Effect(EffectKind.UNKNOWN)
        if facts.gil:
            gil_call, gil_name, origin = facts.gil[0]
            return Effect(EffectKind.GIL, gil_call, f"`{gil_name}()` releases the GIL", origin)
        io_only_prints = all(name in _REPORTING for _, name, _ in facts.io)
        if facts.work_loops and (not facts.io or (io_only_prints and not facts.io_in_loops)):
            loop, origin = facts.work_loops[0]
            kind = "comprehension" if isinstance(loop, (ast.ListComp, ast.SetComp, ast.DictComp,
                                                        ast.GeneratorExp)) else "loop"  # fmt: skip
            where = _where(loop, origin, viewer)
            return Effect(EffectKind.CPU, loop, f"{kind} at {where}", origin)
        # print() alone does not make a task I/O-bound: it is how tasks report results.
        waiting = [(c, name, origin) for c, name, origin in facts.io if name not in _REPORTING]
        if waiting and (not facts.work_loops or facts.io_in_loops):
            call, name, origin = waiting[0]
            detail = f"`{name}()` at {_where(call, origin, viewer)}"
            return Effect(EffectKind.IO, call, detail, origin)
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
                    facts.io.append((held, f"{held.id}.acquire", self))
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
                facts.io.append((node, name, self))
                for loop in loops:
                    loop_io[id(loop)] = True
            elif kind == "gil":
                facts.gil.append((node, name, self))
            elif kind == "unknown":
                facts.unknown.append(node)
            elif kind == "pure":
                for loop in loops:
                    loop_work[id(loop)] = True
            elif kind == "local" and callee is not None:
                sub = callee.analysis._gather(callee.function, depth + 1, seen)
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
                    facts.work_loops.append((node, self))
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
    ) -> Optional[tuple[str, str, Optional[Target]]]:
        """(kind, display name, project callee) for one call; None for calls that do nothing
        of interest (a constructor of a plain value, ...)."""
        func = call.func
        qual = self.model.resolve(func, call)
        name = ast.unparse(func) if not isinstance(func, ast.Lambda) else "lambda"
        if qual is not None:
            if qual.startswith("logging.") and qual.rpartition(".")[2] in LOGGING_METHODS:
                return "io", "logging", None
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
        callee = self._callee(func, call)
        if callee is not None:
            return "local", name, callee
        if isinstance(func, ast.Attribute):
            receiver = func.value
            if isinstance(receiver, ast.Name):
                bound = self._bound_to(receiver, call)
                if bound == "gil":
                    return "gil", name, None
                if bound == "log" and func.attr in LOGGING_METHODS:
                    return "io", "logging", None
                if receiver.id in io_objects or bound == "io":
                    # A file's, socket's or connection's other methods (`close`, `seek`,
                    # `settimeout`) neither compute nor change the verdict.
                    return ("io", name, None) if func.attr in BLOCKING_METHODS else None
                if bound == "container":
                    return "pure", name, None  # `seen.add(key)` on `seen = set()`
            if isinstance(receiver, ast.Constant) and isinstance(receiver.value, str):
                return "pure", name, None  # "".join(...), "{}".format(...)
            if func.attr in PURE_METHODS:
                return "pure", name, None
        return "unknown", name, None

    def _is_container(self, value: ast.expr) -> bool:
        """A list, dict or set display or comprehension, or a call making a builtin or
        `collections` container: its methods compute, they never block."""
        if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp,
                              ast.SetComp)):  # fmt: skip
            return True
        if isinstance(value, ast.Call):
            return self.model.resolve(value.func, value) in _CONTAINERS
        return False

    def _bound_to(self, name: ast.Name, at: ast.AST) -> Optional[str]:
        """ "gil"/"io"/"log" when the variable (here or in an enclosing scope) holds an
        object made by a GIL-releasing library, an I/O constructor (`hasher = hashlib.sha1()`)
        or `logging.getLogger()`."""
        scope = self.model.names.lookup_scope(name.id, self.model.names.enclosing_scope(at))
        if scope is None:
            return None
        key = (id(scope), name.id)
        if key not in self._bindings:
            kind: Optional[str] = None
            assignments = [
                node.value
                for node in scope.nodes
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets)
            ]
            if assignments and all(self._is_container(value) for value in assignments):
                kind = "container"
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
                    elif qual in LOGGER_FACTORIES and kind is None:
                        kind = "log"
                    elif matches(qual, IO_CONSTRUCTORS + self.io_calls) and kind is None:
                        kind = "io"
            self._bindings[key] = kind
        return self._bindings[key]


_CATCH_ALL = frozenset({"Exception", "BaseException"})


def catches_everything(function: FunctionNode) -> bool:
    """A body whose work is one `try` with a handler for `Exception`, `BaseException` or
    anything, whose handlers never raise again and with no `else` or `finally` that could;
    around it only logging and the hand-off of the outcome (`log.debug(...)`,
    `out.put((task, result))`, `return result`): the pattern of a task that stores, sends or
    logs its own error."""
    if isinstance(function, ast.Lambda):
        return False
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    attempts = [statement for statement in body if isinstance(statement, ast.Try)]
    if len(attempts) != 1:
        return False
    attempt = attempts[0]
    if attempt.orelse or attempt.finalbody:
        return False
    if any(isinstance(n, ast.Raise) for h in attempt.handlers for n in ast.walk(h)):
        return False
    if not all(statement is attempt or _reports(statement) for statement in body):
        return False
    return any(_catches_all(handler.type) for handler in attempt.handlers)


# Calls that only log an outcome or hand it on: what a task does around the `try` that
# catches its errors.
_REPORTING_METHODS = LOGGING_METHODS | {"put", "put_nowait"}


def _reports(statement: ast.stmt) -> bool:
    """`log.debug(...)`, `logging.info(...)`, `out.put(result)` or `return <name or constant>`."""
    if isinstance(statement, ast.Return):
        return statement.value is None or isinstance(statement.value, (ast.Name, ast.Constant))
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    func = statement.value.func
    return isinstance(func, ast.Attribute) and func.attr in _REPORTING_METHODS


def _catches_all(kind: Optional[ast.expr]) -> bool:
    if kind is None:
        return True
    if isinstance(kind, ast.Tuple):
        return any(_catches_all(element) for element in kind.elts)
    name = kind.attr if isinstance(kind, ast.Attribute) else getattr(kind, "id", None)
    return name in _CATCH_ALL


def runs_concurrently(handoff: Handoff, model: ConcurrencyModel) -> bool:
    """Whether the task may run on two or more threads/processes at once."""
    if waited_for_at_once(handoff, model):
        return False  # each one finishes before the loop goes on: one at a time
    if handoff.pool is not None and _single_worker(handoff.pool.call):
        return False  # a pool of one worker runs its tasks one at a time
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
    if _same_task_counts(model).get(_task_key(handoff, model), 0) > 1:
        return True
    # `workers = [self._spawn_worker() for _ in range(n)]`: the function that starts it is
    # itself called in a loop.
    if id(scope_node) in model.called_in_loops():
        return True
    return _caller_runs_it_meanwhile(handoff, model)


def _single_worker(constructor: ast.Call) -> bool:
    """`ThreadPoolExecutor(max_workers=1)`, `ThreadPoolExecutor(1)`, `Pool(processes=1)`."""
    sizes = [k.value for k in constructor.keywords if k.arg in ("max_workers", "processes")]
    if not sizes and constructor.args:
        sizes = [constructor.args[0]]
    return any(isinstance(v, ast.Constant) and v.value == 1 for v in sizes)


def _caller_runs_it_meanwhile(handoff: Handoff, model: ConcurrencyModel) -> bool:
    """The thread that handed the task off calls the same function itself while the task may
    still run (after the hand-off, before any join of its worker): two threads run it."""
    task = handoff.task
    if task is None or handoff.api not in (HandoffApi.CONSTRUCTOR, HandoffApi.SUBMIT):
        return False
    scope = model.names.enclosing_scope(handoff.call)
    shape = dotted(task)  # `f`, `self.run`: compared as text; anything else by its dump
    dump = ast.dump(task) if shape is None else None
    after = (handoff.call.lineno, handoff.call.col_offset)
    joins = [
        (e.call.lineno, e.call.col_offset) for e in (handoff.worker.joins if handoff.worker else ())
    ]
    for node in scope.nodes:
        if not isinstance(node, ast.Call) or node is handoff.call:
            continue
        if (dotted(node.func) == shape) if dump is None else (ast.dump(node.func) == dump):
            at = (node.lineno, node.col_offset)
            if at > after and not any(after < join < at for join in joins):
                return True
    return False


def waited_for_at_once(handoff: Handoff, model: ConcurrencyModel) -> bool:
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
    return id(model.names.enclosing_scope(handoff.call)), shape_key(handoff.task)


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


def _where(node: ast.AST, origin: EffectAnalysis, viewer: EffectAnalysis) -> str:
    """`line 14`, or `jobs.py:14` when the evidence is in another module than the viewer's."""
    line = getattr(node, "lineno", 0)
    if origin is viewer or origin.module is None:
        return f"line {line}"
    return f"{origin.module.path.name}:{line}"


def outgoing_tasks(effects: EffectAnalysis) -> list[IncomingTask]:
    """The functions of other project modules that this module hands to threads or
    processes, or that its thread tasks call: what those modules' own rules need to know
    (PAR601 and the free-threading rules for shared state, PAR201 and PAR202 on the `def run`
    of a Thread/Process subclass constructed here)."""
    from parlint.analysis.project import IncomingTask
    from parlint.analysis.reachability import function_name, thread_entries, walk

    if effects.filename is None:
        return []
    found = []
    for handoff in effects.model.handoffs:
        if handoff.on_threads is None:
            continue
        target = effects.task_target(handoff)
        if target is None:
            continue
        start, end = effects.source.span(handoff.call)
        concurrent = runs_concurrently(handoff, effects.model)
        task = handoff.task
        if target.analysis is not effects and target.analysis.filename is not None:
            name = _module_qualname(target)
            if name is not None:
                subclass = handoff.worker is not None and handoff.worker.subclass is not None
                found.append(
                    IncomingTask(
                        target.analysis.filename,
                        name,
                        "." in name
                        and isinstance(task, ast.Attribute)
                        # an object, not a class
                        and effects.model.resolve(task.value, handoff.call) is None,
                        effects.filename,
                        start,
                        end,
                        on_threads=handoff.on_threads,
                        concurrent=concurrent,
                        subclass=subclass and task is None,
                    )
                )
    # What runs on one thread only matters to PAR703; walking is the cost of the exports.
    single_threads = "PAR703" in effects.settings.enabled
    for entry in thread_entries(effects):
        if not (entry.concurrent or entry.alongside) and not single_threads:
            continue
        start, end = effects.source.span(entry.start)
        runs = function_name(entry.target.function)
        for reached in walk(entry.target, entry.shares_self):
            analysis = reached.target.analysis
            if not reached.hops or analysis is effects or analysis.filename is None:
                continue
            name = _module_qualname(reached.target)
            if name is None:
                continue
            found.append(
                IncomingTask(
                    analysis.filename,
                    name,
                    reached.shares_self,
                    effects.filename,
                    start,
                    end,
                    concurrent=entry.runs_concurrently(reached.target.function),
                    task=runs,
                    hops=reached.hops,
                    locked=reached.locked,
                )
            )
    return found


def _module_qualname(target: Target) -> Optional[str]:
    """`f` for a module-level function, `C.m` for a method of a module-level class."""
    function = target.function
    if isinstance(function, ast.Lambda):
        return None
    names = target.analysis.model.names
    owner = names.scope_of_node(function).parent
    if owner is None:
        return None
    if owner.is_module:
        return function.name
    if isinstance(owner.node, ast.ClassDef) and owner.parent is not None and owner.parent.is_module:
        return f"{owner.node.name}.{function.name}"
    return None


def function_by_qualname(model: ConcurrencyModel, name: str) -> Optional[FunctionNode]:
    """The module-level function `f` or method `C.m` of a module-level class."""
    scope = model.names.module_scope
    first, _, rest = name.partition(".")
    if not rest:
        return None if first in scope.stores else scope.functions.get(first)
    node = scope.classes.get(first)
    if node is None:
        return None
    return model.names.scope_of_node(node).functions.get(rest)


def _waiting_iterable(expr: ast.expr) -> bool:
    """`iter(q.get, None)` (until a sentinel arrives), `sock.makefile()`, a generator of
    a connection: iterating it waits for someone else."""
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Name) and func.id == "iter" and len(expr.args) == 2:
            return True
        if isinstance(func, ast.Attribute) and func.attr in ("makefile", "listen", "events"):
            return True
    return False
