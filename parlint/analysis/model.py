"""The concurrency model of one module, built once from `ast` and queried by every rule.

It knows every Thread / Timer / Process object and every executor or pool: how each was created
(names resolved through imports, aliases, `get_context()` and in-file subclasses), which local
variables and collections hold it, where it is started, joined, run, made daemon, and whether
it escapes the scope (returned, yielded, stored, passed on, used by a nested function).
It also lists every hand-off of a task to a thread or process.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Optional, Union

from parlint.analysis.scopes import (
    NameResolver,
    Scope,
    enclosing_statement,
    parent,
)
from parlint.analysis.stdlib import (
    WORKER_CLASSES,
    PoolKind,
    WorkerKind,
)

Loop = Union[ast.For, ast.AsyncFor, ast.While, ast.comprehension]


class EventKind(str, enum.Enum):
    START = "start"
    JOIN = "join"
    RUN = "run"


@dataclass(eq=False)
class Event:
    """A `start()`, `join()` or `run()` call reaching one or more workers."""

    kind: EventKind
    call: ast.Call
    # The loop whose iteration variable the call goes through (`for t in threads: t.join()`),
    # so that it reaches every object in the collection.
    iteration: Optional[ast.AST] = None
    # Every loop (in the scope) around the call, innermost first.
    loops: tuple[ast.AST, ...] = ()
    # The variable the call goes through, for messages and fixes (`t` in `t.start()`).
    via_name: Optional[str] = None
    # For a join: the tests of the `if`s around the worker's start (`if t is not None:`
    # around both the start and the join is one condition, not two paths).
    start_conditions: frozenset[str] = frozenset()
    # ... and the `if` statements themselves: an `if` around the start is not a later check.
    start_ifs: frozenset[int] = frozenset()

    @property
    def statement(self) -> Optional[ast.stmt]:
        """The statement the event belongs to for path analysis.

        `if t.is_alive(): t.join()` joins on both branches (a finished thread needs no
        join), so such a join belongs to the `if` itself.
        """
        stmt = enclosing_statement(self.call)
        if self.kind is EventKind.JOIN and stmt is not None:
            owner = parent(stmt)
            if (
                isinstance(owner, ast.If)
                and stmt in owner.body
                and not owner.orelse
                and id(owner) not in self.start_ifs
                and (
                    _tests_is_alive(owner.test, self.call)
                    or _tests_variable(owner.test, self.via_name)
                    or ast.dump(owner.test) in self.start_conditions
                )
            ):
                return owner
        return stmt


@dataclass(eq=False)
class WorkerClass:
    """A subclass of Thread/Process defined in this file."""

    node: ast.ClassDef
    kind: WorkerKind
    daemon: Optional[bool]  # set to a constant in the class, or None when not known
    defines_init: bool
    run: Optional[Union[ast.FunctionDef, ast.AsyncFunctionDef]]
    methods: frozenset[str]


@dataclass(eq=False)
class Worker:
    """One Thread/Timer/Process construction site."""

    kind: WorkerKind
    qualname: str
    call: ast.Call
    scope: Scope
    # Loops (in the scope) around the constructor, innermost first: one site, many objects.
    loops: tuple[ast.AST, ...]
    subclass: Optional[WorkerClass] = None
    daemon: Optional[bool] = False  # None: set to something parlint cannot evaluate
    names: set[str] = field(default_factory=set)
    containers: set[str] = field(default_factory=set)
    events: list[Event] = field(default_factory=list)
    escapes: list[tuple[ast.AST, str]] = field(default_factory=list)

    @property
    def starts(self) -> list[Event]:
        return [e for e in self.events if e.kind is EventKind.START]

    @property
    def joins(self) -> list[Event]:
        return [e for e in self.events if e.kind is EventKind.JOIN]

    @property
    def runs(self) -> list[Event]:
        return [e for e in self.events if e.kind is EventKind.RUN]

    @property
    def escaped(self) -> bool:
        return bool(self.escapes)

    def keyword(self, name: str) -> Optional[ast.keyword]:
        for kw in self.call.keywords:
            if kw.arg == name:
                return kw
        return None

    def reaches_every_instance(self, event: Event) -> bool:
        """Whether `event` acts on every object this site creates, not only the last one."""
        if event.iteration is not None:
            return True
        if not self.loops:
            return True
        # A name bound in a loop and used in the same iteration reaches that iteration's object.
        return self.loops[0] in event.loops

    @property
    def label_is_plural(self) -> bool:
        return not self.names and bool(self.containers)

    @property
    def label(self) -> str:
        if self.names:
            return f"`{sorted(self.names)[0]}`"
        if self.containers:
            return f"the {self.kind_plural} in `{sorted(self.containers)[0]}`"
        return f"this {self.kind_word}"

    @property
    def kind_word(self) -> str:
        return "process" if self.kind is WorkerKind.PROCESS else "thread"

    @property
    def kind_plural(self) -> str:
        return "processes" if self.kind is WorkerKind.PROCESS else "threads"


@dataclass(eq=False)
class Pool:
    """One executor or pool construction site."""

    kind: PoolKind
    qualname: str
    call: ast.Call
    scope: Scope
    names: set[str] = field(default_factory=set)
    in_with: bool = False


class HandoffApi(str, enum.Enum):
    CONSTRUCTOR = "constructor"  # Thread(target=f), Process(target=f), Timer(t, f)
    SUBMIT = "submit"
    MAP = "map"
    POOL = "pool"  # apply/apply_async/map/imap/... of multiprocessing pools
    TO_THREAD = "to_thread"
    RUN_IN_EXECUTOR = "run_in_executor"


@dataclass(eq=False)
class Handoff:
    """A task handed to a thread or a process."""

    api: HandoffApi
    call: ast.Call
    task: Optional[ast.expr]
    # Runs on threads (True), in processes (False), or not known (None).
    on_threads: Optional[bool]
    worker: Optional[Worker] = None
    pool: Optional[Pool] = None
    method: Optional[str] = None

    @property
    def description(self) -> str:
        if self.worker is not None:
            return self.worker.qualname.rsplit(".", 1)[-1]
        return f"{self.method}()" if self.method else self.api.value


class ConcurrencyModel:
    """What one module does with threads, processes and pools (built by `tracking.build_model`)."""

    def __init__(self, tree: ast.Module, names: NameResolver) -> None:
        self.tree = tree
        self.names = names
        self.worker_classes: dict[str, WorkerClass] = {}
        self.workers: list[Worker] = []
        self.pools: list[Pool] = []
        self.handoffs: list[Handoff] = []

    def scopes(self) -> Iterator[Scope]:
        """Every scope of the module, outermost first, in source order."""
        stack = [self.names.module_scope]
        while stack:
            scope = stack.pop()
            yield scope
            stack.extend(reversed(scope.children))

    def worker_kind(self, qualname: Optional[str]) -> Optional[WorkerKind]:
        if qualname is None:
            return None
        if qualname in WORKER_CLASSES:
            return WORKER_CLASSES[qualname]
        cls = self.worker_classes.get(qualname)
        return cls.kind if cls else None

    # -- queries for rules -----------------------------------------------------------------
    def resolve(self, expr: ast.AST, at: ast.AST) -> Optional[str]:
        return self.names.resolve(expr, self.names.enclosing_scope(at))

    def function_named(
        self, expr: ast.AST, at: ast.AST
    ) -> Optional[Union[ast.FunctionDef, ast.AsyncFunctionDef]]:
        """The function defined in this file that `expr` names (`f`, `self.method`)."""
        scope = self.names.enclosing_scope(at)
        if isinstance(expr, ast.Name):
            owner = self.names.lookup_scope(expr.id, scope)
            if owner is not None and expr.id in owner.functions:
                return None if expr.id in owner.stores else owner.functions[expr.id]
            return None
        if (
            isinstance(expr, ast.Attribute)
            and isinstance(expr.value, ast.Name)
            and expr.value.id in ("self", "cls")
        ):
            method_scope: Optional[Scope] = scope
            while method_scope is not None and not method_scope.is_function:
                method_scope = method_scope.parent
            class_scope = method_scope.parent if method_scope else None
            if class_scope is not None and isinstance(class_scope.node, ast.ClassDef):
                return class_scope.functions.get(expr.attr)
        return None


def loops_around(node: ast.AST, stop: ast.AST) -> tuple[ast.AST, ...]:
    """The loops and comprehensions around `node` within the scope `stop`, innermost first.

    A node in a loop's `else`, or in the iterable of a `for`, runs once: it is not in the loop.
    """
    found: list[ast.AST] = []
    child = node
    current = parent(node)
    while current is not None and current is not stop:
        if isinstance(current, (ast.For, ast.AsyncFor)):
            if child in current.body:
                found.append(current)
        elif isinstance(current, ast.While):
            if child in current.body or child is current.test:
                found.append(current)
        elif isinstance(current, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            first_iter = current.generators[0].iter
            if child is not first_iter:
                found.append(current)
        child = current
        current = parent(current)
    return tuple(found)


def _tests_variable(test: ast.expr, name: Optional[str]) -> bool:
    """`if t:` / `if t is not None:`: no object, nothing started, nothing to join."""
    if name is None:
        return False
    if isinstance(test, ast.Name):
        return test.id == name
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == name
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def _tests_is_alive(test: ast.expr, join: ast.Call) -> bool:
    """Whether `test` is `x.is_alive()` for the object that `join` joins."""
    func = join.func
    return (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr in ("is_alive", "isAlive")
        and isinstance(func, ast.Attribute)
        and ast.dump(test.func.value) == ast.dump(func.value)
    )
