"""Telling "this code is wrong" from "this code is newer than the interpreter".

parlint parses with the running interpreter's grammar, so a file written for a newer Python
fails to parse. The user should then read which Python the syntax needs, not a bare
"invalid syntax". Each check here recognises one construct by tokens that can never be valid
before the version that introduced it, at the place the parser stopped: a version is named
only when that is certain.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import tokenize
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Optional

from parlint.ftypes import Location
from parlint.source import SourceText

Version = tuple[int, int]

RUNNING: Version = (sys.version_info.major, sys.version_info.minor)


@dataclass(frozen=True)
class SyntaxProblem:
    """Where the parser stopped: 1-based row and code-point column, and its message."""

    message: str
    row: int
    column: int


def describe(source: SourceText, problem: SyntaxProblem, running: Version = RUNNING) -> str:
    """The parser's message, plus the Python version the construct needs when it is newer
    than `running`."""
    needed = needed_version(source, problem, running)
    if needed is None:
        return problem.message
    return (
        f"{problem.message} (this syntax needs Python {_dotted(needed)}; "
        f"parlint runs on {_dotted(running)})"
    )


def needed_version(
    source: SourceText, problem: SyntaxProblem, running: Version = RUNNING
) -> Optional[Version]:
    """The first Python version that accepts the construct the parser stopped at, when it is
    newer than `running` and parlint is sure; None otherwise."""
    if running < (3, 12) and problem.message.startswith(("f-string", "unterminated string")):
        if _in_newer_fstring(source, problem):
            return (3, 12)
    statement = _statement_at(source, problem)
    if not statement:
        return None
    # The newest match wins: `class C[T = int]` stops a 3.11 parser at `[` (PEP 695, 3.12),
    # but only 3.13 reads the default (PEP 696).
    matches = [
        v for v, recognise in _STATEMENT_CHECKS if v > running and recognise(statement, problem)
    ]
    return max(matches, default=None)


def _dotted(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


# -- statements -----------------------------------------------------------------------------

_Tokens = Sequence[tokenize.TokenInfo]
_STATEMENT_END = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT})
_SKIPPED = frozenset({tokenize.COMMENT, tokenize.NL})


def _statement_at(source: SourceText, problem: SyntaxProblem) -> list[tokenize.TokenInfo]:
    """The tokens of the simple statement the parser stopped in (without comments and
    non-logical line breaks), from its start to the end of the row it stopped on.

    The tokenizer agrees with the parser on everything before the first syntax error, which
    is the one reported; what it makes of the rest does not matter.
    """
    statement: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source.text).readline):
            if token.start[0] > problem.row:
                break
            if token.type in _STATEMENT_END or (token.type == tokenize.OP and token.string == ";"):
                if token.type != tokenize.INDENT and _past(token, problem):
                    break
                statement = []
            elif token.type not in _SKIPPED:
                statement.append(token)
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # the tokens up to the problem are what count
    return statement


def _at(token: tokenize.TokenInfo, problem: SyntaxProblem) -> bool:
    """Whether the parser stopped on this token (columns: tokenize counts from 0)."""
    (row, start), (end_row, end) = token.start, token.end
    column = problem.column - 1
    return (
        row <= problem.row <= end_row
        and (row < problem.row or start <= column)
        and (end_row > problem.row or column <= end)
    )


def _past(token: tokenize.TokenInfo, problem: SyntaxProblem) -> bool:
    """Whether the token starts after the place the parser stopped."""
    return token.start >= (problem.row, problem.column - 1)


def _is(token: tokenize.TokenInfo, kind: int, text: Optional[str] = None) -> bool:
    return token.type == kind and (text is None or token.string == text)


def _is_name(token: tokenize.TokenInfo) -> bool:
    return token.type == tokenize.NAME and token.string.isidentifier()


def _alias_shape(tokens: _Tokens) -> bool:
    """`type Alias = ...` / `type Alias[T] = ...` (PEP 695): before 3.12 `type` is a plain
    name, and a name followed by another name is never valid."""
    return (
        len(tokens) >= 3
        and _is(tokens[0], tokenize.NAME, "type")
        and _is_name(tokens[1])
        and tokens[2].type == tokenize.OP
        and tokens[2].string in ("=", "[")
    )


def _type_alias(tokens: _Tokens, problem: SyntaxProblem) -> bool:
    """PEP 695 (3.12): a type alias statement, where older parsers stop at its name."""
    return _alias_shape(tokens) and _at(tokens[1], problem)


def _generic_header(tokens: _Tokens) -> Optional[int]:
    """The index of the `[` opening the type parameters of `def f[T]` / `async def f[T]` /
    `class C[T]` (PEP 695), or None."""
    index = 1 if tokens and _is(tokens[0], tokenize.NAME, "async") else 0
    if len(tokens) < index + 3:
        return None
    keyword, name, bracket = tokens[index : index + 3]
    if keyword.type != tokenize.NAME or keyword.string not in ("def", "class"):
        return None
    if keyword.string == "class" and index:
        return None
    if _is_name(name) and _is(bracket, tokenize.OP, "["):
        return index + 2
    return None


def _type_parameters(tokens: _Tokens, problem: SyntaxProblem) -> bool:
    """PEP 695 (3.12): type parameters on a function or class: the name is followed by `[`,
    which no older grammar allows there."""
    bracket = _generic_header(tokens)
    return bracket is not None and _at(tokens[bracket], problem)


def _type_parameter_default(tokens: _Tokens, problem: SyntaxProblem) -> bool:
    """PEP 696 (3.13): a default for a type parameter, `class C[T = int]`: an `=` directly
    inside the type parameter brackets, with the parser stopped in that parameter (3.12) or
    where type parameters begin (older versions)."""
    bracket = _generic_header(tokens)
    if bracket is not None:
        older_stop = tokens[bracket]
    elif _alias_shape(tokens) and _is(tokens[2], tokenize.OP, "["):
        bracket, older_stop = 2, tokens[1]
    else:
        return False
    if _at(older_stop, problem):
        return _has_parameter_default(tokens[bracket:])
    depth = 0
    parameter: list[tokenize.TokenInfo] = []
    for token in tokens[bracket:]:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
            if depth == 0:
                return False
        elif depth == 1 and _is(token, tokenize.OP, ","):
            parameter = []
            continue
        elif depth == 1 and _is(token, tokenize.OP, "="):
            return any(_at(t, problem) for t in (*parameter, token))
        if depth >= 1:
            parameter.append(token)
    return False


def _has_parameter_default(tokens: _Tokens) -> bool:
    """Whether an `=` sits directly inside the brackets that open at `tokens[0]`."""
    depth = 0
    for token in tokens:
        if token.type != tokenize.OP:
            continue
        if token.string in "([{":
            depth += 1
        elif token.string in ")]}":
            depth -= 1
            if depth == 0:
                return False
        elif token.string == "=" and depth == 1:
            return True
    return False


def _except_star(tokens: _Tokens, problem: SyntaxProblem) -> bool:
    """PEP 654 (3.11): `except* Error:`."""
    return (
        len(tokens) >= 2
        and _is(tokens[0], tokenize.NAME, "except")
        and _is(tokens[1], tokenize.OP, "*")
        and _at(tokens[1], problem)
    )


def _except_without_parentheses(tokens: _Tokens, problem: SyntaxProblem) -> bool:
    """PEP 758 (3.14): `except A, B:` without `as`. Older versions say exactly this."""
    return (
        problem.message == "multiple exception types must be parenthesized"
        and bool(tokens)
        and tokens[0].string == "except"
        and not any(_is(t, tokenize.NAME, "as") for t in tokens)
    )


_TEMPLATE_PREFIXES = frozenset({"t", "tr", "rt"})


def _template_string(tokens: _Tokens, problem: SyntaxProblem) -> bool:
    """PEP 750 (3.14): `t"..."`: older tokenizers read a name glued to a string."""
    for name, string in itertools.pairwise(tokens):
        if (
            name.type == tokenize.NAME
            and name.string.lower() in _TEMPLATE_PREFIXES
            and string.type == tokenize.STRING
            and name.end == string.start
            and (_at(name, problem) or _at(string, problem))
        ):
            return True
    return False


_STATEMENT_CHECKS: tuple[tuple[Version, Callable[[_Tokens, SyntaxProblem], bool]], ...] = (
    ((3, 11), _except_star),
    ((3, 12), _type_alias),
    ((3, 12), _type_parameters),
    ((3, 13), _type_parameter_default),
    ((3, 14), _except_without_parentheses),
    ((3, 14), _template_string),
)


# -- f-strings (PEP 701) --------------------------------------------------------------------


def _in_newer_fstring(source: SourceText, problem: SyntaxProblem) -> bool:
    """Whether the parser stopped inside an f-string that only 3.12's grammar reads: one that
    reuses its own quotes inside a replacement field, has a backslash or a comment in an
    expression, or breaks the line inside a single-quoted one's expression."""
    offset = source.offset(Location(problem.row, max(problem.column, 1)))
    for literal in _StringScanner(source.text).literals():
        if literal.start > offset:
            return False
        if literal.end >= offset:
            return literal.needs_312
    return False


@dataclass(frozen=True)
class _Literal:
    start: int  # index of the prefix
    end: int  # index after the closing quote (the end of the text when unterminated)
    needs_312: bool


_CODE_STOP = re.compile(r"[#'\"]")
_STRING_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt"})
_MAX_NESTING = 32  # deeper than any real f-string; bounds the recursion


class _StringScanner:
    """Finds the string literals of a module with 3.12's rules (PEP 701), noting in each
    outermost literal what older versions reject."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.needs_312 = False

    def literals(self) -> Iterator[_Literal]:
        text = self.text
        position = 0
        while True:
            match = _CODE_STOP.search(text, position)
            if match is None:
                return
            if match.group() == "#":
                position = text.find("\n", match.start())
                if position < 0:
                    return
                continue
            quote_at = match.start()
            prefix = self._prefix(quote_at)
            self.needs_312 = False
            end = self._string(quote_at, prefix, (), 0)
            if end is None:
                # Not a literal even by 3.12's rules: the code is wrong, whatever the version.
                yield _Literal(quote_at - len(prefix), len(text), needs_312=False)
                return
            yield _Literal(quote_at - len(prefix), end, self.needs_312)
            position = end

    def _prefix(self, quote_at: int) -> str:
        start = quote_at
        while start > 0 and (self.text[start - 1].isalnum() or self.text[start - 1] == "_"):
            start -= 1
        word = self.text[start:quote_at]
        return word if word.lower() in _STRING_PREFIXES else ""

    def _string(
        self, quote_at: int, prefix: str, enclosing: tuple[str, ...], depth: int
    ) -> Optional[int]:
        """Scan the literal whose quote is at `quote_at`; the index after it, None when it is
        not terminated. `enclosing` are the quotes of the literals around it."""
        text = self.text
        char = text[quote_at]
        quote = char * 3 if text.startswith(char * 3, quote_at) else char
        if any(text.startswith(outer, quote_at) for outer in enclosing):
            self.needs_312 = True  # before 3.12, this quote ends the enclosing literal
        kind = prefix.lower()
        has_fields = "f" in kind or "t" in kind
        inside = (*enclosing, quote)
        position = quote_at + len(quote)
        while position < len(text):
            if text.startswith(quote, position):
                return position + len(quote)
            char = text[position]
            if char == "\\":
                if enclosing:
                    self.needs_312 = True  # a backslash in an f-string's expression part
                position += 2
            elif char in "\r\n" and len(quote) == 1:
                return None
            elif has_fields and char == "{":
                if text.startswith("{{", position):
                    position += 2
                    continue
                field_end = self._field(position + 1, inside, depth + 1)
                if field_end is None:
                    return None
                position = field_end
            else:
                position += 1
        return None

    def _field(self, position: int, enclosing: tuple[str, ...], depth: int) -> Optional[int]:
        """Scan a replacement field's expression (and conversion and format spec) from after
        its `{`; the index after its `}`."""
        if depth > _MAX_NESTING:
            return None
        text = self.text
        brackets = 0
        while position < len(text):
            char = text[position]
            if char in "([{":
                brackets += 1
            elif char in ")]":
                brackets -= 1
                if brackets < 0:
                    return None
            elif char == "}":
                if brackets == 0:
                    return position + 1
                brackets -= 1
            elif char in "'\"":
                end = self._string(position, self._prefix(position), enclosing, depth)
                if end is None:
                    return None
                position = end
                continue
            elif char == "\\":
                self.needs_312 = True
            elif char == "#":
                self.needs_312 = True  # a comment inside an expression
                position = text.find("\n", position)
                if position < 0:
                    return None
                continue
            elif char in "\r\n" and any(len(quote) == 1 for quote in enclosing):
                self.needs_312 = True  # a line break inside a single-quoted f-string
            elif char == "!" and brackets == 0 and not text.startswith("!=", position):
                return self._format_spec(position + 1, enclosing, depth)
            elif char == ":" and brackets == 0:
                return self._format_spec(position + 1, enclosing, depth)
            position += 1
        return None

    def _format_spec(self, position: int, enclosing: tuple[str, ...], depth: int) -> Optional[int]:
        """Scan a conversion and format spec up to the field's `}` (nested fields too)."""
        text = self.text
        while position < len(text):
            if text.startswith(enclosing[-1], position):
                return None  # the literal ended inside the field
            char = text[position]
            if char == "{":
                end = self._field(position + 1, enclosing, depth + 1)
                if end is None:
                    return None
                position = end
                continue
            if char == "}":
                return position + 1
            position += 2 if char == "\\" else 1
        return None
