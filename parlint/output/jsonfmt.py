"""ruff's JSON shape (a list) and JSON lines (one object per line)."""

from __future__ import annotations

import json
from typing import Any

from parlint.ftypes import Diagnostic, Location
from parlint.output.common import Ordered


def _location(location: Location) -> dict[str, int]:
    return {"row": location.row, "column": location.column}


def as_dict(filename: str, d: Diagnostic) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message,
            "edits": [
                {
                    "content": e.content,
                    "location": _location(e.location),
                    "end_location": _location(e.end_location),
                }
                for e in d.fix.edits
            ],
        }
    return {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity.value,
        "filename": filename,
        "location": _location(d.location),
        "end_location": _location(d.end_location),
        "fix": fix,
        "noqa_row": d.noqa_row,
        "url": d.url,
        "related": [
            {
                "message": r.message,
                "location": _location(r.location),
                "end_location": _location(r.end_location),
            }
            for r in d.related
        ],
    }


def render(ordered: Ordered) -> str:
    items = [as_dict(result.filename, d) for result, diagnostics in ordered for d in diagnostics]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def render_lines(ordered: Ordered) -> str:
    return "".join(
        json.dumps(as_dict(result.filename, d), ensure_ascii=False) + "\n"
        for result, diagnostics in ordered
        for d in diagnostics
    )
