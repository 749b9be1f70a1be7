"""ruff's JSON shape: a pretty-printed list (`json`) or one compact object a line (`json-lines`).

Keys come out sorted, as ruff's do, so the text is stable for tools that diff it.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from parlint.ftypes import Diagnostic, Fix, Location
from parlint.output.common import Ordered, display_path


def _location(location: Location) -> dict[str, int]:
    return {"row": location.row, "column": location.column}


def _fix(fix: Optional[Fix]) -> Optional[dict[str, Any]]:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability.value,
        "message": fix.message,
        "edits": [
            {
                "content": e.content,
                "location": _location(e.location),
                "end_location": _location(e.end_location),
            }
            for e in fix.edits
        ],
    }


def as_dict(filename: str, d: Diagnostic) -> dict[str, Any]:
    """One diagnostic; `fix` only from a built fix, so `null` means none was asked for or exists.
    In a notebook, `cell` (as ruff writes it) numbers the cell the rows are in."""
    found = {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity.value,
        "filename": filename,
        "location": _location(d.location),
        "end_location": _location(d.end_location),
        "fix": _fix(d.fix),
        "noqa_row": d.noqa_row,
        "url": d.url,
        "related": [
            {
                "message": r.message,
                "filename": display_path(r.filename) if r.filename else filename,
                "location": _location(r.location),
                "end_location": _location(r.end_location),
            }
            for r in d.related
        ],
    }
    if d.cell is not None:
        found["cell"] = int(d.cell)
    return found


def render(ordered: Ordered) -> str:
    items = [as_dict(result.filename, d) for result, diagnostics in ordered for d in diagnostics]
    return json.dumps(items, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def render_lines(ordered: Ordered) -> str:
    return "".join(
        json.dumps(
            as_dict(result.filename, d), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        + "\n"
        for result, diagnostics in ordered
        for d in diagnostics
    )
