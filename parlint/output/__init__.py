"""Output formats: how diagnostics reach a terminal, a CI log or another tool.

`render` writes the diagnostics in one of `FORMATS`; `summary`, `statistics` and `fix_summary`
write the text ruff prints around them.
"""

from __future__ import annotations

from collections.abc import Sequence

from parlint.ftypes import FileResult
from parlint.output import concise, full, github, jsonfmt, sarif
from parlint.output.summary import fix_summary, statistics, summary

FORMATS = ("full", "concise", "json", "json-lines", "github", "sarif")


def render(
    results: Sequence[FileResult], fmt: str, *, unsafe_fixes: bool = False, show_fixes: bool = False
) -> str:
    """All diagnostics of `results` in format `fmt`: files in the given order, each file's
    diagnostics by location. The text ends with a newline unless it is empty.

    `unsafe_fixes` marks unsafe fixes as applicable (`[*]`); `show_fixes` adds each built fix's
    diff to the full format. Raises ValueError for a format not in `FORMATS`.
    """
    # The sort is stable: diagnostics at one place keep the order the rules reported them in.
    ordered = [
        (result, sorted(result.diagnostics, key=lambda d: (d.location, d.code)))
        for result in results
    ]
    if fmt == "full":
        return full.render(ordered, unsafe_fixes=unsafe_fixes, show_fixes=show_fixes)
    if fmt == "concise":
        return concise.render(ordered, unsafe_fixes=unsafe_fixes)
    if fmt == "json":
        return jsonfmt.render(ordered)
    if fmt == "json-lines":
        return jsonfmt.render_lines(ordered)
    if fmt == "github":
        return github.render(ordered)
    if fmt == "sarif":
        return sarif.render(ordered)
    raise ValueError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")


__all__ = ["FORMATS", "fix_summary", "render", "statistics", "summary"]
