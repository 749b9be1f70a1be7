"""Moving a task between threads and processes: when it is safe to offer, and the rewrite.

The rewrite replaces the constructor (`ThreadPoolExecutor` -> `ProcessPoolExecutor`,
`threading.Thread` -> `multiprocessing.Process`, `ThreadPool` -> `multiprocessing.Pool`, and
back), adds the import it needs in the file's style and removes the one it leaves unused
(libcst's codemod import visitors). It is offered only when parlint can see that the task
shares no state with its caller (writes to globals, closures or its arguments are lost in
another process, and a process's writes to its own copies become visible on a thread), that
nothing uses thread-only or process-only attributes of the object and, towards processes,
that the task is a module-level function (picklable) and that importing the module starts
no work (child processes import it again under spawn) or that the work is the module's tail,
which then moves under `if __name__ == "__main__":`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional

from parlint.analysis.model import ConcurrencyModel, Handoff, HandoffApi
from parlint.analysis.stdlib import PoolKind, WorkerKind
from parlint.analysis.task_effects import EffectKind
from parlint.fixes.imports import ImportChanges, Reads, RemovalSpec, local_name, reads_of
from parlint.ftypes import Edit, Location

if TYPE_CHECKING:
    import libcst as cst

    from parlint.analysis.task_effects import EffectAnalysis
    from parlint.fixes.edits import FixContext

# (qualified name of the new constructor, module to import from, name)
TO_PROCESSES = {
    "concurrent.futures.ThreadPoolExecutor": ("concurrent.futures", "ProcessPoolExecutor"),
    "concurrent.futures.thread.ThreadPoolExecutor": ("concurrent.futures", "ProcessPoolExecutor"),
    "threading.Thread": ("multiprocessing", "Process"),
    "multiprocessing.pool.ThreadPool": ("multiprocessing", "Pool"),
    "multiprocessing.dummy.Pool": ("multiprocessing", "Pool"),
}
TO_THREADS = {
    "concurrent.futures.ProcessPoolExecutor": ("concurrent.futures", "ThreadPoolExecutor"),
    "concurrent.futures.process.ProcessPoolExecutor": ("concurrent.futures", "ThreadPoolExecutor"),
    "multiprocessing.Process": ("threading", "Thread"),
    "multiprocessing.Pool": ("multiprocessing.pool", "ThreadPool"),
    "multiprocessing.pool.Pool": ("multiprocessing.pool", "ThreadPool"),
}
# Python 3.14 (PEP 734): each task in its own subinterpreter, with its own GIL.
TO_INTERPRETERS = {
    "concurrent.futures.ThreadPoolExecutor": ("concurrent.futures", "InterpreterPoolExecutor"),
    "concurrent.futures.thread.ThreadPoolExecutor": (
        "concurrent.futures",
        "InterpreterPoolExecutor",
    ),
}
THREAD_ONLY = frozenset({"ident", "native_id", "getName", "setName", "isDaemon", "setDaemon"})
PROCESS_ONLY = frozenset({"pid", "exitcode", "terminate", "kill", "close", "authkey", "sentinel"})
MUTATING_METHODS = frozenset(
    {"append", "extend", "insert", "update", "setdefault", "add", "pop", "remove", "clear",
     "discard", "put", "put_nowait", "appendleft", "popleft", "sort", "reverse"}
)  # fmt: skip
# Module-level calls that start no work (child processes import the module again).
IMPORT_SAFE_CALLS = (
    "logging.getLogger", "re.compile", "threading.Lock", "threading.RLock", "threading.Event",
    "collections.", "typing.", "dataclasses.field", "builtins.dict", "builtins.list",
    "builtins.set", "builtins.frozenset", "builtins.tuple", "builtins.object", "os.getenv",
    "os.environ.get", "enum.", "functools.partial",
)  # fmt: skip


@dataclass(frozen=True)
class SwapFix:
    constructor: tuple[Location, Location]  # the constructor's callee expression
    module: str  # where the new constructor comes from
    name: str  # its name there
    as_attribute: bool  # `module.Name(...)` rather than `Name(...)` with a from-import
    base: Optional[str]  # for attribute style: the expression text of the module
    old_import: Optional[tuple[str, str, Optional[str]]]  # import to drop if left unread
    # The row of the first module-level statement to move under `if __name__ == "__main__":`
    # (child processes import the module again; its work must not run there).
    guard_from: Optional[int] = None
    old_import_reads: Reads = ()  # where the checked text reads the name `old_import` binds

    @property
    def title(self) -> str:
        return f"Use `{self.name}`"


def plan_swap(
    model: ConcurrencyModel,
    effects: EffectAnalysis,
    handoff: Handoff,
    to_processes: bool,
    location: tuple[Location, Location],
    interpreters: bool = False,
) -> Optional[SwapFix]:
    """The rewrite of this hand-off's constructor, or None where it is not proven safe."""
    constructor = constructor_of(handoff)
    if constructor is None:
        return None
    qual = model.resolve(constructor.func, constructor)
    table = TO_INTERPRETERS if interpreters else TO_PROCESSES if to_processes else TO_THREADS
    if qual not in table:
        return None
    if handoff.worker is not None:
        forbidden = THREAD_ONLY if to_processes else PROCESS_ONLY
        if handoff.worker.escaped or _uses_attributes(model, handoff, forbidden):
            return None
    # Swapping a pool's constructor moves every task handed to that pool: each one must be
    # safe to move, and none may be of the kind the other rule moves back (a pool mapping
    # one CPU-bound and one I/O-bound task would be flipped between the two forever).
    moved = [h for h in model.handoffs if h.pool is handoff.pool] if handoff.pool else [handoff]
    back = EffectKind.IO if to_processes else EffectKind.CPU
    if any(h is not handoff and effects.classify(h).kind is back for h in moved):
        return None
    guard = process_ready(model, effects, handoff) if to_processes else None
    for task in moved:
        if to_processes and process_ready(model, effects, task) is False:
            return None
        if not to_processes and thread_would_share_writes(model, effects, task):
            return None
    module, name = table[qual]
    plan = _plan_names(model, constructor, module, name, location)
    if plan is not None and plan.old_import is not None:
        old_module, old_name, asname = plan.old_import
        reads = reads_of(model, (old_module, old_name or None, asname))
        plan = replace(plan, old_import_reads=reads)
    if plan is not None and to_processes and isinstance(guard, int):
        return replace(plan, guard_from=guard)
    return plan


def _plan_names(
    model: ConcurrencyModel,
    constructor: ast.Call,
    module: str,
    name: str,
    location: tuple[Location, Location],
) -> Optional[SwapFix]:
    func = constructor.func
    old_import: Optional[tuple[str, str, Optional[str]]] = None
    if isinstance(func, ast.Name):
        source = model.names.module_scope.qualified.get(func.id)
        if source is None or "." not in source:
            return None
        old_module, old_name = source.rsplit(".", 1)
        old_import = (old_module, old_name, func.id if func.id != old_name else None)
        taken = {n for n in model.names.module_scope.bound if n != func.id}
        if name in taken and model.names.module_scope.qualified.get(name) != f"{module}.{name}":
            return _attribute_swap(model, location, module, name, old_import)
        return SwapFix(location, module, name, False, None, old_import)
    if isinstance(func, ast.Attribute):
        base_qual = model.resolve(func.value, func)
        base_text = ast.unparse(func.value)
        if base_qual == module:
            return SwapFix(location, module, name, True, base_text, None)
        # `threading.Thread` -> `multiprocessing.Process`: `import threading` may go unused.
        unused = (base_qual, "", None) if base_qual and base_text == base_qual else None
        return _attribute_swap(model, location, module, name, unused)
    return None


def _attribute_swap(
    model: ConcurrencyModel,
    location: tuple[Location, Location],
    module: str,
    name: str,
    old_import: Optional[tuple[str, str, Optional[str]]],
) -> Optional[SwapFix]:
    top = module.split(".")[0]
    bound = model.names.module_scope.qualified.get(top)
    if top in model.names.module_scope.bound and bound != top:
        return None  # the module's name means something else here
    return SwapFix(location, module, name, True, module, old_import)


def constructor_of(handoff: Handoff) -> Optional[ast.Call]:
    if handoff.api is HandoffApi.CONSTRUCTOR and handoff.worker is not None:
        worker = handoff.worker
        if worker.subclass is not None or worker.kind is WorkerKind.TIMER:
            return None
        return worker.call
    if handoff.pool is not None and handoff.api in (
        HandoffApi.SUBMIT,
        HandoffApi.MAP,
        HandoffApi.POOL,
    ):
        if handoff.pool.kind is PoolKind.INTERPRETER_EXECUTOR:
            return None
        home = handoff.pool.home
        if home is not None and (home.escapes or handoff.pool.escapes):
            return None  # kept on self and reachable by code parlint cannot see
        return handoff.pool.call
    return None


def _uses_attributes(model: ConcurrencyModel, handoff: Handoff, forbidden: frozenset[str]) -> bool:
    worker = handoff.worker
    assert worker is not None
    names = worker.names | worker.containers
    for node in worker.scope.nodes:
        if isinstance(node, ast.Attribute) and node.attr in forbidden:
            root = node.value
            while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
                root = root.value if not isinstance(root, ast.Call) else root.func
            if isinstance(root, ast.Name) and root.id in names:
                return True
            if node.value is worker.call:
                return True
    return False


def process_ready(
    model: ConcurrencyModel, effects: EffectAnalysis, handoff: Handoff
) -> Optional[int] | bool:
    """Whether the task can run in another process: a module-level function, referenced in
    a picklable way, that writes no state its caller sees. Returns `guard_plan`'s answer
    (None, or the row where the `__main__` guard starts), or False."""
    function = effects.task_function(handoff)
    if not isinstance(function, ast.FunctionDef) or not _module_level(model, function):
        return False
    if _touches_shared_state(model, function, set()):
        return False
    if handoff.task is not None and not _picklable_reference(model, handoff.task):
        return False
    return guard_plan(model)


def thread_would_share_writes(
    model: ConcurrencyModel, effects: EffectAnalysis, handoff: Handoff
) -> bool:
    """Whether moving a process's task to a thread could change what the program sees:
    a process writes globals, closures and its arguments in its own copy, a thread writes
    the caller's. True too when parlint cannot see the task's code."""
    function = effects.task_function(handoff)
    if not isinstance(function, ast.FunctionDef):
        return True
    return _touches_shared_state(model, function, set())


def _module_level(model: ConcurrencyModel, function: ast.FunctionDef) -> bool:
    return function in model.tree.body


def _picklable_reference(model: ConcurrencyModel, task: ast.expr) -> bool:
    if isinstance(task, ast.Name):
        return True
    if isinstance(task, ast.Call) and task.args:
        # functools.partial(f, constants...)
        return isinstance(task.args[0], ast.Name) and all(
            isinstance(a, ast.Constant) for a in [*task.args[1:], *(k.value for k in task.keywords)]
        )
    return False


def _touches_shared_state(
    model: ConcurrencyModel, function: ast.FunctionDef, seen: set[int]
) -> bool:
    """Whether the task writes anything its caller could see (lost in another process)."""
    if id(function) in seen:
        return False
    seen.add(id(function))
    scope = model.names.scope_of_node(function)
    local = scope.bound - scope.global_names - scope.nonlocal_names
    params = {
        a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    }
    for node in scope.nodes:
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return True
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(
            node.ctx, (ast.Store, ast.Del)
        ):
            root = node.value
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if not (isinstance(root, ast.Name) and root.id in local and root.id not in params):
                return True
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS:
                root = func.value
                while isinstance(root, (ast.Attribute, ast.Subscript)):
                    root = root.value
                if not (isinstance(root, ast.Name) and root.id in local and root.id not in params):
                    return True
            callee = model.function_named(func, node)
            if isinstance(callee, ast.FunctionDef) and _touches_shared_state(model, callee, seen):
                return True
    return False


def _import_work(model: ConcurrencyModel, stmt: ast.stmt) -> bool:
    """Whether a module-level statement does work when the module is imported."""
    from parlint.analysis.catalog import matches

    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.ClassDef, ast.Pass)):  # fmt: skip
        return False
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return False
    if isinstance(stmt, ast.If) and is_main_guard(stmt.test):
        return False
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
        return not all(matches(model.resolve(c.func, c) or "?", IMPORT_SAFE_CALLS) for c in calls)
    if isinstance(stmt, ast.Try):
        return not all(
            isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass, ast.Assign))
            for s in [*stmt.body, *(x for h in stmt.handlers for x in h.body)]
        )
    return True


def guard_plan(model: ConcurrencyModel) -> Optional[int] | bool:
    """None: importing the module starts no work. A row: the work is the module's tail and
    can move under a `__main__` guard from there. False: it cannot be moved safely."""
    return model.memo("guard_plan", lambda: _guard_plan(model))


def _guard_plan(model: ConcurrencyModel) -> Optional[int] | bool:
    body = model.tree.body
    work = [i for i, stmt in enumerate(body) if _import_work(model, stmt)]
    if not work:
        return None
    first = work[0]
    if work != list(range(first, len(body))):
        return False  # work between definitions: moving it would reorder the module
    tail = body[first:]
    # Names the moved statements bind must not be read by functions (they would be missing
    # in a child process that imports the module).
    moved: set[str] = set()
    for stmt in tail:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                moved.add(node.id)
    for scope in model.names.module_scope.children:
        stack = [scope]
        while stack:
            current = stack.pop()
            stack.extend(current.children)
            if any(isinstance(n, ast.Name) and n.id in moved for n in current.nodes):
                return False
    return tail[0].lineno


def is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def apply_swap(fctx: FixContext, plan: SwapFix) -> Optional[cst.Module]:
    import libcst as cst

    target = fctx.find(cst.BaseExpression, *plan.constructor)  # type: ignore[type-abstract]
    if target is None:
        return None
    replacement = cst.parse_expression(_constructor_text(plan))
    module = fctx.module.deep_replace(target, replacement)
    assert isinstance(module, cst.Module)
    if plan.guard_from is not None:
        module = guard_tail(fctx, module, plan.guard_from)
    changes = _swap_imports(plan)
    removals = [(spec, changes.reads[local_name(spec)]) for spec in changes.remove]
    return fctx.change_imports(module, changes.add, removals)


def swap_text(plan: SwapFix) -> Optional[tuple[tuple[Edit, ...], ImportChanges]]:
    """The swap as one text edit of the constructor's callee, when it moves no module-level
    code under a `__main__` guard (that one is libcst's)."""
    if plan.guard_from is not None:
        return None
    start, end = plan.constructor
    return (Edit(_constructor_text(plan), start, end),), _swap_imports(plan)


def _constructor_text(plan: SwapFix) -> str:
    if plan.as_attribute:
        assert plan.base is not None
        return f"{plan.base}.{plan.name}"
    return plan.name


def _swap_imports(plan: SwapFix) -> ImportChanges:
    changes = ImportChanges()
    if plan.as_attribute:
        if plan.base == plan.module:
            changes.add.append((plan.module, None))
    else:
        changes.add.append((plan.module, plan.name))
    if plan.old_import is not None:
        old_module, old_name, asname = plan.old_import
        spec: RemovalSpec = (old_module, old_name or None, asname)
        changes.remove.append(spec)
        changes.reads[local_name(spec)] = plan.old_import_reads
    return changes


def guard_tail(fctx: FixContext, module: cst.Module, first_row: int) -> cst.Module:
    """Move the module's statements from `first_row` on under `if __name__ == "__main__":`."""
    import libcst as cst

    index = next(
        (
            i
            for i, stmt in enumerate(fctx.module.body)
            if fctx.positions[stmt].start.line >= first_row - fctx.first_row + 1
        ),
        None,
    )
    if index is None:
        return module
    tail = list(module.body[index:])
    leading = tail[0].leading_lines
    tail[0] = tail[0].with_changes(leading_lines=())
    guard = cst.If(
        test=cst.parse_expression('__name__ == "__main__"'),
        body=cst.IndentedBlock(body=tail),
        leading_lines=leading,
    )
    return module.with_changes(body=[*module.body[:index], guard])
