"""The VS Code extension's package.json is the one schema of the editor settings: the server
reads every setting it declares (with the declared default), and nothing undeclared."""

from __future__ import annotations

import json
from pathlib import Path

from parlint.server.settings import EditorSettings

MANIFEST = Path(__file__).resolve().parents[1] / "vscode-extension" / "package.json"
DECLARED = json.loads(MANIFEST.read_text())["contributes"]["configuration"]["properties"]
# Read by the extension only: how to start the server, and the client's own tracing.
CLIENT_ONLY = {"importStrategy", "path", "interpreter", "args", "trace.server"}
# A value other than the default for every setting the server reads.
SAMPLES = {
    "enable": False,
    "select": ["PAR1"],
    "extendSelect": ["PAR2"],
    "ignore": ["PAR3"],
    "unsafeFixes": True,
    "lintOn": "save",
    "configurationPreference": "editorOnly",
    "debounce": 5,
    "severity": {"PAR101": "error"},
    "showNotifications": "off",
}


def _server_keys() -> set[str]:
    return {key.removeprefix("parlint.") for key in DECLARED} - CLIENT_ONLY


def test_the_server_reads_every_declared_setting() -> None:
    assert _server_keys() == set(SAMPLES)
    for name, value in SAMPLES.items():
        problems: list[str] = []
        assert EditorSettings.from_client({name: value}, problems) != EditorSettings(), name
        assert problems == [], name


def test_the_declared_defaults_are_the_servers() -> None:
    problems: list[str] = []
    defaults = {name: DECLARED[f"parlint.{name}"]["default"] for name in _server_keys()}
    assert EditorSettings.from_client(defaults, problems) == EditorSettings()
    assert problems == []


def test_enumerated_values_are_the_ones_the_server_accepts() -> None:
    for key, schema in DECLARED.items():
        name = key.removeprefix("parlint.")
        if name in CLIENT_ONLY or "enum" not in schema:
            continue
        for value in schema["enum"]:
            problems: list[str] = []
            EditorSettings.from_client({name: value}, problems)
            assert problems == [], (name, value)
        problems = []
        EditorSettings.from_client({name: "not-a-value"}, problems)
        assert problems, name


def test_the_extension_readme_lists_every_setting_with_its_default() -> None:
    readme = (MANIFEST.parent / "README.md").read_text()
    for key, schema in DECLARED.items():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row is not None, f"{key} is not in the extension's README"
        assert f"`{json.dumps(schema['default'])}`" in row, (key, row)
