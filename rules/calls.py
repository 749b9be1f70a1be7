"""Call-site rules: PAR501 target-called, PAR502 args-not-tuple."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from parlint.analysis.binding import CallShape, bind_problem
from parlint.analysis.model import ConcurrencyModel, EventKind, Handoff, HandoffApi, Worker
from parlint.analysis.scopes import (
    body_nodes,
    containing_block,
    dotted,
    enclosing_statement,
    parent,
)
from parlint.analysis.stdlib import ARGS_POSITION, NON_CALLABLE_RESULTS, WorkerKind
from parlint.analysis.values import NONE, NOT_CALLABLE, STRING, non_callable_kind, value_kind
from parlint.ftypes import Applicability, Diagnostic, Location, Related, Severity
from parlint.rules.base import CheckContext, Invalid, Rule

if TYPE_CHECKING:
    import libcst as cst

    from parlint.analysis.task_effects import Target
    from parlint.fixes.edits import FixContext


def _result_description(ctx: CheckContext, call: ast.Call) -> Optional[str]:
    """What calling `call` returns when that is surely not callable, else None (no guess).
    The called function may be in another module of the project."""
    model = ctx.model
    qual = model.resolve(call.func, call)
    if qual in NON_CALLABLE_RESULTS:
        return (
            "`None`" if qual in ("builtins.print", "time.sleep") else "a value that is not callable"
        )
    target = ctx.effects.callee(call.func, call)
    if target is None or isinstance(target.function, ast.Lambda):
        return None
    function = target.function
    plain_decorators = all(
        isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
        for d in function.decorator_list
    )
    if not plain_decorators:
        return None
    if isinstance(function, ast.AsyncFunctionDef):
        return "a coroutine object"
    nodes = list(body_nodes(function))
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes):
        return "a generator object"
    values = [n.value for n in nodes if isinstance(n, ast.Return) and n.value is not None]
    owner = target.analysis.model.names.scope_of_node(function).parent
    is_method = owner is not None and isinstance(owner.node, ast.ClassDef)
    kinds = {
        _returned_kind(value, function, call, target.analysis.model, model, is_method)
        for value in values
    }
    if None in kinds:
        return None
    kinds.discard(NONE)  # falling off the end returns `None` too: it is not callable either
    if not kinds:
        return NONE
    return kinds.pop() if len(kinds) == 1 else NOT_CALLABLE


def _returned_kind(
    value: ast.expr,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    call: ast.Call,
    defining: ConcurrencyModel,
    calling: ConcurrencyModel,
    is_method: bool,
) -> Optional[str]:
    """What one `return value` of `function` (defined where `defining` models) gives the
    caller of `call` (in `calling`), when surely not callable: a literal, arithmetic, or a
    parameter bound to a literal at this call."""
    if isinstance(value, (ast.BinOp, ast.Compare)):
        return non_callable_kind(value, defining) or NOT_CALLABLE
    kind = non_callable_kind(value, defining)
    if kind is not None or not isinstance(value, ast.Name):
        return kind
    argument = _argument_for(value.id, function, call, is_method)
    return non_callable_kind(argument, calling) if argument is not None else None


def _argument_for(
    name: str,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    call: ast.Call,
    is_method: bool,
) -> Optional[ast.expr]:
    """The expression that `call` binds to parameter `name` of `function` (its default when
    the call leaves it out); None when it is not a parameter, or is rebound in the body."""
    scope_stores = {
        n.id
        for n in body_nodes(function)
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
    }
    if name in scope_stores:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    # Defaults belong to the last positional parameters.
    defaults = dict(zip([a.arg for a in positional][::-1], arguments.defaults[::-1], strict=False))
    # `obj.method(...)`/`Class.method(...)` binds `self`/`cls`; `module.function(...)` binds
    # nothing.
    bound_self = is_method and isinstance(call.func, ast.Attribute) and not _is_static(function)
    names = [a.arg for a in positional][1 if bound_self else 0 :]
    keyword = next((k.value for k in call.keywords if k.arg == name), None)
    if name in names:
        index = names.index(name)
        if index < len(call.args):
            return call.args[index]
        return keyword if keyword is not None else defaults.get(name)
    for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if arg.arg == name:
            return keyword if keyword is not None else default
    return None


def _is_static(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


# Statements whose body runs whenever the statement does (a loop over the objects the
# constructor built runs once per object; `try`'s body runs unless something raises).
_RUNS_BODY = (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)


def _always_set_going(worker: Worker) -> bool:
    """Whether every object the constructor builds is started (or run) afterwards, on every
    path: then passing the function moves its call into the worker, and does not drop it."""
    built = enclosing_statement(worker.call)
    found = containing_block(built) if built is not None else None
    if found is None:
        return False
    block, index = found
    for event in worker.events:
        if event.kind is EventKind.JOIN or not worker.reaches_every_instance(event):
            continue
        statement = event.statement
        while statement is not None and statement not in block:
            owner = parent(statement)
            unconditional = isinstance(owner, _RUNS_BODY) and (
                not isinstance(owner, ast.Try) or statement in owner.body + owner.finalbody
            )
            statement = owner if unconditional else None  # type: ignore[assignment]
        if statement is not None and block.index(statement) >= index:
            return True
    return False


@dataclass(frozen=True)
class _TargetFix:
    outer: tuple[Location, Location]
    inner: tuple[Location, Location]
    api: str  # "keyword", "timer", "submit", "map"
    keyword: Optional[str]


class TargetCalled(Rule):
    """
    ## What it does
    Flags a task that is called where it should be passed: `Thread(target=f(x))`,
    `Process(target=f(x))`, `executor.submit(f(x))`, `executor.map(f(), items)`, when
    parlint can see that the call does not return a callable (a function of this module
    that returns nothing, a coroutine, a generator, a literal, arithmetic, or a parameter
    that this call binds to a literal, such as `fetch(2)` for `def fetch(n): return n`; or
    `print`, `time.sleep` ...). A function that may return a callable (a nested function, a
    `partial`, a lookup, a parameter bound to a function or to a value of unknown type) is
    not reported.

    ## Why is this bad?
    `f(x)` runs immediately, in the calling thread, and the *result* becomes the task: the
    work is done serially, before the thread even exists, and the thread then runs `None`
    (which does nothing) or fails with `TypeError: 'int' object is not callable`.

    ## Example
    ```python
    import threading

    def greet(name):
        print("hello", name)

    def main():
        t = threading.Thread(target=greet("ada"))
        t.start()
        t.join()
    ```

    Use instead:
    ```python
    import threading

    def greet(name):
        print("hello", name)

    def main():
        t = threading.Thread(target=greet, args=("ada",))
        t.start()
        t.join()
    ```

    ## Fix safety
    The fix passes the function and moves its arguments to `args=` / `kwargs=` (or to
    `submit`'s own arguments). It is unsafe: the call now happens in the new thread or
    process, later, and no longer in the caller. It is not offered for a `Thread` or
    `Process` that is not started (or run) on every path after it is built: there the
    call is the only time the work runs, and the fix would drop it.

    ## Options
    None.

    ## References
    - [threading.Thread](https://docs.python.org/3/library/threading.html#threading.Thread)
    - [Executor.submit](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.submit)
    """

    code = "PAR501"
    name = "target-called"
    family = "calls"
    severity = Severity.ERROR
    message = "The task is called here, not handed to the thread"
    fix_title = "Pass the function and its arguments separately"
    fix_applicability = Applicability.UNSAFE

    valid = (
        """
import threading
import functools

def work(n):
    print(n)

def make_worker(n):
    def run():
        work(n)
    return run

def main():
    a = threading.Thread(target=make_worker(1))
    b = threading.Thread(target=functools.partial(work, 2))
    for t in (a, b):
        t.start()
    for t in (a, b):
        t.join()
""",
    )
    invalid = (
        Invalid(
            """
import threading

def work(n, verbose=False):
    print(n)

def main():
    t = threading.Thread(target=work(1, verbose=True))
    t.start()
    t.join()
""",
            fixed="""
import threading

def work(n, verbose=False):
    print(n)

def main():
    t = threading.Thread(target=work, args=(1,), kwargs={"verbose": True})
    t.start()
    t.join()
""",
        ),
        Invalid(
            """
from concurrent.futures import ThreadPoolExecutor

def work(n):
    print(n)

with ThreadPoolExecutor() as executor:
    future = executor.submit(work(3))
""",
            fixed="""
from concurrent.futures import ThreadPoolExecutor

def work(n):
    print(n)

with ThreadPoolExecutor() as executor:
    future = executor.submit(work, 3)
""",
        ),
        Invalid(
            """
import threading

def fetch(n):
    print("fetching", n)
    return n

def main():
    t = threading.Thread(target=fetch(2))
    t.start()
    t.join()
""",
            fixed="""
import threading

def fetch(n):
    print("fetching", n)
    return n

def main():
    t = threading.Thread(target=fetch, args=(2,))
    t.start()
    t.join()
""",
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        for handoff in ctx.model.handoffs:
            task = handoff.task
            if not isinstance(task, ast.Call):
                continue
            if handoff.api not in (
                HandoffApi.CONSTRUCTOR,
                HandoffApi.SUBMIT,
                HandoffApi.MAP,
                HandoffApi.POOL,
            ):
                continue
            result = _result_description(ctx, task)
            if result is None:
                continue
            callee = ast.unparse(task.func)
            where = handoff.description
            message = (
                f"`{callee}(...)` runs now, in the caller, and its result ({result}) becomes "
                f"the task of `{where}`; pass `{callee}` and its arguments instead"
            )
            plan = self._plan_fix(ctx, handoff, task)
            yield self.report(ctx, task, message, fixable=plan is not None, fix_data=plan)

    @staticmethod
    def _plan_fix(ctx: CheckContext, handoff: Handoff, task: ast.Call) -> Optional[_TargetFix]:
        if any(isinstance(a, ast.Starred) for a in task.args) or any(
            k.arg is None for k in task.keywords
        ):
            return None
        call = handoff.call
        outer = ctx.span(call)
        inner = ctx.span(task)
        if handoff.api is HandoffApi.CONSTRUCTOR and handoff.worker is not None:
            if not _always_set_going(handoff.worker):
                return None  # the call is the only time the work runs: keep it
            kind = handoff.worker.kind
            keyword = next((k for k in call.keywords if k.value is task), None)
            if any(k.arg in ("args", "kwargs") for k in call.keywords):
                return None
            if len(call.args) > ARGS_POSITION[kind] - 1 + (0 if keyword else 1):
                return None
            if keyword is not None:
                return _TargetFix(outer, inner, "keyword", keyword.arg)
            if kind is WorkerKind.TIMER and len(call.args) == 2 and call.args[1] is task:
                return _TargetFix(outer, inner, "timer", None)
            return None
        if handoff.api is HandoffApi.SUBMIT and call.args and call.args[0] is task:
            if len(call.args) == 1 and not call.keywords:
                return _TargetFix(outer, inner, "submit", None)
            return None
        if handoff.api is HandoffApi.MAP and call.args and call.args[0] is task:
            if not task.args and not task.keywords:
                return _TargetFix(outer, inner, "map", None)
        return None

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        plan = diagnostic.fix_data
        if not isinstance(plan, _TargetFix):
            return None
        outer = fctx.find(cst.Call, *plan.outer)
        inner = fctx.find(cst.Call, *plan.inner)
        if outer is None or inner is None:
            return None
        positional = [a.value for a in inner.args if a.keyword is None]
        named = [(a.keyword.value, a.value) for a in inner.args if a.keyword is not None]
        args: list[cst.Arg] = []
        if plan.api in ("keyword", "timer"):
            for arg in outer.args:
                if arg.value is inner:
                    args.append(arg.with_changes(value=inner.func, comma=cst.MaybeSentinel.DEFAULT))
                else:
                    args.append(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT))
            if positional:
                args.append(_keyword_arg("args", cst.Tuple([cst.Element(v) for v in positional])))
            if named:
                elements = [
                    cst.DictElement(cst.SimpleString(f'"{key}"'), value) for key, value in named
                ]
                args.append(_keyword_arg("kwargs", cst.Dict(elements)))
        elif plan.api == "submit":
            args = [cst.Arg(inner.func)]
            args += [cst.Arg(v) for v in positional]
            args += [cst.Arg(v, keyword=cst.Name(k), equal=_equal()) for k, v in named]
        else:  # map
            args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in outer.args]
            args[0] = args[0].with_changes(value=inner.func)
        args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in args]
        return fctx.module.deep_replace(outer, outer.with_changes(args=args))  # type: ignore[return-value]


def _equal() -> cst.AssignEqual:
    import libcst as cst

    return cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )


def _keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    import libcst as cst

    return cst.Arg(value, keyword=cst.Name(name), equal=_equal())


@dataclass(frozen=True)
class _ArgsFix:
    value: tuple[Location, Location]
    parenthesized: bool


class ArgsNotTuple(Rule):
    """
    ## What it does
    Flags an `args=` of `Thread`, `Process`, `Timer` or a pool's `apply`/`apply_async` that
    is proven not to be a tuple: `args=(x)` (parentheses around one value make no tuple),
    `args="text"`, `args=5`, an f-string, a concatenation with a string, arithmetic on
    numbers (`args=(i + 1)` for a `range()` variable `i`, `args=(len(items) // 2)`), a
    variable (local or module-level) whose every assignment is a string, a number or a
    `Queue`/`Event`/`Lock`; and one value in parentheses handed to a function of the module
    that takes exactly one positional argument (`args=(name)` for `def greet(name)`).

    ## Why is this bad?
    `args` is unpacked as a sequence. `(x)` is just `x`: a number or a queue fails with
    `TypeError` when the thread starts, and a string is split into one argument per
    character. A value that may be a tuple is not reported: a parameter, a name another
    function rebinds with `global`, tuple arithmetic.

    ## Example
    ```python
    import threading

    def work(n):
        print(n)

    def main():
        for i in range(3):
            t = threading.Thread(target=work, args=(i))
            t.start()
            t.join()
    ```

    Use instead:
    ```python
    import threading

    def work(n):
        print(n)

    def main():
        threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    ```

    ## Fix safety
    The fix adds the missing comma (`args=(x,)`) or wraps the value (`args=("text",)`). It is
    safe: the code could only fail or pass characters one by one before. There is no fix for
    one value handed to a one-argument function when parlint cannot see what the value is:
    if it is already a tuple, the right change is `args=x`.

    ## Options
    None.

    ## References
    - [Python tutorial: tuples and sequences](https://docs.python.org/3/tutorial/datastructures.html#tuples-and-sequences)
    """

    code = "PAR502"
    name = "args-not-tuple"
    family = "calls"
    severity = Severity.ERROR
    message = "`args` is not a tuple"
    fix_title = "Make `args` a one-element tuple"
    fix_applicability = Applicability.SAFE

    valid = (
        """
import threading

def main(params):
    a = threading.Thread(target=print, args=(params))
    b = threading.Thread(target=print, args=[1, 2])
    c = threading.Thread(target=print, args=("x",))
    for t in (a, b, c):
        t.start()
    for t in (a, b, c):
        t.join()
""",
    )
    invalid = (
        Invalid(
            """
import threading

t = threading.Thread(target=print, args=("hello"))
t.start()
t.join()
""",
            fixed="""
import threading

t = threading.Thread(target=print, args=("hello",))
t.start()
t.join()
""",
            changes_output=True,
        ),
        Invalid(
            """
import threading

def main():
    for i in range(3):
        t = threading.Timer(1.0, print, args=(i))
        t.start()
""",
            fixed="""
import threading

def main():
    for i in range(3):
        t = threading.Timer(1.0, print, args=(i,))
        t.start()
""",
        ),
        Invalid(
            """
import threading

t = threading.Thread(target=print, args="hello")
t.start()
t.join()
""",
            fixed="""
import threading

t = threading.Thread(target=print, args=("hello",))
t.start()
t.join()
""",
            changes_output=True,
        ),
        Invalid(
            """
import threading

def main(user):
    t = threading.Thread(target=print, args=f"user-{user}")
    t.start()
    t.join()
""",
            fixed="""
import threading

def main(user):
    t = threading.Thread(target=print, args=(f"user-{user}",))
    t.start()
    t.join()
""",
            changes_output=True,
        ),
        Invalid(
            """
import threading

def greet(name):
    print("hello", name)

def main(name):
    t = threading.Thread(target=greet, args=(name))
    t.start()
    t.join()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        for handoff in ctx.model.handoffs:
            value = self._args_value(handoff)
            if value is None:
                continue
            parenthesized = _parenthesized(ctx, value)
            text = ctx.source.segment(value)
            shown = f"({text})" if parenthesized else text
            what = self._not_a_sequence(ctx, value, parenthesized)
            if what is not None:
                if what == STRING:
                    consequence = "each character becomes a separate argument"
                else:
                    consequence = "unpacking it fails with `TypeError` when the task starts"
                message = f"`args={shown}` is {what}, not a tuple: {consequence}; write `({text},)`"
                plan = _ArgsFix(ctx.span(value), parenthesized)
                yield self.report(ctx, value, message, fixable=True, fix_data=plan)
                continue
            target = _one_parameter_target(ctx, handoff, value) if parenthesized else None
            if target is not None:
                # No fix: a value that is already a tuple would be wrapped once more.
                keyword = any(k.value is value for k in handoff.call.keywords)
                given = f"args={shown}" if keyword else shown
                message = (
                    f"`{given}` is one value in parentheses, not a tuple, and `{target}` takes "
                    f"one argument: write `({text},)`; if it is already a tuple, write "
                    f"`{'args=' if keyword else ''}{text}`"
                )
                yield self.report(ctx, value, message)

    @staticmethod
    def _args_value(handoff: Handoff) -> Optional[ast.expr]:
        call = handoff.call
        if handoff.api is HandoffApi.CONSTRUCTOR and handoff.worker is not None:
            subclass = handoff.worker.subclass
            if subclass is not None and subclass.defines_init:
                return None
            keyword = next((k for k in call.keywords if k.arg == "args"), None)
            if keyword is not None:
                return keyword.value
            return None
        if handoff.api is HandoffApi.POOL and handoff.method in ("apply", "apply_async"):
            keyword = next((k for k in call.keywords if k.arg == "args"), None)
            if keyword is not None:
                return keyword.value
            if len(call.args) >= 2:
                return call.args[1]
        return None

    @staticmethod
    def _not_a_sequence(ctx: CheckContext, value: ast.expr, parenthesized: bool) -> Optional[str]:
        if isinstance(value, ast.Constant) and (
            value.value is None or isinstance(value.value, bool)
        ):
            return f"`{value.value}`" if parenthesized else None
        return value_kind(value, ctx.model)

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        plan = diagnostic.fix_data
        if not isinstance(plan, _ArgsFix):
            return None
        node = fctx.find(cst.BaseExpression, *plan.value)  # type: ignore[type-abstract]
        if node is None:
            return None
        inner = node.with_changes(lpar=[], rpar=[])
        element = cst.Element(inner, comma=cst.Comma())
        if plan.parenthesized and node.lpar:
            tuple_node = cst.Tuple([element], lpar=node.lpar, rpar=node.rpar)
        else:
            tuple_node = cst.Tuple([element])
        return fctx.module.deep_replace(node, tuple_node)  # type: ignore[return-value]


def _parenthesized(ctx: CheckContext, value: ast.expr) -> bool:
    """Whether the source has parentheses right around `value` (`ast` drops them)."""
    line = ctx.source.line(value.lineno)
    before = line.encode("utf-8")[: value.col_offset].decode("utf-8", "replace").rstrip()
    if not before.endswith("("):
        return False
    # `args=(x)` or `, (x)`: not the call's own parenthesis.
    return before[:-1].rstrip().endswith(("=", ","))


def _one_parameter_target(ctx: CheckContext, handoff: Handoff, value: ast.expr) -> Optional[str]:
    """`f()` when the task is a function of this module that takes exactly one positional
    argument: a single value in parentheses is then surely meant as a one-element tuple."""
    if not isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
        return None
    call = handoff.call
    if any(k.arg in ("kwargs", "kwds") or k.arg is None for k in call.keywords):
        return None
    if handoff.api is HandoffApi.POOL and len(call.args) > 2:
        return None  # `apply_async(f, args, kwds)`
    task = handoff.task
    function = ctx.model.function_named(task, call) if task is not None else None
    if task is None or function is None:
        return None
    decorators = {d.id for d in function.decorator_list if isinstance(d, ast.Name)}
    if len(decorators) != len(function.decorator_list) or decorators - {
        "staticmethod",
        "classmethod",
    }:
        return None  # a decorator may change the signature
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if isinstance(task, ast.Attribute) and "staticmethod" not in decorators:
        positional = positional[1:]  # `self` or `cls` is bound already
    if arguments.vararg is not None or len(positional) != 1:
        return None
    return f"{ast.unparse(task)}()"


class TargetArgsMismatch(Rule):
    """
    ## What it does
    Flags a task handed off with arguments that cannot bind to its function's parameters:
    `Thread`/`Process`/`Timer(target=f, args=..., kwargs=...)`, `executor.submit(f, ...)`, a
    pool's `apply`/`apply_async(f, args, kwds)`, and `executor.map`/`pool.map`/`starmap` over
    literal lists (or `zip` of them, for `starmap`), with too many or too few positional
    arguments, a keyword the function does not have, the same argument twice, or a
    positional-only parameter passed by keyword. It binds as Python does: defaults,
    `*args`/`**kwargs`, keyword-only and positional-only parameters, `self` of a bound method
    (`target=self.refresh`), the arguments of a `functools.partial`, a class handed off as the
    task (its `__init__`), a Thread/Process subclass whose `__init__(self, *args, **kwargs)`
    hands everything to `super().__init__`. The function may be in another module of the
    project.

    Only exact cases are reported: the task resolves to a function, lambda or method whose
    decorators (if any) are `staticmethod`/`classmethod`, and every argument is counted (a
    literal tuple or dict, no `*seq` or `**mapping`).

    ## Why is this bad?
    The worker raises `TypeError` the moment it starts. For a thread, `threading.excepthook`
    prints it to stderr (often a log nobody reads) and the caller carries on as if the work
    was done; for a submitted task the exception waits in a future that may never be read.
    The feature silently does nothing: in a real application the Apply and Install buttons of
    a settings panel did nothing for a whole release this way.

    ## Example
    ```python
    import threading

    def apply_config(config):
        ...

    def on_apply_clicked():
        threading.Thread(target=apply_config).start()
    ```

    Use instead:
    ```python
    import threading

    def apply_config(config):
        ...

    def on_apply_clicked(config):
        threading.Thread(target=apply_config, args=(config,)).start()
    ```

    ## Fix safety
    There is no fix: which argument was meant is the author's choice.

    ## Options
    None.

    ## References
    - [threading.Thread](https://docs.python.org/3/library/threading.html#threading.Thread)
    - [Executor.submit](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.submit)
    """

    code = "PAR503"
    name = "target-args-mismatch"
    family = "calls"
    severity = Severity.ERROR
    message = "The task's arguments cannot bind to its function"

    valid = (
        """
import functools
import threading
from concurrent.futures import ThreadPoolExecutor

def fetch(url, timeout=10, *, retries=3):
    return url

def log(*parts, **options):
    print(*parts, **options)

class Poller:
    def poll(self, interval):
        return interval

    def start(self):
        threading.Thread(target=self.poll, args=(5,)).start()

def main(urls, extra):
    threading.Thread(target=fetch, args=("a",), kwargs={"retries": 1}).start()
    threading.Thread(target=log, args=(1, 2, 3), kwargs={"sep": ","}).start()
    threading.Thread(target=functools.partial(fetch, "b"), kwargs={"timeout": 2}).start()
    threading.Thread(target=fetch, args=extra).start()
    threading.Timer(1.0, fetch, args=("c",)).start()
    with ThreadPoolExecutor() as executor:
        executor.submit(fetch, "d", 5).result()
        executor.submit(fetch, *urls).result()
""",
    )
    invalid = (
        Invalid(
            """
import threading

def apply_config(config):
    return config

def on_apply_clicked():
    threading.Thread(target=apply_config).start()
"""
        ),
        Invalid(
            """
import threading

def animate(start, end, step):
    return start, end, step

def main():
    threading.Thread(target=animate, args=(10, 1, 0.1, 1)).start()
"""
        ),
        Invalid(
            """
from concurrent.futures import ThreadPoolExecutor

class Uploader:
    def upload(self, path, *, chunk_size=1024):
        return path, chunk_size

    def run(self, paths):
        with ThreadPoolExecutor() as executor:
            for path in paths:
                executor.submit(self.upload, path, chunksize=4096).result()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        for handoff in ctx.model.handoffs:
            found = _handed_arguments(handoff)
            if found is None:
                continue
            shape, where, who = found
            task = _task_of(handoff)
            target = (
                ctx.effects.task_target(handoff)
                if task is handoff.task
                else ctx.effects.resolve_target(task, handoff.call)
                if task is not None
                else None
            )
            if target is None:
                cls = _class_target(ctx, task, handoff.call)
                if cls is not None:
                    yield from self._class_called(ctx, cls, shape, where, who)
                continue
            # `lambda: f(x)` runs f (what the effect analysis follows), but the arguments
            # handed off go to the lambda.
            function = task if isinstance(task, ast.Lambda) else target.function
            bound = _bound(task, function)
            before = _partial_shape(ctx, task, handoff.call)
            if bound is None or before is None:
                continue
            problem = bind_problem(function, before.then(shape), bound)
            if problem is None:
                continue
            label = getattr(function, "name", None)
            named = f"`{label}()`" if label else "The lambda"
            message = (
                f"{named} {problem}: it raises TypeError when the {who} starts, "
                "and the caller carries on"
            )
            defined = _definition(ctx, target, function)
            yield self.report(ctx, where, message, related=defined)

    def _class_called(
        self, ctx: CheckContext, cls: ast.ClassDef, shape: CallShape, where: ast.AST, who: str
    ) -> Iterator[Diagnostic]:
        """A class handed off as the task (`submit(Job, ...)`): its `__init__` takes the
        arguments."""
        init = _own_init(cls)
        if init is None:
            if cls.bases or not (shape.positional or shape.keywords):
                return
            problem = f"takes no arguments but {shape.positional or len(shape.keywords)} are passed"
        else:
            found = bind_problem(init, shape, bound=True)
            if found is None:
                return
            problem = found
        message = (
            f"`{cls.name}()` {problem}: it raises TypeError when the {who} starts, "
            "and the caller carries on"
        )
        yield self.report(ctx, where, message, related=(self.related(ctx, cls, "the class"),))


def _handed_arguments(handoff: Handoff) -> Optional[tuple[CallShape, ast.AST, str]]:
    """What a hand-off passes to its task, the node to point at, and what runs it; None when
    it is not known exactly."""
    call = handoff.call
    if handoff.api is HandoffApi.CONSTRUCTOR:
        worker = handoff.worker
        if worker is None or _task_of(handoff) is None or not _takes_thread_arguments(worker):
            return None
        args_value, kwargs_value = handoff.passed_arguments()
        counted = _counted(args_value, kwargs_value)
        if counted is None:
            return None
        where: ast.AST = call
        if args_value is not None and not _is_none(args_value):
            where = args_value
        elif kwargs_value is not None and not _is_none(kwargs_value):
            where = kwargs_value
        who = "timer" if worker.kind is WorkerKind.TIMER else worker.kind_word
        return counted, where, who
    if handoff.api is HandoffApi.SUBMIT and handoff.method == "submit":
        rest = call.args[1:]
        if any(isinstance(a, ast.Starred) for a in rest) or any(
            k.arg is None for k in call.keywords
        ):
            return None
        shape = CallShape(len(rest), tuple(k.arg for k in call.keywords if k.arg is not None))
        return shape, call, "task"
    if handoff.api is HandoffApi.MAP or (
        handoff.api is HandoffApi.POOL and handoff.method in _POOL_MAPS
    ):
        # `executor.map(f, *iterables)` calls f with one item of each; a pool's `map` takes
        # one iterable. Judged when each is a literal with items (an empty one calls nothing).
        iterables = call.args[1:] if handoff.api is HandoffApi.MAP else call.args[1:2]
        if not iterables or not all(_literal_items(it) for it in iterables):
            return None
        return CallShape(len(iterables)), call, "task"
    if handoff.api is HandoffApi.POOL and handoff.method in ("starmap", "starmap_async"):
        counted = _starmap_shape(call.args[1] if len(call.args) > 1 else None)
        return (counted, call, "task") if counted is not None else None
    if handoff.api is HandoffApi.POOL and handoff.method in ("apply", "apply_async"):
        args_value, kwds_value = handoff.passed_arguments()
        counted = _counted(args_value, kwds_value)
        if counted is None:
            return None
        return counted, args_value if args_value is not None else call, "task"
    return None


_POOL_MAPS = ("map", "map_async", "imap", "imap_unordered")


def _own_init(cls: ast.ClassDef) -> Optional[ast.FunctionDef]:
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
            return stmt
    return None


def _plain_class(cls: ast.ClassDef) -> bool:
    """A class whose construction is its `__init__`: no decorator (`@dataclass` writes one),
    metaclass or `__new__`, and an undecorated `__init__` if it has one."""
    if cls.decorator_list or cls.keywords:
        return False
    if any(isinstance(s, ast.FunctionDef) and s.name == "__new__" for s in cls.body):
        return False
    init = _own_init(cls)
    return init is None or not init.decorator_list


def _task_of(handoff: Handoff) -> Optional[ast.expr]:
    """The task a hand-off runs: for a subclass that takes Thread's arguments (the model
    follows its `run`), its `target=`."""
    if handoff.task is not None or handoff.worker is None or handoff.worker.subclass is None:
        return handoff.task
    target = handoff.worker.keyword("target")
    if target is not None:
        return target.value
    if handoff.worker.kind is not WorkerKind.TIMER and len(handoff.call.args) > 1:
        return handoff.call.args[1]
    return None


def _takes_thread_arguments(worker: Worker) -> bool:
    """Whether constructing the worker's class takes Thread's/Process's own arguments: it is
    not a subclass, defines no `__init__`, or its `__init__(self, *args, **kwargs)` hands them
    all to `super().__init__(*args, **kwargs)`."""
    subclass = worker.subclass
    if subclass is None or not subclass.defines_init:
        return True
    if subclass.module is not None:
        return False
    init = _own_init(subclass.node)
    if init is None or init.decorator_list:
        return False
    params = init.args
    if params.posonlyargs or params.kwonlyargs or len(params.args) != 1:
        return False
    if params.vararg is None or params.kwarg is None:
        return False
    star, double = params.vararg.arg, params.kwarg.arg
    for node in ast.walk(init):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__init__"
            and isinstance(node.func.value, ast.Call)
            and dotted(node.func.value.func) == "super"
        ):
            positional = [a for a in node.args if isinstance(a, ast.Starred)]
            return (
                len(node.args) == 1
                and len(positional) == 1
                and isinstance(positional[0].value, ast.Name)
                and positional[0].value.id == star
                and len(node.keywords) == 1
                and node.keywords[0].arg is None
                and isinstance(node.keywords[0].value, ast.Name)
                and node.keywords[0].value.id == double
            )
    return False


def _class_target(
    ctx: CheckContext, task: Optional[ast.expr], call: ast.Call
) -> Optional[ast.ClassDef]:
    """The class of this module a hand-off runs as its task (`submit(Job, ...)`)."""
    if not isinstance(task, ast.Name):
        return None
    qualname = ctx.model.resolve(task, call)
    if qualname is None:
        return None
    node = ctx.model.local_class(qualname)
    return node if node is not None and _plain_class(node) else None


def _literal_items(expr: ast.expr) -> bool:
    """A list, tuple or set display with items and no `*unpacking`."""
    return (
        isinstance(expr, (ast.List, ast.Tuple, ast.Set))
        and bool(expr.elts)
        and not any(isinstance(e, ast.Starred) for e in expr.elts)
    )


def _starmap_shape(iterable: Optional[ast.expr]) -> Optional[CallShape]:
    """How many arguments `starmap` passes per call: literal tuples of one length, or `zip`
    of literals."""
    if iterable is None:
        return None
    if isinstance(iterable, ast.Call):
        zipped = isinstance(iterable.func, ast.Name) and iterable.func.id == "zip"
        if zipped and not iterable.keywords and iterable.args:
            if all(_literal_items(a) for a in iterable.args):
                return CallShape(len(iterable.args))
        return None
    if not isinstance(iterable, (ast.List, ast.Tuple, ast.Set)) or not _literal_items(iterable):
        return None
    lengths = set()
    for item in iterable.elts:
        if not isinstance(item, (ast.Tuple, ast.List)) or any(
            isinstance(e, ast.Starred) for e in item.elts
        ):
            return None
        lengths.add(len(item.elts))
    return CallShape(lengths.pop()) if len(lengths) == 1 else None


def _counted(args: Optional[ast.expr], kwargs: Optional[ast.expr]) -> Optional[CallShape]:
    positional = 0
    if args is not None and not _is_none(args):
        if not isinstance(args, (ast.Tuple, ast.List)) or any(
            isinstance(e, ast.Starred) for e in args.elts
        ):
            return None
        positional = len(args.elts)
    names: tuple[str, ...] = ()
    if kwargs is not None and not _is_none(kwargs):
        if not isinstance(kwargs, ast.Dict) or not all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in kwargs.keys
        ):
            return None
        names = tuple(
            k.value for k in kwargs.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
        )
    return CallShape(positional, names)


def _bound(task: Optional[ast.expr], function: ast.AST) -> Optional[bool]:
    """Whether the function's first parameter is bound (a method called on an instance or
    a classmethod); None when its signature is not certain (other decorators) or the way it
    is reached is not understood."""
    if isinstance(function, ast.Lambda):
        return False
    decorators = [dotted(d) for d in getattr(function, "decorator_list", [])]
    if any(d not in ("staticmethod", "classmethod") for d in decorators):
        return None
    owner = _owning_class(function)
    if owner is None:
        return False
    if "staticmethod" in decorators:
        return False
    if "classmethod" in decorators:
        return True
    inner = task.args[0] if isinstance(task, ast.Call) and task.args else task
    if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
        if inner.value.id == owner.name:
            return None  # `Class.method`: called unbound, the caller's first argument is self
        return True
    return None


def _owning_class(function: ast.AST) -> Optional[ast.ClassDef]:
    """The class a function is a method of, through the `if`/`try` blocks of its body."""
    node = parent(function)
    while node is not None and not isinstance(node, (ast.ClassDef, ast.Module)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
        node = parent(node)
    return node if isinstance(node, ast.ClassDef) else None


def _partial_shape(
    ctx: CheckContext, task: Optional[ast.expr], call: ast.Call
) -> Optional[CallShape]:
    """The arguments a `functools.partial` task binds first (none for any other task)."""
    if not isinstance(task, ast.Call):
        return CallShape(0)
    if ctx.model.resolve(task.func, call) != "functools.partial":
        return None
    rest = task.args[1:]
    if any(isinstance(a, ast.Starred) for a in rest) or any(k.arg is None for k in task.keywords):
        return None
    return CallShape(len(rest), tuple(k.arg for k in task.keywords if k.arg is not None))


def _definition(
    ctx: CheckContext,
    target: Target,
    function: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda],
) -> tuple[Related, ...]:
    if isinstance(function, ast.Lambda):
        start = Location(function.lineno, function.col_offset + 1)
        return (Related("the lambda", start, start),)
    start = Location(function.lineno, function.col_offset + 1)
    end = Location(function.lineno, function.col_offset + 1 + len("def"))
    message = f"`{function.name}()` is defined here"
    if target.analysis is ctx.effects or target.analysis.filename is None:
        return (Related(message, start, end),)
    return (Related(message, start, end, target.analysis.filename),)
