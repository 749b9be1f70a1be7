"""What kind of object an expression evaluates to, when `ast` alone proves it: a string, a
number, or a known object that is not a sequence (a `Queue`, an `Event` ...).

`args=` is unpacked into the task's arguments. A string unpacks into its characters; a number
or a queue does not unpack at all. This module proves such values from literals, f-strings,
concatenation and arithmetic, calls whose result type is fixed (`len()`, `str()`,
`queue.Queue()`), and the variables (locals, closures, module globals) whose every
assignment is one of those. Anything it cannot prove is None: never a guess.
"""

from __future__ import annotations

import ast
from typing import Optional

from parlint.analysis.model import ConcurrencyModel
from parlint.analysis.scopes import Scope, parent
from parlint.analysis.stdlib import NOT_SEQUENCES

STRING = "a string"
NUMBER = "a number"
# A variable read inside its own assignment (`n = n + 1`): it adds no kind of its own.
_RECURSIVE = "recursive"

_NUMBER_CALLS = frozenset(
    {"builtins.len", "builtins.int", "builtins.float", "builtins.ord", "builtins.hash",
     "builtins.id", "time.time", "time.monotonic", "time.perf_counter", "os.getpid",
     "os.cpu_count"}
)  # fmt: skip
_STRING_CALLS = frozenset(
    {"builtins.str", "builtins.repr", "builtins.format", "builtins.chr", "builtins.ascii",
     "builtins.hex", "builtins.oct", "builtins.bin", "os.path.join", "os.path.basename",
     "os.path.dirname", "os.getcwd"}
)  # fmt: skip
# Methods of `str` that return a `str`.
_STRING_METHODS = frozenset(
    {"join", "format", "upper", "lower", "strip", "lstrip", "rstrip", "replace", "title",
     "capitalize", "casefold", "zfill", "center", "ljust", "rjust", "removeprefix",
     "removesuffix", "expandtabs", "swapcase", "format_map"}
)  # fmt: skip
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift,
               ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor)  # fmt: skip


def value_kind(expr: ast.expr, model: ConcurrencyModel) -> Optional[str]:
    """'a string', 'a number', or what NOT_SEQUENCES calls the object; None when unknown."""
    kind = _kind(expr, model, frozenset())
    return None if kind == _RECURSIVE else kind


def _kind(
    expr: ast.expr, model: ConcurrencyModel, seen: frozenset[tuple[int, str]]
) -> Optional[str]:
    if isinstance(expr, ast.Constant):
        value = expr.value
        if isinstance(value, str):
            return STRING
        if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
            return NUMBER
        return None
    if isinstance(expr, ast.JoinedStr):
        return STRING
    if isinstance(expr, ast.BinOp):
        return _binop_kind(expr.op, _kind(expr.left, model, seen), _kind(expr.right, model, seen))
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, (ast.USub, ast.UAdd, ast.Invert)):
        operand = _kind(expr.operand, model, seen)
        return operand if operand in (NUMBER, _RECURSIVE) else None
    if isinstance(expr, ast.IfExp):
        kinds = {_kind(expr.body, model, seen), _kind(expr.orelse, model, seen)} - {_RECURSIVE}
        return kinds.pop() if len(kinds) == 1 else None
    if isinstance(expr, ast.Call):
        return _call_kind(expr, model, seen)
    if isinstance(expr, ast.Name):
        return _name_kind(expr, model, seen)
    if isinstance(expr, ast.Attribute):
        # `self.X`: what every value its class assigns to it is.
        values = model.attribute_values(expr)
        kinds = {_kind(value, model, seen) for value in values or ()} - {_RECURSIVE}
        return kinds.pop() if len(kinds) == 1 and None not in kinds else None
    return None


def _binop_kind(op: ast.operator, left: Optional[str], right: Optional[str]) -> Optional[str]:
    if not isinstance(op, _ARITHMETIC):
        return None
    # A variable's own earlier value stands for whatever the other side is.
    if left == _RECURSIVE:
        left = right
    if right == _RECURSIVE:
        right = left
    if isinstance(op, ast.Add) and left == STRING:
        return STRING  # str + anything is a string, or a TypeError (`x + "s"` may be an array)
    if isinstance(op, ast.Mod) and left == STRING:
        return STRING  # "%s" % x: formatting
    if isinstance(op, ast.Mult) and {left, right} == {STRING, NUMBER}:
        return STRING
    if left == NUMBER and right == NUMBER:
        return NUMBER
    if left == _RECURSIVE and right == _RECURSIVE:
        return _RECURSIVE
    return None


def _call_kind(
    call: ast.Call, model: ConcurrencyModel, seen: frozenset[tuple[int, str]]
) -> Optional[str]:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _STRING_METHODS:
        if _kind(func.value, model, seen) == STRING:
            return STRING
    qual = model.resolve(func, call)
    if qual is None:
        return None
    if qual in _NUMBER_CALLS:
        return NUMBER
    if qual in _STRING_CALLS:
        return STRING
    return NOT_SEQUENCES.get(qual)


def _name_kind(
    name: ast.Name, model: ConcurrencyModel, seen: frozenset[tuple[int, str]]
) -> Optional[str]:
    """The one kind every assignment of the variable gives it, else None."""
    scope = model.names.enclosing_scope(name)
    owner = model.names.lookup_scope(name.id, scope)
    if owner is None or isinstance(owner.node, ast.ClassDef):
        return None
    key = (id(owner), name.id)
    if key in seen:
        return _RECURSIVE
    if _rebound_elsewhere(name.id, owner, model):
        return None
    bindings = _bindings(name.id, owner)
    if not bindings:
        return None
    kinds: set[Optional[str]] = set()
    inner = seen | {key}
    for binding in bindings:
        kinds.add(_binding_kind(binding, model, inner))
        if None in kinds:
            return None
    kinds.discard(_RECURSIVE)
    return kinds.pop() if len(kinds) == 1 else None


def _rebound_elsewhere(name: str, owner: Scope, model: ConcurrencyModel) -> bool:
    """Whether a nested scope rebinds the variable (`global x` / `nonlocal x`)."""
    for scope in model.scopes():
        if name in scope.global_names and owner.is_module:
            return True
        if name in scope.nonlocal_names and not owner.is_module:
            return True
    return False


def _bindings(name: str, owner: Scope) -> Optional[list[ast.Name]]:
    """Every `ast.Name` that binds `name` in `owner`; None when another kind of binding
    (a parameter, an import, a def, an `except ... as`) may give it a value."""
    if name in owner.qualified or name in owner.functions or name in owner.classes:
        return None
    found: list[ast.Name] = []
    for node in owner.nodes:
        if isinstance(node, ast.Name) and node.id == name:
            if not isinstance(node.ctx, ast.Load):
                found.append(node)
        elif isinstance(node, ast.arg) and node.arg == name:
            return None
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            if node.name == name:
                return None
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name).split(".")[0] == name for a in node.names):
                return None
    if owner.is_function and _is_parameter(name, owner.node):
        return None
    return found


def _is_parameter(name: str, node: ast.AST) -> bool:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return False
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return any(arg is not None and arg.arg == name for arg in every)


def _binding_kind(
    target: ast.Name, model: ConcurrencyModel, seen: frozenset[tuple[int, str]]
) -> Optional[str]:
    owner = parent(target)
    if isinstance(target.ctx, ast.Del):
        return _RECURSIVE  # `del x` gives it no value
    if isinstance(owner, ast.Assign) and target in owner.targets:
        return _kind(owner.value, model, seen)
    if isinstance(owner, (ast.AnnAssign, ast.NamedExpr)) and owner.target is target:
        return _kind(owner.value, model, seen) if owner.value is not None else _RECURSIVE
    if isinstance(owner, ast.AugAssign) and owner.target is target:
        return _binop_kind(owner.op, _RECURSIVE, _kind(owner.value, model, seen))
    if isinstance(owner, (ast.For, ast.AsyncFor, ast.comprehension)) and owner.target is target:
        iterable = owner.iter
        if isinstance(iterable, ast.Call) and model.resolve(iterable.func, iterable) in (
            "builtins.range",
        ):
            return NUMBER
    return None


NONE = "`None`"
NOT_CALLABLE = "a value that is not callable"
_DISPLAYS: dict[type, str] = {
    ast.List: "a list", ast.ListComp: "a list", ast.Dict: "a dict", ast.DictComp: "a dict",
    ast.Set: "a set", ast.SetComp: "a set", ast.Tuple: "a tuple", ast.Compare: "a bool",
    ast.JoinedStr: STRING,
}  # fmt: skip


def non_callable_kind(expr: ast.expr, model: ConcurrencyModel) -> Optional[str]:
    """What `expr` is when it is surely not callable (`None`, a literal, a display, a string,
    a number); None when it may be a function, a class or any callable object."""
    if isinstance(expr, ast.Constant):
        if expr.value is None:
            return NONE
        return value_kind(expr, model) or NOT_CALLABLE
    display = _DISPLAYS.get(type(expr))
    if display is not None:
        return display
    return value_kind(expr, model)
