"""The `parlint` command as users run it: a real subprocess, real files, exit codes, output."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

JOBS_PAR101 = (
    "pkg/jobs.py:6:5: PAR101 `t` is started but never joined in `main()`, "
    "which should join it before it returns"
)


UNJOINED = """import threading


def main():
    t = threading.Thread(target=print)
    t.start()
"""
ARGS = 'import threading\n\nt = threading.Thread(target=print, args=("x"))\nt.start()\nt.join()\n'
CLEAN = "import threading\n\nt = threading.Thread(target=print)\nt.start()\nt.join()\n"


def parlint(
    *args: str,
    cwd: Path,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PARLINT_CACHE_DIR=str(cwd / ".cache-test"), **(env or {}))
    completed = subprocess.run(
        [sys.executable, "-m", "parlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "jobs.py").write_text(UNJOINED)
    (tmp_path / "pkg" / "args.py").write_text(ARGS)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    (tmp_path / "notes.txt").write_text("not python")
    return tmp_path


def test_check_reports_and_exits_1(project: Path) -> None:
    result = parlint("check", "--output-format", "concise", cwd=project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith('pkg/args.py:3:42: PAR502 [*] `args=("x")` is a string')
    assert lines[1] == JOBS_PAR101
    assert lines[2] == "Found 2 errors."
    assert "1 fixable with the `--fix` option (1 hidden fix can be enabled" in lines[3]


def test_no_subcommand_means_check_and_clean_exits_0(project: Path) -> None:
    result = parlint("pkg/clean.py", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


def test_exit_zero_and_quiet(project: Path) -> None:
    result = parlint("check", "--exit-zero", "--quiet", "--output-format", "concise", cwd=project)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2  # the diagnostics, no summary


def test_missing_path_is_a_usage_error(project: Path) -> None:
    result = parlint("check", "nope.py", cwd=project)
    assert result.returncode == 2
    assert "nope.py: no such file or directory" in result.stderr


def test_broken_symlink_is_a_usage_error_that_says_so(project: Path) -> None:
    (project / "gone.py").symlink_to("nowhere.py")
    result = parlint("check", "gone.py", cwd=project)
    assert result.returncode == 2
    assert "gone.py: no such file or directory (a broken symbolic link)" in result.stderr


CACHE_MODES = pytest.mark.parametrize("cache", [["--no-cache"], []], ids=["no-cache", "cache"])


@CACHE_MODES
def test_symlink_loops_are_errors_for_their_path_and_the_run_goes_on(
    project: Path, cache: list[str]
) -> None:
    (project / "pkg" / "x.py").symlink_to("y.py")
    (project / "pkg" / "y.py").symlink_to("x.py")
    (project / "pkg" / "gone.py").symlink_to("nowhere.py")
    result = parlint("check", "--output-format", "concise", *cache, cwd=project)
    assert (result.returncode, result.stderr) == (1, "")
    lines = result.stdout.splitlines()
    assert "pkg/x.py:1:1: PAR000 Cannot read: Too many levels of symbolic links" in lines
    assert "pkg/y.py:1:1: PAR000 Cannot read: Too many levels of symbolic links" in lines
    assert "pkg/gone.py:1:1: PAR000 Cannot read: No such file or directory" in lines
    assert JOBS_PAR101 in lines
    named = parlint("check", "--output-format", "concise", *cache, "pkg/x.py", cwd=project)
    assert (named.returncode, named.stderr) == (1, "")
    assert named.stdout.splitlines() == [
        "pkg/x.py:1:1: PAR000 Cannot read: Too many levels of symbolic links",
        "Found 1 error.",
    ]


@CACHE_MODES
def test_fifos_and_devices_are_errors_for_their_path_never_a_hang(
    project: Path, cache: list[str]
) -> None:
    os.mkfifo(project / "pkg" / "pipe.py")
    (project / "pkg" / "zero.py").symlink_to("/dev/zero")
    os.mkfifo(project / ".gitignore")  # read while walking: must not block either
    result = parlint("check", "--output-format", "concise", *cache, cwd=project, timeout=60)
    assert (result.returncode, result.stderr) == (1, "")
    lines = result.stdout.splitlines()
    assert "pkg/pipe.py:1:1: PAR000 Cannot read: not a regular file (a FIFO)" in lines
    assert "pkg/zero.py:1:1: PAR000 Cannot read: not a regular file (a character device)" in lines
    assert JOBS_PAR101 in lines
    named = parlint(
        "check", "--output-format", "concise", *cache, "pkg/pipe.py", "pkg/zero.py", "pkg/jobs.py",
        cwd=project, timeout=60,
    )  # fmt: skip
    assert named.returncode == 1
    assert named.stdout.splitlines()[:3] == [
        "pkg/pipe.py:1:1: PAR000 Cannot read: not a regular file (a FIFO)",
        "pkg/zero.py:1:1: PAR000 Cannot read: not a regular file (a character device)",
        JOBS_PAR101,
    ]


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path: Path) -> None:
    # Far more output than a pipe buffers, so parlint is still writing when the pipe closes.
    functions = "".join(
        f"\n\ndef job{i}():\n    t = threading.Thread(target=print)\n    t.start()\n"
        for i in range(1000)
    )
    (tmp_path / "many.py").write_text("import threading\n" + functions)
    process = subprocess.Popen(
        [sys.executable, "-m", "parlint", "check", "--no-cache", "many.py"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 141  # 128 + SIGPIPE, as a shell reports it
    assert first.startswith(b"many.py:6:5: PAR101")
    assert stderr == b""


def test_unparseable_file_is_par000_and_the_run_goes_on(project: Path) -> None:
    (project / "pkg" / "broken.py").write_text("import threading\ndef f(:\n    threading.Thread\n")
    result = parlint("check", "--output-format", "concise", cwd=project)
    assert result.returncode == 1
    assert "pkg/broken.py:2:7: PAR000 Cannot parse:" in result.stdout
    assert "pkg/jobs.py:6:5: PAR101" in result.stdout


def test_fix_applies_safe_fixes_only_and_keeps_mode(project: Path) -> None:
    target = project / "pkg" / "args.py"
    target.chmod(0o750)
    result = parlint("check", "--fix", "--output-format", "concise", cwd=project)
    assert result.returncode == 1  # PAR101 remains: its fix is unsafe
    assert target.read_text() == ARGS.replace('args=("x")', 'args=("x",)')
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    assert (project / "pkg" / "jobs.py").read_text() == UNJOINED
    assert "Found 2 errors (1 fixed, 1 remaining)." in result.stdout
    assert not list((project / "pkg").glob(".*.parlint"))  # no temp files left behind


def test_unsafe_fixes_make_the_tree_clean_and_a_second_run_changes_nothing(project: Path) -> None:
    first = parlint("check", "--fix", "--unsafe-fixes", "--show-fixes", cwd=project)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Fixed 2 errors:" in first.stdout
    assert "1 × PAR101 (unjoined-thread)" in first.stdout
    assert (project / "pkg" / "jobs.py").read_text() == UNJOINED + "    t.join()\n"
    snapshot = {p: p.read_bytes() for p in project.rglob("*.py")}
    second = parlint("check", "--fix", "--unsafe-fixes", cwd=project)
    assert second.returncode == 0
    assert {p: p.read_bytes() for p in project.rglob("*.py")} == snapshot


def test_fix_keeps_crlf_bom_and_latin1(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(b"\xef\xbb\xbf" + UNJOINED.replace("\n", "\r\n").encode())
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n# caf\xe9\n" + UNJOINED).encode("latin-1"))
    result = parlint("check", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        crlf.read_bytes()
        == b"\xef\xbb\xbf" + (UNJOINED + "    t.join()\n").replace("\n", "\r\n").encode()
    )
    assert latin.read_bytes().decode("latin-1").endswith("t.start()\n    t.join()\n")
    assert "caf\xe9".encode("latin-1") in latin.read_bytes()


def test_diff_writes_nothing(project: Path) -> None:
    result = parlint("check", "--diff", "--unsafe-fixes", cwd=project)
    assert result.returncode == 1
    assert "--- pkg/jobs.py\n+++ pkg/jobs.py\n" in result.stdout
    assert "+    t.join()\n" in result.stdout
    assert "Would fix 2 errors." in result.stderr
    assert (project / "pkg" / "jobs.py").read_text() == UNJOINED


def test_select_ignore_extend_select(project: Path) -> None:
    only = parlint("check", "--select", "PAR5", "--output-format", "concise", "-q", cwd=project)
    assert [line.split()[1] for line in only.stdout.splitlines()] == ["PAR502"]
    ignored = parlint("check", "--ignore", "PAR101,PAR502", cwd=project)
    assert ignored.returncode == 0
    extended = parlint(
        "check", "--select", "PAR5", "--extend-select", "PAR101", "-q",
        "--output-format", "concise", cwd=project,
    )  # fmt: skip
    assert len(extended.stdout.splitlines()) == 2
    bad = parlint("check", "--select", "XYZ1", cwd=project)
    assert bad.returncode == 2 and "unknown rule selector 'XYZ1'" in bad.stderr


def test_json_output_has_ruffs_shape_with_fixes(project: Path) -> None:
    result = parlint("check", "--output-format", "json", "pkg/args.py", cwd=project)
    (item,) = json.loads(result.stdout)
    assert set(item) >= {
        "code", "name", "message", "severity", "filename", "location", "end_location",
        "fix", "noqa_row", "url",
    }  # fmt: skip
    assert item["code"] == "PAR502" and item["location"] == {"row": 3, "column": 42}
    assert item["fix"]["applicability"] == "safe"
    assert item["fix"]["edits"] == [
        {
            "content": ",",
            "location": {"row": 3, "column": 45},
            "end_location": {"row": 3, "column": 45},
        }
    ]


def test_json_lines_github_and_sarif(project: Path) -> None:
    lines = parlint("check", "--output-format", "json-lines", cwd=project).stdout.splitlines()
    assert [json.loads(line)["code"] for line in lines] == ["PAR502", "PAR101"]
    github = parlint("check", "--output-format", "github", cwd=project).stdout
    assert github.splitlines()[1].startswith(
        "::warning title=parlint (PAR101),file=pkg/jobs.py,line=6,col=5,endLine=6,endColumn=14::"
    )
    sarif = json.loads(parlint("check", "--output-format", "sarif", cwd=project).stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["PAR502", "PAR101"]
    assert run["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_statistics(project: Path) -> None:
    result = parlint("check", "--statistics", cwd=project)
    assert result.stdout.splitlines() == [
        "1\tPAR101\t[ ] unjoined-thread",
        "1\tPAR502\t[*] args-not-tuple",
    ]


@pytest.mark.parametrize("fmt", ["json", "json-lines"])
def test_statistics_honour_json_output_formats_with_ruffs_keys(project: Path, fmt: str) -> None:
    result = parlint("check", "--statistics", "--output-format", fmt, cwd=project)
    assert result.returncode == 1
    expected = [
        {"code": "PAR101", "name": "unjoined-thread", "count": 1, "fixable": False,
         "fixable_count": 0},
        {"code": "PAR502", "name": "args-not-tuple", "count": 1, "fixable": True,
         "fixable_count": 1},
    ]  # fmt: skip
    if fmt == "json":
        assert json.loads(result.stdout) == expected
    else:
        assert [json.loads(line) for line in result.stdout.splitlines()] == expected


@pytest.mark.parametrize("option", ["--select", "--extend-select", "--ignore"])
@pytest.mark.parametrize("value", ["", ",", " ", "PAR1,"])
def test_an_empty_rule_selector_is_a_usage_error(project: Path, option: str, value: str) -> None:
    result = parlint("check", option, value, cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"parlint: error: invalid value {value!r} for {option}: an empty rule selector; "
        "expected ALL or rule codes or prefixes, comma-separated (PAR, PAR1, PAR101)\n"
    )


def test_a_mistyped_command_is_named_with_a_suggestion(project: Path) -> None:
    result = parlint("chek", "pkg", cwd=project)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "parlint: error: unknown command 'chek' (and no such file or directory); "
        "did you mean 'check'?\n"
    )
    (project / "chek").mkdir()  # an existing path still means `check` it
    (project / "chek" / "jobs.py").write_text(UNJOINED)
    checked = parlint("chek", "--output-format", "concise", cwd=project)
    assert checked.returncode == 1
    assert checked.stdout.startswith("chek/jobs.py:6:5: PAR101")


def test_no_python_files_warns_and_exits_0(project: Path) -> None:
    (project / "empty").mkdir()
    result = parlint("check", "empty", cwd=project)
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")
    assert result.stderr == "parlint: warning: No Python files found under the given path(s)\n"
    quiet = parlint("check", "--quiet", "empty", cwd=project)
    assert (quiet.returncode, quiet.stderr) == (0, "")


def test_stdin(project: Path) -> None:
    result = parlint(
        "check", "-", "--stdin-filename", "pkg/x.py", "--output-format", "concise",
        cwd=project, stdin=UNJOINED.encode(),
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout.startswith("pkg/x.py:6:5: PAR101")
    fixed = parlint("check", "-", "--fix", "--unsafe-fixes", cwd=project, stdin=UNJOINED.encode())
    assert fixed.returncode == 0
    assert fixed.stdout == UNJOINED + "    t.join()\n"


def test_configuration_file_and_errors(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.parlint]\nignore = ["PAR101"]\n')
    assert parlint("check", "-q", "--output-format", "concise", cwd=project).stdout.count("\n") == 1
    (project / "pkg" / "parlint.toml").write_text('select = ["PAR101"]\n')
    nested = parlint("check", "-q", "--output-format", "concise", cwd=project).stdout
    assert [line.split()[1] for line in nested.splitlines()] == ["PAR101"]
    (project / "pkg" / "parlint.toml").write_text('selct = ["PAR101"]\n')
    bad = parlint("check", cwd=project)
    assert bad.returncode == 2
    assert "parlint.toml: unknown key 'selct'; allowed keys:" in bad.stderr
    (project / "pkg" / "parlint.toml").write_text('target-version = "py27"\n')
    bad = parlint("check", cwd=project)
    assert "key 'target-version': expected one of py38" in bad.stderr and "'py27'" in bad.stderr


def test_explicit_config_overrides_discovery(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.parlint]\nignore = ["PAR101"]\n')
    (project / "strict.toml").write_text('select = ["PAR1"]\n')
    result = parlint(
        "check", "--config", "strict.toml", "-q", "--output-format", "concise", cwd=project
    )
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["PAR101"]


def test_exclude_gitignore_and_force_exclude(project: Path) -> None:
    (project / "build").mkdir()
    (project / "build" / "gen.py").write_text(UNJOINED)
    (project / "vendored").mkdir()
    (project / "vendored" / "lib.py").write_text(UNJOINED)
    (project / ".gitignore").write_text("vendored/\n")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "pyproject.toml").write_text('[tool.parlint]\nextend-exclude = ["build"]\n')
    walked = parlint("check", "-q", "--output-format", "concise", cwd=project).stdout
    assert "build/" not in walked and "vendored/" not in walked
    explicit = parlint("check", "build/gen.py", "-q", cwd=project)
    assert explicit.returncode == 1
    forced = parlint("check", "build/gen.py", "--force-exclude", cwd=project)
    assert forced.returncode == 0


def test_per_file_ignores_and_noqa(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.parlint]\nper-file-ignores = { "pkg/jobs.py" = ["PAR101"] }\n'
    )
    result = parlint("check", "-q", "--output-format", "concise", cwd=project)
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["PAR502"]
    (project / "pkg" / "args.py").write_text(ARGS.replace('("x"))', '("x"))  # noqa: PAR502'))
    assert parlint("check", cwd=project).returncode == 0


def test_cache_is_used_and_invalidated(project: Path) -> None:
    first = parlint("check", "--output-format", "concise", cwd=project)
    cache_files = list((project / ".cache-test").rglob("*.pickle"))
    assert cache_files, "the first run writes the cache"
    second = parlint("check", "--output-format", "concise", cwd=project)
    assert second.stdout == first.stdout
    (project / "pkg" / "jobs.py").write_text(CLEAN)
    third = parlint("check", "--output-format", "concise", cwd=project)
    assert "PAR101" not in third.stdout
    uncached = parlint("check", "--no-cache", "--output-format", "concise", cwd=project)
    assert uncached.stdout == third.stdout


def test_parallel_jobs_match_serial(tmp_path: Path) -> None:
    for index in range(24):
        (tmp_path / f"m{index:02}.py").write_text(UNJOINED if index % 2 else ARGS)
    serial = parlint(
        "check", "--jobs", "1", "--no-cache", "--output-format", "concise", cwd=tmp_path
    )
    parallel = parlint(
        "check", "--jobs", "2", "--no-cache", "--output-format", "concise", cwd=tmp_path
    )
    assert serial.stdout == parallel.stdout
    assert serial.stdout.count("\n") == 26


def test_rule_documentation(project: Path) -> None:
    page = parlint("rule", "PAR101", cwd=project)
    assert page.returncode == 0
    assert page.stdout.startswith("# unjoined-thread (PAR101)")
    assert "## Why is this bad?" in page.stdout and "## Fix safety" in page.stdout
    everything = parlint("rule", "--all", cwd=project).stdout
    for code in ("PAR000", "PAR101", "PAR104", "PAR105", "PAR501", "PAR502"):
        assert f"({code})" in everything
    unknown = parlint("rule", "PAR999", cwd=project)
    assert unknown.returncode == 2 and "unknown rule" in unknown.stderr


def test_version(project: Path) -> None:
    result = parlint("--version", cwd=project)
    assert result.returncode == 0 and result.stdout.startswith("parlint 0.")


def test_bundled_examples_fix_cleanly_and_idempotently(tmp_path: Path) -> None:
    import ast
    import shutil

    examples = Path(__file__).resolve().parent.parent / "examples"
    work = tmp_path / "examples"
    shutil.copytree(examples, work)
    before = parlint("check", "--no-cache", "--output-format", "json", ".", cwd=work)
    applied = ("safe", "unsafe")  # display-only fixes are never applied
    fixable = {
        (d["filename"], d["code"])
        for d in json.loads(before.stdout)
        if d["fix"] and d["fix"]["applicability"] in applied
    }
    assert fixable, "the examples show fixable findings"
    parlint("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=work)
    for path in work.glob("*.py"):
        ast.parse(path.read_text())
    after = parlint("check", "--no-cache", "--output-format", "json", ".", cwd=work)
    assert [
        d for d in json.loads(after.stdout) if d["fix"] and d["fix"]["applicability"] in applied
    ] == []
    snapshot = {p.name: p.read_text() for p in work.glob("*.py")}
    parlint("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=work)
    assert {p.name: p.read_text() for p in work.glob("*.py")} == snapshot


LOADERS = """from threading import Thread


def main():
    users = Thread(target=print, args=("users",))
    orders = Thread(target=print, args=("orders",))
    stock = Thread(target=print, args=("stock",))
    users.start()
    orders.start()
    stock.start()
    users.join()
    orders.join()
    stock.join()
"""


@pytest.mark.parametrize(("limit", "reported"), [(None, True), (3, True), (4, False)])
def test_max_manual_threads_sets_how_many_named_threads_are_too_many(
    tmp_path: Path, limit: int | None, reported: bool
) -> None:
    if limit is not None:
        (tmp_path / "pyproject.toml").write_text(f"[tool.parlint]\nmax-manual-threads = {limit}\n")
    (tmp_path / "loaders.py").write_text(LOADERS)
    result = parlint("check", "--output-format", "concise", "loaders.py", cwd=tmp_path)
    assert result.returncode == (1 if reported else 0), result.stderr
    assert ("loaders.py:5:13: PAR103 3 threads created" in result.stdout) is reported


WAITING_WORKER = """import queue
import threading


def consume(jobs):
    while True:
        if jobs.get() is None:
            return


def main():
    jobs = queue.Queue()
    worker = threading.Thread(target=consume, args=(jobs,))
    worker.start()
    jobs.put(None)
"""


def test_display_only_fixes_are_shown_never_applied(tmp_path: Path) -> None:
    (tmp_path / "w.py").write_text(WAITING_WORKER)
    listed = parlint("check", "--output-format", "json", "w.py", cwd=tmp_path)
    (finding,) = json.loads(listed.stdout)
    assert finding["code"] == "PAR101"
    assert finding["fix"]["applicability"] == "display-only"
    concise = parlint("check", "--unsafe-fixes", "--output-format", "concise", "w.py", cwd=tmp_path)
    assert "[*]" not in concise.stdout and "fixable" not in concise.stdout
    fixed = parlint("check", "--fix", "--unsafe-fixes", "w.py", cwd=tmp_path)
    assert fixed.returncode == 1 and (tmp_path / "w.py").read_text() == WAITING_WORKER
    diff = parlint("check", "--diff", "--unsafe-fixes", "w.py", cwd=tmp_path)
    # Nothing would be applied (stdout: `| patch` applies nothing); the suggestion is on stderr.
    assert diff.stdout == "" and diff.returncode == 0
    assert "w.py:14:5: PAR101 display-only fix, not applied: Insert `worker.join()`" in diff.stderr
    assert "+    worker.join()" in diff.stderr
    page = parlint("rule", "PAR101", cwd=tmp_path).stdout
    assert "display-only" in page
