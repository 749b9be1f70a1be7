"""The pre-commit hooks, installed by pre-commit itself from this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UNJOINED = (
    "import threading\n\n\ndef main():\n    t = threading.Thread(target=print)\n    t.start()\n"
)
ARGS = 'import threading\n\nt = threading.Thread(target=print, args=("x"))\nt.start()\nt.join()\n'


def _pre_commit() -> list[str]:
    exe = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    return [exe]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("precommit")
    _git("init", "-q", cwd=work)
    _git("config", "user.email", "test@example.com", cwd=work)
    _git("config", "user.name", "test", cwd=work)
    (work / "jobs.py").write_text(UNJOINED)
    (work / "args.py").write_text(ARGS)
    (work / "notes.md").write_text("# not python\n")
    _git("add", ".", cwd=work)
    return work


def _try_repo(hook: str, work: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(work.parent / "pre-commit-home"))
    return subprocess.run(
        [*_pre_commit(), "try-repo", str(REPO), hook, "--all-files", "--verbose"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_parlint_hook_reports_findings(sandbox: Path) -> None:
    result = _try_repo("parlint", sandbox)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "jobs.py:6:5: PAR101" in result.stdout
    assert "args.py:3:42: PAR502" in result.stdout
    assert "notes.md" not in result.stdout


def test_parlint_fix_hook_rewrites_safe_fixes(sandbox: Path) -> None:
    result = _try_repo("parlint-fix", sandbox)
    assert result.returncode == 1, result.stdout + result.stderr  # files were modified
    assert (sandbox / "args.py").read_text() == ARGS.replace('("x")', '("x",)')
    assert (sandbox / "jobs.py").read_text() == UNJOINED  # unsafe fix: not applied


def _readme_hook_config() -> str:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## pre-commit", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_readme_hook_configuration_works_as_written(tmp_path: Path) -> None:
    work = tmp_path / "project"
    work.mkdir()
    _git("init", "-q", cwd=work)
    (work / "jobs.py").write_text(UNJOINED)
    (work / ".pre-commit-config.yaml").write_text(_readme_hook_config())
    _git("add", ".", cwd=work)
    # The environment the README installs parlint into: its `bin` on PATH.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = dict(os.environ, PATH=path, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    result = subprocess.run(
        [*_pre_commit(), "run", "--all-files"],
        cwd=work, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "jobs.py:6:5: PAR101" in result.stdout
