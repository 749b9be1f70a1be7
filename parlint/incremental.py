"""Checking an edited file again by analysing only the top-level statements the edit touched.

After a full check the file's findings are kept per top-level statement (function, class or
module-level statement). An edit re-parses only the statements it touched (parlint.splice),
and when nothing else in the module can see the difference, only those statements are
analysed again: with the module-level statements and the definitions they reach, which is
all the analysis of a statement reads. The findings of the other statements are kept (moved
down or up when the edit added or removed rows).

"Nothing else can see the difference" is decided conservatively, from what the analysis
passes between top-level statements:
- the names the edited statements define are used nowhere else (no caller, no subclass, no
  hand-off of them elsewhere in the module);
- the functions and classes they use are not told anything new: the edited code hands the
  same tasks off in the same way (a task's body is checked with the threads that run it),
  gets no worker or pool back from them, runs no task code of its own that calls them, and
  builds no Thread/Process subclass of theirs;
- they share no module-level variable with other functions (stop flags, shared counters
  and iterators are judged from every function that touches them);
- module-level code changes only where nothing depends on the module's layout (no finding
  whose fix rewrites module-level code), and no fresh name a fix picked is affected.
Anything else, and any edit that does not parse on its own, is checked in full.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Optional

from parlint.analysis.model import RestOfModule
from parlint.analysis.scopes import all_identifiers
from parlint.analysis.task_effects import (
    EffectAnalysis,
    function_by_qualname,
    runs_concurrently,
    waited_for_at_once,
)
from parlint.fixes.to_executor import imported_modules, mapping_names
from parlint.ftypes import Diagnostic, Location, Related
from parlint.source import SourceText
from parlint.splice import Splice, first_row, last_row, shift

if TYPE_CHECKING:
    from parlint.analysis.model import ConcurrencyModel
    from parlint.config import Settings

_WORD = re.compile(r"[^\W\d]\w*")
_LINE_MENTION = re.compile(r"\bline (\d+)\b")
_GLOBAL_DECLARATION = re.compile(r"\bglobal\s+([^\W\d]\w*(?:\s*,\s*[^\W\d]\w*)*)")
# Names fixes pick fresh from the whole module when a finding is made (`lock`, `lock_2`):
# an edit that adds or removes one can change the fix of a finding elsewhere.
_FRESH_NAMES = re.compile(r"(?:lock|threads|processes|executor|futures|future)(?:_\d+)?")
# Methods whose call may end another function's worker (see analysis.ownership).
_SIGNAL_WORDS = frozenset(
    {"set", "put", "put_nowait", "cancel", "stop", "shutdown", "close", "terminate", "kill",
     "clear", "release", "notify", "notify_all", "quit", "exit", "send", "abort"}
)  # fmt: skip
# Findings whose fix rewrites module-level code, or judges the module's layout.
LAYOUT_CODES = frozenset({"PAR402", "PAR601", "PAR701"})
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_INERT_STATEMENTS = (ast.Assign, ast.AnnAssign, ast.Pass)
_ACTIVE_NODES = (
    ast.Call, ast.Lambda, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
)  # fmt: skip


@dataclass(frozen=True)
class Rederive:
    """The fix data of a finding kept through an edit that moved its rows: the fix is
    planned again, from a full check of the text, when it is asked for."""


@dataclass(eq=False)
class Record:
    """One top-level statement: what analysed it last, and the findings in it."""

    node: ast.stmt
    model: ConcurrencyModel
    diagnostics: list[Diagnostic]
    # Its part of the module-wide facts (see `rest_of_module`), computed when first needed.
    facts: dict[str, Any] = field(default_factory=dict)

    def fact(self, key: str, compute: Callable[[Record], Any]) -> Any:
        if key not in self.facts:
            self.facts[key] = compute(self)
        return self.facts[key]


def rest_of_module(records: list[Record]) -> RestOfModule:
    """The module-wide facts of the statements a partial model leaves out."""

    def identifiers() -> set[str]:
        found: set[str] = set()
        for record in records:
            found |= record.fact("identifiers", lambda r: all_identifiers(r.node))
        return found

    def modules() -> set[str]:
        found: set[str] = set()
        for record in records:
            found |= record.fact("modules", lambda r: imported_modules(r.node))
        return found

    def mappings() -> tuple[set[str], set[str]]:
        dicts: set[str] = set()
        other: set[str] = set()
        for record in records:
            more, less = record.fact("mappings", lambda r: mapping_names(r.model, r.node))
            dicts |= more
            other |= less
        return dicts, other

    return RestOfModule(identifiers, modules, mappings)


@dataclass(eq=False)
class FileState:
    """What the last check of a file left for the next one."""

    settings: Settings
    lines: list[str]
    tree: ast.Module
    records: list[Record]
    layout_sensitive: bool
    # Importing the module does work (see `guard_plan`): fixes weigh the whole module.
    import_work: bool = False
    # By how many rows the nodes of a top-level statement (by id) lag behind the text: the
    # statements after an edit are moved only when something reads their rows.
    lags: dict[int, int] = field(default_factory=dict)
    # A state's tree is reused by the next check: a state is used once.
    used: bool = False

    def lag(self, stmt: ast.stmt) -> int:
        return self.lags.get(id(stmt), 0)

    def rows(self, stmt: ast.stmt) -> tuple[int, int]:
        lag = self.lags.get(id(stmt), 0)
        return first_row(stmt) + lag, last_row(stmt) + lag

    def settle(self, stmt: ast.stmt) -> None:
        """Move the statement's nodes to their rows in the text."""
        lag = self.lags.pop(id(stmt), 0)
        if lag:
            shift(stmt, lag)


def carried_lags(state: FileState, spliced: Splice) -> dict[int, int]:
    """The lags of the spliced tree's statements: those after the edit lag `delta` more."""
    body = spliced.tree.body
    start, end = spliced.new_range
    lags = {id(s): state.lag(s) for s in body[:start] if state.lag(s)}
    for stmt in body[end:]:
        lag = state.lag(stmt) + spliced.delta
        if lag:
            lags[id(stmt)] = lag
    return lags


@dataclass
class Plan:
    """How to check the spliced text: the statements to analyse (the edited ones, and the
    part of the module their analysis reads), the findings kept."""

    splice: Splice
    module: ast.Module
    rows: tuple[int, int]  # of the edited statements, in the new text
    old: list[ast.stmt]
    new: list[ast.stmt]
    touched: bool  # the edited code uses functions or classes of the rest of the module
    kept: list[Diagnostic]
    kept_records: list[Record]


def build_state(
    settings: Settings,
    lines: list[str],
    tree: ast.Module,
    model: ConcurrencyModel,
    diagnostics: list[Diagnostic],
    layout_sensitive: bool,
    import_work: bool,
) -> Optional[FileState]:
    """The state after a full check, or None when a finding lies outside every statement."""
    records = [Record(stmt, model, []) for stmt in tree.body]
    firsts = [first_row(stmt) for stmt in tree.body]
    for diagnostic in diagnostics:
        index = bisect.bisect_right(firsts, diagnostic.location.row) - 1
        if index < 0 or diagnostic.end_location.row > last_row(tree.body[index]):
            return None
        records[index].diagnostics.append(diagnostic)
    return FileState(settings, lines, tree, records, layout_sensitive, import_work)


def mentions(text: str, name: str) -> Iterator[int]:
    """The character offsets where `name` appears as a word in `text`."""
    for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
        yield match.start()


def plan(
    state: FileState, splice: Splice, source: SourceText, incoming: frozenset[str]
) -> Optional[Plan]:
    """The partial check of the spliced text, or None when it must be checked in full.

    `incoming` holds the functions of this module other modules hand to threads/processes."""
    old_start, old_end = splice.old_range
    new_start, new_end = splice.new_range
    old = [r.node for r in state.records[old_start:old_end]]
    for stmt in old:
        state.settle(stmt)  # they leave the tree: their rows are read, not kept
    new = splice.tree.body[new_start:new_end]
    if not new and not old:
        return None
    lines = splice.lines
    new_text = source.text
    # Rows of the edited statements, in the old and the new text.
    old_rows = (_first(old, splice.changed_old[0]), _last(old, splice.changed_old[0] - 1))
    new_rows = (_first(new, splice.changed_new[0]), _last(new, splice.changed_new[0] - 1))
    changed_old_text = "".join(state.lines[old_rows[0] - 1 : old_rows[1]])
    changed_new_text = "".join(lines[new_rows[0] - 1 : new_rows[1]])
    if state.import_work or "set_start_method" in source.text:
        return None  # module-wide judgements the partial model cannot make
    if "noqa" in changed_old_text or "noqa" in changed_new_text:
        return None  # a suppression can reach beyond its statement (a file-level one)
    old_words = set(_WORD.findall(changed_old_text))
    new_words = set(_WORD.findall(changed_new_text))
    if "global" in old_words | new_words or "globals" in old_words | new_words:
        return None  # the edited code writes module-level names
    if any(_FRESH_NAMES.fullmatch(w) for w in old_words ^ new_words):
        return None  # fixes elsewhere may pick another fresh name
    module_code = [s for s in [*old, *new] if not isinstance(s, _DEFINITIONS)]
    if module_code and (state.layout_sensitive or not all(map(_inert, module_code))):
        return None
    defined = _defined(old) | _defined(new)
    # Nobody else uses what the edited statements define.
    region = source.rows_span(new_rows[0], new_rows[1])
    for name in defined:
        if any(not region[0] <= at < region[1] for at in mentions(new_text, name)):
            return None
    # Findings elsewhere must not point into the edited rows.
    kept_records = state.records[:old_start] + state.records[old_end:]
    for record in kept_records:
        for diagnostic in record.diagnostics:
            if any(old_rows[0] <= r <= old_rows[1] for r in _rows(diagnostic)):
                return None
    # What the rest of the module binds, and who shares it.
    body = splice.tree.body
    lags = carried_lags(state, splice)
    kept_nodes = body[:new_start] + body[new_end:]
    bindings = _module_bindings(kept_nodes)
    shared = _shared_variables(new_text)
    used = (old_words | new_words) - defined
    sends = _sends_signals(old) or _sends_signals(new)
    for name in used:
        statements = bindings.get(name)
        if statements is None:
            continue
        kinds = {kind for kind, _ in statements}
        if "variable" in kinds or name in shared or (sends and "from-import" in kinds):
            if _used_outside(name, source, new_rows, statements, lags):
                return None
    touched = [
        stmt for name in used for kind, stmt in bindings.get(name, ()) if kind == "definition"
    ]
    for stmt in touched:
        found = _record_of(state, stmt)
        if found is None or _holds_objects(found.model, stmt):
            return None  # a worker or pool it hands back: who owns it depends on the caller
        if _is_worker_class(found.model, stmt):
            return None
    if touched and _runs_task_code(state, old, incoming):
        return None
    module = _partial_module(body, new_start, new_end, bindings, new_words)
    kept = [d for r in kept_records for d in r.diagnostics]
    return Plan(splice, module, new_rows, old, new, bool(touched), kept, kept_records)


def confirm(
    state: FileState, plan: Plan, model: ConcurrencyModel, incoming: frozenset[str]
) -> bool:
    """After the partial analysis: whether the functions the edited code uses are told the
    same as before (the same hand-offs, no new task code that calls them)."""
    if not plan.touched:
        return True
    before: list[tuple[object, ...]] = []
    for record in state.records:
        if any(record.node is stmt for stmt in plan.old):
            before.extend(handoff_signature(record.model, [record.node]))
    if sorted(before, key=repr) != handoff_signature(model, plan.new):
        return False
    return not _model_runs_task_code(model, plan.new, incoming, state.settings)


def _first(statements: list[ast.stmt], default: int) -> int:
    return first_row(statements[0]) if statements else default


def _last(statements: list[ast.stmt], default: int) -> int:
    return last_row(statements[-1]) if statements else default


def _inert(stmt: ast.stmt) -> bool:
    """A module-level statement that does no work when the module is imported (see
    `guard_plan`)."""
    if isinstance(stmt, ast.Expr):
        return isinstance(stmt.value, ast.Constant)
    if not isinstance(stmt, _INERT_STATEMENTS):
        return False
    for node in ast.walk(stmt):
        if isinstance(node, _ACTIVE_NODES):
            return False
        if isinstance(node, ast.Name) and node.id == "__all__":
            return False
    return True


def _defined(statements: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for stmt in statements:
        names.update(name for _, name in _bound_names(stmt))
    return names


def _bound_names(stmt: ast.stmt) -> Iterator[tuple[str, str]]:
    """(kind, name) of each module-level name a top-level statement binds: `definition`
    (def, class), `import` (a module), `from-import`, `variable` (anything else)."""
    if isinstance(stmt, _DEFINITIONS):
        yield "definition", stmt.name
        return
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        if isinstance(node, _DEFINITIONS):
            yield "definition", node.name
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield "import", (alias.asname or alias.name).split(".")[0]
            continue
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                yield "from-import", alias.asname or alias.name
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            yield "variable", node.id
        elif isinstance(node, ast.ExceptHandler) and node.name:
            yield "variable", node.name
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            yield "variable", node.name
        elif isinstance(node, ast.MatchMapping) and node.rest:
            yield "variable", node.rest
        if not isinstance(node, ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _module_bindings(statements: list[ast.stmt]) -> dict[str, list[tuple[str, ast.stmt]]]:
    bindings: dict[str, list[tuple[str, ast.stmt]]] = {}
    for stmt in statements:
        for kind, name in _bound_names(stmt):
            bindings.setdefault(name, []).append((kind, stmt))
    return bindings


def _shared_variables(text: str) -> set[str]:
    """Names some function declares `global`: module state whoever binds it."""
    found: set[str] = set()
    if "global" not in text:
        return found
    for match in _GLOBAL_DECLARATION.finditer(text):
        found.update(n.strip() for n in match.group(1).split(","))
    return found


def _used_outside(
    name: str,
    source: SourceText,
    rows: tuple[int, int],
    statements: list[tuple[str, ast.stmt]],
    lags: dict[int, int],
) -> bool:
    """Whether `name` appears outside the edited rows and the statements that bind it."""
    spans = [rows]
    for _, stmt in statements:
        lag = lags.get(id(stmt), 0)
        spans.append((first_row(stmt) + lag, last_row(stmt) + lag))
    for offset in mentions(source.text, name):
        row = source.row_at(offset)
        if not any(first <= row <= last for first, last in spans):
            return True
    return False


def _sends_signals(statements: list[ast.stmt]) -> bool:
    """Whether the code may end a worker that another function started (see
    analysis.ownership): a call of a stop-like method, a constant stored in an attribute."""
    for stmt in statements:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Attribute) and node.attr in _SIGNAL_WORDS:
                return True
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                if any(isinstance(t, ast.Attribute) for t in node.targets):
                    return True
    return False


def _record_of(state: FileState, stmt: ast.stmt) -> Optional[Record]:
    for record in state.records:
        if record.node is stmt:
            return record
    return None


def _holds_objects(model: ConcurrencyModel, stmt: ast.stmt) -> bool:
    first, last = first_row(stmt), last_row(stmt)
    calls = [w.call for w in model.workers] + [p.call for p in model.pools]
    return any(first <= call.lineno <= last for call in calls)


def _is_worker_class(model: ConcurrencyModel, stmt: ast.stmt) -> bool:
    return any(c.node is stmt for c in model.worker_classes.values())


def _runs_task_code(state: FileState, statements: list[ast.stmt], incoming: frozenset[str]) -> bool:
    models = {id(r.model): r.model for r in state.records if any(r.node is s for s in statements)}
    return any(
        _model_runs_task_code(m, statements, incoming, state.settings) for m in models.values()
    )


def _model_runs_task_code(
    model: ConcurrencyModel,
    statements: list[ast.stmt],
    incoming: frozenset[str],
    settings: Settings,
) -> bool:
    """Whether some function defined in `statements` runs as a task (handed off anywhere in
    the module, or by another module)."""
    spans = [(first_row(s), last_row(s)) for s in statements]

    def inside(node: Optional[ast.AST]) -> bool:
        row = getattr(node, "lineno", None)
        return row is not None and any(first <= row <= last for first, last in spans)

    # Only a hand-off inside the statements, or one naming a function or class they define,
    # can run one of their functions.
    names = {
        node.name
        for stmt in statements
        for node in ast.walk(stmt)
        if isinstance(node, _DEFINITIONS)
    }
    effects = EffectAnalysis(model, settings)
    for handoff in model.handoffs:
        subclass = handoff.worker.subclass if handoff.worker is not None else None
        if subclass is not None and inside(subclass.node):
            return True
        task = handoff.task
        if task is None or not (inside(handoff.call) or _names_any(task, names)):
            continue
        if inside(effects.task_function(handoff)):
            return True
    return any(inside(function_by_qualname(model, name)) for name in incoming)


def _names_any(expr: ast.AST, names: set[str]) -> bool:
    for node in ast.walk(expr):
        if isinstance(node, ast.Name) and node.id in names:
            return True
        if isinstance(node, ast.Attribute) and node.attr in names:
            return True
    return False


def handoff_signature(
    model: ConcurrencyModel, statements: list[ast.stmt]
) -> list[tuple[object, ...]]:
    """How the statements hand tasks off: what the tasks' own checks read of it."""
    spans = [(first_row(s), last_row(s)) for s in statements]
    found = []
    for handoff in model.handoffs:
        call = handoff.call
        if not any(first <= call.lineno <= last for first, last in spans):
            continue
        found.append(
            (
                call.lineno,
                call.col_offset,
                call.end_lineno,
                call.end_col_offset,
                ast.dump(call),
                handoff.api,
                handoff.method,
                handoff.on_threads,
                runs_concurrently(handoff, model),
                waited_for_at_once(handoff, model),
            )
        )
    return sorted(found, key=repr)


def _partial_module(
    body: list[ast.stmt],
    start: int,
    end: int,
    bindings: dict[str, list[tuple[str, ast.stmt]]],
    seed: Iterable[str],
) -> ast.Module:
    """The edited statements, every module-level statement that is not a definition, and
    the definitions the edited code reaches (transitively), in source order."""
    keep: set[int] = {id(s) for s in body[start:end]}
    keep.update(id(s) for s in body if not isinstance(s, _DEFINITIONS))
    followed: set[int] = set()
    pending = list(seed)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for _, stmt in bindings.get(name, ()):
            if id(stmt) not in followed:
                followed.add(id(stmt))
                keep.add(id(stmt))
                pending.extend(_statement_words(stmt))
    return ast.Module(body=[s for s in body if id(s) in keep], type_ignores=[])


def _statement_words(stmt: ast.stmt) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return found


def _rows(diagnostic: Diagnostic) -> Iterator[int]:
    yield diagnostic.location.row
    yield diagnostic.end_location.row
    for related in diagnostic.related:
        if related.filename is None:
            yield related.location.row
            yield related.end_location.row


def moved(diagnostic: Diagnostic, after_row: int, delta: int, whole_module: bool) -> Diagnostic:
    """A kept finding with the rows after `after_row` moved by `delta`; its fix is planned
    again when asked for (its plan holds rows)."""
    if not delta:
        return diagnostic

    def row(value: int) -> int:
        return value + delta if value > after_row else value

    def location(value: Location) -> Location:
        return Location(row(value.row), value.column) if value.row > after_row else value

    def text(value: str) -> str:
        return _LINE_MENTION.sub(lambda m: f"line {row(int(m.group(1)))}", value)

    shifted = diagnostic.location.row > after_row
    if not shifted and not whole_module and not any(r > after_row for r in _rows(diagnostic)):
        return diagnostic
    related = tuple(
        r if r.filename is not None
        else Related(text(r.message), location(r.location), location(r.end_location), None)
        for r in diagnostic.related
    )  # fmt: skip
    return replace(
        diagnostic,
        message=text(diagnostic.message),
        location=location(diagnostic.location),
        end_location=location(diagnostic.end_location),
        related=related,
        fix_title=text(diagnostic.fix_title) if diagnostic.fix_title else None,
        noqa_row=row(diagnostic.noqa_row) if diagnostic.noqa_row is not None else None,
        fix_data=Rederive() if diagnostic.fix_data is not None else None,
        alternatives=tuple((title, Rederive()) for title, _ in diagnostic.alternatives),
        fix_scope=None,
    )
