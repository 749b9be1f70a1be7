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
from typing import Optional

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
    changed lines in a long file: the common head and tail are matched before diffing."""
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
    old_mid = old[head : len(old) - tail]
    new_mid = new[head : len(new) - tail]
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        yield (tag, i1 + head, i2 + head, j1 + head, j2 + head)
    if tail:
        yield ("equal", len(old) - tail, len(old), len(new) - tail, len(new))
