"""PAR704 gil-enabling-extension (the free-threading family): an import of an installed
extension module that is not built for a free-threaded CPython."""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterator
from typing import Optional

from parlint.analysis.environment import (
    Distribution,
    Environment,
    EnvironmentProblem,
    environment,
    gil_after_import,
)
from parlint.ftypes import Diagnostic, Severity
from parlint.rules.base import CheckContext, Invalid, Rule

log = logging.getLogger(__name__)


class GilEnablingExtension(Rule):
    """
    ## What it does
    Flags an import of a module whose installed distribution has extension modules (compiled
    C, C++, Rust or Cython code) that are not built for a free-threaded CPython: their files
    carry a GIL-only ABI (`_core.cpython-313-x86_64-linux-gnu.so`, the stable ABI
    `_core.abi3.so`) or a wheel tag without the `t` (`cp313-cp313`), or nothing says either
    way. The distributions are those of the interpreter parlint runs in, or of the one named
    with `--python PATH`. Pure-Python distributions, the standard library, and extension
    modules built for free-threading (`cpython-313t`, wheel tag `cp313-cp313t`) are not
    reported. Each import of such a distribution is reported once.

    This rule belongs to the free-threading family: it is off unless `free-threaded = true`
    or it is selected (`--select PAR704`), and `parlint audit free-threading` runs it.

    ## Why is this bad?
    On a free-threaded CPython (PEP 703) an extension module must say that it can run without
    the GIL (its `Py_mod_gil` slot). When one that does not is imported, CPython turns the GIL
    back on for the whole process and prints a warning: every thread takes turns again and
    the program gains nothing from the free-threaded build. A module built only for the GIL
    ABI cannot be loaded by a free-threaded interpreter at all; pip then builds it from source
    or fails. Either way the import decides whether the project can run free-threaded.

    When parlint runs in an interpreter with the GIL, what it sees is the build installed
    there: a project may publish free-threaded wheels that this environment never downloaded.
    Run with `--python` pointing at a free-threaded interpreter (`python3.13t`, `python3.14t`)
    where the project's dependencies are installed to see what that interpreter gets;
    `parlint audit free-threading --python ...` also imports each extension module there in a
    child process to read its `Py_mod_gil` declaration.

    ## Example
    ```python
    import threading

    import fastgeo  # installed: fastgeo/_core.cpython-313-x86_64-linux-gnu.so

    def work(points):
        return fastgeo.hull(points)
    ```

    Use instead: a release with free-threaded wheels (`cp313t`, `cp314t`), a pure-Python
    alternative, or that work in a separate process.
    ```python
    import threading

    import ftgeo  # installed: ftgeo/_core.cpython-313t-x86_64-linux-gnu.so

    def work(points):
        return ftgeo.hull(points)
    ```

    ## Fix safety
    There is no fix: which release to use, or what to replace the module with, is the
    author's decision.

    ## Options
    `free-threaded`; `--python PATH` (the interpreter whose installed distributions are read).

    ## References
    - [PEP 703: Making the GIL optional](https://peps.python.org/pep-0703/)
    - [C API extension support for free threading](https://docs.python.org/3/howto/free-threading-extensions.html)
    - [Free-threaded wheels: compatibility status](https://py-free-threading.github.io/tracking/)
    """

    code = "PAR704"
    name = "gil-enabling-extension"
    family = "free-threading"
    severity = Severity.INFO
    message = "An imported extension module is not built for a free-threaded CPython"

    # Checked against an interpreter with these made-up distributions installed
    # (tests/fake_env.py): fastgeo built for the GIL, ftgeo for free-threading, tidyjson pure.
    valid = (
        """
import json
import tidyjson
from ftgeo import hull
from . import fastgeo
""",
    )
    invalid = (Invalid("import fastgeo.shapes\n"), Invalid("from oldspeed import speedup\n"))

    def check(self, ctx: CheckContext) -> Iterator[Diagnostic]:
        env = _environment(ctx.settings.python)
        if env is None:
            return
        own = _own_packages(ctx)
        for node in ast.walk(ctx.tree):
            for module in imported_modules(node):
                top = module.split(".", 1)[0]
                if top in own or env.is_stdlib(top):
                    continue
                distribution = env.providing(top)
                if distribution is None:
                    continue
                build, evidence = distribution.build()
                if build == "free-threaded" and env.free_threaded:
                    # Built for it; whether it says so (`Py_mod_gil`) only an import tells.
                    python = ctx.settings.python or env.executable
                    if gil_after_import(python, top) is True:
                        build = "gil-enabling"
                if build in ("pure", "free-threaded"):
                    continue
                yield self.report(ctx, node, _message(distribution, top, build, evidence, env))
                break  # one finding per import statement


def _environment(python: Optional[str]) -> Optional[Environment]:
    try:
        return environment(python)
    except EnvironmentProblem as exc:
        log.warning("PAR704: %s", exc)
        return None


def imported_modules(node: ast.AST) -> list[str]:
    """The absolute modules an import statement names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def _own_packages(ctx: CheckContext) -> frozenset[str]:
    """The project's own top-level packages: an editable install of the project is its
    source, not a dependency."""
    if ctx.project is None or ctx.module is None:
        return frozenset()
    return frozenset({ctx.module.name.split(".", 1)[0]})


def _message(
    distribution: Distribution, top: str, build: str, evidence: str, env: Environment
) -> str:
    source = f"`{top}` comes from {distribution.name} {distribution.version}"
    where = f"as installed for {env.description}"
    if build == "gil-enabling":
        return (
            f"{source}, whose extension modules are built for free-threading ({evidence}) but "
            f"do not declare support (`Py_mod_gil`): importing it turned the GIL back on for "
            f"the whole process in {env.description}"
        )
    what = (
        "are built for CPython with the GIL"
        if build == "gil"
        else "do not say whether they support free-threading"
    )
    if env.free_threaded and build == "gil":
        return (
            f"{source}, whose extension modules {what} ({evidence}, {where}): this "
            "free-threaded interpreter cannot load them, so the import fails or falls back "
            "to slower pure Python"
        )
    return (
        f"{source}, whose extension modules {what} ({evidence}, {where}): a free-threaded "
        "CPython needs a build of it for free-threading, and turns the GIL back on for the "
        "whole process when an extension module that does not declare support is imported"
    )
