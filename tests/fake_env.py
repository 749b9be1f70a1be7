"""An interpreter with known distributions installed, for PAR704 and the audit's extension table:
a virtual environment (no pip) whose site-packages holds the dist-info of made-up packages.
parlint reads their RECORD and WHEEL files; the packages' files exist but are empty."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

# name -> (version, extension-module files, wheel tags)
DISTRIBUTIONS = {
    "fastgeo": ("1.4.0", ["fastgeo/_core.cpython-313-x86_64-linux-gnu.so"],
                ["cp313-cp313-manylinux_2_17_x86_64"]),
    "ftgeo": ("2.0.0", ["ftgeo/_core.cpython-313t-x86_64-linux-gnu.so"],
              ["cp313-cp313t-manylinux_2_17_x86_64"]),
    "oldspeed": ("0.9.1", ["oldspeed/_speed.abi3.so"], ["cp38-abi3-manylinux_2_17_x86_64"]),
    "mystery": ("1.0", ["mystery/_native.so"], []),
    "tidyjson": ("0.3.0", [], ["py3-none-any"]),
}  # fmt: skip


@cache
def fake_interpreter() -> str:
    """The path of the environment's python (made once per test session)."""
    root = Path(tempfile.mkdtemp(prefix="parlint-fake-env-"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = next(root.glob("lib/python3*/site-packages"))
    for name, (version, extensions, tags) in DISTRIBUTIONS.items():
        info = site / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
        )
        files = [f"{name}/__init__.py", *extensions]
        for file in files:  # importlib.metadata (3.12+) lists only the files that exist
            (site / file).parent.mkdir(parents=True, exist_ok=True)
            (site / file).write_bytes(b"")
        record = "".join(f"{f},,\n" for f in files) + f"{info.name}/RECORD,,\n"
        (info / "RECORD").write_text(record, encoding="utf-8")
        wheel = "Wheel-Version: 1.0\n" + "".join(f"Tag: {tag}\n" for tag in tags)
        (info / "WHEEL").write_text(wheel, encoding="utf-8")
        (info / "top_level.txt").write_text(f"{name}\n", encoding="utf-8")
    return str(root / "bin" / "python")
