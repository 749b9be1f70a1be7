"""Pool rules: PAR302 lost-task-exception."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from parlint.ftypes import Applicability, Diagnostic, Severity
from parlint.model import Handoff, HandoffApi
from parlint.names import parent
from parlint.rules.base import CheckContext, Invalid, Rule

if TYPE_CHECKING:
    import libcst as cst

    from parlint.fixes import FixContext

# Pool methods whose result carries the task's exception (Pool.map itself raises at once).
_DEFERRED_POOL_METHODS = frozenset(
    {"apply_async", "map_async", "starmap_async", "imap", "imap_unordered"}
)


def _discarded(call: ast.Call) -> bool:
    """Whether the value of `call` is thrown away (directly, or as a list built and dropped)."""
    owner = parent(call)
    if isinstance(owner, ast.Expr):
        return True
    if isinstance(owner, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and owner.elt is call:
        return isinstance(parent(owner), ast.Expr)
    return False


class LostTaskException(Rule):
    """
    ## What it does
    Flags a task whose outcome nobody reads: the future of `executor.submit(...)` or the
    result of `pool.apply_async(...)` / `map_async` / `imap` thrown away, or `executor.map(...)`
    never iterated.

    ## Why is this bad?
    An exception raised by a task is stored in its future (or result object) and raised only
    when someone asks for the result. Nobody does here: the task can fail and the program
    goes on as if it had worked, with no traceback anywhere.

    ## Example
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def upload(path):
        print("uploading", path)

    def main(paths):
        with ThreadPoolExecutor() as executor:
            executor.map(upload, paths)
    ```

    Use instead:
    ```python
    from concurrent.futures import ThreadPoolExecutor

    def upload(path):
        print("uploading", path)

    def main(paths):
        with ThreadPoolExecutor() as executor:
            list(executor.map(upload, paths))
    ```

    ## Fix safety
    For `executor.map(...)` the fix consumes the results with `list(...)`. It is unsafe: the
    statement now waits for every task and raises the first exception, where before it went
    on at once. There is no fix for a discarded `submit()` or `apply_async()`: keep the
    future and call `result()` (or `concurrent.futures.wait`) where the outcome matters.

    ## Options
    None.

    ## References
    - [Executor.map](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Executor.map)
    - [Future.result](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Future.result)
    """

    code = "PAR302"
    name = "lost-task-exception"
    family = "pools"
    severity = Severity.WARNING
    message = "The task's result, and its exception, are never read"
    fix_title = "Consume the results with `list(...)`"
    fix_applicability = Applicability.UNSAFE

    valid = (
        """
from concurrent.futures import ThreadPoolExecutor, as_completed

def work(n):
    return n

def main(items):
    with ThreadPoolExecutor() as executor:
        futures = [executor.submit(work, n) for n in items]
        for future in as_completed(futures):
            print(future.result())
        print(list(executor.map(work, items)))
""",
    )
    invalid = (
        Invalid(
            """
from concurrent.futures import ThreadPoolExecutor

def work(n):
    return n

def main(items):
    with ThreadPoolExecutor() as executor:
        executor.map(work, items)
""",
            fixed="""
from concurrent.futures import ThreadPoolExecutor

def work(n):
    return n

def main(items):
    with ThreadPoolExecutor() as executor:
        list(executor.map(work, items))
""",
        ),
        Invalid(
            """
from multiprocessing.pool import ThreadPool

def work(n):
    return n

def main(items):
    with ThreadPool() as pool:
        for n in items:
            pool.apply_async(work, (n,))
        pool.close()
        pool.join()
"""
        ),
    )

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        for handoff in ctx.model.handoffs:
            what = self._what(handoff)
            if what is None or not _discarded(handoff.call):
                continue
            fixable = handoff.api is HandoffApi.MAP and isinstance(parent(handoff.call), ast.Expr)
            method = handoff.method or "submit"
            message = (
                f"{what} of `{method}()` is thrown away: if the task raises, the exception is "
                "stored there and nobody ever sees it"
            )
            yield self.report(ctx, handoff.call, message, fixable=fixable)

    @staticmethod
    def _what(handoff: Handoff) -> Optional[str]:
        if handoff.api is HandoffApi.SUBMIT:
            return "The future"
        if handoff.api is HandoffApi.MAP:
            return "The result iterator"
        if handoff.api is HandoffApi.POOL and handoff.method in _DEFERRED_POOL_METHODS:
            return "The result"
        return None

    def fix(self, fctx: FixContext, diagnostic: Diagnostic) -> Optional[cst.Module]:
        import libcst as cst

        call = fctx.find(cst.Call, diagnostic.location, diagnostic.end_location)
        if call is None:
            return None
        wrapped = cst.Call(func=cst.Name("list"), args=[cst.Arg(call)])
        return fctx.module.deep_replace(call, wrapped)  # type: ignore[return-value]
