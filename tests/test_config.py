"""Configuration files: discovery, validation messages, rule selection, exclusion."""

from __future__ import annotations

import pickle
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest

from parlint.config import (
    DEFAULT_EXCLUDE,
    ConfigError,
    ConfigResolver,
    Overrides,
    Settings,
    find_config_file,
    load_settings,
)

CODES = ("PAR000", "PAR101", "PAR104", "PAR105", "PAR501", "PAR502")


@pytest.fixture(autouse=True)
def registered_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation and the default universe see a fixed set of rules, whatever exists today."""
    monkeypatch.setattr("parlint.rules.registry.rule_codes", lambda: CODES)


# -- discovery --------------------------------------------------------------------------------


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
    # A pyproject.toml with the table loses to the other names in the same directory too.
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.parlint]\n")
    assert find_config_file(deep) == tmp_path / "a" / ".parlint.toml"


def test_discovery_from_a_relative_directory_walks_above_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "parlint.toml").write_text("")
    (tmp_path / "pkg").mkdir()
    monkeypatch.chdir(tmp_path / "pkg")
    assert find_config_file(Path(".")) == tmp_path / "parlint.toml"


def test_resolver_uses_the_nearest_file_for_each_path(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.parlint]\nignore = ["PAR105"]\n')
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "parlint.toml").write_text('select = ["PAR5"]\n')
    resolver = ConfigResolver(Overrides(), cwd=tmp_path)
    top = resolver.settings_for(tmp_path / "x.py")
    assert top.ignore == ("PAR105",)
    assert top.path == str(tmp_path / "pyproject.toml") and top.root == str(tmp_path)
    nested = resolver.settings_for(tmp_path / "sub" / "deeper" / "y.py")
    assert nested.select == ("PAR5",) and nested.root == str(tmp_path / "sub")
    # A directory is resolved like the files inside it.
    assert resolver.settings_for(tmp_path / "sub") == nested


def test_explicit_config_is_used_for_every_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.parlint]\nignore = ["PAR105"]\n')
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "strict.toml").write_text('select = ["PAR5"]\n')
    explicit = ConfigResolver(Overrides(), config_file=tmp_path / "conf" / "strict.toml")
    for path in (tmp_path / "x.py", tmp_path / "conf" / "y.py", Path("/elsewhere/z.py")):
        assert explicit.settings_for(path).select == ("PAR5",)
        assert explicit.settings_for(path).ignore == ()
    assert explicit.default_settings.select == ("PAR5",)
    assert explicit.default_settings.root == str(tmp_path / "conf")


def test_defaults_when_nothing_is_found_are_rooted_at_cwd(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    resolver = ConfigResolver(Overrides(select=("PAR1",)), cwd=tmp_path / "project")
    settings = resolver.settings_for(tmp_path / "project" / "x.py")
    assert settings.path is None
    assert settings.root == str(tmp_path / "project")
    assert settings.select == ("PAR1",)  # overrides apply to defaults too
    assert resolver.default_settings == settings


def test_default_settings_come_from_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "parlint.toml").write_text('target-version = "py312"\n')
    (tmp_path / "sub").mkdir()
    resolver = ConfigResolver(Overrides(free_threaded=True), cwd=tmp_path / "sub")
    assert resolver.default_settings.target_version == "py312"
    assert resolver.default_settings.free_threaded is True


def test_resolver_reports_a_bad_file_when_it_is_reached(tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "parlint.toml").write_text("selct = []\n")
    resolver = ConfigResolver(Overrides(), cwd=tmp_path)
    with pytest.raises(ConfigError, match="unknown key 'selct'"):
        resolver.settings_for(tmp_path / "bad" / "x.py")


# -- validation -------------------------------------------------------------------------------

ALL_VERSIONS = "py38, py39, py310, py311, py312, py313, py314"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('selct = ["PAR1"]', "unknown key 'selct'; allowed keys: cpu-calls, docs-url, exclude"),
        ("extend_select = []", "unknown key 'extend_select'; allowed keys: "),
        ('select = "PAR1"', "key 'select': expected a list of strings, got 'PAR1'"),
        ("select = [1]", "key 'select': expected a list of strings, got [1]"),
        ('select = ["XYZ"]', "key 'select': unknown rule selector 'XYZ'; expected ALL or a rule"),
        ('select = [""]', "key 'select': unknown rule selector ''"),
        ('select = ["par1"]', "key 'select': unknown rule selector 'par1'"),
        ('ignore = ["PAR9"]', "key 'ignore': unknown rule selector 'PAR9'"),
        ('extend-select = ["PAR1010"]', "key 'extend-select': unknown rule selector 'PAR1010'"),
        ('ignore = ["PAR9"]', "rule codes: PAR000, PAR101, PAR104, PAR105, PAR501, PAR502"),
        ('target-version = "py27"', f"key 'target-version': expected one of {ALL_VERSIONS}, "),
        ("target-version = 3.12", "key 'target-version': expected one of py38"),
        ("free-threaded = 1", "key 'free-threaded': expected true or false, got 1"),
        ('free-threaded = "yes"', "key 'free-threaded': expected true or false, got 'yes'"),
        ("max-manual-threads = 1", "key 'max-manual-threads': expected a whole number of at least"),
        ('max-manual-threads = "3"', "key 'max-manual-threads': expected a whole number"),
        ("max-manual-threads = true", "key 'max-manual-threads': expected a whole number"),
        ("max-manual-threads = 2.5", "key 'max-manual-threads': expected a whole number"),
        ('io-calls = ["not a name"]', "key 'io-calls': 'not a name' is not a dotted name"),
        ('io-calls = "lib.fetch"', "key 'io-calls': expected a list of strings"),
        ('cpu-calls = ["lib..crunch"]', "key 'cpu-calls': 'lib..crunch' is not a dotted name"),
        ('cpu-calls = ["1lib.crunch"]', "key 'cpu-calls': '1lib.crunch' is not a dotted name"),
        ('gil-releasing-modules = [""]', "key 'gil-releasing-modules': '' is not a dotted name"),
        ('gil-releasing-modules = ["np."]', "key 'gil-releasing-modules': 'np.' is not a dotted"),
        ('per-file-ignores = ["x"]', "key 'per-file-ignores': expected a table of glob pattern"),
        ('per-file-ignores = { "t/*" = ["NOPE"] }', "key 'per-file-ignores.t/*': unknown rule"),
        ('per-file-ignores = { "t/*" = "PAR1" }', "key 'per-file-ignores.t/*': expected a list"),
        ('per-file-ignores = { "\\\\" = ["PAR1"] }', "key 'per-file-ignores': '\\\\' is not a"),
        ("exclude = [1]", "key 'exclude': expected a list of strings"),
        ('exclude = ["!"]', "key 'exclude': '!' is not a valid gitignore-style pattern"),
        ('exclude = ["#gen"]', "key 'exclude': '#gen' matches nothing; expected gitignore-style"),
        ('extend-exclude = ["  "]', "key 'extend-exclude': '  ' matches nothing"),
        ('extend-exclude = "gen"', "key 'extend-exclude': expected a list of strings"),
    ],
)
def test_bad_values_name_file_key_and_allowed(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "parlint.toml"
    path.write_text(content + "\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    path = tmp_path / ".parlint.toml"
    path.write_text("extend_select = []\n")
    with pytest.raises(ConfigError, match="did you mean 'extend-select'"):
        load_settings(path)


def test_toml_syntax_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "parlint.toml"
    path.write_text('select = ["PAR1"]\n\nignore = ["PAR1"\nselect = 3\n')
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value).startswith(f"{path}: invalid TOML at line 4, column ")
    # An error only found at the end of the file still names a line: the last one.
    path.write_text('select = ["PAR1"]\n\nignore = [\n')
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert str(error.value).startswith(f"{path}: invalid TOML at line 3 (the end of the file)")


def test_pyproject_errors_name_the_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.parlint]\nbogus = 1\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.parlint\] unknown key 'bogus'"):
        load_settings(path)
    path.write_text('[tool.parlint]\ntarget-version = "py27"\n')
    with pytest.raises(ConfigError, match=r"\[tool.parlint\] key 'target-version'"):
        load_settings(path)
    path.write_text("[tool]\nparlint = 3\n")
    with pytest.raises(ConfigError, match=r"\[tool.parlint\] must be a table"):
        load_settings(path)


def test_other_tools_tables_are_not_validated(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.ruff]\nselct = 1\n[tool.parlint]\nselect = ["PAR1"]\n')
    assert load_settings(path).select == ("PAR1",)


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
    assert (s.root, s.path) == (str(tmp_path), str(path))


def test_missing_keys_keep_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.parlint]\n")
    assert replace(load_settings(path), root=None, path=None) == Settings()
    assert Settings().exclude == DEFAULT_EXCLUDE


def test_selectors_are_validated_against_the_rules_registered_when_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "parlint.toml"
    path.write_text('select = ["PAR9"]\n')
    with pytest.raises(ConfigError):
        load_settings(path)
    monkeypatch.setattr("parlint.rules.registry.rule_codes", lambda: ("PAR901",))
    assert load_settings(path).select == ("PAR9",)
    assert load_settings(path).enabled_codes(None) == {"PAR901"}


# -- selection --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("select", "ignore", "enabled"),
    [
        (("PAR",), (), set(CODES)),
        (("ALL",), (), set(CODES)),
        ((), (), set()),
        (("ALL",), ("PAR1",), {"PAR000", "PAR501", "PAR502"}),
        (("PAR101",), ("PAR1",), {"PAR101"}),  # the more specific selector wins
        (("PAR1",), ("PAR10",), set()),
        (("PAR1",), ("PAR1",), set()),  # a tie goes to ignore
        (("ALL",), ("ALL",), set()),
        (("PAR1",), ("ALL",), {"PAR101", "PAR104", "PAR105"}),  # ALL is the least specific
        (("PAR1",), ("PAR105",), {"PAR101", "PAR104"}),
        (("PAR", "PAR105"), ("PAR10",), {"PAR000", "PAR105", "PAR501", "PAR502"}),
    ],
)
def test_selection_specificity(
    select: tuple[str, ...], ignore: tuple[str, ...], enabled: set[str]
) -> None:
    assert Settings(select=select, ignore=ignore).enabled_codes(None, CODES) == enabled


def test_extend_select_adds_to_select() -> None:
    s = Settings(select=("PAR1",), extend_select=("PAR501",), ignore=("PAR104",))
    assert s.enabled_codes(None, CODES) == {"PAR101", "PAR105", "PAR501"}


def test_the_universe_defaults_to_the_registered_rules() -> None:
    assert Settings(ignore=("PAR5",)).enabled_codes(None) == {
        "PAR000",
        "PAR101",
        "PAR104",
        "PAR105",
    }
    assert Settings().enabled_codes(None, ("PAR999",)) == {"PAR999"}


def test_per_file_ignores_match_relative_path_and_name(tmp_path: Path) -> None:
    s = Settings(
        per_file_ignores=(
            ("tests/**", ("PAR1",)),
            ("conftest.py", ("PAR5",)),
            ("/setup.py", ("ALL",)),
        ),
        root=str(tmp_path),
    )
    assert s.enabled_codes(str(tmp_path / "tests" / "a" / "t.py"), CODES) == {
        "PAR000",
        "PAR501",
        "PAR502",
    }
    assert "PAR101" in s.enabled_codes(str(tmp_path / "src" / "tests.py"), CODES)
    assert "PAR502" not in s.enabled_codes(str(tmp_path / "x" / "conftest.py"), CODES)
    assert "PAR502" in s.enabled_codes(str(tmp_path / "x" / "other.py"), CODES)
    assert s.enabled_codes(str(tmp_path / "setup.py"), CODES) == set()
    assert s.enabled_codes(str(tmp_path / "sub" / "setup.py"), CODES) == set(CODES)  # anchored
    # Outside the root only the name can match.
    assert "PAR502" not in s.enabled_codes("/elsewhere/conftest.py", CODES)
    assert "PAR101" in s.enabled_codes("/elsewhere/tests/t.py", CODES)
    assert s.enabled_codes(None, CODES) == set(CODES)


def test_per_file_ignores_negated_pattern_means_every_other_file(tmp_path: Path) -> None:
    s = Settings(per_file_ignores=(("!src/**", ("PAR5",)),), root=str(tmp_path))
    assert "PAR501" in s.enabled_codes(str(tmp_path / "src" / "a.py"), CODES)
    assert "PAR501" not in s.enabled_codes(str(tmp_path / "scripts" / "a.py"), CODES)


def test_per_file_ignores_are_relative_to_the_config_directory(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "parlint.toml").write_text(
        'per-file-ignores = { "tests/*.py" = ["PAR101"] }\n'
    )
    resolver = ConfigResolver(Overrides(), cwd=tmp_path)
    inside = tmp_path / "proj" / "tests" / "t.py"
    assert "PAR101" not in resolver.settings_for(inside).enabled_codes(str(inside), CODES)
    # Same pattern, but the path relative to the config is not tests/*.py.
    other = tmp_path / "proj" / "pkg" / "tests" / "t.py"
    assert "PAR101" in resolver.settings_for(other).enabled_codes(str(other), CODES)


# -- command-line overrides -------------------------------------------------------------------


def test_cli_select_replaces_the_files_selection() -> None:
    base = Settings(select=("PAR1",), extend_select=("PAR5",), ignore=("PAR105",))
    # As in ruff: `--select PAR105` runs PAR105 even though the file ignores it.
    assert Overrides(select=("PAR105",)).apply(base).enabled_codes(None, CODES) == {"PAR105"}
    # The file's extend-select (PAR5) and ignore (PAR105) are gone; the command line's apply.
    both = Overrides(select=("PAR1",), ignore=("PAR10",), extend_select=("PAR105",))
    assert both.apply(base).enabled_codes(None, CODES) == {"PAR105"}


def test_cli_extend_select_and_ignore_go_on_top_of_the_file() -> None:
    base = Settings(select=("PAR101", "PAR5"), ignore=("PAR502",))
    ignored = Overrides(ignore=("PAR1",)).apply(base)
    # The command line wins even over the file's more specific PAR101.
    assert ignored.enabled_codes(None, CODES) == {"PAR501"}
    extended = Overrides(extend_select=("PAR000", "PAR5")).apply(base)
    assert extended.enabled_codes(None, CODES) == {"PAR000", "PAR101", "PAR501", "PAR502"}
    layered = Overrides(extend_select=("PAR1",), ignore=("PAR105",)).apply(base)
    assert layered.enabled_codes(None, CODES) == {"PAR101", "PAR104", "PAR501"}


def test_cli_overrides_target_version_and_free_threaded(tmp_path: Path) -> None:
    (tmp_path / "parlint.toml").write_text('target-version = "py310"\nfree-threaded = true\n')
    resolver = ConfigResolver(Overrides(target_version="py313", free_threaded=False), cwd=tmp_path)
    settings = resolver.settings_for(tmp_path / "x.py")
    assert (settings.target_version, settings.free_threaded) == ("py313", False)
    unchanged = ConfigResolver(Overrides(), cwd=tmp_path).settings_for(tmp_path / "x.py")
    assert (unchanged.target_version, unchanged.free_threaded) == ("py310", True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (Overrides(select=("PAR9",)), "--select: unknown rule selector 'PAR9'"),
        (Overrides(extend_select=("X",)), "--extend-select: unknown rule selector 'X'"),
        (Overrides(ignore=("PAR9",)), "--ignore: unknown rule selector 'PAR9'"),
        (Overrides(target_version="py27"), "--target-version: expected one of py38"),
    ],
)
def test_bad_overrides_name_the_option(tmp_path: Path, overrides: Overrides, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        overrides.apply(Settings())
    with pytest.raises(ConfigError, match=message):
        ConfigResolver(overrides, cwd=tmp_path)


# -- exclusion --------------------------------------------------------------------------------


def test_exclusion_matches_names_and_paths_below_root_only(tmp_path: Path) -> None:
    s = Settings(root=str(tmp_path / "project"))
    assert not s.is_excluded(tmp_path / "project" / "build" / "x.py")  # not a default
    assert s.is_excluded(tmp_path / "project" / ".venv")
    assert s.is_excluded(tmp_path / "project" / "pkg" / "node_modules" / "x.py")
    # .pyenv is excluded inside the project, never above it.
    assert s.is_excluded(tmp_path / "project" / ".pyenv")
    assert not s.is_excluded(Path("/root/.pyenv/versions/3.11/lib/os.py"))
    assert not s.is_excluded(tmp_path / "project")


def test_custom_patterns_are_gitignore_style(tmp_path: Path) -> None:
    s = Settings(
        exclude=("build", "gen/*.py", "/top.py", "docs/", "**/fixtures/**"), root=str(tmp_path)
    )
    assert s.is_excluded(tmp_path / "build" / "x.py")  # any component, like ruff
    assert s.is_excluded(tmp_path / "pkg" / "build")
    assert s.is_excluded(tmp_path / "gen" / "a.py")
    assert not s.is_excluded(tmp_path / "src" / "gen.py")
    assert not s.is_excluded(tmp_path / "gen" / "a.pyi")
    assert s.is_excluded(tmp_path / "top.py")
    assert not s.is_excluded(tmp_path / "pkg" / "top.py")  # anchored to the root
    assert s.is_excluded(tmp_path / "docs", is_dir=True)
    assert not s.is_excluded(tmp_path / "docs")  # a file named docs
    assert s.is_excluded(tmp_path / "docs" / "conf.py")
    assert s.is_excluded(tmp_path / "a" / "fixtures" / "b" / "c.py")
    assert not s.is_excluded(tmp_path / ".venv")  # exclude replaces the defaults


def test_extend_exclude_adds_to_exclude_and_negation_reincludes(tmp_path: Path) -> None:
    s = Settings(extend_exclude=("legacy",), root=str(tmp_path))
    assert s.is_excluded(tmp_path / "legacy" / "a.py")
    assert s.is_excluded(tmp_path / ".venv" / "a.py")
    negated = Settings(exclude=("*.py", "!keep.py"), root=str(tmp_path))
    assert negated.is_excluded(tmp_path / "a.py")
    assert not negated.is_excluded(tmp_path / "keep.py")


def test_exclusion_from_a_loaded_file_is_relative_to_its_directory(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "pyproject.toml").write_text('[tool.parlint]\nextend-exclude = ["/gen"]\n')
    s = load_settings(tmp_path / "proj" / "pyproject.toml")
    assert s.is_excluded(tmp_path / "proj" / "gen" / "a.py")
    assert not s.is_excluded(tmp_path / "proj" / "pkg" / "gen" / "a.py")


# -- fingerprint ------------------------------------------------------------------------------


def test_fingerprint_is_a_stable_sha256() -> None:
    assert Settings().fingerprint() == Settings().fingerprint()
    digest = Settings(select=("PAR1",)).fingerprint()
    assert len(digest) == 64 and int(digest, 16) >= 0
    # Stable across processes: no hash randomisation or object ids.
    assert pickle.loads(pickle.dumps(Settings(select=("PAR1",)))).fingerprint() == digest


CHANGED: dict[str, Any] = {
    "select": ("PAR1",),
    "extend_select": ("PAR5",),
    "ignore": ("PAR101",),
    "per_file_ignores": (("t/*", ("PAR1",)),),
    "exclude": ("gen",),
    "extend_exclude": ("gen",),
    "target_version": "py313",
    "free_threaded": True,
    "max_manual_threads": 8,
    "io_calls": ("a.b",),
    "cpu_calls": ("a.b",),
    "gil_releasing_modules": ("a",),
    "docs_url": "https://x/{code}",
    "python": "/usr/bin/python3.13t",
    "rule_layers": (((), ("PAR1",)),),
    "root": "/somewhere",
    "path": "/somewhere/parlint.toml",
}


@pytest.mark.parametrize("name", [f.name for f in fields(Settings)])
def test_fingerprint_changes_with_every_field(name: str) -> None:
    assert Settings().fingerprint() != replace(Settings(), **{name: CHANGED[name]}).fingerprint()


def test_settings_survive_pickling_after_use(tmp_path: Path) -> None:
    s = Settings(extend_exclude=("gen/*.py",), per_file_ignores=(("t/*", ("PAR1",)),))
    s = replace(s, root=str(tmp_path))
    assert s.is_excluded(tmp_path / "gen" / "a.py")  # fills the caches
    copy = pickle.loads(pickle.dumps(s))
    assert copy == s and copy.is_excluded(tmp_path / "gen" / "a.py")
    assert "PAR101" not in copy.enabled_codes(str(tmp_path / "t" / "x.py"), CODES)


def test_the_readme_names_only_real_default_excludes() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    listed = readme.split("# replaces the defaults (", 1)[1].split(")", 1)[0]
    names = [n.strip() for n in listed.split(",") if n.strip() != "..."]
    assert names and all(name in DEFAULT_EXCLUDE for name in names), names


def test_the_free_threading_family_is_opt_in() -> None:
    codes = ("PAR101", "PAR601", "PAR703")
    assert Settings().enabled_codes(codes=codes) == {"PAR101", "PAR601"}
    assert Settings(select=("ALL",)).enabled_codes(codes=codes) == {"PAR101", "PAR601"}
    assert "PAR703" in Settings(extend_select=("PAR7",)).enabled_codes(codes=codes)
    assert "PAR703" in Settings(select=("PAR703",)).enabled_codes(codes=codes)
    assert "PAR703" in Settings(free_threaded=True).enabled_codes(codes=codes)
    assert "PAR703" not in Settings(free_threaded=True, ignore=("PAR7",)).enabled_codes(codes=codes)
