"""Mutations of real programs that keep their formatting.

Statements are picked on the `ast`, but every mutation edits the text itself, so comments,
blank lines, odd whitespace and line endings survive (and the mutations that are about those
add more of them). A mutation that does not apply to a text returns None.
"""

from __future__ import annotations

import ast
import random
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Optional

from fuzzing.cases import Case
from fuzzing.textspan import (
    Program,
    Stmt,
    ending_of,
    first_newline,
    indent_lines,
    split_keepends,
)

Mutation = Callable[[Case, Program, random.Random], Optional[Case]]

# Calls whose result is a worker (a thread, a process, a pool): the names rename_worker merges.
WORKER_CALLS = frozenset(
    {"Thread", "Process", "Timer", "ThreadPoolExecutor", "ProcessPoolExecutor", "Pool"}
)

WRAP_HEADERS = {
    "if": ("if True:", "if flag:", "if not stop:", 'if __name__ == "__main__":'),
    "try": ("try:",),
    "with": (
        "with lock:",
        "with open(path) as handle:",
        "with ThreadPoolExecutor() as pool:",
        "with contextlib.suppress(Exception):",
    ),
    "for": ("for _ in range(2):", "for item in items:"),
    "while": ("while running:", "while True:"),
    "async def": ("async def _wrapped():",),
    "def": ("def _wrapped(*args):",),
}
TRY_FOOTERS = (("except Exception:", "pass"), ("finally:", "pass"), ("except:", "raise"))

# Identifiers Python accepts, that NFKC leaves different from the original name.
NON_ASCII_NAMES: tuple[Callable[[str], str], ...] = (
    lambda name: name + "_é",
    lambda name: "ñ" + name,
    lambda name: "工作_" + name,
    lambda name: "Ärger_" + name,
    lambda name: name + "_ΔΣ",
)
NON_ASCII_TEXT = ("é🧵ü", "日本語", "🧵", "ß—ø", "\u00a0x\u2028y")
NON_ASCII_COMMENTS = ("ünïcödé 🧵 — ok", "注释：线程", "emoji 🧵🧶 here", "ð ŋ ʒ")


def _alone(program: Program) -> list[Stmt]:
    return [s for s in program.statements if s.alone]


def _runs(program: Program, longest: int) -> list[list[Stmt]]:
    """Runs of consecutive sibling statements that each sit alone on their rows."""
    runs: list[list[Stmt]] = []
    for body in range(len(program.bodies)):
        stmts = [s for s in program.statements if s.body == body]
        for i in range(len(stmts)):
            for j in range(i, min(i + longest, len(stmts))):
                run = stmts[i : j + 1]
                if all(s.alone for s in run):
                    runs.append(run)
    return runs


def _newline_at(program: Program, row: int) -> str:
    return ending_of(program.text[program.row_start(row) : program.row_end(row)]) or (
        first_newline(program.text)
    )


def _ensure_ending(text: str, index: int, newline: str) -> tuple[str, int]:
    """Insert a line ending at `index` (the end of the file) when the last row has none."""
    if index == len(text) and text and not text.endswith(("\n", "\r")):
        return text + newline, index + len(newline)
    return text, index


def _code_indent(stmt: Stmt) -> str:
    return stmt.indent.replace("\f", "")


# -- statements ---------------------------------------------------------------------------


def delete_statement(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    candidates = _alone(program)
    if not candidates:
        return None
    stmt = rng.choice(candidates)
    start, end = program.block(stmt)
    replacement = ""
    if len(program.siblings(stmt)) == 1:
        replacement = _code_indent(stmt) + "pass" + _newline_at(program, stmt.last_row)
    text = program.text[:start] + replacement + program.text[end:]
    return case.with_text(text, f"delete statement at row {stmt.first_row}")


def swap_statements(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    pairs = [
        (a, b)
        for body in range(len(program.bodies))
        for a in program.statements
        if a.body == body and a.alone
        for b in program.statements
        if b.body == body and b.alone and b.index > a.index
    ]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    a_start, a_end = program.block(a)
    b_start, b_end = program.block(b)
    text = program.text
    swapped = (
        text[:a_start]
        + program.block_text(b)
        + text[a_end:b_start]
        + program.block_text(a)
        + text[b_end:]
    )
    return case.with_text(swapped, f"swap statements at rows {a.first_row} and {b.first_row}")


def duplicate_statement(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    candidates = _alone(program)
    if not candidates:
        return None
    stmt = rng.choice(candidates)
    chunk = program.block_text(stmt)
    _, end = program.block(stmt)
    text, end = _ensure_ending(program.text, end, _newline_at(program, stmt.last_row))
    return case.with_text(
        text[:end] + chunk + text[end:], f"duplicate statement at row {stmt.first_row}"
    )


def wrap_statements(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    runs = _runs(program, longest=3)
    if not runs:
        return None
    run = rng.choice(runs)
    kind = rng.choice(sorted(WRAP_HEADERS))
    header = rng.choice(WRAP_HEADERS[kind])
    first, last = run[0], run[-1]
    indent = _code_indent(first)
    unit = program.indent_unit(indent)
    newline = _newline_at(program, first.first_row)
    body = indent_lines(program.block_text(first, last), unit)
    footer = ""
    if kind == "try":
        clause, statement = rng.choice(TRY_FOOTERS)
        footer = f"{indent}{clause}{newline}{indent}{unit}{statement}{newline}"
    elif kind == "if" and rng.random() < 0.3:
        footer = f"{indent}else:{newline}{indent}{unit}pass{newline}"
    elif header == "while True:":
        footer = f"{indent}{unit}break{newline}"
    start, end = program.block(first, last)
    text = (
        program.text[:start]
        + f"{first.indent}{header}{newline}"
        + body
        + footer
        + program.text[end:]
    )
    rows = f"{first.first_row}-{last.last_row}"
    return case.with_text(text, f"wrap rows {rows} in `{header}`")


def join_with_semicolon(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    pairs = []
    for a in program.statements:
        if not (a.alone and a.simple and a.first_row == a.last_row):
            continue
        rest = program.row_text(a.last_row)[a.end - program.row_start(a.last_row) :]
        if rest.strip(" \t\f"):
            continue  # a comment after it would swallow the joined statement
        for b in program.siblings(a):
            if b.index == a.index + 1 and b.alone and b.simple and b.first_row == a.last_row + 1:
                pairs.append((a, b))
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    text = program.text[: a.end] + "; " + program.text[b.start :]
    return case.with_text(text, f"join rows {a.first_row} and {b.first_row} with `;`")


def _scopes(tree: ast.Module) -> Iterator[ast.AST]:
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a scope, without descending into nested functions and classes."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _callee(node: ast.AST) -> Optional[str]:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _worker_names(scope: ast.AST) -> list[str]:
    names: list[str] = []
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign) and _callee(node.value) in WORKER_CALLS:
            names.extend(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.withitem) and _callee(node.context_expr) in WORKER_CALLS:
            if isinstance(node.optional_vars, ast.Name):
                names.append(node.optional_vars.id)
    return sorted(set(names))


def _stored_names(scope: ast.AST) -> list[str]:
    return sorted(
        {
            n.id
            for n in _own_nodes(scope)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
    )


def _replace_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    out = text
    for start, end, content in sorted(set(spans), reverse=True):
        out = out[:start] + content + out[end:]
    return out


def _name_spans(program: Program, root: ast.AST, name: str) -> list[tuple[int, int]]:
    spans = []
    for node in ast.walk(root):
        if isinstance(node, ast.Name) and node.id == name:
            spans.append(program.node_span(node))
        elif isinstance(node, ast.arg) and node.arg == name:
            start = program.offset(node.lineno, node.col_offset)
            spans.append((start, start + len(name)))
    return [(s, e) for s, e in spans if program.text[s:e] == name]


def rename_worker(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    """Give a worker variable the name of another worker (or another local) of its scope."""
    assert program.tree is not None
    choices: list[tuple[ast.AST, str, str]] = []
    for scope in _scopes(program.tree):
        workers = _worker_names(scope)
        others = _stored_names(scope)
        for worker in workers:
            partners = [w for w in workers if w != worker] or [o for o in others if o != worker]
            choices.extend((scope, worker, partner) for partner in partners)
    if not choices:
        return None
    scope, worker, partner = rng.choice(choices)
    spans = _name_spans(program, scope, worker)
    if not spans:
        return None
    text = _replace_spans(program.text, [(s, e, partner) for s, e in spans])
    return case.with_text(text, f"rename worker `{worker}` to `{partner}`")


# -- non-ASCII ----------------------------------------------------------------------------


def _def_name_span(program: Program, node: ast.AST, name: str) -> Optional[tuple[int, int]]:
    row = program.row_text(node.lineno)  # type: ignore[attr-defined]
    match = re.search(r"\b(?:def|class)\s+(" + re.escape(name) + r")\b", row)
    if match is None:
        return None
    start = program.row_start(node.lineno) + match.start(1)  # type: ignore[attr-defined]
    return start, start + len(name)


def non_ascii_identifier(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    """Rename a name defined in the file, everywhere, to a non-ASCII identifier."""
    assert program.tree is not None
    defined = {
        node.name: node
        for node in ast.walk(program.tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    stored = set(_stored_names(program.tree)) | set(defined)
    if not stored:
        return None
    name = rng.choice(sorted(stored))
    new = rng.choice(NON_ASCII_NAMES)(name)
    spans = _name_spans(program, program.tree, name)
    for node in ast.walk(program.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                span = _def_name_span(program, node, name)
                spans.extend([span] if span else [])
    if not spans:
        return None
    text = _replace_spans(program.text, [(s, e, new) for s, e in spans])
    return case.with_text(text, f"rename `{name}` to `{new}`")


def _math_letter(char: str) -> Optional[str]:
    """The MATHEMATICAL BOLD form of an ASCII letter: NFKC maps it back, so the program means
    the same while every later column on its row moves (two UTF-16 units, four UTF-8 bytes)."""
    if "a" <= char <= "z":
        fancy = chr(0x1D41A + ord(char) - ord("a"))
    elif "A" <= char <= "Z":
        fancy = chr(0x1D400 + ord(char) - ord("A"))
    else:
        return None
    return fancy if unicodedata.normalize("NFKC", fancy) == char else None


def math_letters(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    assert program.tree is not None
    names = [n for n in ast.walk(program.tree) if isinstance(n, ast.Name)]
    spans = []
    for node in rng.sample(names, min(len(names), rng.randint(1, 8))):
        start, end = program.node_span(node)
        fancy = _math_letter(program.text[start : start + 1])
        if fancy and program.text[start:end] == node.id:
            spans.append((start, start + 1, fancy))
    if not spans:
        return None
    text = _replace_spans(program.text, spans)
    return case.with_text(text, f"write {len(spans)} names with mathematical letters")


_STRING_START = re.compile(r"(?i)[ru]?('''|\"\"\"|'|\")")


def non_ascii_string(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    assert program.tree is not None
    in_fstrings = {
        id(child)
        for node in ast.walk(program.tree)
        if isinstance(node, ast.JoinedStr)
        for child in ast.walk(node)
    }
    spans = []
    for node in ast.walk(program.tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in in_fstrings:
            continue
        start, _ = program.node_span(node)
        match = _STRING_START.match(program.text, start)
        if match:
            spans.append((match.end(), match.end(), rng.choice(NON_ASCII_TEXT)))
    if not spans:
        return None
    chosen = rng.sample(spans, min(len(spans), rng.randint(1, 3)))
    return case.with_text(
        _replace_spans(program.text, chosen), f"non-ASCII text in {len(chosen)} strings"
    )


def _comment_after(program: Program, stmt: Stmt) -> Optional[int]:
    """Where the comment after a statement starts (an index into the text), if it has one."""
    row_start = program.row_start(stmt.last_row)
    rest = program.row_text(stmt.last_row)[stmt.end - row_start :]
    hash_at = rest.find("#")
    return stmt.end + hash_at if hash_at >= 0 else None


def _add_comment(program: Program, stmt: Stmt, rng: random.Random, comment: str) -> tuple[str, str]:
    """Append `comment` (text after `# `) to a statement's row, inside its existing comment,
    or on a row of its own before it."""
    text = program.text
    where = rng.randrange(3)
    existing = _comment_after(program, stmt)
    if where == 0 and existing is not None:
        line_end = program.row_start(stmt.last_row) + len(program.row_text(stmt.last_row))
        at = rng.randint(existing + 1, line_end)
        return text[:at] + comment + text[at:], f"comment text at row {stmt.last_row}"
    if where == 1 and existing is None:
        at = stmt.end
        return text[:at] + "  # " + comment + text[at:], f"comment after row {stmt.last_row}"
    at = program.row_start(stmt.first_row)
    line = f"{_code_indent(stmt)}# {comment}{_newline_at(program, stmt.first_row)}"
    return text[:at] + line + text[at:], f"comment row before row {stmt.first_row}"


def non_ascii_comment(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    candidates = _alone(program)
    if not candidates:
        return None
    text, where = _add_comment(program, rng.choice(candidates), rng, rng.choice(NON_ASCII_COMMENTS))
    return case.with_text(text, f"non-ASCII {where}")


def lone_cr_in_comment(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    """A `\\r` inside a comment ends the row for Python; the rest stays a comment (`\\r#`)."""
    candidates = _alone(program)
    if not candidates:
        return None
    text, where = _add_comment(program, rng.choice(candidates), rng, "left\r# right")
    return case.with_text(text, f"lone CR in {where}")


# -- whitespace, line endings, BOM --------------------------------------------------------


def form_feed(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    candidates = _alone(program)
    if not candidates:
        return None
    stmt = rng.choice(candidates)
    at = program.row_start(stmt.first_row)
    if rng.random() < 0.5:
        insert = "\f"
        where = f"form feed at the start of row {stmt.first_row}"
    else:
        insert = "\f" + _newline_at(program, stmt.first_row)
        where = f"form-feed row before row {stmt.first_row}"
    return case.with_text(program.text[:at] + insert + program.text[at:], where)


def tabs_for_indentation(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    lines = split_keepends(program.text)
    if not any(line.startswith("    ") for line in lines):
        return None
    out = []
    for line in lines:
        spaces = len(line) - len(line.lstrip(" "))
        out.append("\t" * (spaces // 4) + " " * (spaces % 4) + line[spaces:])
    return case.with_text("".join(out), "tabs for indentation")


def line_endings(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    mode = rng.choice(("CRLF", "CR", "mixed"))
    out = []
    for line in split_keepends(program.text):
        ending = ending_of(line)
        if not ending:
            out.append(line)
            continue
        new = {"CRLF": "\r\n", "CR": "\r"}.get(mode) or rng.choice(("\n", "\r\n", "\r"))
        out.append(line[: -len(ending)] + new)
    text = "".join(out)
    if text == program.text:
        return None
    return case.with_text(text, f"{mode} line endings")


def byte_order_mark(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    if case.bom:
        return None
    return replace(case, bom=True, steps=(*case.steps, "UTF-8 BOM"))


def break_syntax(case: Case, program: Program, rng: random.Random) -> Optional[Case]:
    """Cut the file short or drop a few characters: mostly code that does not parse, which
    parlint must report as PAR000 and otherwise survive."""
    text = program.text
    if not text:
        return None
    at = rng.randrange(len(text))
    if rng.random() < 0.5:
        return case.with_text(text[:at], f"cut the text at index {at}")
    length = rng.randint(1, 3)
    return case.with_text(text[:at] + text[at + length :], f"drop {length} characters at {at}")


@dataclass(frozen=True)
class Operator:
    name: str
    apply: Mutation
    weight: int
    needs_tree: bool = True


OPERATORS = (
    Operator("delete", delete_statement, 4),
    Operator("swap", swap_statements, 3),
    Operator("duplicate", duplicate_statement, 3),
    Operator("wrap", wrap_statements, 5),
    Operator("rename-worker", rename_worker, 3),
    Operator("join", join_with_semicolon, 3),
    Operator("non-ascii-name", non_ascii_identifier, 2),
    Operator("math-letters", math_letters, 2),
    Operator("non-ascii-string", non_ascii_string, 2),
    Operator("non-ascii-comment", non_ascii_comment, 2),
    Operator("lone-cr-comment", lone_cr_in_comment, 2),
    Operator("form-feed", form_feed, 2),
    Operator("tabs", tabs_for_indentation, 2, needs_tree=False),
    Operator("line-endings", line_endings, 3, needs_tree=False),
    Operator("bom", byte_order_mark, 1, needs_tree=False),
    Operator("break-syntax", break_syntax, 1, needs_tree=False),
)


def mutate_once(case: Case, rng: random.Random, attempts: int = 8) -> Case:
    """One mutation that applies (unchanged `case` when none of `attempts` tries did)."""
    program = Program(case.text)
    usable = [op for op in OPERATORS if not op.needs_tree or program.tree is not None]
    for _ in range(attempts):
        operator = rng.choices(usable, weights=[op.weight for op in usable])[0]
        mutated = operator.apply(case, program, rng)
        if mutated is not None and mutated != case:
            return mutated
    return case


def mutate(case: Case, rng: random.Random, count: int) -> Case:
    for _ in range(count):
        case = mutate_once(case, rng)
    return case
