"""The exact text each output format shows."""

from __future__ import annotations

import json

from parlint.ftypes import (
    Applicability,
    Diagnostic,
    Edit,
    FileResult,
    Fix,
    Location,
    Related,
    Severity,
)
from parlint.output import fix_summary, render, statistics, summary

SOURCE = "import threading\n\ndef f():\n\tt = threading.Thread(target=print)  # é\n\tt.start()\n"


def _diagnostic(**changes: object) -> Diagnostic:
    base = dict(
        code="PAR101",
        name="unjoined-thread",
        message="`t` is started but never joined in `f()`",
        severity=Severity.WARNING,
        location=Location(5, 2),
        end_location=Location(5, 11),
        fix_applicability=Applicability.UNSAFE,
        fix_title="Insert `t.join()`",
        noqa_row=5,
        url="https://example.invalid/PAR101",
    )
    base.update(changes)
    return Diagnostic(**base)  # type: ignore[arg-type]


FIX = Fix(
    Applicability.UNSAFE,
    "Insert `t.join()`",
    (Edit("\tt.join()\n", Location(6, 1), Location(6, 1)),),
)
RELATED = (Related("waits here", Location(4, 2), Location(4, 3)),)


def _result(*diagnostics: Diagnostic) -> FileResult:
    return FileResult("pkg/m.py", diagnostics, source=SOURCE)


def test_concise_marks_applicable_fixes() -> None:
    result = _result(_diagnostic())
    assert render([result], "concise") == (
        "pkg/m.py:5:2: PAR101 `t` is started but never joined in `f()`\n"
    )
    assert render([result], "concise", unsafe_fixes=True).startswith("pkg/m.py:5:2: PAR101 [*] ")


def test_full_shows_source_carets_help_and_notes_with_tabs() -> None:
    text = render([_result(_diagnostic(related=RELATED))], "full")
    assert text == (
        "pkg/m.py:5:2: PAR101 `t` is started but never joined in `f()`\n"
        "  |\n"
        "3 | def f():\n"
        "4 |     t = threading.Thread(target=print)  # é\n"
        "5 |     t.start()\n"
        "  |     ^^^^^^^^^ PAR101\n"
        "  |\n"
        "  = help: Insert `t.join()` (unsafe)\n"
        "  = note: pkg/m.py:4:2: waits here\n"
        "\n"
    )


def test_full_show_fixes_prints_the_fix_as_a_diff() -> None:
    text = render([_result(_diagnostic(fix=FIX))], "full", show_fixes=True)
    assert "ℹ Unsafe fix: Insert `t.join()`" in text
    assert "    +\tt.join()" in text


def test_json_shape() -> None:
    (item,) = json.loads(render([_result(_diagnostic(fix=FIX, related=RELATED))], "json"))
    assert item == {
        "code": "PAR101",
        "name": "unjoined-thread",
        "message": "`t` is started but never joined in `f()`",
        "severity": "warning",
        "filename": "pkg/m.py",
        "location": {"row": 5, "column": 2},
        "end_location": {"row": 5, "column": 11},
        "fix": {
            "applicability": "unsafe",
            "message": "Insert `t.join()`",
            "edits": [
                {
                    "content": "\tt.join()\n",
                    "location": {"row": 6, "column": 1},
                    "end_location": {"row": 6, "column": 1},
                }
            ],
        },
        "noqa_row": 5,
        "url": "https://example.invalid/PAR101",
        "related": [
            {
                "message": "waits here",
                "location": {"row": 4, "column": 2},
                "end_location": {"row": 4, "column": 3},
            }
        ],
    }
    assert render([], "json") == "[]\n"


def test_json_lines_one_object_per_line() -> None:
    text = render([_result(_diagnostic(), _diagnostic(location=Location(4, 2)))], "json-lines")
    rows = [json.loads(line)["location"]["row"] for line in text.splitlines()]
    assert rows == [4, 5]  # sorted by location


def test_github_escapes_properties_and_data() -> None:
    d = _diagnostic(message="100% sure\nreally", severity=Severity.ERROR)
    text = render([FileResult("a,b:c.py", (d,), source=None)], "github")
    assert text == (
        "::error title=parlint (PAR101),file=a%2Cb%3Ac.py,line=5,col=2,endLine=5,endColumn=11"
        "::a,b:c.py:5:2: PAR101 100%25 sure%0Areally\n"
    )
    info = render([FileResult("m.py", (_diagnostic(severity=Severity.INFO),))], "github")
    assert info.startswith("::notice ")


def test_sarif_structure() -> None:
    doc = json.loads(render([_result(_diagnostic(fix=FIX, related=RELATED))], "sarif"))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "parlint"
    assert driver["rules"][0]["id"] == "PAR101"
    assert driver["rules"][0]["defaultConfiguration"]["level"] == "warning"
    (result,) = run["results"]
    assert result["ruleId"] == "PAR101" and result["ruleIndex"] == 0
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "pkg/m.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 5, "startColumn": 2, "endLine": 5, "endColumn": 11}
    assert result["relatedLocations"][0]["message"]["text"] == "waits here"
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "\tt.join()\n"


def test_summary_wording() -> None:
    safe = _diagnostic(fix_applicability=Applicability.SAFE)
    unsafe = _diagnostic()
    assert summary([], fixed=0, unsafe_fixes=False, fix_mode=False) == "All checks passed!\n"
    assert summary([safe, unsafe], fixed=0, unsafe_fixes=False, fix_mode=False) == (
        "Found 2 errors.\n"
        "[*] 1 fixable with the `--fix` option (1 hidden fix can be enabled with the "
        "`--unsafe-fixes` option).\n"
    )
    assert summary([unsafe], fixed=2, unsafe_fixes=False, fix_mode=True) == (
        "Found 3 errors (2 fixed, 1 remaining).\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )


def test_statistics_and_fix_summary() -> None:
    results = [
        _result(
            _diagnostic(),
            _diagnostic(),
            _diagnostic(code="PAR502", name="args-not-tuple", fix_applicability=Applicability.SAFE),
        )
    ]
    assert statistics(results) == "2\tPAR101\t[ ] unjoined-thread\n1\tPAR502\t[*] args-not-tuple\n"
    fixed = [FileResult("m.py", (), fixed=(_diagnostic(), _diagnostic()))]
    assert fix_summary(fixed) == "Fixed 2 errors:\n- m.py:\n    2 × PAR101 (unjoined-thread)\n"
