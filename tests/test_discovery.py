"""Which files a run checks: walking, exclusion, .gitignore, explicit files."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from parlint.config import ConfigResolver, Overrides
from parlint.discovery import UsageError, collect_files, is_force_excluded


def make(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def collected(
    root: Path,
    *paths: Path,
    config_file: Path | None = None,
    force_exclude: bool = False,
) -> list[str]:
    resolver = ConfigResolver(Overrides(), config_file=config_file, cwd=root)
    files = collect_files(list(paths) or [root], resolver, force_exclude=force_exclude)
    return [Path(os.path.relpath(f, root)).as_posix() for f in files]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A project with its own config, so that nothing above tmp_path is picked up."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "parlint.toml").write_text("")
    yield root


# -- walking ----------------------------------------------------------------------------------


def test_walk_finds_python_sources_in_a_stable_order(project: Path) -> None:
    make(project, "b.py", "a.pyi", "pkg/z.py", "pkg/sub/y.py", "pkg/m.py", "c.txt", "d.pyc")
    (project / "pkg" / "data.json").write_text("{}")
    assert collected(project) == ["a.pyi", "b.py", "pkg/m.py", "pkg/z.py", "pkg/sub/y.py"]


def test_paths_keep_the_form_they_were_given_in(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(project, "pkg/a.py")
    monkeypatch.chdir(project)
    resolver = ConfigResolver(Overrides(), cwd=project)
    assert collect_files([Path("pkg")], resolver) == [Path("pkg/a.py")]
    assert collect_files([project / "pkg"], resolver) == [project / "pkg" / "a.py"]


def test_each_file_is_returned_once(project: Path) -> None:
    make(project, "pkg/a.py", "pkg/b.py")
    paths = [project / "pkg" / "b.py", project / "pkg", project / "pkg" / "a.py"]
    assert collected(project, *paths) == ["pkg/b.py", "pkg/a.py"]


def test_default_exclusions_are_skipped(project: Path) -> None:
    make(project, "a.py", ".venv/lib/x.py", "pkg/node_modules/x.py", ".git/hooks/x.py")
    make(project, "pkg/__pycache__/x.py", "pkg/.tox/x.py", "dist/x.py")
    assert collected(project) == ["a.py", "pkg/__pycache__/x.py"]


def test_exclude_and_extend_exclude(project: Path) -> None:
    make(project, "a.py", "gen/b.py", "pkg/gen/c.py", "top.py", "pkg/top.py", ".venv/d.py")
    (project / "parlint.toml").write_text('extend-exclude = ["gen", "/top.py"]\n')
    assert collected(project) == ["a.py", "pkg/top.py"]
    (project / "parlint.toml").write_text('exclude = ["/gen/"]\n')  # replaces the defaults
    assert collected(project) == ["a.py", "top.py", ".venv/d.py", "pkg/top.py", "pkg/gen/c.py"]


def test_excluded_directories_are_not_descended(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(project, "a.py", "huge/deep/x.py", "docs/conf.py")
    (project / "parlint.toml").write_text('extend-exclude = ["huge", "docs/"]\n')
    scanned: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path: str) -> object:
        scanned.append(os.path.basename(os.path.abspath(path)))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", recording_scandir)
    assert collected(project) == ["a.py"]
    assert "huge" not in scanned and "docs" not in scanned and "project" in scanned


def test_nested_config_applies_below_its_directory_only(project: Path) -> None:
    make(project, "gen.py", "sub/gen.py", "sub/keep.py", "sub/legacy/x.py", "legacy/y.py")
    (project / "sub" / "parlint.toml").write_text('extend-exclude = ["gen.py", "legacy"]\n')
    assert collected(project) == ["gen.py", "legacy/y.py", "sub/keep.py"]


def test_explicit_config_excludes_everywhere(project: Path, tmp_path: Path) -> None:
    make(project, "a.py", "sub/gen/x.py")
    (project / "sub" / "parlint.toml").write_text("")
    config = tmp_path / "strict.toml"
    config.write_text('extend-exclude = ["gen"]\n')
    assert collected(project) == ["a.py", "sub/gen/x.py"]
    assert collected(project, config_file=config) == ["a.py"]


def test_an_excluded_directory_named_explicitly_is_walked(project: Path) -> None:
    make(project, ".venv/a.py", ".venv/b.txt", ".venv/gen/c.py", ".venv/lib/d.py")
    make(project, "vendor/lib/e.py")
    (project / "parlint.toml").write_text('extend-exclude = ["gen", "vendor/"]\n')
    # The pattern that excludes the directory is lifted inside it; the others still apply.
    assert collected(project, project / ".venv") == [".venv/a.py", ".venv/lib/d.py"]
    assert collected(project, project / "vendor" / "lib") == ["vendor/lib/e.py"]
    # A configuration inside the named directory keeps all its patterns.
    make(project, ".venv/sub/f.py", ".venv/sub/.venv/g.py")
    (project / ".venv" / "sub" / "parlint.toml").write_text("")
    assert collected(project, project / ".venv" / "sub") == [".venv/sub/f.py"]
    assert ".venv/sub/.venv/g.py" not in collected(project, project / ".venv")


# -- .gitignore -------------------------------------------------------------------------------


def test_gitignore_files_in_the_walked_tree(project: Path) -> None:
    make(project, "a.py", "secret.py", "build/x.py", "pkg/out.py", "pkg/keep.py", "pkg/b.py")
    make(project, "pkg/gen/one.py", "pkg/gen/two.py")
    (project / ".gitignore").write_text("# generated\nsecret.py\nbuild/\nout.py\n**/gen/*\n")
    # A deeper .gitignore overrides a shallower one, as in git.
    (project / "pkg" / ".gitignore").write_text("keep.py\n!out.py\n!gen/two.py\n")
    assert collected(project) == ["a.py", "pkg/b.py", "pkg/out.py", "pkg/gen/two.py"]


def test_parent_gitignores_apply_up_to_the_git_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make(repo, "src/a.py", "src/skip.py", "src/tmp_x.py")
    (repo / ".git").mkdir()
    (repo / ".gitignore").write_text("skip.py\n")
    (repo / "src" / "parlint.toml").write_text("")
    (tmp_path / ".gitignore").write_text("a.py\n")  # above the repository: not git's business
    (repo / ".git" / "info").mkdir()
    (repo / ".git" / "info" / "exclude").write_text("tmp_*\n")
    assert collected(repo / "src") == ["a.py"]


def test_parent_gitignores_do_not_apply_outside_a_repository(tmp_path: Path) -> None:
    make(tmp_path, "proj/src/a.py", "proj/src/skip.py")
    (tmp_path / "proj" / ".gitignore").write_text("skip.py\n")
    (tmp_path / "proj" / "src" / "parlint.toml").write_text("")
    assert collected(tmp_path / "proj" / "src") == ["a.py", "skip.py"]
    # The walked tree's own .gitignore files apply with or without git.
    assert collected(tmp_path / "proj") == ["src/a.py"]


def test_git_worktree_file_marks_the_repository_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make(repo, "src/a.py", "src/skip.py")
    (repo / ".git").write_text("gitdir: /elsewhere\n")
    (repo / ".gitignore").write_text("skip.py\n")
    (repo / "src" / "parlint.toml").write_text("")
    assert collected(repo / "src") == ["a.py"]


def test_ignored_directory_named_explicitly_is_walked_with_the_rest_of_the_rules(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    make(repo, "vendored/lib/a.py", "vendored/lib/generated_b.py", "c.py")
    (repo / ".git").mkdir()
    (repo / "parlint.toml").write_text("")
    (repo / ".gitignore").write_text("vendored/\ngenerated_*.py\n")
    assert collected(repo) == ["c.py"]
    assert collected(repo, repo / "vendored" / "lib") == ["vendored/lib/a.py"]


def test_a_nested_repository_does_not_inherit_ignores(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    make(repo, "a.py", "skip.py", "sub/skip.py", "sub/own.py")
    (repo / ".git").mkdir()
    (repo / "sub" / ".git").mkdir()
    (repo / "parlint.toml").write_text("")
    (repo / ".gitignore").write_text("skip.py\n")
    (repo / "sub" / ".gitignore").write_text("own.py\n")
    assert collected(repo) == ["a.py", "sub/skip.py"]


# -- explicit files, force-exclude, errors ----------------------------------------------------


def test_explicit_files_are_always_checked(project: Path) -> None:
    make(project, "script", "tool.txt", ".venv/x.py", "ignored.py", "gen/y.py")
    (project / ".gitignore").write_text("ignored.py\n")
    (project / "parlint.toml").write_text('extend-exclude = ["gen"]\n')
    names = ["script", "tool.txt", ".venv/x.py", "ignored.py", "gen/y.py"]
    assert collected(project, *[project / n for n in names]) == names


def test_force_exclude_drops_excluded_explicit_paths(project: Path) -> None:
    make(project, "a.py", ".venv/x.py", "gen/deep/y.py", "top.py", "pkg/top.py")
    (project / "parlint.toml").write_text('extend-exclude = ["gen", "/top.py"]\n')
    names = ["a.py", ".venv/x.py", "gen/deep/y.py", "top.py", "pkg/top.py"]
    kept = collected(project, *[project / n for n in names], force_exclude=True)
    assert kept == ["a.py", "pkg/top.py"]
    # Directories named explicitly too.
    assert collected(project, project / ".venv", project / "gen", force_exclude=True) == []


def test_force_exclude_ignores_directories_above_the_project(tmp_path: Path) -> None:
    # A project that lives under a directory named like an exclusion (say ~/venv/proj).
    project = tmp_path / "venv" / "proj"
    make(project, "a.py")
    (project / "parlint.toml").write_text("")
    assert collected(project, project / "a.py", force_exclude=True) == ["a.py"]
    assert collected(project, force_exclude=True) == ["a.py"]
    # Nor does the project directory's own name.
    named = tmp_path / "envs" / "venv"
    make(named, "b.py")
    (named / "parlint.toml").write_text("")
    assert collected(named, named, force_exclude=True) == ["b.py"]


def test_is_force_excluded_for_stdin_filename(project: Path) -> None:
    (project / "parlint.toml").write_text('extend-exclude = ["migrations"]\n')
    resolver = ConfigResolver(Overrides(), cwd=project)
    # The file need not exist: it only names what stdin stands for.
    assert is_force_excluded(project / "app" / "migrations" / "0001.py", resolver)
    assert is_force_excluded(project / ".venv" / "x.py", resolver)
    assert not is_force_excluded(project / "app" / "models.py", resolver)


def test_a_missing_path_is_a_usage_error_naming_it(project: Path) -> None:
    make(project, "a.py")
    missing = project / "nope.py"
    with pytest.raises(UsageError) as error:
        collected(project, project / "a.py", missing)
    assert str(error.value) == f"{missing}: no such file or directory"
    with pytest.raises(UsageError, match="missing_dir"):
        collected(project, project / "missing_dir")


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_symlinked_directories_are_not_followed(project: Path) -> None:
    make(project, "pkg/a.py")
    (project / "pkg" / "loop").symlink_to(project, target_is_directory=True)
    (project / "link.py").symlink_to(project / "pkg" / "a.py")
    assert collected(project) == ["link.py", "pkg/a.py"]


def test_the_standard_library_is_collected_quickly(tmp_path: Path) -> None:
    stdlib = Path(os.__file__).parent
    best = float("inf")
    for _ in range(3):
        resolver = ConfigResolver(Overrides(), cwd=tmp_path)
        # CPU time, not wall time: other processes on a busy machine do not count.
        start = time.process_time()
        files = collect_files([stdlib], resolver)
        best = min(best, time.process_time() - start)
    assert len(files) > 500
    assert not any("site-packages" in f.parts for f in files)
    assert best < 0.3, f"collecting {len(files)} files took {best:.3f}s"
