"""Jupyter notebooks on the command line: code cells checked as one module, diagnostics as
`cell:row:col` (JSON `cell`, as ruff writes it), fixes written back into their cells with the
rest of the notebook untouched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_cli import parlint

ROOT = Path(__file__).resolve().parents[1]


def _notebook(*cells: tuple[str, str], language: str = "python") -> dict[str, Any]:
    made = []
    for kind, source in cells:
        cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell["execution_count"] = 7
            cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}]
        made.append(cell)
    return {
        "cells": made,
        "metadata": {
            "kernelspec": {"display_name": "K", "language": language, "name": "k"},
            "language_info": {"name": language},
            "custom": {"keep": [1, 2, 3]},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


DEMO = _notebook(
    ("markdown", ["# Threads"]),
    ("code", ["import threading\n", "%time x = 1"]),
    ("code", ['t = threading.Thread(target=print, args=("cell"))\n', "t.start()\n", "t.join()"]),
    ("code", ["def main():\n", "    w = threading.Thread(target=print)\n", "    w.start()\n"]),
)


def _write(path: Path, notebook: dict[str, Any], indent: int = 1) -> str:
    text = json.dumps(notebook, indent=indent) + "\n"
    path.write_text(text)
    return text


def test_diagnostics_are_in_cell_rows(tmp_path: Path) -> None:
    _write(tmp_path / "demo.ipynb", DEMO)
    result = parlint("check", "--output-format", "concise", "demo.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[:2] == [
        'demo.ipynb:cell 3:1:42: PAR502 [*] `args=("cell")` is a string, not a tuple: each '
        'character becomes a separate argument; write `("cell",)`',
        "demo.ipynb:cell 4:3:5: PAR101 `w` is started but never joined in `main()`, which "
        "should join it before it returns",
    ]


def test_json_names_the_cell_and_the_full_format_quotes_it(tmp_path: Path) -> None:
    _write(tmp_path / "demo.ipynb", DEMO)
    result = parlint("check", "--output-format", "json", "demo.ipynb", cwd=tmp_path)
    items = json.loads(result.stdout)
    assert [(i["code"], i["cell"], i["location"]["row"]) for i in items] == [
        ("PAR502", 3, 1),
        ("PAR101", 4, 3),
    ]
    edit = items[0]["fix"]["edits"][0]
    assert (edit["content"], edit["location"]) == (",", {"row": 1, "column": 48})
    full = parlint("check", "demo.ipynb", cwd=tmp_path).stdout
    assert '1 | t = threading.Thread(target=print, args=("cell"))' in full


def test_fix_writes_the_cells_back_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "demo.ipynb"
    _write(path, DEMO, indent=2)
    result = parlint("check", "--fix", "--unsafe-fixes", "demo.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    fixed_text = path.read_text()
    fixed = json.loads(fixed_text)
    expected = json.loads(json.dumps(DEMO))
    expected["cells"][2]["source"][0] = 't = threading.Thread(target=print, args=("cell",))\n'
    expected["cells"][3]["source"] = [*DEMO["cells"][3]["source"], "    w.join()\n"]
    assert fixed == expected  # outputs, metadata, magics and markdown as they were
    assert fixed_text == json.dumps(expected, indent=2) + "\n"  # and the JSON layout
    again = parlint("check", "--unsafe-fixes", "demo.ipynb", cwd=tmp_path)
    assert again.returncode == 0, again.stdout


def test_a_directory_includes_notebooks_and_others_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path / "demo.ipynb", DEMO)
    _write(tmp_path / "r.ipynb", {**DEMO, "metadata": {"language_info": {"name": "R"}}})
    result = parlint("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert {line.split(":")[0] for line in result.stdout.splitlines() if ":cell " in line} == {
        "demo.ipynb"
    }


def test_a_broken_notebook_is_a_par000(tmp_path: Path) -> None:
    # (As for a .py file, only text that mentions concurrency is read at all.)
    (tmp_path / "broken.ipynb").write_text('{"cells": [{"source": "import threading.Thread("')
    (tmp_path / "other.ipynb").write_text('{"nbformat": 4, "t": "threading.Thread(x)"}')
    result = parlint("check", "--output-format", "concise", ".", cwd=tmp_path)
    lines = sorted(result.stdout.splitlines()[:2])
    assert lines[0].startswith("broken.ipynb:1:1: PAR000 Cannot read the notebook: not valid JSON")
    assert lines[1].startswith("other.ipynb:1:1: PAR000 Cannot read the notebook: no `cells`")


def test_the_pre_commit_hooks_take_notebooks() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert hooks.count("types_or: [python, pyi, jupyter]") == 2
    readme = (ROOT / "README.md").read_text()
    assert "types_or: [python, pyi, jupyter]" in readme.split("## pre-commit", 1)[1]
