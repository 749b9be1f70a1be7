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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Optional, TypeVar, Union, cast

from parlint.analysis.scopes import (
    NameResolver,
    Scope,
    enclosing_statement,
    parent,
    scope_identifiers,
    simple_assignment_value,
)
from parlint.analysis.stdlib import (
    ARGS_POSITION,
    HARMLESS_CALLS,
    LOGGER_FACTORIES,
    LOGGING_METHODS,
    WORKER_CLASSES,
    PoolKind,
    WorkerKind,
)

Loop = Union[ast.For, ast.AsyncFor, ast.While, ast.comprehension]

T = TypeVar("T")


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
    """A subclass of Thread/Process defined in this file, with what it inherits from the
    subclasses of this file it derives from."""

    node: ast.ClassDef
    kind: WorkerKind
    daemon: Optional[bool]  # set to a constant in the class, or None when not known
    defines_init: bool
    # The `run()` the thread executes: the class's own, or one it inherits from a base of
    # this file (None: Thread's own run(), which calls the target).
    run: Optional[Union[ast.FunctionDef, ast.AsyncFunctionDef]]
    methods: frozenset[str]
    # The dotted module that defines the class when it is another module of the project
    # (its `node` and `run` belong to that module's tree); None for a class of this file.
    module: Optional[str] = None


@dataclass(eq=False)
class Home:
    """The attribute of `self` that keeps a worker or pool for the methods of its class.

    `loads` are the reads of `self.<attribute>` in the class's methods, which reach the
    object wherever they are; `escapes` are the uses of it that parlint cannot follow (read
    by code outside the class, passed on, also assigned objects of unknown origin).
    """

    cls: ast.ClassDef
    attribute: str
    stores: list[ast.Attribute] = field(default_factory=list)
    loads: list[ast.Attribute] = field(default_factory=list)
    escapes: list[tuple[ast.AST, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"`self.{self.attribute}`"

    @property
    def class_name(self) -> str:
        return f"class `{self.cls.name}`"


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
    # The attribute of `self` that keeps it, when its class's methods are its owners.
    home: Optional[Home] = None
    # The code that tells its loop to end (an Event set, a flag assigned, a sentinel put on
    # its queue, `shutdown()` of the server it serves): whoever runs it owns the worker.
    stopped_by: Optional[ast.AST] = None

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

    @property
    def leaks(self) -> list[tuple[ast.AST, str]]:
        """Escapes other than being kept on its home attribute, which its class follows."""
        kept = {id(store) for store in self.home.stores} if self.home else set()
        found = [(node, reason) for node, reason in self.escapes if id(node) not in kept]
        return found + (self.home.escapes if self.home else [])

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
    # The attribute of `self` that keeps it, the calls that shut it down there (`shutdown()`,
    # `close()`, `terminate()`, `with self.pool:`), and the uses parlint cannot follow.
    home: Optional[Home] = None
    shutdowns: list[ast.AST] = field(default_factory=list)
    escapes: list[tuple[ast.AST, str]] = field(default_factory=list)

    def argument(self, name: str, position: int) -> Optional[ast.expr]:
        """The constructor's argument by keyword, or else by position."""
        for kw in self.call.keywords:
            if kw.arg == name:
                return kw.value
        return self.call.args[position] if len(self.call.args) > position else None

    @property
    def child_values(self) -> tuple[ast.expr, ...]:
        """What its constructor hands to every worker process: the initializer and the
        values of `initargs` (pickled into each child unless the workers are forked)."""
        positions = _INITIALIZER_POSITIONS.get(self.kind)
        if positions is None:
            return ()
        initializer = self.argument("initializer", positions[0])
        initargs = self.argument("initargs", positions[1])
        found = (initializer,) if initializer is not None else ()
        return found + literal_elements(initargs)


# Where `initializer` and `initargs` sit among a pool constructor's positional parameters:
# Pool(processes, initializer, initargs, ...); ProcessPoolExecutor(max_workers, mp_context,
# initializer, initargs).
_INITIALIZER_POSITIONS: dict[PoolKind, tuple[int, int]] = {
    PoolKind.PROCESS_POOL: (1, 2),
    PoolKind.THREAD_POOL: (1, 2),
    PoolKind.PROCESS_EXECUTOR: (2, 3),
    PoolKind.THREAD_EXECUTOR: (2, 3),
}


def literal_elements(value: Optional[ast.expr]) -> tuple[ast.expr, ...]:
    """The elements of a tuple or list display (`(f, x)`), else nothing."""
    if isinstance(value, (ast.Tuple, ast.List)):
        return tuple(e for e in value.elts if not isinstance(e, ast.Starred))
    return ()


@dataclass(frozen=True)
class PoolAccess:
    """How code reaches an executor or pool: its API (executor or multiprocessing pool),
    whether its tasks run on threads (None: not known, e.g. a parameter annotated
    `Executor`, or a thread executor in one branch and a process executor in the other),
    and its construction when exactly one is known."""

    is_executor: bool
    on_threads: Optional[bool]
    pool: Optional[Pool] = None

    @staticmethod
    def of(pool: Pool) -> PoolAccess:
        return PoolAccess(pool.kind.is_executor, pool.kind.runs_in_threads, pool)

    @staticmethod
    def of_kinds(kinds: list[PoolKind], pool: Optional[Pool] = None) -> Optional[PoolAccess]:
        """What several possible objects have in common; None when their APIs differ."""
        executors = {kind.is_executor for kind in kinds}
        threads = {kind.runs_in_threads for kind in kinds}
        if len(executors) != 1:
            return None
        if len(threads) != 1:
            return PoolAccess(executors.pop(), None)
        return PoolAccess(executors.pop(), threads.pop(), pool)

    @staticmethod
    def of_pools(pools: list[Pool]) -> Optional[PoolAccess]:
        """One of these constructions (one per branch that assigns the variable): the
        construction itself only when there is one (a fix must not rewrite half of them)."""
        return PoolAccess.of_kinds([p.kind for p in pools], pools[0] if len(pools) == 1 else None)


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
    def subclass_run(self) -> Optional[Union[ast.FunctionDef, ast.AsyncFunctionDef]]:
        """The `run()` of a Thread/Process subclass that this construction runs (its task),
        or None when the task is a `target` or Thread's own run()."""
        worker = self.worker
        if worker is None or worker.subclass is None or self.task is not None:
            return None
        if worker.subclass.module is not None:
            return None  # a class of another module: its `run` is analysed there
        return worker.subclass.run

    @property
    def child_values(self) -> tuple[ast.expr, ...]:
        """The values handed to the task with it (`args=`/`kwargs=` of a Process or Thread,
        the `args`/`kwds` of `apply`/`apply_async`): a process receives them pickled."""
        if self.api is HandoffApi.CONSTRUCTOR and self.worker is not None:
            subclass = self.worker.subclass
            if subclass is not None and subclass.defines_init:
                return ()  # the subclass's own parameters, not Thread's
        args, kwargs = self.passed_arguments()
        return literal_elements(args) + _dict_values(kwargs)

    def passed_arguments(self) -> tuple[Optional[ast.expr], Optional[ast.expr]]:
        """The expressions that give the task its arguments, by keyword or position: a
        worker constructor's `args`/`kwargs`, `apply`/`apply_async`'s `args`/`kwds`."""
        call = self.call
        if self.api is HandoffApi.CONSTRUCTOR and self.worker is not None:
            position = ARGS_POSITION[self.worker.kind]
            names = ("args", "kwargs")
        elif self.api is HandoffApi.POOL and self.method in ("apply", "apply_async"):
            position = 1
            names = ("args", "kwds")
        else:
            return None, None
        found: list[Optional[ast.expr]] = []
        for offset, name in enumerate(names):
            value = next((k.value for k in call.keywords if k.arg == name), None)
            if value is None and len(call.args) > position + offset:
                value = call.args[position + offset]
            found.append(value)
        return found[0], found[1]

    @property
    def description(self) -> str:
        if self.worker is not None:
            return self.worker.qualname.rsplit(".", 1)[-1]
        return f"{self.method}()" if self.method else self.api.value


@dataclass(eq=False)
class RestOfModule:
    """The module-wide facts of the statements a partial model leaves out, each computed
    when a rule first asks for it."""

    identifiers: Callable[[], set[str]]
    # Names bound by `import x` anywhere; names bound to a dict, and to anything else.
    imported_modules: Callable[[], set[str]]
    mapping_names: Callable[[], tuple[set[str], set[str]]]


class ConcurrencyModel:
    """What one module does with threads, processes and pools (built by `tracking.build_model`)."""

    def __init__(
        self,
        tree: ast.Module,
        names: NameResolver,
        external_classes: Optional[Callable[[str], Optional[WorkerClass]]] = None,
        external_functions: Optional[Callable[[str], bool]] = None,
    ) -> None:
        self.tree = tree
        self.names = names
        self.worker_classes: dict[str, WorkerClass] = {}
        # Finds Thread/Process subclasses defined in other modules of the project.
        self.external_classes = external_classes
        self._external: dict[str, Optional[WorkerClass]] = {}
        self._memo: dict[str, object] = {}
        # Whether a qualified name is a function of another module of the project.
        self.external_functions = external_functions
        # When the model is of part of a module (an edited statement and what it reads, see
        # parlint.incremental): the module-wide facts of the statements left out.
        self.rest: Optional[RestOfModule] = None
        self.workers: list[Worker] = []
        self.pools: list[Pool] = []
        self.handoffs: list[Handoff] = []
        self._by_call: dict[int, Union[Worker, Pool]] = {}
        self._values: dict[tuple[int, str], Optional[list[ast.expr]]] = {}
        self._indexed = (0, 0)
        self._handoff_of: dict[int, Handoff] = {}
        self._handoffs_indexed = 0

    def handoff_of(self, worker: Worker) -> Optional[Handoff]:
        """The hand-off of the task a worker runs (its constructor's `target=`, or its
        subclass's `run`)."""
        if self._handoffs_indexed != len(self.handoffs):
            self._handoff_of = {}
            for handoff in self.handoffs:
                if handoff.worker is not None:
                    self._handoff_of.setdefault(id(handoff.worker), handoff)
            self._handoffs_indexed = len(self.handoffs)
        return self._handoff_of.get(id(worker))

    def local_class(self, qualname: str) -> Optional[ast.ClassDef]:
        """The class of this module that `resolve` names `qualname` (`module:line:Name`)."""
        for scope in self.scopes():
            for node in scope.classes.values():
                if self.names.class_qualname(node) == qualname:
                    return node
        return None

    def called_in_loops(self) -> frozenset[int]:
        """The functions of this module (by id) called by name or as `self.method()` inside
        a loop or comprehension: what they start, they start again and again."""
        found = self._memo.get("called_in_loops")
        if isinstance(found, frozenset):
            return found
        ids: set[int] = set()
        for scope in self.scopes():
            home = scope
            while home.parent is not None and not (home.is_function or home.is_module):
                home = home.parent
            for node in scope.nodes:
                if not isinstance(node, ast.Call) or not loops_around(node, home.node):
                    continue
                function = self.function_named(node.func, node)
                if function is not None:
                    ids.add(id(function))
        result = frozenset(ids)
        self._memo["called_in_loops"] = result
        return result

    def scopes(self) -> Iterator[Scope]:
        """Every scope of the module, outermost first, in source order."""
        stack = [self.names.module_scope]
        while stack:
            scope = stack.pop()
            yield scope
            stack.extend(reversed(scope.children))

    def worker_at(self, call: ast.Call) -> Optional[Worker]:
        """The worker that `call` constructs, if it is one."""
        found = self._constructed_at(call)
        return found if isinstance(found, Worker) else None

    def pool_at(self, call: ast.Call) -> Optional[Pool]:
        """The executor or pool that `call` constructs, if it is one."""
        found = self._constructed_at(call)
        return found if isinstance(found, Pool) else None

    def _constructed_at(self, call: ast.Call) -> Optional[Union[Worker, Pool]]:
        if self._indexed != (len(self.workers), len(self.pools)):
            self._by_call = {id(w.call): w for w in self.workers}
            self._by_call.update((id(p.call), p) for p in self.pools)
            self._indexed = (len(self.workers), len(self.pools))
        return self._by_call.get(id(call))

    def worker_kind(self, qualname: Optional[str]) -> Optional[WorkerKind]:
        if qualname is None:
            return None
        if qualname in WORKER_CLASSES:
            return WORKER_CLASSES[qualname]
        cls = self.worker_class(qualname)
        return cls.kind if cls else None

    def worker_class(self, qualname: Optional[str]) -> Optional[WorkerClass]:
        """The Thread/Process subclass a qualified name is: of this file, or of another
        module of the project (through `external_classes`)."""
        if qualname is None:
            return None
        found = self.worker_classes.get(qualname)
        if found is None and self.external_classes is not None and ":" not in qualname:
            if qualname not in self._external:
                self._external[qualname] = self.external_classes(qualname)
            found = self._external[qualname]
        return found

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A module-wide answer (`guard_plan`, the uses of each name) computed once per model
        however many findings ask for it."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    def identifiers(self) -> set[str]:
        """Every name used or bound anywhere in the module (a fresh name avoids them), from
        the nodes already listed per scope."""

        def collect() -> set[str]:
            found = scope_identifiers(self.names.module_scope)
            for scope in self.scopes():
                found |= scope.bound  # imported names too: the lists hold no `alias` nodes
            if self.rest is not None:
                found |= self.rest.identifiers()
            return found

        return self.memo("identifiers", collect)

    def defined_in_project(self, qualname: str) -> bool:
        """Whether `qualname` (`pkg.server.HTTPServer.stop`) is a function or method that
        another module of the project defines."""
        return self.external_functions is not None and self.external_functions(qualname)

    # -- queries for rules -----------------------------------------------------------------
    def resolve(self, expr: ast.AST, at: ast.AST) -> Optional[str]:
        return self.names.resolve(expr, self.names.enclosing_scope(at))

    def attribute_values(self, expr: ast.expr) -> Optional[list[ast.expr]]:
        """The values assigned to `self.X` in its class (every one of them), when `expr` is
        `self.X` in a method and they are all known; else None."""
        if not isinstance(expr, ast.Attribute):
            return None
        return self.names.attribute_values(expr)

    def keeps_no_reference(self, call: ast.Call) -> bool:
        """Whether `call` only looks at its arguments (`print`, `repr`, `len`, `log.info`):
        an object passed to it does not escape."""
        func = call.func
        qual = self.resolve(func, call)
        if qual in HARMLESS_CALLS:
            return True
        if not isinstance(func, ast.Attribute) or func.attr not in LOGGING_METHODS:
            return False
        if qual is not None and qual == f"logging.{func.attr}":
            return True
        return self._is_logger(func.value)

    def assigned_values(self, scope: Scope, name: str) -> Optional[list[ast.expr]]:
        """The values of every assignment to `name` in `scope`, when all are plain ones."""
        key = (id(scope), name)
        if key not in self._values:
            stores = [
                node
                for node in scope.nodes
                if isinstance(node, ast.Name)
                and node.id == name
                and not isinstance(node.ctx, ast.Load)
            ]
            found = [simple_assignment_value(node) for node in stores]
            self._values[key] = [v for v in found if v is not None] if None not in found else None
        return self._values[key]

    def _is_logger(self, expr: ast.expr) -> bool:
        """`log` after `log = logging.getLogger(...)` (its only assignment), or `self.log`
        whose every value is such a call."""
        values: Optional[list[ast.expr]] = None
        if isinstance(expr, ast.Attribute):
            values = self.attribute_values(expr)
        elif isinstance(expr, ast.Name):
            owner = self.names.lookup_scope(expr.id, self.names.enclosing_scope(expr))
            if owner is not None:
                values = self.assigned_values(owner, expr.id)
        return bool(values) and all(
            isinstance(v, ast.Call) and self.resolve(v.func, v) in LOGGER_FACTORIES
            for v in values or ()
        )

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


def _dict_values(value: Optional[ast.expr]) -> tuple[ast.expr, ...]:
    if isinstance(value, ast.Dict):
        return tuple(value.values)
    return ()


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
