"""Hand-managed thread lists and named threads, as statements: the shapes PAR102 and
PAR103 recognise (the list built, started and joined; the loops and the work between them)
and the facts a rewrite depends on (which names are read later, which code asks which
thread it is on). Pure `ast` queries over the concurrency model's workers and events."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from parlint.analysis.model import Event, Worker
from parlint.analysis.scopes import containing_block, parent


def task_names(worker: Worker, *keywords: str) -> set[str]:
    """The names read by the constructor's `target=` / `args=` / `kwargs=` values."""
    found: set[str] = set()
    for keyword in worker.call.keywords:
        if keyword.arg in keywords:
            found |= names_in(keyword.value)
    return found


def names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def later_read(scope_nodes: list[ast.AST], names: set[str], after: ast.stmt) -> bool:
    """Whether any of `names` is read after `after` before being bound again."""
    end = (after.end_lineno or after.lineno, after.end_col_offset or 0)
    pending = set(names)
    for node in scope_nodes:
        if not pending:
            return False
        if not isinstance(node, ast.Name) or node.id not in pending:
            continue
        if (node.lineno, node.col_offset) < end:
            continue
        if comprehension_variable(node):
            continue  # `f` in `sum(f.size for f in fetchers)` is the comprehension's own
        if isinstance(node.ctx, ast.Load):
            return True
        pending.discard(node.id)
    return False


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def comprehension_variable(name: ast.Name) -> bool:
    """Whether `name` is bound by a comprehension around it."""
    current = parent(name)
    while current is not None and not isinstance(current, ast.stmt):
        if isinstance(current, COMPREHENSIONS) and any(
            name.id in names_in(generator.target) for generator in current.generators
        ):
            return True
        current = parent(current)
    return False


def only_in(scope_nodes: list[ast.AST], name: str, statements: list[ast.stmt]) -> bool:
    """Whether every use of `name` in the scope lies inside `statements`."""
    spans = [
        ((s.lineno, s.col_offset), (s.end_lineno or s.lineno, s.end_col_offset or 0))
        for s in statements
    ]
    for node in scope_nodes:
        if isinstance(node, ast.Name) and node.id == name:
            where = (node.lineno, node.col_offset)
            if not any(start <= where < end for start, end in spans):
                return False
    return True


def method_statement(stmt: ast.stmt, name: str, method: str) -> bool:
    """`name.method()` as a statement of its own, without arguments."""
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Attribute)
        and stmt.value.func.attr == method
        and isinstance(stmt.value.func.value, ast.Name)
        and stmt.value.func.value.id == name
        and not stmt.value.args
        and not stmt.value.keywords
    )


def loop_over(stmt: Optional[ast.stmt], container: str, method: str) -> Optional[str]:
    """`for t in container: t.method()` and nothing else, or the statement
    `[t.method() for t in container]`: the loop variable, else None."""
    if (
        isinstance(stmt, ast.For)
        and not stmt.orelse
        and isinstance(stmt.target, ast.Name)
        and isinstance(stmt.iter, ast.Name)
        and stmt.iter.id == container
        and len(stmt.body) == 1
        and method_statement(stmt.body[0], stmt.target.id, method)
    ):
        return stmt.target.id
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.ListComp):
        comp = stmt.value
        generator = comp.generators[0]
        if (
            len(comp.generators) == 1
            and not generator.ifs
            and not generator.is_async
            and isinstance(generator.target, ast.Name)
            and isinstance(generator.iter, ast.Name)
            and generator.iter.id == container
            and method_statement(ast.Expr(comp.elt), generator.target.id, method)
        ):
            return generator.target.id
    return None


# What tells one thread from another: an executor runs `run()` on its own threads, so code
# that reads these would see a pool thread, or an object that never started.
THREAD_IDENTITY = frozenset(
    {"is_alive", "ident", "native_id", "name", "getName", "setName", "daemon", "isDaemon",
     "setDaemon", "current_thread", "get_ident", "get_native_id", "currentThread"}
)  # fmt: skip


IDENTITY_FUNCTIONS = frozenset({"current_thread", "currentThread", "get_ident", "get_native_id"})


def uses_thread_identity(nodes: list[ast.AST]) -> bool:
    """Whether code (a `run` method) reads which thread it is on."""
    return any(
        (isinstance(n, ast.Attribute) and n.attr in THREAD_IDENTITY)
        or (isinstance(n, ast.Name) and n.id in IDENTITY_FUNCTIONS)
        for n in nodes
    )


def reads_identity(nodes: list[ast.AST], container: str) -> bool:
    """Whether the scope reads a thread attribute of the objects in `container`
    (`t.name` for `t` in it, `threads[0].is_alive()`)."""
    aliases = {container}
    for node in nodes:
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            if isinstance(node.iter, ast.Name) and node.iter.id == container:
                aliases.add(node.target.id)
    for node in nodes:
        if isinstance(node, ast.Attribute) and node.attr in THREAD_IDENTITY:
            base = node.value.value if isinstance(node.value, ast.Subscript) else node.value
            if isinstance(base, ast.Name) and base.id in aliases:
                return True
    return False


def middle_statement_rows(shape: ListShape) -> tuple[range, ...]:
    """For each statement between the start and the join: its rows, from the row after the
    statement before it (so the comments above it move with it)."""
    rows: list[range] = []
    previous = shape.start_loop or shape.build
    for stmt in shape.middle:
        first = (previous.end_lineno or previous.lineno) + 1
        rows.append(range(first, (stmt.end_lineno or stmt.lineno) + 1))
        previous = stmt
    return tuple(rows)


def has_multiline_string(statements: tuple[ast.stmt, ...]) -> bool:
    return any(
        isinstance(node, (ast.Constant, ast.JoinedStr))
        and (node.end_lineno or node.lineno) > node.lineno
        for stmt in statements
        for node in ast.walk(stmt)
    )


def event_calls(events: list[Event]) -> set[int]:
    return {id(e.call) for e in events}


def reaching_event(worker: Worker, events: list[Event]) -> Event:
    """The first of `events` that acts on every object the site creates. Events before the
    constructor come first only when nothing later does: a list that reuses the name of an
    earlier one (`threads = [...]` twice) is started and joined by the loops after it."""
    built = (worker.call.lineno, worker.call.col_offset)
    later = [e for e in events if (e.call.lineno, e.call.col_offset) > built]
    for candidates in (later, events):
        found = next((e for e in candidates if worker.reaches_every_instance(e)), None)
        if found is not None:
            return found
    return events[0]


def waits_without_timeout(call: ast.Call) -> bool:
    """`t.join()` or `t.join(None)`; not `t.join(5)` / `t.join(timeout=5)`, a bounded wait."""
    values = [*call.args, *(k.value for k in call.keywords if k.arg in (None, "timeout"))]
    return all(isinstance(v, ast.Constant) and v.value is None for v in values)


def loop_var(stmt: ast.stmt) -> str:
    for method in ("start", "join"):
        for container in names_in(stmt):
            name = loop_over(stmt, container, method)
            if name is not None:
                return name
    raise ValueError("not a start or join loop")


@dataclass(frozen=True)
class ListShape:
    build: ast.stmt  # the comprehension's assignment, or the `for` loop that appends
    init: Optional[ast.stmt]  # `threads = []` before an appending loop
    start_loop: Optional[ast.stmt]  # None when the building loop starts each one
    middle: tuple[ast.stmt, ...]  # the caller's own work while the threads run
    join_loop: ast.stmt
    target: ast.expr  # the building loop's target and iterable
    iterable: ast.expr
    local: Optional[str]  # `t` in `t = Thread(...)` inside the building loop


# Statements that leave a block early: with them between start and join, some paths skip
# the join, and a `with` block would change that.
EARLY_EXITS = (ast.Return, ast.Break, ast.Continue, ast.Yield, ast.YieldFrom, ast.Await, ast.Raise)


def list_shape(worker: Worker, container: str) -> Optional[ListShape]:
    """The statements of the canonical shape, or None."""
    loop = worker.loops[0]
    call = worker.call
    if isinstance(loop, ast.ListComp):
        owner = parent(loop)
        if not (
            isinstance(owner, ast.Assign)
            and len(owner.targets) == 1
            and isinstance(owner.targets[0], ast.Name)
            and owner.targets[0].id == container
            and loop.elt is call
            and len(loop.generators) == 1
            and not loop.generators[0].ifs
            and not loop.generators[0].is_async
        ):
            return None
        build: ast.stmt = owner
        init = None
        target, iterable = loop.generators[0].target, loop.generators[0].iter
        local = None
        starts_here = False
    elif isinstance(loop, ast.For) and not loop.orelse:
        build = loop
        target, iterable = loop.target, loop.iter
        found = loop_body(loop, container, call)
        if found is None:
            return None
        local, starts_here = found
        init = list_init(loop, container)
        if init is None:
            return None
    else:
        return None
    block_info = containing_block(build)
    if block_info is None:
        return None
    block, index = block_info
    rest = block[index + 1 :]
    start_loop: Optional[ast.stmt] = None
    if not starts_here:
        if not rest or loop_over(rest[0], container, "start") is None:
            return None
        start_loop, rest = rest[0], rest[1:]
    join_at = next(
        (i for i, stmt in enumerate(rest) if loop_over(stmt, container, "join") is not None),
        None,
    )
    if join_at is None:
        return None
    middle = tuple(rest[:join_at])
    if any(isinstance(n, EARLY_EXITS) for stmt in middle for n in ast.walk(stmt)):
        return None
    return ListShape(build, init, start_loop, middle, rest[join_at], target, iterable, local)


def loop_body(
    loop: ast.For, container: str, call: ast.Call
) -> Optional[tuple[Optional[str], bool]]:
    """A `for` body that only builds, appends and perhaps starts: (variable, starts)."""
    body = loop.body
    local: Optional[str] = None
    if (
        isinstance(body[0], ast.Assign)
        and len(body[0].targets) == 1
        and isinstance(body[0].targets[0], ast.Name)
        and body[0].value is call
    ):
        local = body[0].targets[0].id
        body = body[1:]
    appended = call if local is None else None
    seen_append = False
    starts = False
    for stmt in body:
        if (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and isinstance(stmt.value.func, ast.Attribute)
            and stmt.value.func.attr == "append"
            and isinstance(stmt.value.func.value, ast.Name)
            and stmt.value.func.value.id == container
            and len(stmt.value.args) == 1
            and not seen_append
        ):
            value = stmt.value.args[0]
            if appended is not None and value is not appended:
                return None
            if local is not None and not (isinstance(value, ast.Name) and value.id == local):
                return None
            seen_append = True
        elif local is not None and not starts and method_statement(stmt, local, "start"):
            starts = True
        else:
            return None
    return (local, starts) if seen_append else None


def list_init(loop: ast.For, container: str) -> Optional[ast.stmt]:
    """The `container = []` earlier in the loop's block."""
    block_info = containing_block(loop)
    if block_info is None:
        return None
    block, index = block_info
    for stmt in reversed(block[:index]):
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == container
        ):
            value = stmt.value
            return stmt if isinstance(value, ast.List) and not value.elts else None
    return None


def own_statement(event: Event, name: str, method: str) -> Optional[ast.stmt]:
    """The statement `name.method()` of a start/join that is not in a loop, else None."""
    if event.loops or event.iteration is not None:
        return None
    stmt = event.statement
    if stmt is None or not method_statement(stmt, name, method):
        return None
    return stmt
