"""What must hold for any program, checked on one case: the failures found, as data.

For a program that parses (SPEC §2 "Fix requirements", §5 "Robustness"):
- checking (with every fix built, as `check_source` does) raises nothing and reports no
  internal error (a rule, the model or a fix builder that crashed);
- every position of every diagnostic and every fix edit converts to LSP positions (UTF-16,
  UTF-8 and UTF-32) as an independent computation says, and back to itself; the edits applied
  through those LSP positions give the text parlint's own `apply_edits` gives;
- each fix applied alone (an editor's quick fix) and each alternative fix leaves code that parses;
- `fix_source(..., unsafe=True)` raises nothing, reports no internal error, leaves code that
  parses, is idempotent, and re-checking the result does not report the fixed findings again
  (compared by code and count).
A program that does not parse must not crash parlint, and gets PAR000 (when the keyword
prefilter lets it through) and nothing else.

The checks call `parlint.engine.Linter`, the object `check_source` and `fix_source` wrap,
because the wrappers drop the internal-error list. Tracebacks of internal errors are taken from
the records parlint logs when it catches them.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import logging
import re
import signal
import threading
import traceback
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Optional

from lsprotocol import types

import parlint
import parlint.rules
import parlint.server
from fuzzing.cases import Case
from fuzzing.textspan import LINE_END, Program, split_keepends
from parlint.api import check_source
from parlint.config import Settings
from parlint.engine import Linter, could_matter, decode
from parlint.fixes.edits import apply_edits
from parlint.ftypes import Diagnostic, Edit, Location
from parlint.server.convert import Positions
from parlint.source import SourceText

FILENAME = "fuzz_case.py"
PARSE_ERROR = "PAR000"
ENCODINGS = (
    types.PositionEncodingKind.Utf16,
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf32,
)
_OWN_CODE = tuple(
    str(Path(module.__file__ or "").parent) for module in (parlint, parlint.rules, parlint.server)
)


@dataclass(frozen=True)
class Failure:
    """One broken promise. `key` is what deduplicates failures across cases."""

    kind: str
    code: str  # the rule (or rules, comma-separated) involved; "" when none is
    exception: str  # the exception's type name, "" when nothing raised
    frame: str  # where it was raised: the deepest frame in parlint's own code
    detail: str
    traceback: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.code, self.exception, self.frame)


class FuzzTimeout(BaseException):
    """A case ran past its time limit. A BaseException, so that parlint's `except Exception`
    around each rule does not turn it into a rule crash."""


def _frame_of(tb: Optional[TracebackType]) -> str:
    """The deepest frame in parlint's own code (else the deepest frame), as `file:function`."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    own = [f for f in frames if f.filename.startswith(_OWN_CODE)]
    chosen = (own or frames)[-1:] if frames else []
    return f"{Path(chosen[0].filename).name}:{chosen[0].name}" if chosen else ""


def _from_exception(kind: str, code: str, exc: BaseException, detail: str = "") -> Failure:
    return Failure(
        kind,
        code,
        type(exc).__name__,
        _frame_of(exc.__traceback__),
        detail or f"{type(exc).__name__}: {exc}"[:300],
        "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    )


class _LoggedErrors(logging.Handler):
    """Collects the exceptions parlint logs when it catches a crash."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)

    def take(self, message_start: str, exception: str) -> Optional[logging.LogRecord]:
        for record in self.records:
            exc_info = record.exc_info
            assert exc_info is not None and exc_info[0] is not None
            if record.getMessage().startswith(message_start) and exc_info[0].__name__ in (
                exception,
                "",
            ):
                self.records.remove(record)
                return record
        return None


_ERROR_PATTERNS = (
    ("fix-build-crash", re.compile(r"fix for rule (PAR\d+) crashed: (\w+)"), "fix for {code}"),
    ("rule-crash", re.compile(r"(?<!fix for )rule (PAR\d+) crashed: (\w+)"), "rule {code}"),
    ("model-crash", re.compile(r"internal error: ()(\w+)"), "building the model"),
    ("fix-invalid-code", re.compile(r"fixes for ([A-Z0-9, ]+) produced invalid code()"), ""),
)


def _from_error(message: str, logged: _LoggedErrors) -> Failure:
    """A Failure for one of the internal-error strings parlint returns."""
    for kind, pattern, log_start in _ERROR_PATTERNS:
        match = pattern.search(message)
        if not match:
            continue
        code, exception = match.group(1).replace(" ", ""), match.group(2)
        record = logged.take(log_start.format(code=code), exception) if log_start else None
        if record is None or record.exc_info is None:
            return Failure(kind, code, exception, "", message[:300])
        _, error, tb = record.exc_info
        assert error is not None
        return Failure(
            kind,
            code,
            exception,
            _frame_of(tb),
            message[:300],
            "".join(traceback.format_exception(type(error), error, tb)),
        )
    return Failure("other-error", "", "", "", message[:300])


@contextlib.contextmanager
def _capture_parlint_log() -> Iterator[_LoggedErrors]:
    logger = logging.getLogger("parlint")
    handler = _LoggedErrors()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: Optional[FrameType]) -> None:
        raise FuzzTimeout(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _parses(text: str) -> Optional[BaseException]:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return exc
    return None


# -- positions ----------------------------------------------------------------------------


def _units(chars: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(chars.encode("utf-8", errors="surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf16:
        return len(chars.encode("utf-16-le", errors="surrogatepass")) // 2
    return len(chars)


def _expected_position(program: Program, location: Location, encoding: str) -> types.Position:
    line = program.row_text(location.row)
    return types.Position(location.row - 1, _units(line[: location.column - 1], encoding))


def _lsp_offset(program: Program, position: types.Position, encoding: str) -> int:
    """Where an editor puts a position: characters past the end of a row clamp to its end."""
    row = position.line + 1
    if row > program.row_count:
        return len(program.text)
    line = program.row_text(row)
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return program.row_start(row) + index
        units += _units(char, encoding)
    return program.row_start(row) + len(line)


def _lsp_apply(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    program = Program(text)
    spans = sorted(
        (
            (
                _lsp_offset(program, e.range.start, encoding),
                _lsp_offset(program, e.range.end, encoding),
                e.new_text,
            )
            for e in edits
        ),
        key=lambda s: (s[0], s[1]),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def _valid_location(program: Program, location: Location) -> bool:
    return (
        1 <= location.row <= program.row_count
        and 1 <= location.column <= len(program.row_text(location.row)) + 1
    )


def _locations(diagnostic: Diagnostic) -> list[tuple[str, Location]]:
    found = [("start", diagnostic.location), ("end", diagnostic.end_location)]
    for related in diagnostic.related:
        found += [("related start", related.location), ("related end", related.end_location)]
    if diagnostic.fix is not None:
        for edit in diagnostic.fix.edits:
            found += [("edit start", edit.location), ("edit end", edit.end_location)]
    return found


def position_failures(text: str, diagnostics: Sequence[Diagnostic]) -> list[Failure]:
    program = Program(text)
    source = SourceText(text)
    failures = []
    for diagnostic in diagnostics:
        for what, location in _locations(diagnostic):
            if not _valid_location(program, location):
                failures.append(
                    Failure(
                        "position-invalid",
                        diagnostic.code,
                        "",
                        what,
                        f"{what} {location} is outside the text",
                    )
                )
                continue
            for encoding in ENCODINGS:
                positions = Positions(source, encoding)
                position = positions.position(location)
                expected = _expected_position(program, location, encoding)
                back = positions.location(position)
                if position != expected or back != location:
                    failures.append(
                        Failure(
                            "position-conversion",
                            diagnostic.code,
                            "",
                            what,
                            f"{encoding}: {what} {location} -> {position} (expected "
                            f"{expected}) -> {back}",
                        )
                    )
        if diagnostic.fix is not None:
            failures.extend(_lsp_edit_failures(text, source, diagnostic, diagnostic.fix.edits))
    return failures


def _lsp_edit_failures(
    text: str, source: SourceText, diagnostic: Diagnostic, edits: Sequence[Edit]
) -> list[Failure]:
    try:
        wanted = apply_edits(source, edits)
    except ValueError as exc:
        return [_from_exception("fix-overlapping-edits", diagnostic.code, exc)]
    failures = []
    for encoding in ENCODINGS:
        positions = Positions(source, encoding)
        got = _lsp_apply(text, [positions.text_edit(e) for e in edits], encoding)
        if got != wanted:
            failures.append(
                Failure(
                    "lsp-edit-mismatch",
                    diagnostic.code,
                    "",
                    "",
                    f"{encoding}: the edits applied through LSP positions differ from apply_edits",
                )
            )
    return failures


# -- the checks ---------------------------------------------------------------------------


def _settings(case: Case) -> Settings:
    return Settings(target_version=case.target_version, free_threaded=case.free_threaded)


def _unique(failures: Sequence[Failure]) -> list[Failure]:
    seen: set[tuple[str, str, str, str]] = set()
    result = []
    for failure in failures:
        if failure.key not in seen:
            seen.add(failure.key)
            result.append(failure)
    return result


def evaluate(case: Case, time_limit: float = 60.0) -> list[Failure]:
    """Every failure one case shows (deduplicated by key); [] when all holds."""
    failures: list[Failure] = []
    with warnings.catch_warnings(), _capture_parlint_log() as logged:
        warnings.simplefilter("ignore")
        try:
            with _time_limit(time_limit):
                _evaluate(case, failures, logged)
        except FuzzTimeout as exc:
            failures.append(_from_exception("timeout", "", exc, f"no result {exc}"))
    return _unique(failures)


def _evaluate(case: Case, failures: list[Failure], logged: _LoggedErrors) -> None:
    linter = Linter(_settings(case), FILENAME)
    text, _, problem = decode(case.data())
    if text is None:
        _check_unreadable(case, problem, failures)
        return
    if _parses(text) is not None:
        _check_unparsable(linter, text, failures, logged)
        return
    try:
        checked = linter.check(text, with_fixes=True)
    except Exception as exc:
        failures.append(_from_exception("check-raised", "", exc))
        return
    failures.extend(_from_error(e, logged) for e in checked.errors)
    diagnostics = checked.diagnostics
    failures.extend(
        Failure("spurious-parse-error", PARSE_ERROR, "", "", d.message)
        for d in diagnostics
        if d.code == PARSE_ERROR
    )
    failures.extend(position_failures(text, diagnostics))
    failures.extend(_quick_fix_failures(text, diagnostics, linter))
    failures.extend(_alternative_failures(linter, text, diagnostics, logged))
    failures.extend(_fix_all_failures(linter, text, diagnostics, logged))


def _check_unreadable(case: Case, problem: Optional[Diagnostic], failures: list[Failure]) -> None:
    try:
        codes = {d.code for d in check_source(case.data(), filename=FILENAME)}
    except Exception as exc:
        failures.append(_from_exception("check-raised", "", exc, "on bytes that do not decode"))
        return
    if codes != {PARSE_ERROR}:
        failures.append(
            Failure("unreadable-findings", ",".join(sorted(codes)), "", "", f"{problem}")
        )


def _check_unparsable(
    linter: Linter, text: str, failures: list[Failure], logged: _LoggedErrors
) -> None:
    try:
        checked = linter.check(text, with_fixes=True)
        fixed = linter.fix(text, unsafe=True)
    except Exception as exc:
        failures.append(_from_exception("check-raised", "", exc, "on code that does not parse"))
        return
    failures.extend(_from_error(e, logged) for e in (*checked.errors, *fixed.errors))
    codes = [d.code for d in checked.diagnostics]
    if could_matter(text) and PARSE_ERROR not in codes:
        failures.append(
            Failure("parse-error-missing", "", "", "", "code that does not parse has no PAR000")
        )
    others = sorted(set(codes) - {PARSE_ERROR})
    if others:
        failures.append(
            Failure("unparsable-findings", ",".join(others), "", "", f"findings {others}")
        )
    if fixed.text != text:
        failures.append(
            Failure("unparsable-fixed", "", "", "", "fixing code that does not parse changed it")
        )


def _quick_fix_failures(
    text: str,
    diagnostics: Sequence[Diagnostic],
    linter: Linter,
    fixes: Optional[Sequence[Diagnostic]] = None,
    prefix: str = "quick-fix",
) -> list[Failure]:
    """Each fix (of `diagnostics`, or the `fixes` given) applied alone, as an editor's quick
    fix applies it, leaves code that parses and, re-checked, one finding of its code fewer."""
    source = SourceText(text)
    before = Counter(d.code for d in diagnostics)
    failures = []
    for diagnostic in diagnostics if fixes is None else fixes:
        if diagnostic.fix is None:
            continue
        try:
            new = apply_edits(source, diagnostic.fix.edits)
        except ValueError:
            continue  # reported by position_failures
        error = _parses(new)
        where = f"{diagnostic.code} at {diagnostic.location}"
        if error is not None:
            failures.append(
                Failure(
                    f"{prefix}-unparsable",
                    diagnostic.code,
                    type(error).__name__,
                    "",
                    f"{where}: {error}",
                )
            )
            continue
        after = Counter(d.code for d in linter.check(new).diagnostics)
        if after[diagnostic.code] >= before[diagnostic.code]:
            failures.append(
                Failure(
                    f"{prefix}-refinds",
                    diagnostic.code,
                    "",
                    "",
                    f"{where}: {before[diagnostic.code]} found before its fix, "
                    f"{after[diagnostic.code]} after",
                )
            )
    return failures


def _flagged(program: Program, diagnostic: Diagnostic) -> str:
    """The text a finding flags ("" when its range is not in the text)."""
    start, end = diagnostic.location, diagnostic.end_location
    if not (_valid_location(program, start) and _valid_location(program, end)):
        return ""
    first = program.row_start(start.row) + start.column - 1
    last = program.row_start(end.row) + end.column - 1
    return program.text[first:last]


class _RowMap:
    """Where the rows of a text went in its fixed version (a line diff between the two)."""

    def __init__(self, old: str, new: str) -> None:
        matcher = difflib.SequenceMatcher(
            None, split_keepends(old), split_keepends(new), autojunk=False
        )
        self.opcodes = matcher.get_opcodes()

    def rows(self, row: int) -> tuple[Optional[int], range]:
        """The row `row` became when the fix left it alone (else None), and the rows of the
        fixed text that replaced the hunk it was in (1-based)."""
        for tag, i1, i2, j1, j2 in self.opcodes:
            if i1 <= row - 1 < i2:
                if tag == "equal":
                    moved = j1 + (row - 1 - i1) + 1
                    return moved, range(moved, moved + 1)
                return None, range(j1 + 1, j2 + 1)
        return None, range(0)


def refind_failures(
    text: str,
    diagnostics: Sequence[Diagnostic],
    fixed: Sequence[Diagnostic],
    fixed_text: str,
    after: Sequence[Diagnostic],
) -> list[Failure]:
    """A finding of the original text that the fix fixed is not found again.

    "Again" means: by the same rule, where that finding's row went (same row and column when
    the fix left the row alone; the same flagged text within the rows that replaced it when the
    fix rewrote it). Other findings of the same rule that a fix revealed elsewhere (`t.run()`
    becoming `t.start()` makes an unjoined thread) do not count.
    """
    program, fixed_program = Program(text), Program(fixed_text)
    rows = _RowMap(text, fixed_text)
    original = {(d.code, d.location, d.end_location) for d in diagnostics}
    remaining = list(after)
    failures = []
    for diagnostic in fixed:
        if (diagnostic.code, diagnostic.location, diagnostic.end_location) not in original:
            continue  # found and fixed in a later pass: a finding a fix revealed
        moved, hunk = rows.rows(diagnostic.location.row)
        flagged = _flagged(program, diagnostic)
        for again in remaining:
            if again.code != diagnostic.code:
                continue
            same_place = moved is not None and again.location == Location(
                moved, diagnostic.location.column
            )
            rewritten = (
                moved is None
                and again.location.row in hunk
                and _flagged(fixed_program, again) == flagged
            )
            if same_place or rewritten:
                remaining.remove(again)
                failures.append(
                    Failure(
                        "fix-refinds",
                        diagnostic.code,
                        "",
                        "",
                        f"{diagnostic.code} at {diagnostic.location} ({flagged[:60]!r}) is "
                        f"found again after the fix, at {again.location}",
                    )
                )
                break
    return failures


def repeat_failures(fixed: Sequence[Diagnostic]) -> list[Failure]:
    """No finding is fixed twice in one fix-all: when one is, another fix undid the first
    (two rules flipping the code back and forth until the pass limit)."""
    times = Counter((d.code, d.location) for d in fixed)
    repeated = sorted({code for (code, _), n in times.items() if n > 1})
    if not repeated:
        return []
    codes = ",".join(repeated)
    return [
        Failure(
            "fix-repeats",
            codes,
            "",
            "",
            f"{len(fixed)} fixes applied; {codes} fixed the same finding "
            f"{max(times.values())} times",
        )
    ]


def _line_ending_failures(text: str, fixed_text: str, codes: str) -> list[Failure]:
    """A file with one line-ending style keeps it through fixes (CRLF and CR-only too)."""
    styles = set(LINE_END.findall(text))
    after = set(LINE_END.findall(fixed_text))
    if len(styles) != 1 or after <= styles:
        return []
    return [
        Failure(
            "fix-line-endings",
            codes,
            "",
            "",
            f"a file with {sorted(styles)} line endings has {sorted(after - styles)} after the fix",
        )
    ]


def _alternative_failures(
    linter: Linter, text: str, diagnostics: Sequence[Diagnostic], logged: _LoggedErrors
) -> list[Failure]:
    """Every alternative fix an editor offers builds, converts and parses like a main fix."""
    failures: list[Failure] = []
    for diagnostic in diagnostics:
        for index in range(len(diagnostic.alternatives)):
            try:
                built, errors = linter.build_alternative(text, diagnostic, index)
            except Exception as exc:
                failures.append(_from_exception("alternative-raised", diagnostic.code, exc))
                continue
            failures.extend(_from_error(e, logged) for e in errors)
            failures.extend(position_failures(text, [built]))
            failures.extend(
                _quick_fix_failures(text, diagnostics, linter, [built], prefix="alternative")
            )
    return failures


def _fix_all_failures(
    linter: Linter, text: str, diagnostics: Sequence[Diagnostic], logged: _LoggedErrors
) -> list[Failure]:
    failures: list[Failure] = []
    try:
        first = linter.fix(text, unsafe=True)
    except Exception as exc:
        return [_from_exception("fix-raised", "", exc)]
    failures.extend(_from_error(e, logged) for e in first.errors)
    fixed_codes = ",".join(sorted({d.code for d in first.fixed}))
    error = _parses(first.text)
    if error is not None:
        failures.append(
            Failure("fix-unparsable", fixed_codes, type(error).__name__, "", str(error))
        )
        return failures
    try:
        second = linter.fix(first.text, unsafe=True)
        again = linter.check(first.text)
    except Exception as exc:
        return [*failures, _from_exception("fix-raised", "", exc, "on the fixed text")]
    failures.extend(_from_error(e, logged) for e in (*second.errors, *again.errors))
    if second.text != first.text:
        codes = ",".join(sorted({d.code for d in second.fixed}))
        failures.append(
            Failure("fix-not-idempotent", codes, "", "", f"a second fix applied {codes}")
        )
    failures.extend(refind_failures(text, diagnostics, first.fixed, first.text, again.diagnostics))
    failures.extend(repeat_failures(first.fixed))
    failures.extend(_line_ending_failures(text, first.text, fixed_codes))
    return failures
