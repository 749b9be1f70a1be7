"""Facts about loops that rewrites depend on: whether a `while` loop's condition reads only
objects of the caller's own, which no worker it starts can see or change.

When the threads of a `while` loop are started and joined one at a time, the loop's test is
evaluated with every earlier thread finished. A rewrite that joins them after the loop
evaluates it while they still run: that keeps the program only when the threads cannot
touch what the test reads (`while pending:` over a list the function built, `while n < 3:`
over a counter it keeps), never when the test reads a parameter, a shared queue or a flag.
"""

from __future__ import annotations

import ast

from parlint.analysis.scopes import NameResolver, Scope, parent

# Calls that return a new object, which nobody else holds yet.
FRESH_CONSTRUCTORS = frozenset(
    {"builtins.list", "builtins.dict", "builtins.set", "builtins.sorted", "builtins.range",
     "builtins.len", "builtins.int", "builtins.float", "builtins.str", "collections.deque"}
)  # fmt: skip

# What a test may be made of: names, constants, comparisons, arithmetic and `len(name)`.
_TEST_PARTS = (ast.Name, ast.Constant, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.BinOp,
               ast.Call, ast.expr_context, ast.cmpop, ast.boolop, ast.unaryop,
               ast.operator)  # fmt: skip

_FRESH_VALUES = (ast.List, ast.Tuple, ast.Dict, ast.Set, ast.ListComp, ast.SetComp, ast.DictComp,
                 ast.Constant, ast.BinOp, ast.JoinedStr)  # fmt: skip


def condition_is_private(loop: ast.While, scope: Scope, names: NameResolver) -> bool:
    """Whether `loop.test` reads only local objects of `scope` that never leave it."""
    read: set[str] = set()
    for node in ast.walk(loop.test):
        if not isinstance(node, _TEST_PARTS):
            return False
        if isinstance(node, ast.Call) and not _len_of_name(node, scope, names):
            return False
        if isinstance(node, ast.Name):
            read.add(node.id)
    return all(_private_local(name, loop, scope, names) for name in read)


def _len_of_name(call: ast.Call, scope: Scope, names: NameResolver) -> bool:
    return (
        names.resolve(call.func, scope) == "builtins.len"
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Name)
        and not call.keywords
    )


def _private_local(name: str, loop: ast.While, scope: Scope, names: NameResolver) -> bool:
    if not scope.is_function or name in scope.global_names | scope.nonlocal_names:
        return False
    if names.lookup_scope(name, scope) is not scope or _is_parameter(name, scope):
        return False
    if _read_by_nested_scope(name, scope):
        return False
    uses = [n for n in scope.nodes if isinstance(n, ast.Name) and n.id == name]
    stores = [n for n in uses if not isinstance(n.ctx, ast.Load)]
    if not stores or not all(_fresh_binding(n, scope, names) for n in stores):
        return False
    if all(_constant_binding(n) for n in stores):
        return True  # a number or a string: whoever reads it cannot change it
    return all(_stays_in_caller(n, loop, scope, names) for n in uses if isinstance(n.ctx, ast.Load))


def _is_parameter(name: str, scope: Scope) -> bool:
    node = scope.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return False
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return any(arg is not None and arg.arg == name for arg in every)


def _read_by_nested_scope(name: str, scope: Scope) -> bool:
    stack = list(scope.children)
    while stack:
        child = stack.pop()
        stack.extend(child.children)
        if any(isinstance(n, ast.Name) and n.id == name for n in child.nodes):
            return True
    return False


def _fresh_binding(node: ast.Name, scope: Scope, names: NameResolver) -> bool:
    """`name = [..]`, `name = list(xs)`, `name = 0`, `name += 1`: a new object of its own."""
    owner = parent(node)
    if isinstance(owner, ast.AugAssign) and owner.target is node:
        return True
    if not (isinstance(owner, ast.Assign) and owner.targets == [node]):
        return False
    value = owner.value
    if isinstance(value, _FRESH_VALUES):
        return True
    return isinstance(value, ast.Call) and names.resolve(value.func, scope) in FRESH_CONSTRUCTORS


def _constant_binding(node: ast.Name) -> bool:
    """`name = 0`, `name = "x"`, or `name += ...` on such a value."""
    owner = parent(node)
    if isinstance(owner, ast.AugAssign):
        return True
    return isinstance(owner, ast.Assign) and isinstance(owner.value, ast.Constant)


def _stays_in_caller(load: ast.Name, loop: ast.While, scope: Scope, names: NameResolver) -> bool:
    """A read that hands the object to nobody: the test itself, a method call on it
    (`pending.pop()`), `len()`, an element, arithmetic or a comparison."""
    owner = parent(load)
    if _within(load, loop.test):
        return True
    if isinstance(owner, ast.Attribute) and owner.value is load:
        call = parent(owner)
        return isinstance(call, ast.Call) and call.func is owner
    if isinstance(owner, ast.Call):
        return _len_of_name(owner, scope, names)
    if isinstance(owner, ast.Subscript) and owner.value is load:
        return True
    return isinstance(owner, (ast.Compare, ast.BinOp, ast.BoolOp, ast.UnaryOp))


def _within(node: ast.AST, ancestor: ast.AST) -> bool:
    current = parent(node)
    while current is not None:
        if current is ancestor:
            return True
        current = parent(current)
    return node is ancestor
