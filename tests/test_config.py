"""Configuration files: discovery, validation messages, rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from parlint.config import (
    ConfigError,
    ConfigResolver,
    Overrides,
    Settings,
    find_config_file,
    load_settings,
)

CODES = ("PAR000", "PAR101", "PAR104", "PAR105", "PAR501", "PAR502")


def test_discovery_precedence_and_walking_up(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[tool.parlint]\nignore = ["PAR105"]\n')
    assert find_config_file(deep) == tmp_path / "pyproject.toml"
    (tmp_path / "a" / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no table: skipped
    assert find_config_file(deep) == tmp_path / "pyproject.toml"
    (tmp_path / "a" / "parlint.toml").write_text("")
    assert find_config_file(deep) == tmp_path / "a" / "parlint.toml"
    (tmp_path / "a" / ".parlint.toml").write_text("")
    assert find_config_file(deep) == tmp_path / "a" / ".parlint.toml"


def test_resolver_uses_nearest_and_explicit_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.parlint]\nignore = ["PAR105"]\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "parlint.toml").write_text('select = ["PAR5"]\n')
    resolver = ConfigResolver(Overrides(), cwd=tmp_path)
    assert resolver.settings_for(tmp_path / "x.py").ignore == ("PAR105",)
    assert resolver.settings_for(tmp_path / "sub" / "y.py").select == ("PAR5",)
    explicit = ConfigResolver(Overrides(), config_file=tmp_path / "sub" / "parlint.toml")
    assert explicit.settings_for(tmp_path / "x.py").select == ("PAR5",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('selct = ["PAR1"]', "unknown key 'selct'; allowed keys: cpu-calls, exclude,"),
        ('select = "PAR1"', "key 'select': expected a list of strings, got 'PAR1'"),
        ('select = ["XYZ"]', "key 'select': unknown rule selector 'XYZ'"),
        ('ignore = ["PAR9"]', "key 'ignore': unknown rule selector 'PAR9'"),
        ('target-version = "py27"', "key 'target-version': expected one of py38, py39"),
        ("free-threaded = 1", "key 'free-threaded': expected true or false, got 1"),
        (
            "max-manual-threads = 1",
            "key 'max-manual-threads': expected a whole number of at least 2",
        ),
        ('max-manual-threads = "3"', "key 'max-manual-threads'"),
        ('io-calls = ["not a name"]', "key 'io-calls': 'not a name' is not a dotted name"),
        ('per-file-ignores = ["x"]', "key 'per-file-ignores': expected a table"),
        ('per-file-ignores = { "t/*" = ["NOPE"] }', "key 'per-file-ignores.t/*': unknown rule"),
        ("exclude = [1]", "key 'exclude': expected a list of strings"),
        ("select = [", "invalid TOML"),
    ],
)
def test_bad_values_name_file_key_and_allowed(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "parlint.toml"
    path.write_text(content + "\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_pyproject_errors_name_the_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.parlint]\nbogus = 1\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.parlint\] unknown key 'bogus'"):
        load_settings(path)


def test_every_key_is_read(tmp_path: Path) -> None:
    path = tmp_path / "parlint.toml"
    path.write_text(
        'select = ["PAR1"]\nextend-select = ["PAR5"]\nignore = ["PAR105"]\n'
        'per-file-ignores = { "tests/**" = ["PAR101"] }\nexclude = ["gen"]\n'
        'extend-exclude = ["more"]\ntarget-version = "py314"\nfree-threaded = true\n'
        'max-manual-threads = 5\nio-calls = ["lib.fetch"]\ncpu-calls = ["lib.crunch"]\n'
        'gil-releasing-modules = ["fastlib"]\n'
    )
    s = load_settings(path)
    assert (s.select, s.extend_select, s.ignore) == (("PAR1",), ("PAR5",), ("PAR105",))
    assert s.per_file_ignores == (("tests/**", ("PAR101",)),)
    assert (s.exclude, s.extend_exclude, s.target_version) == (("gen",), ("more",), "py314")
    assert (s.free_threaded, s.max_manual_threads) == (True, 5)
    assert (s.io_calls, s.cpu_calls, s.gil_releasing_modules) == (
        ("lib.fetch",),
        ("lib.crunch",),
        ("fastlib",),
    )


@pytest.mark.parametrize(
    ("select", "ignore", "enabled"),
    [
        (("PAR",), (), set(CODES)),
        (("ALL",), ("PAR1",), {"PAR000", "PAR501", "PAR502"}),
        (("PAR101",), ("PAR1",), {"PAR101"}),  # the more specific selector wins
        (("PAR1",), ("PAR1",), set()),  # a tie goes to ignore
        (("PAR1",), ("PAR105",), {"PAR101", "PAR104"}),
    ],
)
def test_selection_specificity(
    select: tuple[str, ...], ignore: tuple[str, ...], enabled: set[str]
) -> None:
    assert Settings(select=select, ignore=ignore).enabled_codes(None, CODES) == enabled


def test_per_file_ignores_match_relative_path_and_name(tmp_path: Path) -> None:
    s = Settings(
        per_file_ignores=(("tests/**", ("PAR1",)), ("conftest.py", ("PAR5",))), root=str(tmp_path)
    )
    assert "PAR101" not in s.enabled_codes(str(tmp_path / "tests" / "a" / "t.py"), CODES)
    assert "PAR101" in s.enabled_codes(str(tmp_path / "src" / "t.py"), CODES)
    assert "PAR502" not in s.enabled_codes(str(tmp_path / "x" / "conftest.py"), CODES)


def test_overrides(tmp_path: Path) -> None:
    base = Settings(select=("PAR1",), ignore=("PAR105",))
    assert Overrides(select=("PAR5",)).apply(base).select == ("PAR5",)
    assert Overrides(ignore=("PAR104",)).apply(base).ignore == ("PAR105", "PAR104")
    assert Overrides(extend_select=("PAR5",)).apply(base).extend_select == ("PAR5",)
    assert Overrides(target_version="py313").apply(base).target_version == "py313"
    with pytest.raises(ConfigError, match="--ignore: unknown rule selector 'PAR9'"):
        Overrides(ignore=("PAR9",)).apply(base)


def test_exclusion_matches_names_and_paths_below_root_only(tmp_path: Path) -> None:
    s = Settings(root=str(tmp_path / "project"))
    assert s.is_excluded(tmp_path / "project" / "build" / "x.py") is False  # not a ruff default
    assert s.is_excluded(tmp_path / "project" / ".venv")
    # .pyenv is excluded inside the project, never above it.
    assert s.is_excluded(tmp_path / "project" / ".pyenv")
    assert not s.is_excluded(Path("/root/.pyenv/versions/3.11/lib/os.py"))
    custom = Settings(exclude=("gen/*.py",), root=str(tmp_path))
    assert custom.is_excluded(tmp_path / "gen" / "a.py")
    assert not custom.is_excluded(tmp_path / "src" / "gen.py")


def test_fingerprint_changes_with_settings() -> None:
    assert Settings().fingerprint() == Settings().fingerprint()
    assert Settings().fingerprint() != Settings(ignore=("PAR101",)).fingerprint()
