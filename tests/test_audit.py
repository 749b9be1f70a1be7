"""`parlint audit free-threading` as a user runs it: the report's verdicts, entry points, call
chains, hazards and extension table in text, markdown and JSON, and its exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from fake_env import fake_interpreter

LEDGER = Path(__file__).parent / "corpus" / "projects" / "ledger"


def _audit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parlint", "audit", "free-threading", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_text_report_gives_the_verdict_the_entry_points_and_the_evidence() -> None:
    done = _audit(cwd=LEDGER)
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "ledger: ready after 4 changes (5 files)" in out
    assert "ledger/server.py:13:21  map() runs `handle()` on several threads at once" in out
    assert "reaches `handle()` → `rate_for()` → `load_rates()`  (ledger/rates.py:6:1)" in out
    assert "ledger/server.py:16:17  submit() runs `handle_audited()` on one thread" in out
    assert "ledger/accounts.py:13:5  PAR701 check-then-act" in out
    assert "evidence: ledger/handlers.py:11:15: `handle()` calls `lookup()` here" in out
    assert "change: Hold `_accounts_lock` around the test and the change" in out
    assert "ledger/handlers.py:10:5  PAR703 process-state-in-thread" in out


def test_the_json_report_lists_every_hazard_with_its_place() -> None:
    done = _audit("--output-format", "json", cwd=LEDGER)
    report = json.loads(done.stdout)
    assert report["ready"] is False
    [package] = report["packages"]
    assert package["package"] == "ledger"
    assert package["verdict"] == "ready after 4 changes"
    hazards = sorted((h["place"]["file"], h["place"]["row"], h["code"]) for h in package["hazards"])
    assert hazards == [
        ("ledger/accounts.py", 13, "PAR701"),
        ("ledger/accounts.py", 20, "PAR601"),
        ("ledger/handlers.py", 10, "PAR703"),
        ("ledger/rates.py", 12, "PAR701"),
    ]
    reached = {r["function"] for e in package["entry_points"] for r in e["reaches"]}
    assert {"handle", "lookup", "rate_for", "record", "record_safely"} <= reached


def test_the_markdown_report_has_a_summary_table() -> None:
    done = _audit("--output-format", "markdown", cwd=LEDGER)
    assert "| package | files | entry points | hazards | verdict |" in done.stdout
    assert "| `ledger` | 5 | 2 | 4 | ready after 4 changes |" in done.stdout
    assert "- **PAR601 unsynchronized-shared-state** at `ledger/accounts.py:20:5`" in done.stdout


def test_an_extension_without_free_threading_support_blocks_the_package(tmp_path: Path) -> None:
    package = tmp_path / "mapper"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "run.py").write_text(
        "from concurrent.futures import ThreadPoolExecutor\n\n"
        "import fastgeo\nimport ftgeo\n\n\n"
        "def area(shape):\n    return fastgeo.area(shape) + ftgeo.area(shape)\n\n\n"
        "def areas(shapes):\n"
        "    with ThreadPoolExecutor() as executor:\n"
        "        return list(executor.map(area, shapes))\n",
        encoding="utf-8",
    )
    done = _audit("--python", fake_interpreter(), "--output-format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    [report] = json.loads(done.stdout)["packages"]
    assert report["verdict"] == "blocked by extension fastgeo"
    rows = {e["module"]: e["build"] for e in report["extensions"]}
    assert rows == {"fastgeo": "gil", "ftgeo": "free-threaded"}
    assert report["hazards"] == []


def test_a_package_without_hazards_is_ready(tmp_path: Path) -> None:
    shutil.copytree(LEDGER / "ledger", tmp_path / "ledger")
    (tmp_path / "ledger" / "handlers.py").write_text(
        '"""Handlers without shared state."""\n\n\ndef handle(request):\n    return request\n\n\n'
        "def handle_audited(request):\n    return request\n",
        encoding="utf-8",
    )
    for name in ("accounts.py", "rates.py"):
        (tmp_path / "ledger" / name).unlink()
    done = _audit(cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ledger: ready (3 files)" in done.stdout


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    done = _audit("nowhere", cwd=tmp_path)
    assert done.returncode == 2
    assert "parlint: error: nowhere: no such file or directory" in done.stderr


def test_a_file_that_cannot_be_parsed_is_named_and_the_exit_code_says_so(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "bad.py").write_text("import threading\ndef f(:\n    pass\n", encoding="utf-8")
    done = _audit(cwd=tmp_path)
    assert done.returncode == 2
    assert "error: pkg/bad.py:2:7: Cannot parse: invalid syntax" in done.stdout
    assert "parlint: error: pkg/bad.py:2:7: Cannot parse" in done.stderr
