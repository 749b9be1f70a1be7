"""The VS Code extension's version follows the Python package's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import parlint

ROOT = Path(__file__).resolve().parent.parent


def test_versions_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    extension = json.loads((ROOT / "vscode-extension" / "package.json").read_text())["version"]
    assert project == parlint.__version__ == extension
