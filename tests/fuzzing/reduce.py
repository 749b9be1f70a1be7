"""Shrinking a failing case: delete rows and statements while the same failure remains.

"The same failure" is the same key (kind, rule code, exception type, frame). Blank rows and
comment rows go first, all at once (and again after the statements); then statements, largest
first (a sole statement of a block becomes `pass`, so the block stays valid); then runs of
rows, halving the run length down to one row. The passes stop at a budget of runs and
seconds: a reproducer a little larger than minimal is still a reproducer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from fuzzing.cases import Case
from fuzzing.oracle import evaluate
from fuzzing.textspan import Program, Stmt, ending_of, split_keepends

Key = tuple[str, str, str, str]


@dataclass
class Budget:
    runs: int
    seconds: float

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def spend(self) -> bool:
        """Whether one more run is allowed (and count it)."""
        if self.runs <= 0 or time.monotonic() > self.deadline:
            return False
        self.runs -= 1
        return True


def _without(program: Program, stmt: Stmt) -> str:
    start, end = program.block(stmt)
    replacement = ""
    if len(program.siblings(stmt)) == 1:
        newline = ending_of(program.text[start:end]) or "\n"
        replacement = stmt.indent.replace("\f", "") + "pass" + newline
    return program.text[:start] + replacement + program.text[end:]


def _statement_pass(case: Case, fails: Callable[[Case], bool], budget: Budget) -> Case:
    progress = True
    while progress:
        progress = False
        program = Program(case.text)
        ordered = sorted(
            (s for s in program.statements if s.alone),
            key=lambda s: (s.first_row - s.last_row, s.first_row),
        )
        tried: set[str] = set()
        for stmt in ordered:
            candidate_text = _without(program, stmt)
            if candidate_text == case.text or candidate_text in tried:
                continue
            tried.add(candidate_text)
            if not budget.spend():
                return case
            candidate = case.with_text(candidate_text)
            if fails(candidate):
                case = candidate
                progress = True
                break
    return case


def _bulk_pass(case: Case, fails: Callable[[Case], bool], budget: Budget) -> Case:
    """Blank rows and comment rows, all at once: cheap, and usually irrelevant."""
    for drop in (_is_blank, _is_comment):
        lines = split_keepends(case.text)
        kept = [line for line in lines if not drop(line)]
        if len(kept) == len(lines) or not kept or not budget.spend():
            continue
        candidate = case.with_text("".join(kept))
        if fails(candidate):
            case = candidate
    return case


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\r\n")


def _is_comment(line: str) -> bool:
    return line.strip(" \t\f\r\n").startswith("#")


def _line_pass(case: Case, fails: Callable[[Case], bool], budget: Budget) -> Case:
    lines = split_keepends(case.text)
    chunk = max(len(lines) // 2, 1)
    while chunk >= 1:
        index = 0
        while index < len(lines):
            candidate_lines = lines[:index] + lines[index + chunk :]
            if not budget.spend():
                return case.with_text("".join(lines))
            candidate = case.with_text("".join(candidate_lines))
            if candidate_lines and fails(candidate):
                lines = candidate_lines
            else:
                index += chunk
        chunk //= 2
    return case.with_text("".join(lines))


def shrink(
    case: Case, key: Key, *, time_limit: float, runs: int = 400, seconds: float = 180.0
) -> Case:
    """A smaller case that still shows the failure `key` (or `case` itself)."""

    def fails(candidate: Case) -> bool:
        return key in {f.key for f in evaluate(candidate, time_limit)}

    return reduce_case(case, fails, Budget(runs, seconds))


def reduce_case(case: Case, fails: Callable[[Case], bool], budget: Budget) -> Case:
    """A smaller case for which `fails` still holds (or `case` itself)."""
    smaller = _bulk_pass(case, fails, budget)
    smaller = _statement_pass(smaller, fails, budget)
    smaller = _bulk_pass(smaller, fails, budget)
    smaller = _line_pass(smaller, fails, budget)
    if smaller.text == case.text:
        return case
    return case.with_text(smaller.text, "reduced")
