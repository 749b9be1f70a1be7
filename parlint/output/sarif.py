"""SARIF 2.1.0, in the form GitHub code scanning accepts (`github/codeql-action/upload-sarif`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path, PurePath
from types import MappingProxyType
from typing import Any, Optional
from urllib.parse import quote

from parlint import __version__
from parlint.ftypes import Diagnostic, Location, Severity
from parlint.output.common import Ordered, display_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/parlint/parlint"
# The base GitHub resolves against the repository's checkout.
SRCROOT = "%SRCROOT%"

_LEVEL: Mapping[Severity, str] = MappingProxyType(
    {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
)


def _region(start: Location, end: Location) -> dict[str, int]:
    # SARIF's endColumn is exclusive like parlint's: the columns pass through unchanged.
    return {
        "startLine": start.row,
        "startColumn": start.column,
        "endLine": end.row,
        "endColumn": end.column,
    }


def _artifact(filename: str, root: Path) -> dict[str, str]:
    """A relative URI against %SRCROOT%; a file: URI for a file outside the working directory."""
    path = PurePath(filename)
    if path.is_absolute():
        try:
            path = Path(path).relative_to(root)
        except ValueError:
            return {"uri": Path(path).as_uri()}
    posix = path.as_posix()
    # A URI reference: spaces, `%`, `#` and non-ASCII characters must be percent-encoded.
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def _physical(artifact: Mapping[str, str], start: Location, end: Location) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": dict(artifact),
            "region": _region(start, end),
        }
    }


def _rule(d: Diagnostic, registered: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's metadata from the registry, or what the diagnostic itself says of it."""
    rule = registered.get(d.code)
    if rule is not None:
        name: str = rule.name
        description: str = rule.summary()
        help_uri: Optional[str] = rule.url()
        severity: Severity = rule.severity
    else:
        name, description, help_uri, severity = d.name, d.message, d.url, d.severity
    entry: dict[str, Any] = {
        "id": d.code,
        "name": name,
        "shortDescription": {"text": description},
    }
    # helpUri must be a URI: leave it out rather than send an empty string.
    if help_uri:
        entry["helpUri"] = help_uri
    entry["defaultConfiguration"] = {"level": _LEVEL[severity]}
    entry["properties"] = {"tags": ["concurrency"]}
    return entry


def _result(
    d: Diagnostic, rule_index: int, artifact: Mapping[str, str], root: Path
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[d.severity],
        "message": {"text": d.message},
        "locations": [_physical(artifact, d.location, d.end_location)],
    }
    if d.related:
        item["relatedLocations"] = [
            {
                "id": index,
                "message": {"text": related.message},
                **_physical(
                    _artifact(display_path(related.filename), root)
                    if related.filename
                    else artifact,
                    related.location,
                    related.end_location,
                ),
            }
            for index, related in enumerate(d.related)
        ]
    if d.fix is not None:
        item["fixes"] = [
            {
                "description": {"text": d.fix.message},
                "artifactChanges": [
                    {
                        "artifactLocation": dict(artifact),
                        "replacements": [
                            {
                                "deletedRegion": _region(edit.location, edit.end_location),
                                "insertedContent": {"text": edit.content},
                            }
                            for edit in d.fix.edits
                        ],
                    }
                ],
            }
        ]
    return item


def render(ordered: Ordered, *, root: Optional[Path] = None) -> str:
    """The SARIF log; absolute filenames under `root` (the working directory) become relative."""
    # Imported here: the registry pulls in every rule, which no other format needs.
    from parlint.rules import registry

    registered = {rule.code: rule for rule in registry.all_rules()}
    base = root if root is not None else Path.cwd()
    rules: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for file_result, diagnostics in ordered:
        artifact = _artifact(file_result.filename, base)
        for d in diagnostics:
            if d.code not in index_of:
                index_of[d.code] = len(rules)
                rules.append(_rule(d, registered))
            results.append(_result(d, index_of[d.code], artifact, base))
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "parlint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                # SARIF counts columns in UTF-16 units unless told; parlint counts code points.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
