"""What an interpreter has installed: run inside the interpreter being asked about (parlint's own,
or `--python PATH` as a script), so it imports nothing of parlint and runs on Python 3.8+.

Prints (as a script) or returns one JSON-ready dict: the interpreter's version, whether it is a
free-threaded build, its standard-library module names, and per installed distribution its
top-level modules, extension-module files and wheel tags."""

import json
import sys
import sysconfig

_EXTENSION_SUFFIXES = (".so", ".pyd")


def _top_levels(dist, files):
    text = dist.read_text("top_level.txt")
    if text:
        return sorted({line.strip() for line in text.splitlines() if line.strip()})
    found = set()
    for path in files:
        parts = str(path).replace("\\", "/").split("/")
        first = parts[0]
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in ("..", "__pycache__"):
            continue
        if len(parts) == 1:
            if first.endswith(".py"):
                found.add(first[:-3])
            elif first.endswith(_EXTENSION_SUFFIXES):
                found.add(first.split(".", 1)[0])
        else:
            found.add(first)
    return sorted(found)


def probe():
    from importlib import metadata

    distributions = []
    seen = set()
    for dist in metadata.distributions():
        name = dist.metadata["Name"] if dist.metadata else None
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        files = dist.files or []
        wheel = dist.read_text("WHEEL") or ""
        distributions.append(
            {
                "name": name,
                "version": dist.version,
                "top_level": _top_levels(dist, files),
                "extensions": sorted(
                    str(f).replace("\\", "/") for f in files if str(f).endswith(_EXTENSION_SUFFIXES)
                ),
                "tags": [
                    line.split(":", 1)[1].strip()
                    for line in wheel.splitlines()
                    if line.startswith("Tag:")
                ],
                "record": dist.files is not None,
            }
        )
    return {
        "executable": sys.executable,
        "version": ".".join(map(str, sys.version_info[:3])),
        "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "stdlib": sorted(getattr(sys, "stdlib_module_names", ())),
        "builtin": sorted(sys.builtin_module_names),
        "distributions": distributions,
    }


if __name__ == "__main__":
    json.dump(probe(), sys.stdout)
