"""Builds the concurrency model of a module: finds its workers, pools and hand-offs and
follows each object through the variables, collections and loops of its scope."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import Optional, Union

from parlint.analysis.model import (
    ConcurrencyModel,
    Event,
    EventKind,
    Handoff,
    HandoffApi,
    Home,
    Pool,
    PoolAccess,
    Worker,
    WorkerClass,
    loops_around,
)
from parlint.analysis.ownership import find_stop_signals
from parlint.analysis.reaching import reaching_bindings
from parlint.analysis.scopes import (
    InstanceAttributes,
    NameResolver,
    Scope,
    assigned_value,
    parent,
    simple_assignment_value,
)
from parlint.analysis.stdlib import (
    CONTEXT_FACTORIES,
    CONTEXT_NAMESPACE,
    EXECUTOR_BASES,
    EXECUTOR_TASK_METHODS,
    INTERESTING_CALLEES,
    POOL_ATTRIBUTES,
    POOL_CLASSES,
    POOL_SHUTDOWN_METHODS,
    POOL_TASK_METHODS,
    TARGET_POSITION,
    WORKER_ATTRIBUTES,
    WORKER_CLASSES,
    WorkerKind,
)


def build_model(
    tree: ast.Module,
    module_name: str = "<module>",
    package: Optional[str] = None,
    external_classes: Optional[Callable[[str], Optional[WorkerClass]]] = None,
    external_functions: Optional[Callable[[str], bool]] = None,
) -> ConcurrencyModel:
    """The concurrency model of `tree`: one pass per scope that calls something of interest.

    `package` is the dotted package of the module within its project, when known (relative
    imports then resolve)."""
    names = NameResolver(tree, module_name, package)
    model = ConcurrencyModel(tree, names, external_classes, external_functions)
    _find_worker_classes(model)
    interesting = _interesting_callees(model)
    # Objects first (every scope), then what the methods of a class do with the ones kept on
    # `self`, then the hand-offs, which may reach a pool through an attribute.
    homes = AttributeTracker(model)
    builders = [
        _ScopeBuilder(model, scope, homes)
        for scope in model.scopes()
        if _calls_any(scope, interesting)
    ]
    for builder in builders:
        builder.build_objects()
    homes.follow()
    for builder in builders:
        builder.build_handoffs()
    find_stop_signals(model)
    return model


def _interesting_callees(model: ConcurrencyModel) -> frozenset[str]:
    """Last names of every call that can make a worker or pool or hand off a task."""
    names = set(INTERESTING_CALLEES)
    names.update(node.node.name for node in model.worker_classes.values())
    known = set(WORKER_CLASSES) | set(POOL_CLASSES) | CONTEXT_FACTORIES | {CONTEXT_NAMESPACE}
    for scope in model.scopes():
        for local, qual in scope.qualified.items():
            if qual in known or qual == "asyncio.to_thread":
                names.add(local)
            elif local[:1].isupper() and model.worker_class(qual) is not None:
                names.add(local)  # a Thread/Process subclass of another module
    return frozenset(names)


def _find_worker_classes(model: ConcurrencyModel) -> None:
    # Bases may be other in-file subclasses: repeat until nothing new is found. A class is
    # described after its base, so it can take what it does not define from it.
    pending = [node for scope in model.scopes() for node in scope.classes.values()]
    changed = True
    while changed:
        changed = False
        for node in pending:
            qual = model.names.class_qualname(node)
            if qual in model.worker_classes:
                continue
            found = _base_kind(model, node)
            if found is not None:
                kind, base = found
                model.worker_classes[qual] = _describe_class(node, kind, base)
                changed = True


def _base_kind(
    model: ConcurrencyModel, node: ast.ClassDef
) -> Optional[tuple[WorkerKind, Optional[WorkerClass]]]:
    """The kind of worker a class is, and the in-file worker class it derives from."""
    for base in node.bases:
        qual = model.names.resolve(base, model.names.enclosing_scope(node))
        if qual is None:
            continue
        if qual in WORKER_CLASSES:
            kind = WORKER_CLASSES[qual]
            return (WorkerKind.THREAD if kind is WorkerKind.TIMER else kind), None
        described = model.worker_class(qual)
        if described is not None:
            return described.kind, described
    return None


def _describe_class(
    node: ast.ClassDef, kind: WorkerKind, base: Optional[WorkerClass]
) -> WorkerClass:
    methods: set[str] = set()
    run = None
    defines_init = False
    daemon_set = False  # whether the class itself decides (else it inherits the base's)
    daemon: Optional[bool] = False
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            methods.add(stmt.name)
            if stmt.name == "run":
                run = stmt
            if stmt.name == "__init__":
                defines_init = True
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name) and target.id == "daemon":
                    daemon, daemon_set = _constant_bool(stmt.value), True
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and _is_super_init(sub):
            for kw in sub.keywords:
                if kw.arg == "daemon":
                    daemon, daemon_set = _constant_bool(kw.value), True
                elif kw.arg is None:
                    daemon, daemon_set = None, True
        elif isinstance(sub, (ast.Assign, ast.AnnAssign)):
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "daemon"
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                    and sub.value is not None
                ):
                    daemon, daemon_set = _constant_bool(sub.value), True
        elif (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr == "setDaemon"
            and isinstance(sub.func.value, ast.Name)
            and sub.func.value.id == "self"
        ):
            daemon = _constant_bool(sub.args[0]) if sub.args else None
            daemon_set = True
    if base is not None:
        # A `run` inherited from another module's class is analysed there: not this one.
        run = run or (base.run if base.module is None else None)
        defines_init = defines_init or base.defines_init
        methods |= base.methods
        if not daemon_set:
            daemon = base.daemon
    return WorkerClass(node, kind, daemon, defines_init, run, frozenset(methods))


def _is_super_init(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
        return False
    base = func.value
    if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super":
        return True
    return isinstance(base, (ast.Name, ast.Attribute))  # Thread.__init__(self, ...)


def _constant_bool(expr: ast.AST) -> Optional[bool]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, bool):
        return expr.value
    if isinstance(expr, ast.Constant) and expr.value is None:
        return False
    return None


class _ScopeBuilder:
    """Finds the workers, pools and hand-offs of one scope and follows their uses."""

    def __init__(self, model: ConcurrencyModel, scope: Scope, homes: AttributeTracker) -> None:
        self.model = model
        self.scope = scope
        self.homes = homes
        self.nodes = scope.nodes
        # variable -> workers it may hold; collection variable -> workers it may contain
        self.holders: dict[str, set[Worker]] = {}
        self.collections: dict[str, set[Worker]] = {}
        # variable -> the pools assigned to it (one per branch of an `if`, ...)
        self.pool_names: dict[str, list[Pool]] = {}
        # id of an assignment's target -> the workers it puts in the variable, and for each
        # read of a variable (by id) the assignments that may reach it
        self.bound_at: dict[int, set[Worker]] = {}
        self.reaching: dict[int, frozenset[int]] = {}
        self.local_collections = self._find_local_collections()
        self.loads: dict[str, list[ast.Name]] = {}
        self.stores: Optional[dict[str, list[ast.Name]]] = None  # on demand
        self.workers: list[Worker] = []  # the ones constructed in this scope
        for node in self.nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self.loads.setdefault(node.id, []).append(node)

    def _find_local_collections(self) -> set[str]:
        """Names bound only to list/dict/set displays or comprehensions in this scope."""
        candidates: dict[str, bool] = {}
        for node in self.nodes:
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                owner = parent(node)
                ok = (
                    isinstance(owner, (ast.Assign, ast.AnnAssign))
                    and owner.value is not None
                    and (
                        isinstance(
                            owner.value,
                            (
                                ast.List,
                                ast.Dict,
                                ast.Set,
                                ast.Tuple,
                                ast.ListComp,
                                ast.DictComp,
                                ast.SetComp,
                            ),
                        )
                        or self._generator_collected(owner.value)
                    )
                    and (not isinstance(owner, ast.Assign) or owner.targets == [node])
                )
                if isinstance(owner, ast.AugAssign):
                    ok = candidates.get(node.id, True)
                candidates[node.id] = candidates.get(node.id, True) and ok
        return {
            name
            for name, ok in candidates.items()
            if ok and name not in self.scope.global_names and name not in self.scope.nonlocal_names
        }

    def _generator_collected(self, value: ast.expr) -> bool:
        """`list(Thread(...) for x in xs)`: a generator expression made into a collection."""
        return (
            isinstance(value, ast.Call)
            and len(value.args) == 1
            and isinstance(value.args[0], ast.GeneratorExp)
            and not value.keywords
            and self.model.names.resolve(value.func, self.scope)
            in ("builtins.list", "builtins.tuple", "builtins.set")
        )

    # -- entry ----------------------------------------------------------------------------
    def build_objects(self) -> None:
        for node in self.nodes:
            if isinstance(node, ast.Call):
                self._construction(node)
        self._follow_uses()
        self._follow_pool_names()

    def build_handoffs(self) -> None:
        for node in self.nodes:
            if isinstance(node, ast.Call):
                self._handoff(node)

    def _construction(self, call: ast.Call) -> None:
        qual = self.model.names.resolve(call.func, self.scope)
        if qual is None:
            return
        kind = self.model.worker_kind(qual)
        if kind is not None:
            worker = Worker(
                kind=kind,
                qualname=qual,
                call=call,
                scope=self.scope,
                loops=loops_around(call, self.scope.node),
                subclass=self.model.worker_class(qual),
            )
            worker.daemon = self._constructor_daemon(worker)
            self.model.workers.append(worker)
            self.workers.append(worker)
            self._bind(call, worker)
            return
        pool_kind = POOL_CLASSES.get(qual)
        if pool_kind is not None:
            pool = Pool(pool_kind, qual, call, self.scope)
            owner = parent(call)
            if isinstance(owner, ast.withitem) and isinstance(owner.optional_vars, ast.Name):
                pool.in_with = True
                pool.names.add(owner.optional_vars.id)
            elif isinstance(owner, ast.withitem):
                pool.in_with = True
            elif (
                isinstance(owner, ast.Assign)
                and len(owner.targets) == 1
                and isinstance(owner.targets[0], ast.Name)
            ):
                pool.names.add(owner.targets[0].id)
            elif isinstance(owner, ast.Assign) and len(owner.targets) == 1:
                self._keep_pool(owner.targets[0], pool)
            for name in pool.names:
                self.pool_names.setdefault(name, []).append(pool)
            self.model.pools.append(pool)

    def _keep_pool(self, target: ast.expr, pool: Pool) -> None:
        """`self.pool = ...`: the class's methods follow it; anything else is not followed."""
        if not self.homes.keep(pool, target, self.scope):
            pool.escapes.append((target, "stored where parlint cannot follow it"))

    def _follow_pool_names(self) -> None:
        """What the scope does with a pool's variable besides handing it tasks: keep it on
        `self`, shut it down, or let it go where parlint cannot follow."""
        for name, pools in self.pool_names.items():
            for load in self.loads.get(name, ()):
                owner = parent(load)
                if (
                    isinstance(owner, ast.Assign)
                    and owner.value is load
                    and len(owner.targets) == 1
                ):
                    for pool in pools:
                        self._keep_pool(owner.targets[0], pool)
                    continue
                for pool in pools:
                    pool_use(self.model, load, pool, pool.escapes)

    def _constructor_daemon(self, worker: Worker) -> Optional[bool]:
        kw = worker.keyword("daemon")
        if kw is not None:
            return _constant_bool(kw.value)
        if any(k.arg is None for k in worker.call.keywords):
            return None  # **kwargs may carry daemon=True
        if worker.subclass is not None:
            return worker.subclass.daemon
        return False

    def _bind(self, value: ast.expr, worker: Worker) -> None:
        """Record where the object produced by `value` goes."""
        owner = parent(value)
        if isinstance(owner, ast.NamedExpr) and owner.value is value:
            self._hold(owner.target, worker)
            self._bind(owner, worker)
            return
        if isinstance(owner, (ast.Assign, ast.AnnAssign)) and owner.value is value:
            targets = owner.targets if isinstance(owner, ast.Assign) else [owner.target]
            for target in targets:
                self._store(target, worker)
            return
        if isinstance(owner, ast.Attribute) and owner.value is value:
            self._method_use(owner, worker, via_name=None, iteration=None)
            return
        if isinstance(owner, ast.GeneratorExp) and owner.elt is value:
            collected = parent(owner)
            if isinstance(collected, ast.Call) and self._generator_collected(collected):
                owner = collected  # `list(Thread(...) for x in xs)` is a list of them
        if (
            isinstance(owner, (ast.List, ast.Tuple, ast.Set))
            or (isinstance(owner, (ast.ListComp, ast.SetComp)) and owner.elt is value)
            or (isinstance(owner, ast.Call) and self._generator_collected(owner))
        ):
            container = parent(owner)
            if isinstance(container, ast.Assign) and container.value is owner:
                if (
                    len(container.targets) == 1
                    and isinstance(container.targets[0], ast.Name)
                    and container.targets[0].id in self.local_collections
                ):
                    self._contain(container.targets[0].id, worker)
                    return
            if isinstance(container, ast.Call) and owner in container.args:
                self._call_argument(container, worker, value=owner)
                return
            worker.escapes.append((owner, "stored in a collection parlint cannot follow"))
            return
        if isinstance(owner, ast.DictComp) and owner.value is value:
            container = parent(owner)
            if (
                isinstance(container, ast.Assign)
                and len(container.targets) == 1
                and isinstance(container.targets[0], ast.Name)
                and container.targets[0].id in self.local_collections
            ):
                self._contain(container.targets[0].id, worker)
                return
        if isinstance(owner, ast.Dict) and value in owner.values:
            container = parent(owner)
            if (
                isinstance(container, ast.Assign)
                and len(container.targets) == 1
                and isinstance(container.targets[0], ast.Name)
                and container.targets[0].id in self.local_collections
            ):
                self._contain(container.targets[0].id, worker)
                return
        if isinstance(owner, ast.Call) and value in owner.args:
            self._call_argument(owner, worker, value=value)
            return
        if isinstance(owner, ast.Expr):
            return  # constructed and dropped
        if isinstance(owner, (ast.Compare, ast.JoinedStr, ast.FormattedValue)):
            return
        reason = "returned" if isinstance(owner, ast.Return) else "passed on"
        if isinstance(owner, (ast.Yield, ast.YieldFrom)):
            reason = "yielded"
        worker.escapes.append((owner or value, reason))

    def _store(self, target: ast.expr, worker: Worker) -> None:
        if isinstance(target, ast.Name):
            if target.id in self.scope.global_names or target.id in self.scope.nonlocal_names:
                worker.escapes.append((target, "stored in a global"))
            else:
                self._hold(target, worker)
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id in self.local_collections
        ):
            self._contain(target.value.id, worker)
        elif self.homes.keep(worker, target, self.scope):
            # Its class's methods own it now: they are followed together (`AttributeTracker`).
            worker.escapes.append((target, "stored on an attribute of `self`"))
        else:
            worker.escapes.append((target, "stored on an attribute or in a container"))

    def _hold(self, target: ast.Name, worker: Worker) -> None:
        name = target.id
        self.bound_at.setdefault(id(target), set()).add(worker)
        if worker not in self.holders.setdefault(name, set()):
            self.holders[name].add(worker)
            worker.names.add(name)

    def _read_by(self, load: ast.Name, held: set[Worker]) -> list[Worker]:
        """The workers among those the variable ever `held` that `load` may read: those put
        there by an assignment that may still be in effect (a name reused for another worker
        later reads that one only). Rechecked each round: an alias adds assignments."""
        sites = self.reaching.get(id(load))
        if sites is None:
            return list(held)  # not analysed (a name that holds a worker through an alias)
        return [w for site in sites for w in self.bound_at.get(site, ())]

    def _contain(self, name: str, worker: Worker) -> None:
        if worker not in self.collections.setdefault(name, set()):
            self.collections[name].add(worker)
            worker.containers.add(name)

    def _call_argument(self, call: ast.Call, worker: Worker, value: ast.expr) -> None:
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("append", "add", "insert", "appendleft", "extend")
            and isinstance(func.value, ast.Name)
            and func.value.id in self.local_collections
        ):
            self._contain(func.value.id, worker)
            return
        if self.model.keeps_no_reference(call):
            return
        worker.escapes.append((call, "passed to another call"))

    # -- uses of variables ----------------------------------------------------------------
    def _follow_uses(self) -> None:
        # Aliases (`u = t`), loop variables and collections add holders: repeat to a fixpoint.
        # Every step is idempotent (events and escapes are de-duplicated afterwards).
        if self.holders:
            self.reaching = reaching_bindings(self.scope.node, set(self.holders))
        done: set[tuple[int, int, bool]] = set()
        changed = True
        while changed:
            changed = False
            for is_collection, table in ((False, self.holders), (True, self.collections)):
                for name, workers in list(table.items()):
                    for load in self.loads.get(name, ()):
                        read = list(workers) if is_collection else self._read_by(load, workers)
                        for worker in read:
                            key = (id(load), id(worker), is_collection)
                            if key in done:
                                continue
                            done.add(key)
                            changed = True
                            if is_collection:
                                self._collection_use(load, worker)
                            else:
                                self._use(load, worker, iteration=None)
        self._dedupe_events()
        self._closures()
        for worker in self.workers:
            if worker.joins:
                ifs = [i for e in worker.starts for i in _ifs_around(e.call, self.scope.node)]
                conditions = frozenset(ast.dump(i.test) for i in ifs)
                for event in worker.joins:
                    event.start_conditions = conditions
                    event.start_ifs = frozenset(id(i) for i in ifs)

    def _dedupe_events(self) -> None:
        for worker in self.workers:
            unique: dict[tuple[int, int], Event] = {}
            for event in worker.events:
                unique.setdefault((id(event.call), id(event.iteration)), event)
            worker.events[:] = list(unique.values())
            escapes: dict[int, tuple[ast.AST, str]] = {}
            for node, reason in worker.escapes:
                escapes.setdefault(id(node), (node, reason))
            worker.escapes[:] = list(escapes.values())

    def _closures(self) -> None:
        """A variable that a nested function or class reads lets the object escape."""
        names = set(self.holders) | set(self.collections)
        if not names:
            return
        for scope, node in self._nested_loads(names):
            if self.model.names.lookup_scope(node.id, scope) is not self.scope:
                continue  # a name of the nested scope's own
            for worker in self.holders.get(node.id, set()) | self.collections.get(node.id, set()):
                worker.escapes.append((node, "used by a nested function"))

    def _nested_loads(self, names: set[str]) -> Iterator[tuple[Scope, ast.Name]]:
        stack = list(self.scope.children)
        while stack:
            child = stack.pop()
            stack.extend(child.children)
            for node in child.nodes:
                if isinstance(node, ast.Name) and node.id in names:
                    yield child, node

    def _use(self, load: ast.Name, worker: Worker, iteration: Optional[ast.AST]) -> None:
        """A load of a variable holding `worker` (directly or as a loop variable)."""
        owner = parent(load)
        if isinstance(owner, ast.Attribute) and owner.value is load:
            self._method_use(owner, worker, via_name=load.id, iteration=iteration)
            return
        if isinstance(owner, (ast.Assign, ast.AnnAssign)) and owner.value is load:
            targets = owner.targets if isinstance(owner, ast.Assign) else [owner.target]
            for target in targets:
                self._store(target, worker)
            return
        self._bind_generic(load, worker)

    def _bind_generic(self, value: ast.expr, worker: Worker) -> None:
        owner = parent(value)
        if isinstance(owner, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While,
                              ast.Assert, ast.FormattedValue, ast.IfExp)):  # fmt: skip
            return
        if isinstance(owner, (ast.Tuple, ast.List)) and _is_iterated(owner):
            # `for t in (t1, t2): t.join()` reaches each of them.
            loop = parent(owner)
            assert isinstance(loop, (ast.For, ast.AsyncFor, ast.comprehension))
            if isinstance(loop.target, ast.Name):
                for use in self._loads_in_loop(loop.target.id, _loop_node(loop)):
                    # `for t in (t, u)`: the `t` of the tuple is read before the loop binds
                    # its own `t`; following it again would never end.
                    if not _within(use, owner):
                        self._use(use, worker, iteration=_loop_node(loop))
                return
            worker.escapes.append((owner, "unpacked in a loop parlint cannot follow"))
            return
        if isinstance(owner, ast.Starred):
            worker.escapes.append((owner, "passed on"))
            return
        self._bind(value, worker)

    def _method_use(
        self,
        attribute: ast.Attribute,
        worker: Worker,
        via_name: Optional[str],
        iteration: Optional[ast.AST],
    ) -> None:
        worker_method_use(self.scope, attribute, worker, via_name, iteration)

    def _collection_use(self, load: ast.Name, worker: Worker) -> None:
        owner = parent(load)
        # for t in threads / threads.values() / list(threads) / reversed(threads) / threads[:]
        iterable, loop = _iteration_of(load)
        if loop is not None:
            target = loop.target
            node = _loop_node(loop)
            if isinstance(target, ast.Name):
                for use in self._loads_in_loop(target.id, node):
                    self._use(use, worker, iteration=node)
                return
            if isinstance(target, ast.Tuple) and iterable is not None and _is_items_call(iterable):
                value_target = target.elts[-1] if len(target.elts) == 2 else None
                if isinstance(value_target, ast.Name):
                    for use in self._loads_in_loop(value_target.id, node):
                        self._use(use, worker, iteration=node)
                    return
            worker.escapes.append((loop, "unpacked in a loop parlint cannot follow"))
            return
        if isinstance(owner, ast.Attribute) and owner.value is load:
            call = parent(owner)
            if owner.attr in ("append", "add", "insert", "extend", "appendleft", "clear",
                              "remove", "discard", "sort", "reverse", "index", "count",
                              "keys", "copy"):  # fmt: skip
                return
            if owner.attr == "pop" and isinstance(call, ast.Call):
                self._bind_element(call, worker)
                return
            if owner.attr in ("values", "items"):
                return  # followed through the loop that iterates it
            worker.escapes.append((owner, "its collection is used in a way parlint cannot follow"))
            return
        if isinstance(owner, ast.Subscript) and owner.value is load:
            if isinstance(owner.ctx, ast.Load):
                self._bind_element(owner, worker)
            return
        if isinstance(owner, ast.Call) and load in owner.args:
            if self.model.keeps_no_reference(owner):
                return
        if isinstance(owner, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While,
                              ast.Assert, ast.FormattedValue)):  # fmt: skip
            return
        if isinstance(owner, ast.AugAssign) and owner.target is load:
            return
        if isinstance(owner, (ast.Assign, ast.AnnAssign)) and owner.value is load:
            targets = owner.targets if isinstance(owner, ast.Assign) else [owner.target]
            if all(isinstance(t, ast.Name) and t.id in self.local_collections for t in targets):
                for t in targets:
                    assert isinstance(t, ast.Name)
                    self._contain(t.id, worker)
                return
        reason = "returned" if isinstance(owner, ast.Return) else "its collection is passed on"
        worker.escapes.append((owner or load, reason))

    def _bind_element(self, element: ast.expr, worker: Worker) -> None:
        """`threads[i]` or `threads.pop()`: one object out of the collection."""
        owner = parent(element)
        if isinstance(owner, ast.Attribute) and owner.value is element:
            loops = loops_around(owner, self.scope.node)
            # Inside a loop this is how code walks a collection: treat it as reaching all.
            self._method_use(owner, worker, via_name=None, iteration=loops[0] if loops else None)
            return
        if isinstance(owner, (ast.Compare, ast.Expr)):
            return
        worker.escapes.append((element, "taken out of its collection"))

    def _loads_in_loop(self, name: str, loop: ast.AST) -> list[ast.Name]:
        result = []
        for load in self.loads.get(name, ()):
            current = parent(load)
            while current is not None and current is not loop:
                current = parent(current)
            if current is loop:
                result.append(load)
        return result

    # -- hand-offs ------------------------------------------------------------------------
    def _handoff(self, call: ast.Call) -> None:
        worker = self.model.worker_at(call)
        if worker is not None:
            self.model.handoffs.append(
                Handoff(
                    HandoffApi.CONSTRUCTOR,
                    call,
                    _worker_task(worker),
                    on_threads=worker.kind is not WorkerKind.PROCESS,
                    worker=worker,
                )
            )
            return
        func = call.func
        qual = self.model.names.resolve(func, self.scope)
        if qual == "asyncio.to_thread":
            task = call.args[0] if call.args else None
            self.model.handoffs.append(
                Handoff(HandoffApi.TO_THREAD, call, task, True, method="to_thread")
            )
            return
        if not isinstance(func, ast.Attribute):
            return
        access = self._pool_of(func.value) if func.attr in _TASK_METHODS else None
        if access is not None:
            method = func.attr
            if access.is_executor and method in EXECUTOR_TASK_METHODS:
                api = HandoffApi.SUBMIT if method == "submit" else HandoffApi.MAP
            elif not access.is_executor and method in POOL_TASK_METHODS:
                api = HandoffApi.POOL
            else:
                return
            task = (
                call.args[0]
                if call.args
                else _keyword(call, "func" if api is HandoffApi.POOL else "fn")
            )
            self.model.handoffs.append(
                Handoff(api, call, task, access.on_threads, pool=access.pool, method=method)
            )
            return
        if func.attr == "run_in_executor" and len(call.args) >= 2:
            executor = call.args[0]
            target = self._pool_of(executor)
            on_threads: Optional[bool] = None
            if isinstance(executor, ast.Constant) and executor.value is None:
                on_threads = True
            elif target is not None:
                on_threads = target.on_threads
            self.model.handoffs.append(
                Handoff(
                    HandoffApi.RUN_IN_EXECUTOR,
                    call,
                    call.args[1],
                    on_threads,
                    pool=target.pool if target else None,
                    method="run_in_executor",
                )
            )

    def _pool_of(self, expr: ast.expr) -> Optional[PoolAccess]:
        """The executor or pool `expr` reaches: a construction, a variable assigned one (in
        every branch that assigns it), `self.X` kept by the class, a parameter annotated
        with an executor or pool type."""
        if isinstance(expr, ast.Name):
            pools = self.pool_names.get(expr.id)
            if pools:
                return PoolAccess.of_pools(pools)
            owner = self.model.names.lookup_scope(expr.id, self.scope)
            if owner is None:
                return None
            if owner is not self.scope:
                # A pool bound in an enclosing scope (a closure) is still that pool.
                for candidate in self.model.pools:
                    if candidate.scope is owner and expr.id in candidate.names:
                        return PoolAccess.of(candidate)
                return None
            value = self._only_value(expr.id)
            if isinstance(value, ast.Attribute):
                return self.homes.pool_access(value)  # `pool = self._pool`
            return self._annotated_pool(expr.id)
        if isinstance(expr, ast.Attribute):
            return self.homes.pool_access(expr)
        if isinstance(expr, ast.Call):
            pool = self.model.pool_at(expr)
            if pool is not None:
                return PoolAccess.of(pool)
        return None

    def _only_value(self, name: str) -> Optional[ast.expr]:
        """The value of the one plain assignment to `name` in this scope, else None."""
        if self.stores is None:
            self.stores = {}
            for node in self.nodes:
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    self.stores.setdefault(node.id, []).append(node)
        stores = self.stores.get(name, [])
        return simple_assignment_value(stores[0]) if len(stores) == 1 else None

    def _annotated_pool(self, name: str) -> Optional[PoolAccess]:
        """A parameter of this function annotated with an executor or pool type (and never
        reassigned): `def run(pool: ThreadPoolExecutor)`."""
        node = self.scope.node
        if (
            not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            or name in self.scope.stores
        ):
            return None
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.arg != name or arg.annotation is None:
                continue
            annotation: ast.expr = arg.annotation
            if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                try:
                    annotation = ast.parse(annotation.value, mode="eval").body
                except SyntaxError:
                    return None
                # The parsed name is read in the function's own module scope.
                qual = self.model.names.resolve(annotation, self.model.names.module_scope)
            else:
                qual = self.model.names.resolve(annotation, self.scope.parent or self.scope)
            if qual in POOL_CLASSES:
                return PoolAccess.of_kinds([POOL_CLASSES[qual]])
            if qual in EXECUTOR_BASES:
                return PoolAccess(is_executor=True, on_threads=None)
        return None


class AttributeTracker:
    """Follows the workers and pools kept on `self` through the methods of their class.

    The scope builders report each `self.X = <object>` (`keep`); once every scope is built,
    `follow` reads every `self.X` of the class's methods as a use of those objects: a
    `start()`/`join()`/`run()` of a worker, a hand-off to or shutdown of a pool, or an
    escape. An attribute also assigned something else (other than None), or touched by code
    outside the class, is not trusted to hold only them.
    """

    def __init__(self, model: ConcurrencyModel) -> None:
        self.model = model
        self.kept: dict[tuple[int, str], list[tuple[Union[Worker, Pool], ast.Attribute]]] = {}
        self.classes: dict[int, ast.ClassDef] = {}
        # (class, attribute) -> the pools its reads reach, for hand-offs
        self.pools: dict[tuple[int, str], list[Pool]] = {}

    def keep(self, obj: Union[Worker, Pool], target: ast.expr, scope: Scope) -> bool:
        """Record `self.X = obj` in a method; False when `target` is not such an attribute."""
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
            return False
        cls = self.model.names.self_class(target.value, scope)
        if cls is None:
            return False
        self.classes[id(cls)] = cls
        self.kept.setdefault((id(cls), target.attr), []).append((obj, target))
        return True

    def follow(self) -> None:
        for (class_id, attribute), entries in self.kept.items():
            cls = self.classes[class_id]
            facts = self.model.names.instance_attributes(cls)
            home = Home(cls, attribute, stores=[target for _, target in entries])
            home.loads = facts.loads.get(attribute, [])
            trusted = self._only_these(home, facts)
            objects: list[Union[Worker, Pool]] = []
            for obj, _ in entries:
                if obj not in objects:
                    objects.append(obj)
            workers = [o for o in objects if isinstance(o, Worker)]
            pools = [o for o in objects if isinstance(o, Pool)]
            for obj in objects:
                if obj.home is not None and obj.home is not home:
                    home.escapes.append((home.stores[0], "kept on two attributes"))
                obj.home = home
            if workers and pools:
                home.escapes.append((home.stores[0], "holds workers and pools"))
            if trusted and pools and not workers:
                self.pools[(class_id, attribute)] = pools
            for load in home.loads:
                self._use(load, home, workers, pools)

    def pool_access(self, expr: ast.Attribute) -> Optional[PoolAccess]:
        """The pool `self.X` reaches, when its class keeps only pools there."""
        if not isinstance(expr.value, ast.Name):
            return None
        cls = self.model.names.self_class(expr.value)
        if cls is None:
            return None
        pools = self.pools.get((id(cls), expr.attr))
        if not pools:
            return None
        return PoolAccess.of_pools(pools)

    def _only_these(self, home: Home, facts: InstanceAttributes) -> bool:
        """Whether the attribute holds nothing but the kept objects (or None)."""
        kept = {id(store) for store in home.stores}
        trusted = True
        for store in facts.stores.get(home.attribute, ()):
            if id(store) in kept:
                continue
            value = assigned_value(store)
            if not (isinstance(value, ast.Constant) and value.value is None):
                home.escapes.append((store, "also assigned another value"))
                trusted = False
        for value in facts.class_values.get(home.attribute, ()):
            if not (isinstance(value, ast.Constant) and value.value is None):
                home.escapes.append((home.cls, "also a class attribute"))
                trusted = False
        if home.attribute in facts.foreign_stores:
            home.escapes.append((home.cls, "set by code outside its class"))
            trusted = False
        if home.attribute in facts.foreign_loads:
            home.escapes.append((home.cls, "read by code outside its class"))
        if not facts.complete:
            home.escapes.append((home.cls, "its class inherits methods parlint cannot see"))
        return trusted

    def _use(
        self, load: ast.Attribute, home: Home, workers: list[Worker], pools: list[Pool]
    ) -> None:
        scope = self.model.names.enclosing_scope(load)
        owner = parent(load)
        if (
            isinstance(owner, ast.Assign)
            and owner.value is load
            and len(owner.targets) == 1
            and isinstance(owner.targets[0], ast.Name)
        ):
            self._alias(owner.targets[0].id, scope, home, workers, pools)
            return
        self._read(load, scope, home, workers, pools, via_name=None)

    def _read(
        self,
        load: ast.expr,
        scope: Scope,
        home: Home,
        workers: list[Worker],
        pools: list[Pool],
        via_name: Optional[str],
    ) -> None:
        owner = parent(load)
        for pool in pools:
            pool_use(self.model, load, pool, home.escapes)
        if not workers:
            return
        if isinstance(owner, ast.Attribute) and owner.value is load:
            for worker in workers:
                worker_method_use(scope, owner, worker, via_name, iteration=None)
            return
        if isinstance(owner, _LOOKS_ONLY):
            return
        if isinstance(owner, ast.Call) and load in owner.args:
            if self.model.keeps_no_reference(owner):
                return
        home.escapes.append((owner or load, "passed on"))

    def _alias(
        self, name: str, scope: Scope, home: Home, workers: list[Worker], pools: list[Pool]
    ) -> None:
        """`t = self._thread` in a method: the variable's reads reach the object too."""
        stores = [
            node
            for node in scope.nodes
            if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load)
        ]
        nested = any(
            isinstance(node, ast.Name) and node.id == name
            for child in _descendants(scope)
            for node in child.nodes
        )
        if len(stores) != 1 or nested or name in scope.global_names | scope.nonlocal_names:
            home.escapes.append((stores[0] if stores else home.cls, "copied to a variable"))
            return
        for node in scope.nodes:
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
                self._read(node, scope, home, workers, pools, via_name=name)


def _descendants(scope: Scope) -> Iterator[Scope]:
    stack = list(scope.children)
    while stack:
        current = stack.pop()
        stack.extend(current.children)
        yield current


def worker_method_use(
    scope: Scope,
    attribute: ast.Attribute,
    worker: Worker,
    via_name: Optional[str],
    iteration: Optional[ast.AST],
) -> None:
    """`x.attribute` where `x` reaches `worker`: a start, join or run, its daemon flag, or
    a method of its class that may do anything with it."""
    call = parent(attribute)
    is_call = isinstance(call, ast.Call) and call.func is attribute
    name = attribute.attr
    loops = loops_around(attribute, scope.node)
    if is_call and name in ("start", "join", "run"):
        assert isinstance(call, ast.Call)
        kind = {"start": EventKind.START, "join": EventKind.JOIN, "run": EventKind.RUN}[name]
        worker.events.append(Event(kind, call, iteration, loops, via_name))
        return
    if name == "daemon" and isinstance(attribute.ctx, ast.Store):
        assign = parent(attribute)
        value = assign.value if isinstance(assign, (ast.Assign, ast.AnnAssign)) else None
        flag = _constant_bool(value) if value is not None else None
        worker.daemon = True if flag else (None if flag is None else worker.daemon)
        return
    if name == "setDaemon" and is_call:
        assert isinstance(call, ast.Call)
        flag = _constant_bool(call.args[0]) if call.args else None
        worker.daemon = True if flag else (None if flag is None else worker.daemon)
        return
    if name in WORKER_ATTRIBUTES:
        if not is_call and name in ("join", "start", "run"):
            worker.escapes.append((attribute, "its method is passed on"))
        return
    if worker.subclass is not None and name in worker.subclass.methods:
        # An in-file method may join the thread itself: do not guess.
        worker.escapes.append((attribute, "handed to its own method"))
        return
    # Other attributes (results stored on a subclass, ...) keep it in this scope.


def pool_use(
    model: ConcurrencyModel, load: ast.expr, pool: Pool, escapes: list[tuple[ast.AST, str]]
) -> None:
    """A read of an expression that holds `pool`, beyond the hand-offs: a shutdown, a use
    that keeps nothing, or an escape (recorded in `escapes`)."""
    owner = parent(load)
    if isinstance(owner, ast.Attribute) and owner.value is load:
        call = parent(owner)
        if owner.attr in POOL_SHUTDOWN_METHODS and isinstance(call, ast.Call):
            pool.shutdowns.append(call)
        elif owner.attr not in POOL_ATTRIBUTES:
            escapes.append((owner, "a method parlint does not know is called"))
        return
    if isinstance(owner, ast.withitem) and owner.context_expr is load:
        pool.shutdowns.append(owner)  # leaving the block shuts it down
        return
    if isinstance(owner, _LOOKS_ONLY):
        return
    if isinstance(owner, ast.Call):
        func = owner.func
        if isinstance(func, ast.Attribute) and func.attr == "run_in_executor":
            if owner.args and owner.args[0] is load:
                return  # a hand-off to it
        if load in owner.args and model.keeps_no_reference(owner):
            return
    escapes.append((owner or load, "passed on"))


_TASK_METHODS = EXECUTOR_TASK_METHODS | POOL_TASK_METHODS | {"run_in_executor"}

# Expressions that look at an object and keep nothing of it.
_LOOKS_ONLY = (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While, ast.Assert,
               ast.FormattedValue, ast.IfExp)  # fmt: skip


def _calls_any(scope: Scope, names: frozenset[str]) -> bool:
    for node in scope.nodes:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                if func.attr in names:
                    return True
            elif isinstance(func, ast.Name) and func.id in names:
                return True
    return False


def _keyword(call: ast.Call, name: str) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _worker_task(worker: Worker) -> Optional[ast.expr]:
    if worker.subclass is not None and worker.subclass.defines_init:
        return None
    keyword, position = TARGET_POSITION[worker.kind]
    value = _keyword(worker.call, keyword)
    if value is None and len(worker.call.args) > position:
        value = worker.call.args[position]
    return value


def _within(node: ast.AST, ancestor: ast.AST) -> bool:
    current: Optional[ast.AST] = node
    while current is not None:
        if current is ancestor:
            return True
        current = parent(current)
    return False


def _loop_node(loop: ast.AST) -> ast.AST:
    """A `for` statement, or the comprehension expression that owns a generator."""
    if isinstance(loop, ast.comprehension):
        owner = parent(loop)
        assert owner is not None
        return owner
    return loop


def _is_iterated(node: ast.AST) -> bool:
    owner = parent(node)
    return isinstance(owner, (ast.For, ast.AsyncFor, ast.comprehension)) and owner.iter is node


def _is_items_call(expr: ast.AST) -> bool:
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "items"
    )


def _iteration_of(
    load: ast.Name,
) -> tuple[Optional[ast.AST], Optional[Union[ast.For, ast.AsyncFor, ast.comprehension]]]:
    """For a collection variable, the loop that iterates it (through common wrappers)."""
    node: ast.AST = load
    owner = parent(node)
    # threads.values() / threads.items()
    if isinstance(owner, ast.Attribute) and owner.attr in ("values", "items"):
        call = parent(owner)
        if isinstance(call, ast.Call) and call.func is owner and not call.args:
            node, owner = call, parent(call)
    # list(threads), reversed(threads), tuple(...), sorted(...)
    elif isinstance(owner, ast.Call) and owner.args == [node] and isinstance(owner.func, ast.Name):
        if owner.func.id in ("list", "reversed", "tuple", "sorted", "iter"):
            node, owner = owner, parent(owner)
    # threads[:]
    elif isinstance(owner, ast.Subscript) and isinstance(owner.slice, ast.Slice):
        node, owner = owner, parent(owner)
    # for t in (t1, t2) is handled by holders; here only the collection itself
    if isinstance(owner, (ast.For, ast.AsyncFor, ast.comprehension)) and owner.iter is node:
        return node, owner
    return None, None


def _ifs_around(node: ast.AST, stop: ast.AST) -> list[ast.If]:
    found: list[ast.If] = []
    child, current = node, parent(node)
    while current is not None and current is not stop:
        if isinstance(current, ast.If) and child in current.body:
            found.append(current)
        child, current = current, parent(current)
    return found
