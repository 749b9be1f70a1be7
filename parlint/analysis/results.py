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
from dataclasses import dataclass
from typing import Optional

from parlint.analysis.model import ConcurrencyModel, Handoff
from parlint.analysis.reaching import reaching_bindings
from parlint.analysis.scopes import Scope, parent
from parlint.analysis.stdlib import HARMLESS_CALLS

# Methods of a logger: they format their arguments, never iterate or wait for them.
_LOGGING_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
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


def result_use(handoff: Handoff, model: ConcurrencyModel) -> ResultUse:
    """What the code does with the value of `handoff.call` (one per element when the call is
    the element of a comprehension: the list of futures is what the code keeps)."""
    holder: ast.expr = handoff.call
    owner = parent(holder)
    if isinstance(owner, _COMPREHENSIONS) and owner.elt is holder:
        holder, owner = owner, parent(owner)
    elif isinstance(owner, ast.DictComp) and holder in (owner.key, owner.value):
        holder, owner = owner, parent(owner)
    if isinstance(owner, ast.Expr):
        return ResultUse(Fate.DISCARDED)
    if not (
        isinstance(owner, (ast.Assign, ast.AnnAssign))
        and owner.value is holder
        and _single_name_target(owner) is not None
    ):
        return READ
    target = _single_name_target(owner)
    assert target is not None
    scope = model.names.enclosing_scope(holder)
    return _fate_of_variable(target, scope, model)


def _single_name_target(assign: ast.Assign | ast.AnnAssign) -> Optional[ast.Name]:
    targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
    if len(targets) == 1 and isinstance(targets[0], ast.Name):
        return targets[0]
    return None


def _fate_of_variable(target: ast.Name, scope: Scope, model: ConcurrencyModel) -> ResultUse:
    name = target.id
    if name in scope.global_names or name in scope.nonlocal_names:
        return READ  # other functions see it
    if isinstance(scope.node, ast.ClassDef) or _read_in_nested_scope(name, scope):
        return READ
    loads = [
        n for n in scope.nodes
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
    ]  # fmt: skip
    reaching = reaching_bindings(scope.node, {name}) if loads else {}
    mentioned = False
    for load in loads:
        sites = reaching.get(id(load))
        if sites is not None and id(target) not in sites:
            continue  # reads another value bound to the same name
        mentioned = True
        if not _looks_without_reading(load, model):
            return READ
    return ResultUse(Fate.UNREAD, name, mentioned)


def _read_in_nested_scope(name: str, scope: Scope) -> bool:
    stack = list(scope.children)
    while stack:
        child = stack.pop()
        stack.extend(child.children)
        if any(isinstance(n, ast.Name) and n.id == name for n in child.nodes):
            return True
    return False


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
    if not (isinstance(func, ast.Attribute) and func.attr in _LOGGING_METHODS):
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
