"""PAR701 check-then-act (the free-threading family): a test of shared state and the change
that depends on it, not under one lock, in code that runs on several threads at once."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from parlint.analysis.reachability import Reach, inside_with, may_hold_a_lock, takes_lock_by_hand
from parlint.analysis.scopes import Scope, containing_block, parent
from parlint.ftypes import Applicability, Diagnostic, Related, Severity
from parlint.rules.base import CheckContext, Invalid, Rule
from parlint.rules.state import LockFix, lock_fix_plan, shared_state, wrap_in_lock

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext

# Methods that change the container they are called on.
MUTATORS = frozenset(
    {"append", "appendleft", "extend", "extendleft", "insert", "add", "update", "setdefault",
     "pop", "popleft", "popitem", "remove", "discard", "clear"}
)  # fmt: skip
_THREAD_LOCAL = frozenset({"threading.local", "_threading_local.local"})


@dataclass(frozen=True)
class _Finding:
    what: str  # the shared state, named: "the module-level `_cache`"
    act: ast.AST  # the change that depends on the test
    name: str  # the state's last name (`_cache`, `_tiles` of `self._tiles`): the lock's name
    module_level: bool  # a name of the module (not an attribute): a lock named after it guards it


class CheckThenAct(Rule):
    """
    ## What it does
    Flags an `if` (or `while`) that tests shared state and then changes it, in code that runs
    on two or more threads at once, without one lock held around both: lazy initialisation
    (`if _conn is None: _conn = connect()`), filling a cache (`if key not in cache:
    cache[key] = load(key)`), taking from a list (`if pending: pending.pop()`), run-once flags
    (`if not self.started: self.started = True`). The state is module-level, `global`,
    `nonlocal`, closed over, a class attribute, or `self` when the threads share the object.
    Code reached through calls counts: the message names the way from the task to the test.

    Not reported: the test and the change inside one `with` block (a lock), code called with
    a lock held, `threading.local` attributes, a function's own objects, and double-checked
    locking done right (an unlocked test, then the lock, then the same test again before the
    change). Double-checking without the second test is reported: both threads pass the
    first test and then take turns to act.

    This rule belongs to the free-threading family: it is off unless `free-threaded = true`
    or it is selected (`--select PAR7`).

    ## Why is this bad?
    A test and the act that depends on it are two steps. Between them another thread can
    run the same test, see the same answer, and act too: the connection is opened twice, the
    expensive value is computed twice and one copy is silently replaced, `pop()` raises on an
    empty list. The GIL switches threads only every few milliseconds, so these races hide for
    years; on a free-threaded Python (PEP 703, Python 3.13t and 3.14t) the threads really run
    at the same time and the window is always open.

    ## Example
    ```python
    import threading

    _client = None

    def client():
        global _client
        if _client is None:
            _client = make_client()
        return _client

    def fetch_all(urls):
        threads = [threading.Thread(target=lambda u=u: client().get(u)) for u in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ```

    Use instead:
    ```python
    import threading

    _client = None
    _client_lock = threading.Lock()

    def client():
        global _client
        with _client_lock:
            if _client is None:
                _client = make_client()
        return _client
    ```

    ## Fix safety
    The fix wraps the whole `if` (or `while`) in `with <lock>:` (after an early `return`, the
    statements down to the change too), using a module-level `threading.Lock`/`RLock` the file
    has or creating one; a `with` of that same lock inside is dissolved into the new one. A lock
    that a function of this module called under it takes again is never chosen (a
    `threading.Lock` is not reentrant): a new one is made instead. It is unsafe: the code now
    waits for the lock, and if it waits for another thread that needs the lock, or calls code in
    another module that takes it, the program hangs. Read what the branch calls before applying
    it.

    ## Options
    `free-threaded`.

    ## References
    - [PEP 703: Making the GIL optional](https://peps.python.org/pep-0703/)
    - [Python support for free threading](https://docs.python.org/3/howto/free-threading-python.html)
    - [threading.Lock](https://docs.python.org/3/library/threading.html#lock-objects)
    """

    code = "PAR701"
    name = "check-then-act"
    family = "free-threading"
    severity = Severity.WARNING
    message = "Shared state tested, then changed, without one lock around both"
    fix_title = "Hold a lock around the test and the change"
    fix_applicability = Applicability.UNSAFE
    fix_needs_module = True

    valid = (
        """
import threading
from concurrent.futures import ThreadPoolExecutor

_cache = {}
_lock = threading.Lock()
_conn = None
_local = threading.local()

def connection():
    global _conn
    if _conn is None:
        with _lock:
            if _conn is None:
                _conn = object()
    return _conn

def lookup(key):
    with _lock:
        if key not in _cache:
            _cache[key] = len(key)
        value = _cache[key]
    if getattr(_local, "seen", None) is None:
        _local.seen = set()
    return value, connection()

def main(keys):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(lookup, keys))
""",
    )
    invalid = (
        Invalid(
            """
import threading
from concurrent.futures import ThreadPoolExecutor

_cache = {}

def lookup(key):
    if key not in _cache:
        _cache[key] = len(key)
    return _cache[key]

def main(keys):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(lookup, keys))
""",
            fixed="""
import threading
from concurrent.futures import ThreadPoolExecutor

_cache_lock = threading.Lock()

_cache = {}

def lookup(key):
    with _cache_lock:
        if key not in _cache:
            _cache[key] = len(key)
    return _cache[key]

def main(keys):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(lookup, keys))
""",
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        reported: set[int] = set()
        for reach in ctx.concurrent_reaches:
            function = reach.function
            if not reach.concurrent or reach.locked or takes_lock_by_hand(function):
                continue
            scope = ctx.model.names.scope_of_node(function)
            for stmt in scope.nodes:
                if not isinstance(stmt, (ast.If, ast.While)) or id(stmt) in reported:
                    continue
                if inside_with(ctx.model, stmt, function):
                    continue
                found = _check_then_act(ctx, scope, stmt, reach.shares_self)
                if found is None:
                    continue
                reported.add(id(stmt))
                yield self._report(ctx, reach, stmt, found)

    def _report(
        self, ctx: CheckContext, reach: Reach, stmt: Union[ast.If, ast.While], found: _Finding
    ) -> Diagnostic:
        test = ctx.source.segment(stmt.test).splitlines()[0]
        act = ctx.source.segment(found.act).splitlines()[0]
        keyword = "while" if isinstance(stmt, ast.While) else "if"
        message = (
            f"`{keyword} {test}` tests {found.what}, then `{act}` changes it: "
            f"{reach.threads()} can "
            + (
                "both pass the test before either"
                if reach.with_starter
                else "all pass the test before any of them"
            )
            + " acts"
        )
        related = reach.related(ctx.effects.filename, "the threads start here")
        start, end = ctx.span(found.act)
        related = (*related, Related("the change that depends on the test", start, end))
        # After an early `return` the change is further down the block: the lock is held
        # from the test down to the statement that makes it.
        inside = any(node is found.act for node in ast.walk(stmt))
        count = 1 if inside else _statements_through(stmt, found.act)
        plan = _plan_fix(ctx, stmt, found.name, found.module_level, count) if count else None
        return self.report(
            ctx,
            stmt,
            message,
            end_node=stmt.test,
            related=related,
            fixable=plan is not None,
            fix_data=plan,
            fix_title=f"Hold `{plan.lock}` around the test and the change" if plan else None,
        )

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        plan = diagnostic.fix_data
        if not isinstance(plan, LockFix):
            return None
        return wrap_in_lock(fctx, plan, dissolve=True)


def _check_then_act(
    ctx: CheckContext, scope: Scope, stmt: Union[ast.If, ast.While], is_method: bool
) -> Optional[_Finding]:
    """The first change in the branches of `stmt` to shared state its test reads."""
    tested = {_key(node) for node in ast.walk(stmt.test) if isinstance(node, _STATE_NODES)}
    for act, state in _acts(stmt):
        if _key(state) not in tested or _retested_under_lock(ctx, act, stmt, state):
            continue
        if _thread_local(ctx, state) or _per_thread_entry(ctx, act, state):
            continue
        what = _container(ctx, scope, state, is_method) if act_changes_inside(act, state) else (
            shared_state(ctx, scope, state, is_method)
        )  # fmt: skip
        if what is not None:
            last = state.attr if isinstance(state, ast.Attribute) else ast.unparse(state)
            name = last if last.isidentifier() else "state"
            return _Finding(what, act, name, isinstance(state, ast.Name))
    return None


_STATE_NODES = (ast.Name, ast.Attribute, ast.Subscript)


def _key(expr: ast.AST) -> str:
    """The expression's shape, whether it is read, written or deleted."""
    dumped = ast.dump(expr, annotate_fields=False)
    return dumped.replace("Store()", "Load()").replace("Del()", "Load()")


def _acts(stmt: Union[ast.If, ast.While]) -> Iterator[tuple[ast.AST, ast.expr]]:
    """(the statement or call, the state it changes) in the branches of `stmt`, not in
    functions or classes defined there. After `if key in cache: return cache[key]` the
    statements that follow are the other branch."""
    after: list[ast.stmt] = []
    if isinstance(stmt, ast.If) and not stmt.orelse and _always_leaves(stmt.body):
        found = containing_block(stmt)
        if found is not None:
            block, index = found
            after = block[index + 1 :]
    stack: list[ast.AST] = [*reversed(after), *reversed(stmt.orelse), *reversed(stmt.body)]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if not isinstance(node, ast.AnnAssign) or node.value is not None:
            for target in _targets(node):
                yield from _changed_by(node, target)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
        ):
            yield node, node.func.value
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _statements_through(stmt: ast.stmt, act: ast.AST) -> int:
    """How many statements of `stmt`'s block, from `stmt` on, reach down to `act`."""
    found = containing_block(stmt)
    if found is None:
        return 0
    block, index = found
    node: Optional[ast.AST] = act
    while node is not None and not any(node is s for s in block):
        node = parent(node)
    if node is None:
        return 0
    last = next(i for i, s in enumerate(block) if s is node)
    return last - index + 1 if last > index else 0


def _always_leaves(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


def _changed_by(node: ast.AST, target: ast.expr) -> Iterator[tuple[ast.AST, ast.expr]]:
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _changed_by(node, element)
    elif isinstance(target, ast.Subscript):
        yield node, target.value  # `cache[key] = ...` changes `cache`
    elif isinstance(target, (ast.Name, ast.Attribute)):
        yield node, target


def act_changes_inside(act: ast.AST, state: ast.expr) -> bool:
    """Whether the act changes what `state` holds (`state[k] = v`, `state.pop()`) rather than
    rebinding `state` itself."""
    if isinstance(act, ast.Call):
        return True
    return any(isinstance(t, ast.Subscript) and t.value is state for t in _targets(act))


def _targets(act: ast.AST) -> list[ast.expr]:
    """What an assignment, augmented assignment or `del` writes."""
    if isinstance(act, (ast.Assign, ast.Delete)):
        return act.targets
    if isinstance(act, (ast.AugAssign, ast.AnnAssign)):
        return [act.target]
    return []


def _container(ctx: CheckContext, scope: Scope, state: ast.expr, is_method: bool) -> Optional[str]:
    """A shared object whose contents the act changes: a module-level or closed-over name
    (no `global` needed to change what it holds), or shared attributes."""
    if not isinstance(state, ast.Name):
        return shared_state(ctx, scope, state, is_method)
    if state.id in scope.bound and state.id not in scope.global_names:
        return None
    owner = ctx.model.names.lookup_scope(state.id, scope)
    if owner is None or owner is scope:
        return None
    where = "module-level" if owner.is_module else "closed-over"
    return f"the {where} `{state.id}`"


def _retested_under_lock(ctx: CheckContext, act: ast.AST, stmt: ast.AST, state: ast.expr) -> bool:
    """Double-checked locking done right: between `stmt` and the act, a `with` that may hold
    a lock and, inside it, a test of the same state around the act."""
    key = _key(state)
    retested = False
    current = parent(act)
    while current is not None and current is not stmt:
        if isinstance(current, (ast.If, ast.While)) and any(
            _key(n) == key for n in ast.walk(current.test) if isinstance(n, _STATE_NODES)
        ):
            retested = True
        if isinstance(current, (ast.With, ast.AsyncWith)) and any(
            may_hold_a_lock(ctx.model, item.context_expr) for item in current.items
        ):
            return retested
        current = parent(current)
    return False


def _thread_local(ctx: CheckContext, state: ast.expr) -> bool:
    """`state` is, or is an attribute of, a `threading.local()` object: each thread has its
    own."""
    node: ast.expr = state
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
        if _is_local_object(ctx, node):
            return True
    return _is_local_object(ctx, state)


_THREAD_IDS = frozenset(
    {"threading.get_ident", "threading.get_native_id", "threading.current_thread",
     "_thread.get_ident"}
)  # fmt: skip


def _per_thread_entry(ctx: CheckContext, act: ast.AST, state: ast.expr) -> bool:
    """`_buffers[threading.get_ident()] = []`: each thread changes its own entry only."""
    keys = [t.slice for t in _targets(act) if isinstance(t, ast.Subscript) and t.value is state]
    return bool(keys) and all(_thread_id(ctx, key, 0) for key in keys)


def _thread_id(ctx: CheckContext, key: ast.expr, depth: int) -> bool:
    if depth > 3:
        return False
    if isinstance(key, ast.Call):
        return ctx.model.resolve(key.func, key) in _THREAD_IDS
    if isinstance(key, ast.Attribute):
        return _thread_id(ctx, key.value, depth + 1)  # `current_thread().name`
    if isinstance(key, ast.Name):
        scope = ctx.model.names.enclosing_scope(key)
        values = ctx.model.assigned_values(scope, key.id)
        return bool(values) and all(_thread_id(ctx, v, depth + 1) for v in values or ())
    return False


def _is_local_object(ctx: CheckContext, expr: ast.expr) -> bool:
    values: Optional[list[ast.expr]] = None
    if isinstance(expr, ast.Name):
        owner = ctx.model.names.lookup_scope(expr.id, ctx.model.names.enclosing_scope(expr))
        values = ctx.model.assigned_values(owner, expr.id) if owner is not None else None
    elif isinstance(expr, ast.Attribute):
        values = ctx.model.names.attribute_values(expr)
    return bool(values) and all(
        isinstance(v, ast.Call) and ctx.model.resolve(v.func, v) in _THREAD_LOCAL
        for v in values or ()
    )


def _plan_fix(
    ctx: CheckContext, stmt: Union[ast.If, ast.While], state: str, by_name: bool, count: int
) -> Optional[LockFix]:
    if ctx.source.line(stmt.lineno)[stmt.col_offset :].startswith("elif"):
        return None  # an `elif` cannot be wrapped on its own
    return lock_fix_plan(ctx, stmt, state, by_name, count)
