"""Failures of bugs that are already known (being fixed elsewhere), so that a campaign and
the test slice can tell them from new ones.

Each entry names the bug and recognises its failures by what they are (kind, rule, exception)
and by what the failing program contains. The tests are deliberately narrow: a failure that
matches no entry is reported as new, and a new bug that happens to match an entry would only
hide behind a bug that is being fixed anyway. Remove an entry when its bug is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional

from fuzzing.cases import Case
from fuzzing.oracle import Failure


@dataclass(frozen=True)
class KnownBug:
    name: str
    description: str
    matches: Callable[[Failure, Case], bool]


# Every bug the first campaigns found is fixed and has its own regression test
# (tests/test_fix_regressions.py). Add an entry here while a newly found bug is being fixed.
KNOWN_BUGS: tuple[KnownBug, ...] = ()


def known_bug(failure: Failure, case: Case) -> Optional[KnownBug]:
    """The known bug this failure (shown by `case`) is an instance of, if any."""
    return next((bug for bug in KNOWN_BUGS if bug.matches(failure, case)), None)
