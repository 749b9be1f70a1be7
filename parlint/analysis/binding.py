"""Binding a call's arguments to a function's parameters as Python does, from `ast` alone.

Used where a task is handed off with its arguments (`Thread(target=f, args=...)`,
`submit(f, ...)`): a mismatch raises `TypeError` in the worker, which dies while the caller
carries on. Only exact shapes are judged: a count of positional arguments and the names of the
keyword ones, no `*seq` or `**mapping` of unknown length.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional, Union

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]


@dataclass(frozen=True)
class CallShape:
    """What a call passes: how many positional arguments, and which keywords."""

    positional: int
    keywords: tuple[str, ...] = ()

    def then(self, other: CallShape) -> CallShape:
        """This shape's arguments first (`functools.partial`'s), then `other`'s."""
        return CallShape(self.positional + other.positional, self.keywords + other.keywords)


def bind_problem(function: Function, shape: CallShape, bound: bool = False) -> Optional[str]:
    """Why `shape` cannot bind to `function`'s parameters (`bound`: its first parameter is
    taken, a method called on an instance), or None when it binds."""
    args = function.args
    positional = [p.arg for p in [*args.posonlyargs, *args.args]]
    first_default = len(positional) - len(args.defaults)
    posonly = {p.arg for p in args.posonlyargs}
    if bound:
        if not positional:
            return None  # (*args) methods and the like: not judged
        positional, first_default = positional[1:], first_default - 1
        posonly.discard(next(iter(p.arg for p in [*args.posonlyargs, *args.args])))
    keyword_only = [p.arg for p in args.kwonlyargs]
    required_keyword_only = [
        p.arg
        for p, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
        if default is None
    ]
    if shape.positional > len(positional) and args.vararg is None:
        return (
            f"takes {_count(len(positional), 'positional argument')} but "
            f"{_given(shape.positional)} {'is' if shape.positional == 1 else 'are'} passed"
        )
    taken = set(positional[: shape.positional])
    seen: set[str] = set()
    supplied: set[str] = set()  # parameters the keywords fill
    for name in shape.keywords:
        if name in seen:
            return f"gets the keyword argument `{name}` twice"
        seen.add(name)
        if name in posonly:
            if args.kwarg is None:
                return f"takes `{name}` by position only, and it is passed by keyword"
            continue  # it goes to **kwargs, and the parameter stays unfilled
        supplied.add(name)
        if name in taken:
            return f"gets `{name}` twice, by position and by keyword"
        if name not in positional and name not in keyword_only and args.kwarg is None:
            return f"has no parameter `{name}`"
    missing = [
        name
        for index, name in enumerate(positional)
        if index >= shape.positional and index < first_default and name not in supplied
    ]
    missing += [name for name in required_keyword_only if name not in supplied]
    if missing:
        listed = " and ".join(f"`{name}`" for name in missing)
        passed = "none" if not shape.positional and not shape.keywords else "not"
        return f"needs {_plural(missing, 'the argument', 'the arguments')} {listed}, " + (
            "and none is passed" if passed == "none" else "which is not passed"
        )
    return None


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _given(number: int) -> str:
    return str(number)


def _plural(items: list[str], one: str, many: str) -> str:
    return one if len(items) == 1 else many
