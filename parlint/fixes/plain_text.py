r"""The text libcst parses for a fix, and the way back to the file's own bytes.

Python reads `\r\n`, `\r` and `\n` alike as line ends, and a form feed in a statement's
indentation resets the indentation count. libcst does neither: it drops a form feed before a
statement's indentation (or fails to parse), drops a final lone `\r`, and reads a lone `\r`
inside a comment of a `\n` file as part of the comment. So fixes parse a *plain* copy of the
text, which Python reads exactly as the original: every line ends in `\n`, and the form feeds
before a statement are cut off. The rewritten plain text is mapped back line by line: lines
the fix kept are the original lines byte for byte; a line the fix wrote takes the ending, and
the form feeds, of the line it replaces (or of the line it follows, when it is new).
"""

from __future__ import annotations

import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, Optional

from parlint.source import python_tokens, split_lines

Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class _Line:
    feed: str  # leading whitespace up to the last form feed of a statement's indentation
    body: str  # the rest of the line, without its ending
    ending: str  # "\r\n", "\r", "\n", or "" for a last line without one

    @property
    def original(self) -> str:
        return self.feed + self.body + self.ending

    @property
    def plain(self) -> str:
        return self.body + ("\n" if self.ending else "")


class PlainText:
    """`text` as libcst can parse it (`plain`), and the way back (`restore`)."""

    def __init__(self, text: str) -> None:
        self.identity = "\r" not in text and "\f" not in text
        if self.identity:
            self.plain = text
            self._lines: list[_Line] = []
            self._has_feeds = False
            return
        raw = [_split_ending(line) for line in split_lines(text)]
        starts: frozenset[int] = frozenset()
        if "\f" in text:
            starts = statement_rows("".join(b + ("\n" if e else "") for b, e in raw))
        self._lines = [
            _cut_feed(body, ending, row in starts) for row, (body, ending) in enumerate(raw, 1)
        ]
        self._has_feeds = any(line.feed for line in self._lines)
        self.plain = "".join(line.plain for line in self._lines)

    def feed_width(self, row: int) -> int:
        """How many characters of 1-based `row` the plain text cut off at its start."""
        if self.identity or not 1 <= row <= len(self._lines):
            return 0
        return len(self._lines[row - 1].feed)

    def restore(self, new_plain: str) -> str:
        """The rewritten plain text in the original's line endings and form feeds."""
        if self.identity:
            return new_plain
        old = [line.plain for line in self._lines]
        new = split_lines(new_plain)
        new_starts = statement_rows(new_plain) if self._has_feeds else frozenset()
        out: list[str] = []
        pending = ""  # form feeds of replaced lines, waiting for the next statement line
        for tag, i1, i2, j1, j2 in line_opcodes(old, new):
            if tag == "equal":
                for k in range(i2 - i1):
                    if pending and j1 + k + 1 in new_starts:
                        out.append(pending)
                        pending = ""
                    out.append(self._lines[i1 + k].original)
                continue
            for k in range(j2 - j1):
                partner = i1 + k if i1 + k < i2 else None
                if partner is not None:
                    pending += self._lines[partner].feed
                body, ending = _split_ending(new[j1 + k])
                if pending and j1 + k + 1 in new_starts:
                    body, pending = pending + body, ""
                out.append(body + (self._ending_for(partner, i1) if ending else ""))
            for unpaired in range(i1 + (j2 - j1), i2):
                pending += self._lines[unpaired].feed
        return "".join(out)

    def _ending_for(self, partner: Optional[int], hunk_start: int) -> str:
        """The ending of the replaced line, else of the line before the change, else the
        nearest one after it."""
        if partner is not None and self._lines[partner].ending:
            return self._lines[partner].ending
        nearest = chain(range(hunk_start - 1, -1, -1), range(hunk_start, len(self._lines)))
        for index in nearest:  # only a last line has no ending: this stops at once
            if self._lines[index].ending:
                return self._lines[index].ending
        return "\n"


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def _cut_feed(body: str, ending: str, starts_statement: bool) -> _Line:
    if starts_statement and "\f" in body:
        indent = len(body) - len(body.lstrip(" \t\f"))
        last_feed = body.rfind("\f", 0, indent)
        if last_feed >= 0:
            return _Line(body[: last_feed + 1], body[last_feed + 1 :], ending)
    return _Line("", body, ending)


def statement_rows(text: str) -> frozenset[int]:
    """The rows (1-based) on which a statement, a clause (`else:`) or a comment begins: the
    rows whose indentation Python reads. Empty when `text` does not tokenize."""
    rows: set[int] = set()
    at_line_start = True
    skipped = (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    try:
        for token in python_tokens(text):
            if token.type in (tokenize.NEWLINE, tokenize.NL):
                at_line_start = True
            elif at_line_start and token.type not in skipped:
                rows.add(token.start[0])
                at_line_start = False
    except (tokenize.TokenError, SyntaxError):
        return frozenset()
    return frozenset(rows)


def line_opcodes(old: Sequence[str], new: Sequence[str]) -> Iterator[Opcode]:
    """difflib's opcodes between two lists of lines, cheap for the usual case of a few
    changed lines in a long file: the common head and tail are matched before diffing, and
    what lies between is cut at the lines that occur once in each (see `_anchored`)."""
    import difflib

    shortest = min(len(old), len(new))
    head = 0
    while head < shortest and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shortest - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    if head:
        yield ("equal", 0, head, 0, head)
    yield from _anchored(old, new, head, len(old) - tail, head, len(new) - tail, difflib)
    if tail:
        yield ("equal", len(old) - tail, len(old), len(new) - tail, len(new))


# Below this many lines on either side, difflib alone is fast enough.
_SMALL = 64


def _anchored(
    old: Sequence[str], new: Sequence[str], o1: int, o2: int, n1: int, n2: int, difflib: Any
) -> Iterator[Opcode]:
    """Opcodes for old[o1:o2] against new[n1:n2]. difflib's matcher is quadratic on long runs
    of repeated lines (a file of similar functions fixed all at once took 19 s); lines unique
    to both sides, in the same order (the longest such chain), are matched first, as patience
    diff does, and only the gaps between them go to difflib."""
    if o2 - o1 <= _SMALL or n2 - n1 <= _SMALL:
        yield from _difflib(old, new, o1, o2, n1, n2, difflib)
        return
    anchors = _unique_chain(old, new, o1, o2, n1, n2)
    if not anchors:
        yield from _difflib(old, new, o1, o2, n1, n2, difflib)
        return
    i, j = o1, n1
    for a, b in anchors:
        if (a, b) != (i, j):
            yield from _anchored(old, new, i, a, j, b, difflib)
        yield ("equal", a, a + 1, b, b + 1)
        i, j = a + 1, b + 1
    if (i, j) != (o2, n2):
        yield from _anchored(old, new, i, o2, j, n2, difflib)


def _difflib(
    old: Sequence[str], new: Sequence[str], o1: int, o2: int, n1: int, n2: int, difflib: Any
) -> Iterator[Opcode]:
    if o1 == o2 and n1 == n2:
        return
    if o1 == o2:
        yield ("insert", o1, o1, n1, n2)
        return
    if n1 == n2:
        yield ("delete", o1, o2, n1, n1)
        return
    matcher = difflib.SequenceMatcher(None, old[o1:o2], new[n1:n2], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        yield (tag, i1 + o1, i2 + o1, j1 + n1, j2 + n1)


def _unique_chain(
    old: Sequence[str], new: Sequence[str], o1: int, o2: int, n1: int, n2: int
) -> list[tuple[int, int]]:
    """The longest chain of (old index, new index) pairs of lines that occur once on each
    side, increasing on both."""
    counts: dict[str, list[int]] = {}
    for index in range(o1, o2):
        entry = counts.setdefault(old[index], [0, 0, index])
        entry[0] += 1
    for index in range(n1, n2):
        found = counts.get(new[index])
        if found is not None:
            found[1] += 1
            if found[1] == 1:
                found.append(index)
    pairs = sorted((e[2], e[3]) for e in counts.values() if e[0] == 1 and e[1] == 1)
    # Longest increasing subsequence of the new indexes (patience sorting).
    tails: list[int] = []  # tails[k]: index into `pairs` ending a chain of length k + 1
    previous: list[int] = [-1] * len(pairs)
    for position, (_, b) in enumerate(pairs):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if pairs[tails[mid]][1] < b:
                lo = mid + 1
            else:
                hi = mid
        previous[position] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(position)
        else:
            tails[lo] = position
    chain: list[tuple[int, int]] = []
    at = tails[-1] if tails else -1
    while at != -1:
        chain.append(pairs[at])
        at = previous[at]
    chain.reverse()
    return chain
