"""Binding arguments to parameters as Python does (PAR503's core), against Python itself."""

from __future__ import annotations

import ast
import itertools

import pytest

from parlint.analysis.binding import CallShape, bind_problem

SIGNATURES = [
    "def f(a, b=1, *, c, d=2): pass",
    "def f(a, /, b, *args, **kw): pass",
    "def f(*, k): pass",
    "def f(a, b, /): pass",
    "def f(): pass",
    "def f(self, x, y=0): pass",
]
KEYWORDS = ["a", "b", "c", "d", "k", "x", "z"]


def _python_accepts(source: str, positional: int, keywords: tuple[str, ...]) -> bool:
    namespace: dict[str, object] = {}
    exec(source, namespace)  # the test's own signatures
    try:
        namespace["f"](*range(positional), **{k: 0 for k in keywords})  # type: ignore[operator]
    except TypeError:
        return False
    return True


@pytest.mark.parametrize("source", SIGNATURES)
def test_binding_agrees_with_python(source: str) -> None:
    function = ast.parse(source).body[0]
    assert isinstance(function, ast.FunctionDef)
    for positional in range(4):
        for count in range(3):
            for keywords in itertools.combinations(KEYWORDS, count):
                problem = bind_problem(function, CallShape(positional, keywords))
                accepted = _python_accepts(source, positional, keywords)
                assert (problem is None) == accepted, (source, positional, keywords, problem)


def test_a_bound_method_has_its_first_parameter_taken() -> None:
    function = ast.parse("def f(self, x, y=0): pass").body[0]
    assert isinstance(function, ast.FunctionDef)
    assert bind_problem(function, CallShape(1), bound=True) is None
    assert bind_problem(function, CallShape(3), bound=True) == (
        "takes 2 positional arguments but 3 are passed"
    )
    assert bind_problem(function, CallShape(0, ("self",)), bound=True) is not None
