"""Path analysis: which ways out of a scope leave a started thread or process not joined.

Structured control flow is walked statement by statement with the set of workers that are
started and not yet joined. Only normal exits count (`return`, falling off the end); `raise`
and `sys.exit()` are abnormal. Choices that favour precision over recall:
- a loop body is taken to run at least once (a join inside `while t.is_alive():` counts);
- an `except` handler starts from the state before its `try` (a start inside the body that
  failed half-way is not followed);
- a join through a loop over a collection (`for t in threads: t.join()`) reaches every object
  in it; a join through a variable reaches only the object of the current loop iteration.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from parlint.analysis.stdlib import EXIT_CALLS, WorkerKind

if TYPE_CHECKING:
    from parlint.analysis.model import ConcurrencyModel, Event, Worker

State = Optional[frozenset["Worker"]]  # None: this point cannot be reached


@dataclass(frozen=True)
class Exit:
    """A way out of a scope with a worker still running: a `return`, or the scope's end."""

    node: Optional[ast.AST]  # the `return` statement, or None for falling off the end


def tracked(worker: Worker) -> bool:
    """Whether the lifecycle of `worker` is for its scope to finish. A non-daemon worker
    started at a script's module level is not: the interpreter joins it at exit (SPEC "Who
    owns a worker")."""
    return (
        worker.kind is not WorkerKind.TIMER
        and worker.daemon is False
        and not worker.escaped
        and worker.stopped_by is None
        and not worker.scope.is_module
        and bool(worker.starts)
    )


def unjoined_by_class(worker: Worker) -> bool:
    """Whether `worker` is kept on `self`, started, and no method of its class ends it: its
    class owns it (SPEC "Who owns a worker") and does not join it."""
    return (
        worker.home is not None
        and worker.kind is not WorkerKind.TIMER
        and worker.daemon is False
        and worker.stopped_by is None
        and bool(worker.starts)
        and not worker.joins
        and not worker.leaks
    )


def unjoined_exits(model: ConcurrencyModel) -> dict[int, list[Exit]]:
    by_scope: dict[int, list[Worker]] = {}
    for worker in model.workers:
        if tracked(worker):
            by_scope.setdefault(id(worker.scope), []).append(worker)
    result: dict[int, list[Exit]] = {}
    for workers in by_scope.values():
        result.update(_Flow(model, workers).run())
    return result


def exits_if_joined_at(
    model: ConcurrencyModel, worker: Worker, block: list[ast.stmt], index: int
) -> list[Exit]:
    """The exits that would still leave `worker` running with a join inserted at block[index].

    This is how a fix knows, before it is built, that it would make the re-check clean.
    """
    flow = _Flow(model, [worker])
    flow.injected = (block, index, worker)
    return flow.run().get(id(worker), [])


def _union(*states: State) -> State:
    reachable = [s for s in states if s is not None]
    if not reachable:
        return None
    merged: frozenset[Worker] = frozenset()
    for s in reachable:
        merged = merged | s
    return merged


class _Flow:
    def __init__(self, model: ConcurrencyModel, workers: list[Worker]) -> None:
        from parlint.analysis.model import EventKind

        self.model = model
        self.scope = workers[0].scope
        self.start_kind = EventKind.START
        self.events: dict[int, list[tuple[Event, Worker]]] = {}
        for worker in workers:
            for event in worker.events:
                if event.kind is EventKind.RUN:
                    continue
                stmt = event.statement
                if stmt is not None:
                    self.events.setdefault(id(stmt), []).append((event, worker))
        for pairs in self.events.values():
            pairs.sort(key=lambda p: (p[0].call.lineno, p[0].call.col_offset))
        self.exits: dict[int, dict[int, Exit]] = {}
        self.loops: list[tuple[list[State], list[State]]] = []
        self.finals: list[list[ast.stmt]] = []
        self.injected: Optional[tuple[list[ast.stmt], int, Worker]] = None

    def run(self) -> dict[int, list[Exit]]:
        node = self.scope.node
        if isinstance(node, ast.Lambda):
            return {}
        end = self.block(node.body, frozenset())
        if end:
            for worker in end:
                self.exits.setdefault(id(worker), {}).setdefault(0, Exit(None))
        return {key: list(exits.values()) for key, exits in self.exits.items()}

    # -- statements -----------------------------------------------------------------------
    def block(self, stmts: Sequence[ast.stmt], state: State) -> State:
        inject_at = -1
        if self.injected is not None and self.injected[0] is stmts:
            inject_at = self.injected[1]
        for index, stmt in enumerate(stmts):
            if state is None:
                return None
            if index == inject_at:
                state = state - {self.injected[2]}  # type: ignore[index]
            state = self.stmt(stmt, state)
        if inject_at == len(stmts) and state is not None:
            state = state - {self.injected[2]}  # type: ignore[index]
        return state

    def apply(self, stmt: ast.stmt, state: frozenset[Worker]) -> frozenset[Worker]:
        for event, worker in self.events.get(id(stmt), ()):
            if event.kind is self.start_kind:
                state = state | {worker}
            elif worker.reaches_every_instance(event):
                state = state - {worker}
        return state

    def stmt(self, stmt: ast.stmt, state: frozenset[Worker]) -> State:
        state = self.apply(stmt, state)
        if isinstance(stmt, ast.If):
            return _union(self.block(stmt.body, state), self.block(stmt.orelse, state))
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            return self.loop(stmt, state)
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return self.block(stmt.body, state)
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            return self.try_(stmt, state)  # type: ignore[arg-type]
        if isinstance(stmt, ast.Match):
            ends = [self.block(case.body, state) for case in stmt.cases]
            exhaustive = any(
                case.guard is None
                and isinstance(case.pattern, ast.MatchAs)
                and case.pattern.pattern is None
                for case in stmt.cases
            )
            return _union(*ends) if exhaustive else _union(state, *ends)
        if isinstance(stmt, ast.Return):
            self.leave(stmt, state)
            return None
        if isinstance(stmt, ast.Raise):
            return None
        if isinstance(stmt, ast.Break):
            if self.loops:
                self.loops[-1][0].append(state)
            return None
        if isinstance(stmt, ast.Continue):
            if self.loops:
                self.loops[-1][1].append(state)
            return None
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            if self.model.resolve(stmt.value.func, stmt) in EXIT_CALLS:
                return None
        return state

    def loop(self, stmt: ast.For | ast.AsyncFor | ast.While, state: frozenset[Worker]) -> State:
        breaks: list[State] = []
        continues: list[State] = []
        self.loops.append((breaks, continues))
        saved_finals = self.finals
        body_end = self.block(stmt.body, state)
        self.loops.pop()
        self.finals = saved_finals
        end = _union(body_end, *continues)
        infinite = (
            isinstance(stmt, ast.While)
            and isinstance(stmt.test, ast.Constant)
            and bool(stmt.test.value)
        )
        if infinite:
            return _union(*breaks)
        if stmt.orelse and end is not None:
            end = self.block(stmt.orelse, end)
        return _union(end, *breaks)

    def try_(self, stmt: ast.Try, state: frozenset[Worker]) -> State:
        self.finals = [*self.finals, stmt.finalbody] if stmt.finalbody else self.finals
        body_end = self.block(stmt.body, state)
        if stmt.orelse and body_end is not None:
            body_end = self.block(stmt.orelse, body_end)
        handler_ends = [self.block(h.body, state) for h in stmt.handlers]
        if stmt.finalbody:
            self.finals = self.finals[:-1]
        merged = _union(body_end, *handler_ends)
        if stmt.finalbody and merged is not None:
            return self.block(stmt.finalbody, merged)
        return merged

    def leave(self, stmt: ast.Return, state: frozenset[Worker]) -> None:
        """A `return`: the enclosing `finally` blocks run first, innermost first."""
        finals = self.finals
        current: State = state
        for index in range(len(finals) - 1, -1, -1):
            self.finals = finals[:index]
            current = self.block(finals[index], current)
            if current is None:
                break
        self.finals = finals
        for worker in current or ():
            self.exits.setdefault(id(worker), {}).setdefault(id(stmt), Exit(stmt))
