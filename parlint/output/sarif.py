"""SARIF 2.1.0, as GitHub code scanning reads it."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from parlint import __version__
from parlint.ftypes import Diagnostic, Location, Severity
from parlint.output.common import Ordered

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _region(start: Location, end: Location) -> dict[str, int]:
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


def _uri(filename: str) -> str:
    return PurePath(filename).as_posix()


def _rule(d: Diagnostic) -> dict[str, Any]:
    from parlint.rules.registry import rule_by_code

    rule = rule_by_code(d.code)
    summary = rule.summary() if rule is not None else d.message
    severity = rule.severity if rule is not None else d.severity
    return {
        "id": d.code,
        "name": d.name,
        "shortDescription": {"text": summary},
        "helpUri": d.url or "",
        "defaultConfiguration": {"level": _LEVEL[severity]},
        "properties": {"tags": ["concurrency"]},
    }


def _location(uri: str, start: Location, end: Location) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
            "region": _region(start, end),
        }
    }


def render(ordered: Ordered) -> str:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for file_result, diagnostics in ordered:
        uri = _uri(file_result.filename)
        for d in diagnostics:
            if d.code not in rules:
                rules[d.code] = _rule(d)
            item: dict[str, Any] = {
                "ruleId": d.code,
                "ruleIndex": list(rules).index(d.code),
                "level": _LEVEL[d.severity],
                "message": {"text": d.message},
                "locations": [_location(uri, d.location, d.end_location)],
            }
            if d.related:
                item["relatedLocations"] = [
                    {
                        "id": i,
                        "message": {"text": r.message},
                        **_location(uri, r.location, r.end_location),
                    }
                    for i, r in enumerate(d.related)
                ]
            if d.fix is not None:
                item["fixes"] = [
                    {
                        "description": {"text": d.fix.message},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                "replacements": [
                                    {
                                        "deletedRegion": _region(e.location, e.end_location),
                                        "insertedContent": {"text": e.content},
                                    }
                                    for e in d.fix.edits
                                ],
                            }
                        ],
                    }
                ]
            results.append(item)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "parlint",
                        "version": __version__,
                        "informationUri": "https://github.com/parlint/parlint",
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
