"""Rewriting hand-managed threads and processes into one executor (PAR102, PAR103).

The rules prove the shape (what is replaced, and that nothing else uses the old objects);
this module turns a constructor into a `submit`/`map` argument list, names the executor the
way the module spells it, decides whether the tasks may wait for each other (a smaller pool
could then deadlock), and applies the rewrite: a run of statements in one block replaced by a
`with` block, comments inside the run kept above it, the import added and the old one removed
when left unused.
"""

from __future__ import annotations

import ast
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from parlint.analysis.model import ConcurrencyModel, Worker
from parlint.analysis.scopes import containing_block, parent, simple_assignment_value
from parlint.analysis.stdlib import WorkerKind
from parlint.fixes.imports import Reads
from parlint.ftypes import Edit, Location
from parlint.source import SourceText, python_tokens

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes.edits import FixContext

EXECUTORS = {
    WorkerKind.THREAD: "ThreadPoolExecutor",
    WorkerKind.PROCESS: "ProcessPoolExecutor",
}
# Calls by which a task can wait for another task of the same batch: with fewer workers
# than tasks, a task that waits for one not yet started would wait for ever.
WAITING_METHODS = frozenset(
    {"wait", "wait_for", "get", "put", "join", "acquire", "recv", "recv_bytes", "send",
     "send_bytes", "accept", "notify", "notify_all", "release"}
)  # fmt: skip
SYNC_CONSTRUCTORS = ("threading.Barrier", "multiprocessing.Barrier")
# One level of indentation in a plan's code, replaced by the module's own when the fix is
# applied (a private-use character: no source that parlint rewrites contains it).
INDENT = "\ue000"


@dataclass(frozen=True)
class ExecutorRewrite:
    first: Location  # the first statement of the run replaced
    last: Location  # the last statement of the run (its start)
    drop: tuple[Location, ...]  # statements deleted elsewhere in the block (`threads = []`)
    code: str  # the replacement, INDENT marking each level of indentation
    executor: str  # e.g. `ThreadPoolExecutor`: imported from concurrent.futures when `add_import`
    add_import: bool
    # The import of the worker's constructor (module, name, asname): removed if the rewrite
    # leaves its name unread; `old_import_reads` is where the checked text reads it.
    old_import: Optional[tuple[str, Optional[str], Optional[str]]]
    old_import_reads: Reads = ()

    @property
    def title(self) -> str:
        return f"Use a `{self.executor.rsplit('.', 1)[-1]}`"


@dataclass(frozen=True)
class RunLines:
    """The rewrite as whole lines of text, when every statement it touches has its lines to
    itself: rows `first`..`end` are replaced, each (start, end) of `drops` deleted, and the
    new code is indented with `indent` (the block's) and `unit` per level (the file's, as
    libcst would take it from the enclosing top-level statement)."""

    first: int
    end: int
    indent: str
    unit: str
    drops: tuple[tuple[int, int], ...]


def run_lines(
    source: SourceText, first: ast.stmt, last: ast.stmt, drops: Sequence[ast.stmt]
) -> Optional[RunLines]:
    """`RunLines` for replacing `first`..`last` and deleting `drops`, or None when a statement
    shares a line, the run is at module level, or the file ends on its last line."""
    top: ast.AST = first
    while not isinstance(parent(top), ast.Module):
        owner = parent(top)
        if owner is None:
            return None
        top = owner
    if top is first or not isinstance(top, _COMPOUND) or not top.body:
        return None
    unit = opening_whitespace(source, top.body[0])
    indent = opening_whitespace(source, first)
    end = last.end_lineno or last.lineno
    if unit is None or indent is None or end >= source.line_count:
        return None
    if not source.ends_line(last, comment_ok=False):
        return None
    spans = []
    for drop in drops:
        if opening_whitespace(source, drop) is None or not source.ends_line(drop):
            return None
        spans.append((drop.lineno, drop.end_lineno or drop.lineno))
    for start, stop in [(first.lineno, end), *spans]:
        for row in range(start, stop + 1):
            line = source.line_with_ending(row)
            if "\f" in line or line[len(line.rstrip("\r\n")) :] != source.newline:
                return None  # a form feed, or another line ending: PlainText maps those
    return RunLines(first.lineno, end, indent, unit, tuple(spans))


def text_rewrite(
    source: SourceText, plan: ExecutorRewrite, lines: RunLines, comments: Sequence[str]
) -> tuple[Edit, ...]:
    """The edits of `plan` as whole lines (see `RunLines`)."""
    newline = source.newline
    edits = [Edit("", Location(start, 1), Location(end + 1, 1)) for start, end in lines.drops]
    text = "".join(f"{lines.indent}{comment}{newline}" for comment in comments)
    for line in plan.code.replace(INDENT, lines.unit).split("\n")[:-1]:
        text += (lines.indent + line if line else "") + newline
    edits.append(Edit(text, Location(lines.first, 1), Location(lines.end + 1, 1)))
    return tuple(edits)


_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor,
             ast.While, ast.With, ast.AsyncWith, ast.Try)  # fmt: skip


def opening_whitespace(source: SourceText, stmt: ast.stmt) -> Optional[str]:
    """The whitespace before `stmt` on its first line, when nothing else is there (and no
    form feed, which PlainText handles)."""
    prefix = source.text_before(stmt)
    return None if prefix.strip() or "\f" in prefix else prefix


def submit_arguments(source: SourceText, worker: Worker) -> Optional[list[str]]:
    """`Thread(target=f, args=(a, b), kwargs={"k": v})` as `["f", "a", "b", "k=v"]`, or None
    when the constructor has anything the executor cannot express (a name, positional
    arguments, `*args`, `**kwargs` that are not literals)."""
    call = worker.call
    if call.args or worker.subclass is not None:
        return None
    target: Optional[ast.expr] = None
    positional: list[str] = []
    named: list[str] = []
    for keyword in call.keywords:
        value = keyword.value
        if keyword.arg == "target":
            target = value
        elif keyword.arg == "args":
            if not isinstance(value, (ast.Tuple, ast.List)):
                return None
            if any(isinstance(e, ast.Starred) for e in value.elts):
                return None
            positional = [source.segment(e) for e in value.elts]
        elif keyword.arg == "kwargs":
            if not isinstance(value, ast.Dict):
                return None
            for key, item in zip(value.keys, value.values, strict=True):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return None
                if not key.value.isidentifier():
                    return None
                named.append(f"{key.value}={source.segment(item)}")
        elif keyword.arg == "daemon":
            continue  # an executor's workers are joined by the `with` block
        else:
            return None  # name=, group=, ...: nothing to carry them to
    if target is None or not isinstance(target, (ast.Name, ast.Attribute)):
        return None
    return [source.segment(target), *positional, *named]


def may_wait_on_others(model: ConcurrencyModel, function: ast.AST) -> bool:
    """Whether a task (this function and those of the module it calls) may block on another
    task: a barrier, an event, a queue, a lock acquired by hand, a pipe."""
    seen: set[int] = set()
    stack = [function]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for node in ast.walk(current):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            qual = model.resolve(func, node)
            if qual is not None and qual.startswith(SYNC_CONSTRUCTORS):
                return True
            if isinstance(func, ast.Attribute) and func.attr in WAITING_METHODS:
                # `requests.get(...)` is a module's function, not a queue's method, and
                # `counts.get(k, 0)` reads a dict.
                receiver = func.value.id if isinstance(func.value, ast.Name) else None
                modules, mappings = _module_facts(model)
                if receiver in modules or (func.attr == "get" and receiver in mappings):
                    continue
                return True
            callee = model.function_named(func, node)
            if callee is not None:
                stack.append(callee)
    return False


def _module_facts(model: ConcurrencyModel) -> tuple[set[str], set[str]]:
    """Imported module names and plain dict names: computed once per model."""
    cached = model.__dict__.get("_parlint_module_facts")
    if cached is None:
        modules = imported_modules(model.tree)
        dicts, other = mapping_names(model, model.tree)
        if model.rest is not None:
            modules |= model.rest.imported_modules()
            rest_dicts, rest_other = model.rest.mapping_names()
            dicts, other = dicts | rest_dicts, other | rest_other
        cached = (modules, dicts - other)
        model.__dict__["_parlint_module_facts"] = cached
    return cached  # type: ignore[no-any-return]


MAPPING_FACTORIES = frozenset(
    {"builtins.dict", "collections.defaultdict", "collections.OrderedDict", "collections.Counter"}
)


def mapping_names(model: ConcurrencyModel, tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names bound to a dict (a display, a comprehension, `dict()`, `defaultdict()` ...) in
    `tree`, and names bound to anything else: a name only ever bound to a dict anywhere in
    the module is a plain mapping, whose `get` never blocks."""
    dicts: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            owner = simple_assignment_value(node)
            if isinstance(owner, (ast.Dict, ast.DictComp)) or (
                isinstance(owner, ast.Call)
                and model.resolve(owner.func, owner) in MAPPING_FACTORIES
            ):
                dicts.add(node.id)
            else:
                other.add(node.id)
        elif isinstance(node, ast.arg):
            other.add(node.arg)
    return dicts, other


def imported_modules(tree: ast.AST) -> set[str]:
    """Local names bound by `import x` / `import x as y` anywhere in the module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.asname or alias.name.split(".")[0])
    return names


def executor_spelling(model: ConcurrencyModel, kind: WorkerKind) -> Optional[tuple[str, bool]]:
    """How this module names the executor for `kind`, and whether an import must be added."""
    name = EXECUTORS[kind]
    wanted = f"concurrent.futures.{name}"
    scope = model.names.module_scope
    for local, qual in sorted(scope.qualified.items()):
        if qual == wanted and local not in scope.untrusted:
            return local, False
    for local, qual in sorted(scope.qualified.items()):
        if qual == "concurrent.futures" and local not in scope.untrusted:
            return f"{local}.{name}", False
    if name in scope.bound:
        return None  # the name means something else here
    return name, True


def worker_import(
    model: ConcurrencyModel, worker: Worker
) -> Optional[tuple[str, Optional[str], Optional[str]]]:
    """The import that brought the worker's constructor, to remove if the rewrite leaves it
    unused (checked when the fix is built: `still_used`)."""
    func = worker.call.func
    scope = model.names.module_scope
    if isinstance(func, ast.Name):
        source = scope.qualified.get(func.id)
        if source is None or "." not in source:
            return None
        module, name = source.rsplit(".", 1)
        return module, name, func.id if func.id != name else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        source = scope.qualified.get(func.value.id)
        if source is not None and source == func.value.id:
            return source, None, None
    return None


def comments_between(
    source: SourceText, first: ast.stmt, last: ast.stmt, keep: tuple[range, ...] = ()
) -> list[str]:
    """The comments inside the statements `first`..`last` (they would be lost otherwise),
    except those on the rows in `keep` (code the rewrite carries over as it is) and the one
    ending the last row when a statement the rewrite keeps shares that row."""
    start = source.line_start(first.lineno)
    end_row = last.end_lineno or last.lineno
    if _followed_on_row(last, end_row):
        keep = (*keep, range(end_row, end_row + 1))
    end = source.line_start(end_row + 1) if end_row < source.line_count else len(source.text)
    text = source.text[start:end]
    found: list[str] = []
    if "#" not in text:
        return found
    try:
        for token in python_tokens(text):
            row = token.start[0] + first.lineno - 1
            if token.type == tokenize.COMMENT and not any(row in kept for kept in keep):
                found.append(token.string)
    except (tokenize.TokenError, IndentationError):
        return found
    return found


def _followed_on_row(stmt: ast.stmt, row: int) -> bool:
    """Whether the statement after `stmt` in its block starts on `row` (`c.join(); print()`)."""
    found = containing_block(stmt)
    if found is None:
        return False
    block, index = found
    return index + 1 < len(block) and block[index + 1].lineno == row


def apply_executor_rewrite(
    fctx: FixContext, plan: ExecutorRewrite, comments: tuple[str, ...] = ()
) -> Optional[cst.Module]:
    import libcst as cst

    from parlint.fixes.cst import RunReplacer

    first = fctx.find_statement(plan.first)
    last = fctx.find_statement(plan.last)
    drops = [fctx.find_statement(loc) for loc in plan.drop]
    if first is None or last is None or any(d is None for d in drops):
        return None
    code = plan.code.replace(INDENT, fctx.module.default_indent)
    replacement = list(cst.parse_module(code).body)
    hoisted = [cst.EmptyLine(comment=cst.Comment(c)) for c in comments]
    kept_drops = tuple(d for d in drops if d is not None)
    rewriter = RunReplacer(first, last, kept_drops, replacement, hoisted)
    module = fctx.module.visit(rewriter)
    if not rewriter.done:
        return None
    add = [("concurrent.futures", plan.executor)] if plan.add_import else []
    remove = [(plan.old_import, plan.old_import_reads)] if plan.old_import is not None else []
    return fctx.change_imports(module, add, remove)
