"""What becomes of the value a hand-off returns: the future of `submit()`, the iterator of
`executor.map()`, the result object of `apply_async()`, the future of `run_in_executor()`.

The task's exception is stored in that value. It is seen only if someone reads the value:
iterates it, asks for its result, awaits it, hands it to code that may do so. A value that is
thrown away, or kept in a variable that is only printed, logged, counted or compared, is
never read, and the exception vanishes.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from parlint.analysis.model import ConcurrencyModel, Handoff
from parlint.analysis.reaching import reaching_bindings
from parlint.analysis.scopes import Scope, parent
from parlint.analysis.stdlib import HARMLESS_CALLS, LOGGING_METHODS

# `log`, `logger`, `_LOG`, `audit_log`, `self._logger`: how code names its loggers.
_LOGGER_NAME = re.compile(r"_*(?:\w+_)?(?:log|logger)", re.IGNORECASE)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp)


class Fate(str, enum.Enum):
    DISCARDED = "discarded"  # an expression statement: nobody ever holds it
    UNREAD = "unread"  # kept in a variable that no code reads for its outcome
    READ = "read"  # possibly read (iterated, awaited, passed on ...): not reported


@dataclass(frozen=True)
class ResultUse:
    fate: Fate
    # The variable that keeps an unread value, and whether anything mentions it at all
    # (only then can a fix consume it without changing what the program prints).
    name: Optional[str] = None
    mentioned: bool = False


READ = ResultUse(Fate.READ)


def result_uses(model: ConcurrencyModel, handoffs: Iterable[Handoff]) -> dict[int, ResultUse]:
    """For each of `handoffs` (by id of its call): what the code does with the value it
    returns.

    One pass per scope that keeps such values in variables (a generated module with
    thousands of `f = executor.submit(...)` costs no more per line than a small one)."""
    uses: dict[int, ResultUse] = {}
    kept: dict[int, list[tuple[Handoff, ast.Name]]] = {}
    scopes: dict[int, Scope] = {}
    for handoff in handoffs:
        holder, owner = _holder(handoff.call)
        if isinstance(owner, ast.Expr):
            uses[id(handoff.call)] = ResultUse(Fate.DISCARDED)
            continue
        target = (
            _single_name_target(owner)
            if isinstance(owner, (ast.Assign, ast.AnnAssign)) and owner.value is holder
            else None
        )
        if target is None:
            uses[id(handoff.call)] = READ
            continue
        scope = model.names.enclosing_scope(holder)
        scopes[id(scope)] = scope
        kept.setdefault(id(scope), []).append((handoff, target))
    for key, kept_here in kept.items():
        variables = _ScopeVariables(scopes[key], {target.id for _, target in kept_here})
        for handoff, target in kept_here:
            uses[id(handoff.call)] = variables.fate(target, model)
    return uses


def _holder(call: ast.Call) -> tuple[ast.expr, Optional[ast.AST]]:
    """The expression whose value the code keeps: the call, or the comprehension of which
    it is the element (the list of futures), and that expression's parent."""
    holder: ast.expr = call
    owner = parent(holder)
    if isinstance(owner, _COMPREHENSIONS) and owner.elt is holder:
        holder, owner = owner, parent(owner)
    elif isinstance(owner, ast.DictComp) and holder in (owner.key, owner.value):
        holder, owner = owner, parent(owner)
    return holder, owner


def _single_name_target(assign: ast.Assign | ast.AnnAssign) -> Optional[ast.Name]:
    targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
    if len(targets) == 1 and isinstance(targets[0], ast.Name):
        return targets[0]
    return None


class _ScopeVariables:
    """The reads of some variables of one scope, and which assignment each read may see."""

    def __init__(self, scope: Scope, names: set[str]) -> None:
        self.scope = scope
        self.loads: dict[str, list[ast.Name]] = {}
        for node in scope.nodes:
            if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
                self.loads.setdefault(node.id, []).append(node)
        self.reaching = reaching_bindings(scope.node, set(self.loads)) if self.loads else {}
        self.nested = _read_in_nested_scopes(scope, names)

    def fate(self, target: ast.Name, model: ConcurrencyModel) -> ResultUse:
        name, scope = target.id, self.scope
        if name in scope.global_names or name in scope.nonlocal_names:
            return READ  # other functions see it
        if isinstance(scope.node, ast.ClassDef) or name in self.nested:
            return READ
        mentioned = False
        for load in self.loads.get(name, ()):
            sites = self.reaching.get(id(load))
            if sites is not None and id(target) not in sites:
                continue  # reads another value bound to the same name
            mentioned = True
            if not _looks_without_reading(load, model):
                return READ
        return ResultUse(Fate.UNREAD, name, mentioned)


def _read_in_nested_scopes(scope: Scope, names: set[str]) -> set[str]:
    found: set[str] = set()
    stack = list(scope.children)
    while stack:
        child = stack.pop()
        stack.extend(child.children)
        found.update(n.id for n in child.nodes if isinstance(n, ast.Name) and n.id in names)
    return found


def _looks_without_reading(load: ast.Name, model: ConcurrencyModel) -> bool:
    """A use that shows or tests the value without iterating it or asking for its outcome:
    `print(x)`, `log.info("%s", x)`, `len(x)`, `f"{x}"`, `x is None`, `if x:`."""
    owner = parent(load)
    if isinstance(owner, (ast.FormattedValue, ast.Compare, ast.BoolOp, ast.Expr)):
        return True
    if isinstance(owner, ast.UnaryOp) and isinstance(owner.op, ast.Not):
        return True
    if isinstance(owner, (ast.If, ast.While, ast.IfExp)) and owner.test is load:
        return True
    if isinstance(owner, ast.BinOp) and isinstance(owner.op, ast.Mod) and owner.right is load:
        return _is_text(owner.left)  # "%s" % x
    if isinstance(owner, ast.Call) and load in owner.args:
        if model.resolve(owner.func, owner) in HARMLESS_CALLS:
            return True
        return _is_logging_call(owner, model)
    return False


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _is_logging_call(call: ast.Call, model: ConcurrencyModel) -> bool:
    """`logging.info(...)`, `log.warning(...)`, `self.logger.debug(...)`: a logger's method
    on the `logging` module or on an object whose name says it is a logger."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in LOGGING_METHODS):
        return False
    receiver = func.value
    if model.resolve(receiver, call) == "logging":
        return True
    if isinstance(receiver, ast.Call):
        return model.resolve(receiver.func, call) == "logging.getLogger"
    last = receiver.attr if isinstance(receiver, ast.Attribute) else None
    if isinstance(receiver, ast.Name):
        last = receiver.id
    return last is not None and _LOGGER_NAME.fullmatch(last) is not None
