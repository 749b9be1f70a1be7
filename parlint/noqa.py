"""Suppression comments: `# noqa`, `# noqa: PAR101, PAR201`, and file-level `# parlint: noqa`."""

from __future__ import annotations

import re
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

from parlint.ftypes import Diagnostic
from parlint.source import SourceText, python_tokens

_CODE_LIST = r"[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*"
_LINE_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODE_LIST}))?", re.IGNORECASE)
_FILE_NOQA = re.compile(rf"#\s*parlint:\s*noqa(?::\s*(?P<codes>{_CODE_LIST}))?", re.IGNORECASE)
_FILE_NOQA_ANYWHERE = re.compile(r"parlint:\s*noqa", re.IGNORECASE)
_SPLIT = re.compile(r"[\s,]+")

# None: every code; otherwise the codes named.
Codes = Optional[frozenset[str]]


def _codes(match: re.Match[str]) -> Codes:
    listed = match.group("codes")
    if not listed:
        return None
    return frozenset(code.upper() for code in _SPLIT.split(listed.strip()) if code)


@dataclass
class Suppressions:
    source: SourceText
    _cache: dict[int, Codes] = field(default_factory=dict)

    @cached_property
    def _comments(self) -> dict[int, str]:
        """Comment text by row, from the tokenizer (a `#` inside a string is not a comment)."""
        comments: dict[int, str] = {}
        try:
            for token in python_tokens(self.source.text):
                if token.type == tokenize.COMMENT:
                    comments[token.start[0]] = token.string
        except (tokenize.TokenError, SyntaxError, IndentationError):
            pass
        return comments

    @cached_property
    def file_codes(self) -> tuple[bool, Codes]:
        """Whether a file-level `# parlint: noqa` applies, and to which codes."""
        if not _FILE_NOQA_ANYWHERE.search(self.source.text):
            return False, None
        found = False
        codes: set[str] = set()
        for comment in self._comments.values():
            match = _FILE_NOQA.search(comment)
            if match:
                found = True
                listed = _codes(match)
                if listed is None:
                    return True, None
                codes |= listed
        return found, frozenset(codes) if found else None

    def line_codes(self, row: int) -> tuple[bool, Codes]:
        line = self.source.line(row)
        if "noqa" not in line.lower():
            return False, None
        comment = self._comments.get(row)
        if comment is None:
            return False, None
        match = _LINE_NOQA.search(comment)
        if not match or _FILE_NOQA.search(comment):
            return False, None
        return True, _codes(match)

    def suppressed(self, diagnostic: Diagnostic) -> bool:
        found, codes = self.file_codes
        if found and (codes is None or diagnostic.code in codes):
            return True
        row = diagnostic.noqa_row or diagnostic.location.row
        found, codes = self.line_codes(row)
        return found and (codes is None or diagnostic.code in codes)
