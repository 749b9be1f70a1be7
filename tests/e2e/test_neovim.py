"""A real editor: headless Neovim's built-in LSP client receives parlint's diagnostics and
applies a quick-fix (scripts/test.sh installs Debian's neovim when it is missing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent / "neovim" / "quickfix.lua"
SOURCE = """import threading


def work(n):
    print(n)


def main():
    for i in range(3):
        t = threading.Thread(target=work, args=(i))
        t.start()
        t.join()
"""


THREAD_LIST = """import threading


def work(n):
    print(n)


def main(items):
    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""
EXECUTOR = """from concurrent.futures import ThreadPoolExecutor


def work(n):
    print(n)


def main(items):
    with ThreadPoolExecutor() as executor:
        list(executor.map(work, items))
"""


@pytest.mark.parametrize(
    ("source", "code", "expected"),
    [
        (SOURCE, "PAR502", SOURCE.replace("args=(i))", "args=(i,))")),
        (THREAD_LIST, "PAR102", EXECUTOR),
        (
            SOURCE,
            "PAR105",
            SOURCE.replace(
                "    for i in range(3):", "    threads = []\n    for i in range(3):"
            ).replace(
                "        t.join()\n",
                "        threads.append(t)\n    for t in threads:\n        t.join()\n",
            ),
        ),
    ],
)
def test_neovim_applies_a_quick_fix(tmp_path: Path, source: str, code: str, expected: str) -> None:
    nvim = shutil.which("nvim")
    assert nvim, "Neovim is required for this test: `apt-get install neovim` (scripts/test.sh does)"
    (tmp_path / "jobs.py").write_text(source)
    (tmp_path / "expected.py").write_text(expected)
    result = tmp_path / "result.txt"
    env = dict(
        os.environ,
        PARLINT_PYTHON=sys.executable,
        PARLINT_EXPECTED=str(tmp_path / "expected.py"),
        PARLINT_RESULT=str(result),
        PARLINT_CODE=code,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    completed = subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {SCRIPT}", "jobs.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    outcome = result.read_text() if result.exists() else "(no result written)"
    assert completed.returncode == 0, f"{outcome}\n{completed.stderr}"
    assert outcome.startswith(f"OK parlint ({code}):")
