"""The installed distributions of an interpreter, and whether their extension modules are built
for a free-threaded CPython (PEP 703): what PAR704 and `parlint audit free-threading` read.

Nothing of the project is imported. The interpreter is asked about what it has installed (its
distributions' RECORD and WHEEL files), by running parlint's probe in it; only `audit`, and
only on a free-threaded interpreter, goes further and imports an extension module in a child
process to see whether it turns the GIL back on (its `Py_mod_gil` declaration)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

PROBE = Path(__file__).with_name("env_probe.py")
# `_multiarray.cpython-313t-x86_64-linux-gnu.so`, `_speedups.cp314t-win_amd64.pyd`, `.abi3.so`
_ABI_IN_NAME = re.compile(r"\.(?:cpython-|cp)(\d+)(t?)[-.]|\.(abi3)\.")


class EnvironmentProblem(Exception):
    """The interpreter could not be asked (not found, not Python, too old)."""


@dataclass(frozen=True)
class Distribution:
    name: str
    version: str
    top_level: tuple[str, ...]
    extensions: tuple[str, ...]  # the extension-module files it installed
    tags: tuple[str, ...]  # its wheel tags: `cp313-cp313t-manylinux_2_17_x86_64`

    def build(self) -> tuple[str, str]:
        """(what it is, the evidence): `pure` (no extension modules), `free-threaded` (every
        extension module built for a free-threaded CPython), `gil` (some built only for a GIL
        one) or `unknown` (nothing says)."""
        if not self.extensions:
            return "pure", "no extension modules"
        builds = {_abi_of(path) for path in self.extensions}
        if builds == {"free-threaded"}:
            return "free-threaded", f"`{_short(self.extensions[0])}`"
        gil = [path for path in self.extensions if _abi_of(path) == "gil"]
        if gil:
            return "gil", f"`{_short(gil[0])}`" + (
                f", wheel tag {self.tags[0]}" if self.tags else ""
            )
        abis = {tag.split("-")[1] for tag in self.tags if tag.count("-") >= 2}
        if abis and all(abi.endswith("t") for abi in abis):
            return "free-threaded", f"wheel tag {self.tags[0]}"
        if abis:
            return "gil", f"wheel tag {self.tags[0]}"
        return "unknown", f"`{_short(self.extensions[0])}` (no ABI in its name, no wheel tag)"


def _abi_of(path: str) -> str:
    match = _ABI_IN_NAME.search(path.rsplit("/", 1)[-1])
    if match is None:
        return "unknown"
    if match.group(3):
        return "gil"  # the stable ABI has no free-threaded form before abi3t
    return "free-threaded" if match.group(2) else "gil"


def _short(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Environment:
    executable: str
    version: str
    free_threaded: bool
    stdlib: frozenset[str]
    distributions: tuple[Distribution, ...]

    def providing(self, module: str) -> Optional[Distribution]:
        """The distribution that installs the top-level module `module`."""
        top = module.split(".", 1)[0]
        for distribution in self.distributions:
            if top in distribution.top_level:
                return distribution
        return None

    def is_stdlib(self, module: str) -> bool:
        return module.split(".", 1)[0] in self.stdlib

    @property
    def signature(self) -> str:
        """A digest of what is installed (names, versions): it changes when they do."""
        text = repr(sorted((d.name, d.version) for d in self.distributions))
        return hashlib.sha256(f"{self.executable}:{text}".encode()).hexdigest()[:16]

    @property
    def description(self) -> str:
        build = "free-threaded" if self.free_threaded else "with the GIL"
        return f"Python {self.version} ({build}) at {self.executable}"


@lru_cache(maxsize=8)
def environment(python: Optional[str] = None) -> Environment:
    """The environment of `python` (an interpreter's path), or of the running interpreter."""
    if python is None:
        from parlint.analysis import env_probe

        return _parse(env_probe.probe())
    try:
        completed = subprocess.run(
            [python, "-I", str(PROBE)], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentProblem(f"cannot run {python}: {exc}") from exc
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise EnvironmentProblem(f"{python} could not list its packages: {last}")
    try:
        return _parse(json.loads(completed.stdout))
    except (ValueError, KeyError, TypeError) as exc:
        raise EnvironmentProblem(f"{python} is not a Python parlint can ask: {exc}") from exc


def _parse(data: dict[str, object]) -> Environment:
    raw = data["distributions"]
    assert isinstance(raw, list)
    distributions = tuple(
        Distribution(
            str(d["name"]),
            str(d["version"]),
            tuple(d["top_level"]),
            tuple(d["extensions"]),
            tuple(d["tags"]),
        )
        for d in raw
    )
    stdlib = set(data.get("stdlib") or sys.stdlib_module_names)  # type: ignore[call-overload]
    stdlib |= set(data.get("builtin") or ())  # type: ignore[call-overload]
    return Environment(
        str(data["executable"]),
        str(data["version"]),
        bool(data["free_threaded"]),
        frozenset(stdlib),
        distributions,
    )


@lru_cache(maxsize=256)
def gil_after_import(python: str, module: str) -> Optional[bool]:
    """Whether importing `module` turns the GIL back on in the free-threaded interpreter
    `python` (it declares no `Py_mod_gil` support); None when the import fails."""
    code = (
        "import importlib, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        f"importlib.import_module({module!r})\n"
        "print(sys._is_gil_enabled())\n"
    )
    try:
        completed = subprocess.run(
            [python, "-I", "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={"PYTHONHASHSEED": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    answer = completed.stdout.strip().splitlines()[-1:] if completed.returncode == 0 else []
    return {"True": True, "False": False}.get(answer[0]) if answer else None
