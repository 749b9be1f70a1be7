"""Which assignments of a variable may still be what it holds where it is read.

The model follows a worker from `t = Thread(...)` to the uses of `t`. When one scope reuses
the name (`t` for each thread of a loop, then `t` for another thread), a use must reach only
the workers whose assignment can still be in the variable there: the `t.start()` of the loop
starts the loop's threads, not the thread assigned to `t` after the loop.

This is the classic reaching-definitions question, answered over the structured statements of
one scope without building a control-flow graph, and always on the side of "may reach":
- a loop's body may run again, so every assignment inside a loop may reach its start, and
  everything after the loop;
- an `except` or `finally` block may start anywhere in the `try` body;
- within one statement, reads see the assignments made before the statement, and those of
  its `:=` expressions; a comprehension's own variables are its own.
Reads of names that were not asked about, or in code this module does not model, get no
answer: the caller then falls back to "any assignment may reach".
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Sequence
from typing import Optional

from parlint.analysis.scopes import parent

State = dict[str, frozenset[int]]  # name -> ids of the binding nodes that may reach here
_NOTHING: frozenset[int] = frozenset()
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def reaching_bindings(scope: ast.AST, names: set[str]) -> dict[int, frozenset[int]]:
    """For each read (an `ast.Name` load, by id) of one of `names` in the scope's own code:
    the ids of the `ast.Name` stores that may have bound what it reads (none: it reads a
    binding made elsewhere, or a comprehension's own variable)."""
    walker = _Walker(names)
    if isinstance(scope, ast.Lambda):
        walker.part([scope.body], {})
    elif isinstance(scope, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        walker.block(scope.body, {})
    return walker.reads


class _Walker:
    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.reads: dict[int, frozenset[int]] = {}

    # -- statements ------------------------------------------------------------------------
    def block(self, stmts: Sequence[ast.stmt], state: Optional[State]) -> Optional[State]:
        for stmt in stmts:
            if state is None:
                return None  # after a return, raise, break or continue
            state = self.stmt(stmt, state)
        return state

    def stmt(self, stmt: ast.stmt, state: State) -> Optional[State]:
        if isinstance(stmt, ast.If):
            self.part([stmt.test], state)
            return _union(self.block(stmt.body, dict(state)), self.block(stmt.orelse, state))
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.part([stmt.iter], state)
            head = _with(state, self.binds_in([stmt.target, *stmt.body]))
            body = dict(head)
            self.part([stmt.target], body)
            self.block(stmt.body, body)
            return _union(head, self.block(stmt.orelse, dict(head)))
        if isinstance(stmt, ast.While):
            head = _with(state, self.binds_in([stmt.test, *stmt.body]))
            self.part([stmt.test], head)
            self.block(stmt.body, dict(head))
            return _union(head, self.block(stmt.orelse, dict(head)))
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.part([item.context_expr], state)
                if item.optional_vars is not None:
                    self.part([item.optional_vars], state)
            return self.block(stmt.body, state)
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            return self.try_(stmt, state)  # type: ignore[arg-type]
        if isinstance(stmt, ast.Match):
            return self.match(stmt, state)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.part(_outer_expressions(stmt), state)
            _rebind(state, stmt.name, id(stmt))
            return state
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                _rebind(state, alias.asname or alias.name.split(".")[0], id(alias))
            return state
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            value = [stmt.value] if stmt.value is not None else []
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            annotation = [stmt.annotation] if isinstance(stmt, ast.AnnAssign) else []
            self.part([*value, *annotation], state)
            self.part(targets, state)
            return state
        self.part([stmt], state)
        if isinstance(stmt, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
            return None
        return state

    def try_(self, stmt: ast.Try, state: State) -> Optional[State]:
        anywhere = _with(state, self.binds_in(stmt.body))  # where a handler may start from
        end = self.block(stmt.body, dict(state))
        end = self.block(stmt.orelse, end) if end is not None else None
        ends = [end]
        for handler in stmt.handlers:
            entry = dict(anywhere)
            if handler.type is not None:
                self.part([handler.type], entry)
            if handler.name:
                _rebind(entry, handler.name, id(handler))
            ends.append(self.block(handler.body, entry))
        merged = _union(*ends)
        if not stmt.finalbody:
            return merged
        # `finally` also runs after a return or an exception anywhere above it.
        handlers = [s for handler in stmt.handlers for s in handler.body]
        before = _with(anywhere, self.binds_in([*stmt.orelse, *handlers]))
        finished = self.block(stmt.finalbody, _union(merged, before) or before)
        return finished if merged is not None else None

    def match(self, stmt: ast.Match, state: State) -> State:
        self.part([stmt.subject], state)
        ends: list[Optional[State]] = [state]  # no case matched
        for case in stmt.cases:
            entry = dict(state)
            for node in ast.walk(case.pattern):
                self.part(_pattern_expressions(node), entry)
                for name in _pattern_names(node):
                    _rebind(entry, name, id(node))
            if case.guard is not None:
                self.part([case.guard], entry)
            ends.append(self.block(case.body, entry))
        merged = _union(*ends)
        assert merged is not None
        return merged

    # -- expressions -----------------------------------------------------------------------
    def part(self, roots: Iterable[ast.AST], state: State) -> None:
        """Record the reads in `roots` (evaluated together), then apply their bindings."""
        found = list(_names(roots))
        walrus: dict[str, set[int]] = {}
        for node, _ in found:
            if _walrus_target(node) and node.id in self.names:
                walrus.setdefault(node.id, set()).add(id(node))
        bound: dict[str, set[int]] = {}
        for node, local in found:
            if node.id not in self.names:
                continue
            if isinstance(node.ctx, ast.Load):
                seen = _NOTHING if local else state.get(node.id, _NOTHING)
                self.reads[id(node)] = seen | frozenset(walrus.get(node.id, ()))
            elif not local:
                bound.setdefault(node.id, set()).add(id(node))
        for name, ids in bound.items():
            state[name] = frozenset(ids)

    def binds_in(self, nodes: Iterable[ast.AST]) -> dict[str, set[int]]:
        """The bindings of the asked-about names anywhere in `nodes` (a loop's body)."""
        binds: dict[str, set[int]] = {}
        for node, local in _names(nodes, statements=True):
            if not local and node.id in self.names and not isinstance(node.ctx, ast.Load):
                binds.setdefault(node.id, set()).add(id(node))
        return binds


def _names(roots: Iterable[ast.AST], statements: bool = False) -> Iterator[tuple[ast.Name, bool]]:
    """The `ast.Name` nodes under `roots` that belong to this scope, each with whether it is
    a comprehension's own variable. Nested functions, classes and lambdas are skipped (but
    not their decorators and defaults); statements only when `statements` is set."""
    stack: list[tuple[ast.AST, frozenset[str]]] = [(r, frozenset()) for r in roots]
    while stack:
        node, local = stack.pop()
        if isinstance(node, ast.Name):
            own = node.id in local and not _walrus_target(node)
            yield node, own
            continue
        if isinstance(node, _NESTED_SCOPES):
            stack.extend((n, local) for n in _outer_expressions(node))
            continue
        if isinstance(node, _COMPREHENSIONS):
            inner = local | {
                n.id
                for generator in node.generators
                for n in ast.walk(generator.target)
                if isinstance(n, ast.Name)
            }
            first, *rest = node.generators
            stack.append((first.iter, local))  # evaluated in the enclosing scope
            stack.append((first.target, inner))
            stack.extend((n, inner) for n in first.ifs)
            for generator in rest:
                stack.extend((n, inner) for n in (generator.target, generator.iter, *generator.ifs))
            elements = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            stack.extend((n, inner) for n in elements)
            continue
        for child in ast.iter_child_nodes(node):
            if statements or not isinstance(child, ast.stmt):
                stack.append((child, local))


def _outer_expressions(node: ast.AST) -> list[ast.AST]:
    """The parts of a nested function, class or lambda that run in the enclosing scope."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        outer: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            outer += node.decorator_list
        return outer
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    return []


def _walrus_target(node: ast.Name) -> bool:
    return isinstance(node.ctx, ast.Store) and isinstance(parent(node), ast.NamedExpr)


def _pattern_expressions(node: ast.AST) -> list[ast.AST]:
    """The expressions a pattern evaluates (`case Color.RED:`, `case Point(...)`)."""
    if isinstance(node, ast.MatchValue):
        return [node.value]
    if isinstance(node, ast.MatchClass):
        return [node.cls]
    if isinstance(node, ast.MatchMapping):
        return list(node.keys)
    return []


def _pattern_names(node: ast.AST) -> list[str]:
    if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
        return [node.name]
    if isinstance(node, ast.MatchMapping) and node.rest:
        return [node.rest]
    return []


def _rebind(state: State, name: str, binding: int) -> None:
    """`name` now holds what a `def`, an import or an `except ... as` bound: no worker."""
    state[name] = frozenset((binding,))


def _with(state: State, binds: dict[str, set[int]]) -> State:
    merged = dict(state)
    for name, ids in binds.items():
        merged[name] = merged.get(name, _NOTHING) | ids
    return merged


def _union(*states: Optional[State]) -> Optional[State]:
    reachable = [s for s in states if s is not None]
    if not reachable:
        return None
    merged = dict(reachable[0])
    for other in reachable[1:]:
        for name, ids in other.items():
            merged[name] = merged.get(name, _NOTHING) | ids
    return merged
