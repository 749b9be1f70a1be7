"""Failures of bugs that are already known (being fixed elsewhere), so that a campaign and
the test slice can tell them from new ones.

Each entry names the bug and recognises its failures by what they are (kind, rule, exception)
and by what the failing program contains. The tests are deliberately narrow: a failure that
matches no entry is reported as new, and a new bug that happens to match an entry would only
hide behind a bug that is being fixed anyway. Remove an entry when its bug is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional

from fuzzing.cases import Case
from fuzzing.oracle import Failure, evaluate


@dataclass(frozen=True)
class KnownBug:
    name: str
    description: str
    matches: Callable[[Failure, Case], bool]


# A form feed at the start of a row, before the indentation of a statement.
_FORM_FEED_INDENT = re.compile(r"(?:^|[\r\n])\f+[ \t]+\S")
_LONE_CR = re.compile(r"\r(?!\n)")
_LONE_CR_IN_COMMENT = re.compile(r"#[^\r\n]*\r(?!\n)")
_WORKER_ASSIGNED = re.compile(r"^[ \t\f]*(\w+)\s*=\s*[\w.]*(?:Thread|Process|Timer)\(", re.M)
_STARTED = re.compile(r"(\w+)\.start\(\)")
_FIX_OUTCOMES = frozenset(
    {
        "fix-refinds",
        "fix-not-idempotent",
        "fix-invalid-code",
        "fix-unparsable",
        "fix-line-endings",
        "quick-fix-refinds",
        "quick-fix-unparsable",
    }
)


def _codes(failure: Failure) -> set[str]:
    return set(failure.code.split(",")) if failure.code else set()


def _fix_outcome(failure: Failure, code: str) -> bool:
    return failure.kind in _FIX_OUTCOMES and code in _codes(failure)


def _caused_by(failure: Failure, case: Case, remove: Callable[[str], str]) -> bool:
    """Whether the failure goes away when a feature of the text is removed (the rest kept)."""
    without = remove(case.text)
    if without == case.text:
        return False
    return failure.key not in {f.key for f in evaluate(case.with_text(without))}


def _no_form_feeds(text: str) -> str:
    return text.replace("\f", "")


def _no_lone_crs(text: str) -> str:
    return _LONE_CR.sub("\n", text)


def _name_reused(text: str) -> bool:
    """A worker variable assigned twice, or started twice: PAR101 must pick the right start."""
    assigned = _WORKER_ASSIGNED.findall(text)
    started = _STARTED.findall(text)
    return len(assigned) > len(set(assigned)) or len(started) > len(set(started))


KNOWN_BUGS: tuple[KnownBug, ...] = (
    KnownBug(
        "form-feed-indent",
        "form feeds before an indented line break the PAR101 fix",
        lambda f, case: (
            "PAR101" in _codes(f)
            and bool(_FORM_FEED_INDENT.search(case.text))
            and _caused_by(f, case, _no_form_feeds)
        ),
    ),
    KnownBug(
        "cr-only-join",
        "CR-only line endings give joins with no line terminator",
        lambda f, case: _fix_outcome(f, "PAR101") and _caused_by(f, case, _no_lone_crs),
    ),
    KnownBug(
        "par103-join-semicolon",
        "`c.join(); print(x)` sharing a line loses the print in the PAR103 rewrite",
        lambda f, case: _fix_outcome(f, "PAR103") and bool(re.search(r"\.join\(\)\s*;", case.text)),
    ),
    KnownBug(
        "par101-semicolon-return",
        "`x = 1; return x` gets the join after the return",
        lambda f, case: _fix_outcome(f, "PAR101") and bool(re.search(r";\s*return\b", case.text)),
    ),
    KnownBug(
        "par104-run-start",
        "`p.run(); p.start()` PAR104 fix",
        lambda f, case: _fix_outcome(f, "PAR104") and bool(re.search(r"\.run\(\)\s*;", case.text)),
    ),
    KnownBug(
        "par202-module-state",
        "PAR202 Process->Thread when the task writes module state",
        lambda f, case: _fix_outcome(f, "PAR202") and "global" in case.text,
    ),
    KnownBug(
        "par501-never-started",
        "PAR501 fix on a never-started thread",
        lambda f, case: (
            _fix_outcome(f, "PAR501")
            and ".start()" not in case.text
            and not _LONE_CR.search(case.text)
        ),
    ),
    KnownBug(
        "par101-name-reused",
        "PAR101 pointing at the wrong start when a name is reused",
        lambda f, case: _fix_outcome(f, "PAR101") and _name_reused(case.text),
    ),
    KnownBug(
        "par102-lone-cr-comment",
        "a lone CR in comments inside a PAR102 rewrite (CSTValidationError)",
        lambda f, case: (
            "PAR102" in _codes(f)
            and f.exception == "CSTValidationError"
            and bool(_LONE_CR_IN_COMMENT.search(case.text))
        ),
    ),
    KnownBug(
        "par102-module-nonlocal",
        "a module-level `nonlocal` crashing libcst's scope provider in the PAR102 fix",
        lambda f, case: (
            "PAR102" in _codes(f) and f.kind == "fix-build-crash" and "nonlocal" in case.text
        ),
    ),
)


def known_bug(failure: Failure, case: Case) -> Optional[KnownBug]:
    """The known bug this failure (shown by `case`) is an instance of, if any."""
    return next((bug for bug in KNOWN_BUGS if bug.matches(failure, case)), None)
