"""PAR000: the file could not be read or parsed."""

from __future__ import annotations

from collections.abc import Iterator

from parlint.ftypes import Diagnostic, Severity
from parlint.rules.base import CheckContext, Rule


class ParseError(Rule):
    """
    ## What it does
    Reports a file that parlint cannot read or parse: a syntax error, a wrong encoding or
    a null byte, or a `nonlocal` declaration at module level (the parser accepts it, Python's
    compiler does not). The rest of the run goes on.

    ## Why is this bad?
    parlint (and Python) cannot analyse code that does not parse, so no other rule can
    check this file until it is fixed.

    ## Example
    ```python
    import threading

    def main(:
        threading.Thread(target=print).start()
    ```

    Use instead:
    ```python
    import threading

    def main():
        t = threading.Thread(target=print)
        t.start()
        t.join()
    ```

    ## Fix safety
    There is no fix.

    ## Options
    None.

    ## References
    - [Python: Lexical analysis, encoding declarations](https://docs.python.org/3/reference/lexical_analysis.html#encoding-declarations)
    """

    code = "PAR000"
    name = "parse-error"
    family = "parse"
    severity = Severity.ERROR
    message = "Cannot parse the file"

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        # Reported by the engine, which is the one that parses.
        return iter(())
