"""The exact text each output format shows, built from hand-made results (no real rules)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, Optional

import pytest

from parlint import __version__
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
from parlint.output import FORMATS, fix_summary, render, statistics, summary
from parlint.rules import registry

SOURCE = (
    "import threading\n"
    "\n"
    "def f(name):\n"
    "\tt = threading.Thread(target=print, args=(name))  # café\n"
    "\tt.start()\n"
    "\tlabel = '漢字'\n"
    "\tworkers = [\n"
    "\t\tthreading.Thread(target=print)\n"
    "\t]\n"
)

UNJOINED = Diagnostic(
    code="PAR101",
    name="unjoined-thread",
    message="`t` is started but never joined in `f()`",
    severity=Severity.WARNING,
    location=Location(5, 2),
    end_location=Location(5, 11),
    related=(Related("`t` is created here", Location(4, 2), Location(4, 3)),),
    fix_applicability=Applicability.UNSAFE,
    fix_title="Insert `t.join()`",
    noqa_row=5,
    url="https://example.invalid/PAR101",
)
UNSAFE_FIX = Fix(
    Applicability.UNSAFE,
    "Insert `t.join()`",
    (Edit("\tt.join()\n", Location(6, 1), Location(6, 1)),),
)
# `(name)` sits after a tab and before a non-ASCII comment on line 4.
ARGS = Diagnostic(
    code="PAR502",
    name="args-not-tuple",
    message="`args=(name)` is not a tuple",
    severity=Severity.ERROR,
    location=Location(4, 42),
    end_location=Location(4, 48),
    fix_applicability=Applicability.SAFE,
    fix_title="Add a trailing comma",
    noqa_row=4,
    url="https://example.invalid/PAR502",
)
SAFE_FIX = Fix(
    Applicability.SAFE, "Add a trailing comma", (Edit(",", Location(4, 47), Location(4, 47)),)
)
# `漢字`: two characters, four screen columns.
WIDE = Diagnostic(
    code="PAR601",
    name="shared-state",
    message="`label` is shared",
    severity=Severity.INFO,
    location=Location(6, 11),
    end_location=Location(6, 13),
)
# Two ranges over lines 7-9: one from the statement's start, one from the middle of a line.
STATEMENT = Diagnostic(
    code="PAR105",
    name="thread-list",
    message="a hand-managed list of threads",
    severity=Severity.WARNING,
    location=Location(7, 2),
    end_location=Location(9, 3),
)
LITERAL = replace(STATEMENT, code="PAR106", message="the list literal", location=Location(7, 12))


def _file(*diagnostics: Diagnostic, source: Optional[str] = SOURCE) -> FileResult:
    return FileResult("pkg/m.py", diagnostics, source=source)


# Every test of the registry-backed SARIF metadata sets its own registry; the others see none.
@pytest.fixture(autouse=True)
def no_registered_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "all_rules", lambda: ())


def test_concise_sorts_by_location_and_marks_applicable_fixes() -> None:
    other = FileResult("a.py", (replace(WIDE, location=Location(1, 1)),))
    results = [_file(UNJOINED, ARGS), other]  # files stay in the order given
    assert render(results, "concise") == (
        "pkg/m.py:4:42: PAR502 [*] `args=(name)` is not a tuple\n"
        "pkg/m.py:5:2: PAR101 `t` is started but never joined in `f()`\n"
        "a.py:1:1: PAR601 `label` is shared\n"
    )
    assert render(results, "concise", unsafe_fixes=True).splitlines()[1] == (
        "pkg/m.py:5:2: PAR101 [*] `t` is started but never joined in `f()`"
    )


def test_full_frames_source_with_tabs_expanded_notes_and_help() -> None:
    assert render([_file(UNJOINED, ARGS)], "full") == (
        "pkg/m.py:4:42: PAR502 [*] `args=(name)` is not a tuple\n"
        "  |\n"
        "3 | def f(name):\n"
        "4 |     t = threading.Thread(target=print, args=(name))  # café\n"
        "  |                                             ^^^^^^ PAR502\n"
        "5 |     t.start()\n"
        "6 |     label = '漢字'\n"
        "  |\n"
        "  = help: Add a trailing comma\n"
        "\n"
        "pkg/m.py:5:2: PAR101 `t` is started but never joined in `f()`\n"
        "  |\n"
        "3 | def f(name):\n"
        "4 |     t = threading.Thread(target=print, args=(name))  # café\n"
        "5 |     t.start()\n"
        "  |     ^^^^^^^^^ PAR101\n"
        "6 |     label = '漢字'\n"
        "7 |     workers = [\n"
        "  |\n"
        "  = note: pkg/m.py:4:2: `t` is created here\n"
        "  = help: Insert `t.join()`\n"
        "\n"
    )


def test_full_carets_span_the_screen_width_of_wide_characters() -> None:
    assert render([_file(WIDE)], "full") == (
        "pkg/m.py:6:11: PAR601 `label` is shared\n"
        "  |\n"
        "4 |     t = threading.Thread(target=print, args=(name))  # café\n"
        "5 |     t.start()\n"
        "6 |     label = '漢字'\n"
        "  |              ^^^^ PAR601\n"
        "7 |     workers = [\n"
        "8 |         threading.Thread(target=print)\n"
        "  |\n"
        "\n"
    )


def test_full_draws_multi_line_ranges_like_ruff() -> None:
    assert render([_file(LITERAL, STATEMENT)], "full") == (
        "pkg/m.py:7:2: PAR105 a hand-managed list of threads\n"
        "  |\n"
        "5 |       t.start()\n"
        "6 |       label = '漢字'\n"
        "7 | /     workers = [\n"
        "8 | |         threading.Thread(target=print)\n"
        "9 | |     ]\n"
        "  | |_____^ PAR105\n"
        "  |\n"
        "\n"
        "pkg/m.py:7:12: PAR106 the list literal\n"
        "  |\n"
        "5 |       t.start()\n"
        "6 |       label = '漢字'\n"
        "7 |       workers = [\n"
        "  |  _______________^\n"
        "8 | |         threading.Thread(target=print)\n"
        "9 | |     ]\n"
        "  | |_____^ PAR106\n"
        "  |\n"
        "\n"
    )


def test_full_range_ending_at_a_line_start_stops_on_the_line_before() -> None:
    whole = replace(STATEMENT, end_location=Location(10, 1))  # the statement and its newline
    text = render([_file(whole)], "full")
    assert "9 | |     ]\n  | |_____^ PAR105\n" in text
    assert "10 |" not in text


def test_full_trims_blank_context_and_right_aligns_line_numbers() -> None:
    source = "pass\n" * 7 + "\n" + "x = 1\n" + "t.start()\n" + "\n" + "y = 2\n"
    d = replace(WIDE, location=Location(10, 1), end_location=Location(10, 10))
    assert render([_file(d, source=source)], "full") == (
        "pkg/m.py:10:1: PAR601 `label` is shared\n"
        "   |\n"
        " 9 | x = 1\n"
        "10 | t.start()\n"
        "   | ^^^^^^^^^ PAR601\n"
        "11 |\n"
        "12 | y = 2\n"
        "   |\n"
        "\n"
    )


def test_full_expands_tabs_to_tab_stops_and_marks_empty_ranges() -> None:
    after_tab = replace(WIDE, location=Location(1, 3), end_location=Location(1, 4))
    empty = replace(WIDE, code="PAR602", location=Location(1, 2), end_location=Location(1, 2))
    lines = render([_file(after_tab, empty, source="a\tb = 1\n")], "full").splitlines()
    assert lines[2:4] == ["1 | a   b = 1", "  |  ^ PAR602"]
    assert lines[8:10] == ["1 | a   b = 1", "  |     ^ PAR601"]


def test_full_shows_control_characters_without_shifting_carets() -> None:
    d = replace(WIDE, location=Location(1, 5), end_location=Location(1, 6))
    assert render([_file(d, source="\x1b[1mx = 1\n")], "full").splitlines()[2:4] == [
        "1 | ␛[1mx = 1",
        "  |     ^ PAR601",
    ]


def test_full_show_fixes_adds_each_built_fix_as_a_diff() -> None:
    fixed = _file(replace(UNJOINED, fix=UNSAFE_FIX), replace(ARGS, fix=SAFE_FIX))
    assert render([fixed], "full", show_fixes=True) == (
        "pkg/m.py:4:42: PAR502 [*] `args=(name)` is not a tuple\n"
        "  |\n"
        "3 | def f(name):\n"
        "4 |     t = threading.Thread(target=print, args=(name))  # café\n"
        "  |                                             ^^^^^^ PAR502\n"
        "5 |     t.start()\n"
        "6 |     label = '漢字'\n"
        "  |\n"
        "  = help: Add a trailing comma\n"
        "\n"
        "ℹ Safe fix\n"
        "1 1 | import threading\n"
        "2 2 | \n"
        "3 3 | def f(name):\n"
        "4   |-    t = threading.Thread(target=print, args=(name))  # café\n"
        "  4 |+    t = threading.Thread(target=print, args=(name,))  # café\n"
        "5 5 |     t.start()\n"
        "6 6 |     label = '漢字'\n"
        "7 7 |     workers = [\n"
        "\n"
        "pkg/m.py:5:2: PAR101 `t` is started but never joined in `f()`\n"
        "  |\n"
        "3 | def f(name):\n"
        "4 |     t = threading.Thread(target=print, args=(name))  # café\n"
        "5 |     t.start()\n"
        "  |     ^^^^^^^^^ PAR101\n"
        "6 |     label = '漢字'\n"
        "7 |     workers = [\n"
        "  |\n"
        "  = note: pkg/m.py:4:2: `t` is created here\n"
        "  = help: Insert `t.join()`\n"
        "\n"
        "ℹ Unsafe fix\n"
        "3 3 | def f(name):\n"
        "4 4 |     t = threading.Thread(target=print, args=(name))  # café\n"
        "5 5 |     t.start()\n"
        "  6 |+    t.join()\n"
        "6 7 |     label = '漢字'\n"
        "7 8 |     workers = [\n"
        "8 9 |         threading.Thread(target=print)\n"
        "\n"
    )
    # Without a built fix there is nothing to show, and without show_fixes nothing is shown.
    assert "ℹ" not in render([_file(UNJOINED)], "full", show_fixes=True)
    assert "ℹ" not in render([fixed], "full")


def test_full_separates_distant_hunks_with_a_rule() -> None:
    source = "".join(f"line{n}\n" for n in range(1, 13))
    fix = Fix(
        Applicability.SAFE,
        "Rename",
        (
            Edit("LINE1", Location(1, 1), Location(1, 6)),
            Edit("LINE12", Location(12, 1), Location(12, 7)),
        ),
    )
    d = replace(ARGS, location=Location(1, 1), end_location=Location(1, 6), fix=fix)
    diff = render([_file(d, source=source)], "full", show_fixes=True).split("ℹ Safe fix\n")[1]
    assert diff == (
        "1     |-line1\n"
        "   1  |+LINE1\n"
        "2  2  | line2\n"
        "3  3  | line3\n"
        "4  4  | line4\n" + "-" * 80 + "\n"
        "9  9  | line9\n"
        "10 10 | line10\n"
        "11 11 | line11\n"
        "12    |-line12\n"
        "   12 |+LINE12\n"
        "\n"
    )


def test_full_without_source_is_the_header_alone() -> None:
    result = _file(replace(UNJOINED, fix=UNSAFE_FIX), ARGS, source=None)
    assert render([result], "full", show_fixes=True) == (
        "pkg/m.py:4:42: PAR502 [*] `args=(name)` is not a tuple\n"
        "pkg/m.py:5:2: PAR101 `t` is started but never joined in `f()`\n"
    )


def test_json_is_ruffs_shape_sorted_and_pretty() -> None:
    assert render([_file(replace(UNJOINED, fix=UNSAFE_FIX))], "json") == (
        "[\n"
        "  {\n"
        '    "code": "PAR101",\n'
        '    "end_location": {\n'
        '      "column": 11,\n'
        '      "row": 5\n'
        "    },\n"
        '    "filename": "pkg/m.py",\n'
        '    "fix": {\n'
        '      "applicability": "unsafe",\n'
        '      "edits": [\n'
        "        {\n"
        '          "content": "\\tt.join()\\n",\n'
        '          "end_location": {\n'
        '            "column": 1,\n'
        '            "row": 6\n'
        "          },\n"
        '          "location": {\n'
        '            "column": 1,\n'
        '            "row": 6\n'
        "          }\n"
        "        }\n"
        "      ],\n"
        '      "message": "Insert `t.join()`"\n'
        "    },\n"
        '    "location": {\n'
        '      "column": 2,\n'
        '      "row": 5\n'
        "    },\n"
        '    "message": "`t` is started but never joined in `f()`",\n'
        '    "name": "unjoined-thread",\n'
        '    "noqa_row": 5,\n'
        '    "related": [\n'
        "      {\n"
        '        "end_location": {\n'
        '          "column": 3,\n'
        '          "row": 4\n'
        "        },\n"
        '        "filename": "pkg/m.py",\n'
        '        "location": {\n'
        '          "column": 2,\n'
        '          "row": 4\n'
        "        },\n"
        '        "message": "`t` is created here"\n'
        "      }\n"
        "    ],\n"
        '    "severity": "warning",\n'
        '    "url": "https://example.invalid/PAR101"\n'
        "  }\n"
        "]\n"
    )
    assert render([], "json") == "[]\n"
    assert render([_file()], "json") == "[]\n"


def test_json_fix_is_null_until_built_and_keeps_non_ascii() -> None:
    text = render([_file(replace(ARGS, message="café"))], "json")
    (item,) = json.loads(text)
    assert item["fix"] is None  # fixable, but no fix was built
    assert '"message": "café",' in text


def test_json_lines_one_compact_object_per_line_in_location_order() -> None:
    text = render([_file(WIDE, replace(ARGS, fix=SAFE_FIX))], "json-lines")
    assert text == (
        '{"code":"PAR502","end_location":{"column":48,"row":4},"filename":"pkg/m.py",'
        '"fix":{"applicability":"safe","edits":[{"content":",","end_location":{"column":47,'
        '"row":4},"location":{"column":47,"row":4}}],"message":"Add a trailing comma"},'
        '"location":{"column":42,"row":4},"message":"`args=(name)` is not a tuple",'
        '"name":"args-not-tuple","noqa_row":4,"related":[],"severity":"error",'
        '"url":"https://example.invalid/PAR502"}\n'
        '{"code":"PAR601","end_location":{"column":13,"row":6},"filename":"pkg/m.py",'
        '"fix":null,"location":{"column":11,"row":6},"message":"`label` is shared",'
        '"name":"shared-state","noqa_row":null,"related":[],"severity":"info","url":null}\n'
    )
    # The same objects as the json format, one per line.
    assert [json.loads(line) for line in text.splitlines()] == json.loads(
        render([_file(WIDE, replace(ARGS, fix=SAFE_FIX))], "json")
    )
    assert render([], "json-lines") == ""


def test_github_commands_map_severity_and_escape() -> None:
    tricky = replace(UNJOINED, message="100% sure,\r\nreally: yes")
    results = [_file(ARGS, tricky, WIDE, source=None), FileResult("dir,x/a:b%.py", (ARGS,))]
    assert render(results, "github") == (
        "::error title=parlint (PAR502),file=pkg/m.py,line=4,col=42,endLine=4,endColumn=48"
        "::pkg/m.py:4:42: PAR502 `args=(name)` is not a tuple\n"
        "::warning title=parlint (PAR101),file=pkg/m.py,line=5,col=2,endLine=5,endColumn=11"
        "::pkg/m.py:5:2: PAR101 100%25 sure,%0D%0Areally: yes\n"
        "::notice title=parlint (PAR601),file=pkg/m.py,line=6,col=11,endLine=6,endColumn=13"
        "::pkg/m.py:6:11: PAR601 `label` is shared\n"
        "::error title=parlint (PAR502),file=dir%2Cx/a%3Ab%25.py,line=4,col=42,endLine=4,"
        "endColumn=48::dir,x/a:b%25.py:4:42: PAR502 `args=(name)` is not a tuple\n"
    )
    assert render([], "github") == ""


def _sarif(results: list[FileResult]) -> dict[str, Any]:
    """The SARIF log, checked against what SARIF 2.1.0 and GitHub code scanning require."""
    doc = json.loads(render(results, "sarif"))
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "parlint" and driver["version"] == __version__
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert set(rule) >= {"id", "name", "shortDescription", "defaultConfiguration"}
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")

    def region(value: dict[str, int]) -> None:
        assert set(value) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert all(isinstance(n, int) and n >= 1 for n in value.values())
        start = (value["startLine"], value["startColumn"])
        assert start <= (value["endLine"], value["endColumn"])

    def physical(value: dict[str, Any]) -> None:
        artifact = value["physicalLocation"]["artifactLocation"]
        assert artifact["uri"] and "\\" not in artifact["uri"]
        region(value["physicalLocation"]["region"])

    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        assert result["locations"]
        for location in result["locations"]:
            physical(location)
        for related in result.get("relatedLocations", []):
            assert isinstance(related["id"], int) and related["message"]["text"]
            physical(related)
        for fix in result.get("fixes", []):
            assert fix["description"]["text"]
            for change in fix["artifactChanges"]:
                assert change["artifactLocation"]["uri"]
                for replacement in change["replacements"]:
                    region(replacement["deletedRegion"])
                    assert "text" in replacement["insertedContent"]
    return doc


def test_sarif_results_locations_related_and_fixes() -> None:
    results = [_file(replace(UNJOINED, fix=UNSAFE_FIX), WIDE, replace(ARGS, fix=SAFE_FIX))]
    run = _sarif(results)["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["PAR502", "PAR101", "PAR601"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in run["results"]] == [
        ("PAR502", 0, "error"),
        ("PAR101", 1, "warning"),
        ("PAR601", 2, "note"),
    ]
    unjoined = run["results"][1]
    assert unjoined["message"] == {"text": "`t` is started but never joined in `f()`"}
    assert unjoined["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "pkg/m.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 5, "startColumn": 2, "endLine": 5, "endColumn": 11},
            }
        }
    ]
    assert unjoined["relatedLocations"] == [
        {
            "id": 0,
            "message": {"text": "`t` is created here"},
            "physicalLocation": {
                "artifactLocation": {"uri": "pkg/m.py", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 4, "startColumn": 2, "endLine": 4, "endColumn": 3},
            },
        }
    ]
    assert unjoined["fixes"] == [
        {
            "description": {"text": "Insert `t.join()`"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "pkg/m.py", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 6,
                                "startColumn": 1,
                                "endLine": 6,
                                "endColumn": 1,
                            },
                            "insertedContent": {"text": "\tt.join()\n"},
                        }
                    ],
                }
            ],
        }
    ]
    # No fix built, no related locations: neither key.
    assert "fixes" not in run["results"][2] and "relatedLocations" not in run["results"][2]


def test_sarif_rules_fall_back_to_the_diagnostic() -> None:
    again = replace(UNJOINED, location=Location(6, 1), end_location=Location(6, 3))
    (rule,) = _sarif([_file(UNJOINED, again)])["runs"][0]["tool"]["driver"]["rules"]
    assert rule == {
        "id": "PAR101",
        "name": "unjoined-thread",
        "shortDescription": {"text": "`t` is started but never joined in `f()`"},
        "helpUri": "https://example.invalid/PAR101",
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["concurrency"]},
    }
    (without_url,) = _sarif([_file(WIDE)])["runs"][0]["tool"]["driver"]["rules"]
    assert "helpUri" not in without_url


def test_sarif_rules_take_metadata_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeRule:
        code: ClassVar[str] = "PAR101"
        name: ClassVar[str] = "registered-name"
        severity: ClassVar[Severity] = Severity.ERROR
        fix_title: ClassVar[str] = "Join it"

        @classmethod
        def summary(cls) -> str:
            return "Flags threads that are never joined."

        @classmethod
        def url(cls) -> str:
            return "https://docs.invalid/PAR101/"

    monkeypatch.setattr(registry, "all_rules", lambda: (FakeRule,))
    doc = _sarif([_file(UNJOINED, WIDE)])
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0] == {
        "id": "PAR101",
        "name": "registered-name",
        "shortDescription": {"text": "Flags threads that are never joined."},
        "helpUri": "https://docs.invalid/PAR101/",
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["concurrency"]},
    }
    # A result keeps its own level; the rule's is only the default.
    assert doc["runs"][0]["results"][0]["level"] == "warning"
    assert rules[1]["name"] == "shared-state"  # not registered: from the diagnostic


def test_sarif_uris_are_relative_posix_and_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outside = Path(tmp_path.anchor) / "elsewhere" / "x.py"
    results = [
        FileResult("sub dir/naïve#1.py", (WIDE,)),
        FileResult(str(Path.cwd() / "pkg" / "inside.py"), (WIDE,)),
        FileResult(str(outside), (WIDE,)),
    ]
    artifacts = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in _sarif(results)["runs"][0]["results"]
    ]
    assert artifacts == [
        {"uri": "sub%20dir/na%C3%AFve%231.py", "uriBaseId": "%SRCROOT%"},
        {"uri": "pkg/inside.py", "uriBaseId": "%SRCROOT%"},
        {"uri": outside.as_uri()},
    ]


def test_sarif_without_results_is_still_a_valid_log() -> None:
    run = _sarif([])["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_render_rejects_unknown_formats_and_writes_nothing_for_nothing() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render([], "xml")
    for fmt in ("full", "concise", "json-lines", "github"):
        assert render([_file()], fmt) == ""
    assert FORMATS == ("full", "concise", "json", "json-lines", "github", "sarif")


def test_summary_wording() -> None:
    safe = ARGS
    unsafe = UNJOINED
    assert summary([], fixed=0, unsafe_fixes=False, fix_mode=False) == "All checks passed!\n"
    assert summary([WIDE], fixed=0, unsafe_fixes=False, fix_mode=False) == "Found 1 error.\n"
    assert summary([safe, unsafe, unsafe], fixed=0, unsafe_fixes=False, fix_mode=False) == (
        "Found 3 errors.\n"
        "[*] 1 fixable with the `--fix` option (2 hidden fixes can be enabled with the "
        "`--unsafe-fixes` option).\n"
    )
    assert summary([safe, WIDE], fixed=0, unsafe_fixes=False, fix_mode=False) == (
        "Found 2 errors.\n[*] 1 fixable with the `--fix` option.\n"
    )
    assert summary([safe, unsafe], fixed=0, unsafe_fixes=True, fix_mode=False) == (
        "Found 2 errors.\n[*] 2 fixable with the `--fix` option.\n"
    )
    assert summary([unsafe], fixed=0, unsafe_fixes=False, fix_mode=False) == (
        "Found 1 error.\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )


def test_summary_after_fix() -> None:
    assert summary([UNJOINED], fixed=2, unsafe_fixes=False, fix_mode=True) == (
        "Found 3 errors (2 fixed, 1 remaining).\n"
        "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option).\n"
    )
    assert summary([], fixed=1, unsafe_fixes=False, fix_mode=True) == (
        "Found 1 error (1 fixed, 0 remaining).\n"
    )
    # A safe fix that --fix could not apply is not offered again.
    assert summary([ARGS], fixed=0, unsafe_fixes=False, fix_mode=True) == "Found 1 error.\n"


def test_statistics_like_ruff() -> None:
    many = [replace(UNJOINED, location=Location(n, 1)) for n in range(1, 13)]
    results = [_file(*many, WIDE, ARGS), FileResult("b.py", (ARGS, WIDE, WIDE))]
    assert statistics(results) == (
        "12\tPAR101\t[ ] unjoined-thread\n"
        " 3\tPAR601\t[ ] shared-state\n"
        " 2\tPAR502\t[*] args-not-tuple\n"
    )
    assert statistics(results, unsafe_fixes=True).splitlines()[0] == (
        "12\tPAR101\t[*] unjoined-thread"
    )
    # Codes of different lengths line up; without any applicable fix there is no mark column.
    odd = [FileResult("c.py", (WIDE, replace(WIDE, code="PAR9")))]
    assert statistics(odd) == "1\tPAR601\tshared-state\n1\tPAR9  \tshared-state\n"
    assert statistics([]) == ""


def test_fix_summary_like_ruff() -> None:
    fixed = [
        FileResult("pkg/m.py", (), fixed=(ARGS, UNJOINED) + (ARGS,) * 10),
        FileResult("untouched.py", ()),
        FileResult("b.py", (), fixed=(UNJOINED,)),
    ]
    assert fix_summary(fixed) == (
        "\n"
        "Fixed 13 errors:\n"
        "- pkg/m.py:\n"
        "    11 × PAR502 (args-not-tuple)\n"
        "     1 × PAR101 (unjoined-thread)\n"
        "- b.py:\n"
        "     1 × PAR101 (unjoined-thread)\n"
        "\n"
    )
    assert fix_summary([FileResult("m.py", (), fixed=(ARGS,))]) == (
        "\nFixed 1 error:\n- m.py:\n    1 × PAR502 (args-not-tuple)\n\n"
    )
    assert fix_summary([FileResult("m.py", ())]) == ""


def test_evidence_in_another_file_is_shown_with_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    other = str(tmp_path / "pkg" / "jobs.py")
    remote = replace(
        UNJOINED,
        related=(Related("the pure-Python work", Location(14, 5), Location(15, 9), other),),
    )
    full = render([_file(remote)], "full")
    assert "= note: pkg/jobs.py:14:5: the pure-Python work" in full
    (item,) = json.loads(render([_file(remote)], "json"))
    assert item["related"][0]["filename"] == "pkg/jobs.py"
    assert item["filename"] == "pkg/m.py"
    sarif = json.loads(render([_file(remote)], "sarif"))
    (related,) = sarif["runs"][0]["results"][0]["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "pkg/jobs.py"
