"""PAR704 through the CLI: the installed distributions of `--python`'s interpreter (fake_env.py),
which imports are reported, and clear errors for an interpreter parlint cannot ask."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fake_env import fake_interpreter

SOURCE = """\
import json
import threading

import fastgeo
import ftgeo
import tidyjson
from mystery import solve
from oldspeed import speedup, slowdown
import notinstalled
from . import fastgeo as local_copy


def main(points):
    return fastgeo.hull(points), ftgeo, tidyjson, solve, speedup, slowdown, json, threading
"""


def _parlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_imports_of_extensions_not_built_for_free_threading_are_reported(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    python = fake_interpreter()
    done = _parlint(
        "check", "--no-cache", "--select", "PAR704", "--python", python,
        "--output-format", "json", "app.py", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    found = {(d["location"]["row"], d["code"]): d["message"] for d in json.loads(done.stdout)}
    assert sorted(found) == [(4, "PAR704"), (7, "PAR704"), (8, "PAR704")]
    assert "fastgeo 1.4.0" in found[(4, "PAR704")]
    assert "are built for CPython with the GIL" in found[(4, "PAR704")]
    assert "cp313-cp313-manylinux_2_17_x86_64" in found[(4, "PAR704")]
    assert "do not say whether they support free-threading" in found[(7, "PAR704")]
    assert "_speed.abi3.so" in found[(8, "PAR704")]


def test_free_threaded_true_turns_the_rule_on(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import fastgeo\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.parlint]\nfree-threaded = true\n", encoding="utf-8"
    )
    python = fake_interpreter()
    done = _parlint("check", "--no-cache", "--python", python, "--output-format", "concise",
                    ".", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert "app.py:1:1: PAR704" in done.stdout
    (tmp_path / "pyproject.toml").write_text("[tool.parlint]\n", encoding="utf-8")
    done = _parlint("check", "--no-cache", "--python", python, ".", cwd=tmp_path)
    assert done.returncode == 0, done.stdout


def test_an_interpreter_parlint_cannot_ask_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import fastgeo\n", encoding="utf-8")
    done = _parlint("check", "--python", str(tmp_path / "nowhere"), "app.py", cwd=tmp_path)
    assert done.returncode == 2
    assert f"--python: no interpreter at {tmp_path / 'nowhere'}" in done.stderr
    done = _parlint("check", "--python", "/bin/false", "app.py", cwd=tmp_path)
    assert done.returncode == 2
    assert "--python: /bin/false could not list its packages" in done.stderr


def test_a_free_threaded_build_that_turns_the_gil_back_on_is_reported(tmp_path: Path) -> None:
    """On a free-threaded interpreter parlint imports a module built for free-threading in a
    child process to read its `Py_mod_gil` declaration. Here the interpreter is a stand-in
    script: it lists one such distribution, and says the GIL is on after importing it."""
    listing = {
        "executable": "python3.13t", "version": "3.13.5", "free_threaded": True,
        "stdlib": ["json", "threading"], "builtin": ["sys"],
        "distributions": [
            {"name": "gilext", "version": "0.1", "top_level": ["gilext"],
             "extensions": ["gilext.cpython-313t-x86_64-linux-gnu.so"],
             "tags": ["cp313-cp313t-linux_x86_64"], "record": True},
            {"name": "nogil", "version": "2.0", "top_level": ["nogil"],
             "extensions": ["nogil/_c.cpython-313t-x86_64-linux-gnu.so"],
             "tags": ["cp313-cp313t-linux_x86_64"], "record": True},
        ],
    }  # fmt: skip
    python = tmp_path / "python3.13t"
    python.write_text(
        "#!/bin/sh\n"
        f"case \"$*\" in *env_probe.py*) echo '{json.dumps(listing)}' ;;\n"
        "  *gilext*) echo True ;;\n"
        "  *) echo False ;;\n"
        "esac\n",
        encoding="utf-8",
    )
    python.chmod(0o755)
    (tmp_path / "app.py").write_text("import gilext\nimport nogil\n", encoding="utf-8")
    done = _parlint("check", "--no-cache", "--select", "PAR704", "--python", str(python),
                    "--output-format", "concise", "app.py", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("app.py:1:1: PAR704 `gilext` comes from gilext 0.1")
    assert "do not declare support (`Py_mod_gil`): importing it turned the GIL back on" in lines[0]
    assert not any("nogil" in line for line in lines)
