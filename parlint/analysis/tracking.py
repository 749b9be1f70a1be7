"""Builds the concurrency model of a module: finds its workers, pools and hand-offs and
follows each object through the variables, collections and loops of its scope."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Optional, Union

from parlint.analysis.model import (
    ConcurrencyModel,
    Event,
    EventKind,
    Handoff,
    HandoffApi,
    Pool,
    Worker,
    WorkerClass,
    loops_around,
)
from parlint.analysis.reaching import reaching_bindings
from parlint.analysis.scopes import NameResolver, Scope, parent
from parlint.analysis.stdlib import (
    CONTEXT_FACTORIES,
    CONTEXT_NAMESPACE,
    EXECUTOR_TASK_METHODS,
    HARMLESS_CALLS,
    INTERESTING_CALLEES,
    POOL_CLASSES,
    POOL_TASK_METHODS,
    TARGET_POSITION,
    WORKER_ATTRIBUTES,
    WORKER_CLASSES,
    WorkerKind,
)


def build_model(tree: ast.Module, module_name: str = "<module>") -> ConcurrencyModel:
    """The concurrency model of `tree`: one pass per scope that calls something of interest."""
    model = ConcurrencyModel(tree, NameResolver(tree, module_name))
    _find_worker_classes(model)
    interesting = _interesting_callees(model)
    for scope in model.scopes():
        if _calls_any(scope, interesting):
            _ScopeBuilder(model, scope).build()
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
    return frozenset(names)


def _find_worker_classes(model: ConcurrencyModel) -> None:
    # Bases may be other in-file subclasses: repeat until nothing new is found.
    pending = [node for scope in model.scopes() for node in scope.classes.values()]
    changed = True
    while changed:
        changed = False
        for node in pending:
            qual = model.names.class_qualname(node)
            if qual in model.worker_classes:
                continue
            kind = _base_kind(model, node)
            if kind is not None:
                model.worker_classes[qual] = _describe_class(node, kind)
                changed = True


def _base_kind(model: ConcurrencyModel, node: ast.ClassDef) -> Optional[WorkerKind]:
    for base in node.bases:
        qual = model.names.resolve(base, model.names.enclosing_scope(node))
        if qual is None:
            continue
        if qual in WORKER_CLASSES:
            kind = WORKER_CLASSES[qual]
            return WorkerKind.THREAD if kind is WorkerKind.TIMER else kind
        if qual in model.worker_classes:
            return model.worker_classes[qual].kind
    return None


def _describe_class(node: ast.ClassDef, kind: WorkerKind) -> WorkerClass:
    daemon: Optional[bool] = False
    methods: set[str] = set()
    run = None
    defines_init = False
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
                    daemon = _constant_bool(stmt.value)
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and _is_super_init(sub):
            for kw in sub.keywords:
                if kw.arg == "daemon":
                    daemon = _constant_bool(kw.value)
                elif kw.arg is None:
                    daemon = None
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
                    daemon = _constant_bool(sub.value)
        elif (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr == "setDaemon"
            and isinstance(sub.func.value, ast.Name)
            and sub.func.value.id == "self"
        ):
            daemon = _constant_bool(sub.args[0]) if sub.args else None
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

    def __init__(self, model: ConcurrencyModel, scope: Scope) -> None:
        self.model = model
        self.scope = scope
        self.nodes = scope.nodes
        # variable -> workers it may hold; collection variable -> workers it may contain
        self.holders: dict[str, set[Worker]] = {}
        self.collections: dict[str, set[Worker]] = {}
        self.pool_names: dict[str, Pool] = {}
        # id of an assignment's target -> the workers it puts in the variable, and for each
        # read of a variable (by id) the assignments that may reach it
        self.bound_at: dict[int, set[Worker]] = {}
        self.reaching: dict[int, frozenset[int]] = {}
        self.local_collections = self._find_local_collections()
        self.loads: dict[str, list[ast.Name]] = {}
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
    def build(self) -> None:
        for node in self.nodes:
            if isinstance(node, ast.Call):
                self._construction(node)
        self._follow_uses()
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
                subclass=self.model.worker_classes.get(qual),
            )
            worker.daemon = self._constructor_daemon(worker)
            self.model.workers.append(worker)
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
            for name in pool.names:
                self.pool_names[name] = pool
            self.model.pools.append(pool)

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
        qual = self.model.names.resolve(func, self.scope)
        if qual in HARMLESS_CALLS:
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
        for worker in self.model.workers:
            if worker.scope is self.scope and worker.joins:
                ifs = [i for e in worker.starts for i in _ifs_around(e.call, self.scope.node)]
                conditions = frozenset(ast.dump(i.test) for i in ifs)
                for event in worker.joins:
                    event.start_conditions = conditions
                    event.start_ifs = frozenset(id(i) for i in ifs)

    def _dedupe_events(self) -> None:
        for worker in self.model.workers:
            if worker.scope is not self.scope:
                continue
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
        call = parent(attribute)
        is_call = isinstance(call, ast.Call) and call.func is attribute
        name = attribute.attr
        loops = loops_around(attribute, self.scope.node)
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
        if isinstance(attribute.ctx, ast.Store):
            return
        # Other attributes (results stored on a subclass, ...) keep it in this scope.

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
            qual = self.model.names.resolve(owner.func, self.scope)
            if qual in HARMLESS_CALLS:
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
        for worker in self.model.workers:
            if worker.call is call:
                task = _worker_task(worker)
                self.model.handoffs.append(
                    Handoff(
                        HandoffApi.CONSTRUCTOR,
                        call,
                        task,
                        on_threads=worker.kind is not WorkerKind.PROCESS,
                        worker=worker,
                    )
                )
                return
        func = call.func
        if not isinstance(func, ast.Attribute):
            qual = self.model.names.resolve(func, self.scope)
            if qual == "asyncio.to_thread":
                task = call.args[0] if call.args else None
                self.model.handoffs.append(
                    Handoff(HandoffApi.TO_THREAD, call, task, True, method="to_thread")
                )
            return
        qual = self.model.names.resolve(func, self.scope)
        if qual == "asyncio.to_thread":
            task = call.args[0] if call.args else None
            self.model.handoffs.append(
                Handoff(HandoffApi.TO_THREAD, call, task, True, method="to_thread")
            )
            return
        pool = self._pool_of(func.value)
        if pool is not None:
            method = func.attr
            if pool.kind.is_executor and method in EXECUTOR_TASK_METHODS:
                api = HandoffApi.SUBMIT if method == "submit" else HandoffApi.MAP
            elif not pool.kind.is_executor and method in POOL_TASK_METHODS:
                api = HandoffApi.POOL
            else:
                return
            task = (
                call.args[0]
                if call.args
                else _keyword(call, "func" if api is HandoffApi.POOL else "fn")
            )
            self.model.handoffs.append(
                Handoff(api, call, task, pool.kind.runs_in_threads, pool=pool, method=method)
            )
            return
        if func.attr == "run_in_executor" and len(call.args) >= 2:
            executor = call.args[0]
            target_pool = self._pool_of(executor)
            on_threads: Optional[bool] = None
            if isinstance(executor, ast.Constant) and executor.value is None:
                on_threads = True
            elif target_pool is not None:
                on_threads = target_pool.kind.runs_in_threads
            self.model.handoffs.append(
                Handoff(
                    HandoffApi.RUN_IN_EXECUTOR,
                    call,
                    call.args[1],
                    on_threads,
                    pool=target_pool,
                    method="run_in_executor",
                )
            )

    def _pool_of(self, expr: ast.expr) -> Optional[Pool]:
        if isinstance(expr, ast.Name):
            pool = self.pool_names.get(expr.id)
            if pool is not None:
                return pool
            # A pool bound in an enclosing scope (a closure) is still that pool.
            owner = self.model.names.lookup_scope(expr.id, self.scope)
            if owner is not None and owner is not self.scope:
                for candidate in self.model.pools:
                    if candidate.scope is owner and expr.id in candidate.names:
                        return candidate
            return None
        if isinstance(expr, ast.Call):
            for candidate in self.model.pools:
                if candidate.call is expr:
                    return candidate
        return None


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
