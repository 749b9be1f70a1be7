#!/usr/bin/env bash
# Builds vscode-extension/bundled/: parlint and its dependencies, shipped inside the .vsix so
# that the extension works with any CPython 3.10-3.13, with nothing installed (as the ruff and
# pylint extensions do, `parlint.importStrategy: useBundled`).
#
#   bundled/libs/          parlint and the pure-Python dependencies, once
#   bundled/native/cp3X/   libcst (compiled per CPython version) for each supported version
#
# The extension puts bundled/libs and the native directory of the interpreter's version on
# PYTHONPATH. Dependency versions are those of the test environment (.venv), so the bundle is
# what the tests ran. Usage: scripts/bundle-server.sh [VENV] [ARCH]
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${1:-${PARLINT_VENV:-.venv}}
# The .vsix is built per platform (vsce --target, see package.json): the pip platform tags of
# that platform's wheels, oldest glibc first.
ARCH=${2:-x86_64}
PLATFORMS=(--platform "manylinux2014_$ARCH" --platform "manylinux_2_17_$ARCH" --platform "manylinux_2_28_$ARCH")
OUT=vscode-extension/bundled
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --quiet)

version() { "$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))"; }

rm -rf "$OUT"
mkdir -p "$OUT/libs" "$OUT/native"

# parlint itself, from this checkout.
"${PIP[@]}" install --no-deps --no-compile --target "$OUT/libs" .

# The pure-Python dependencies, resolved for the oldest supported Python (which needs the
# most of them: tomli, exceptiongroup); wheels only, nothing compiled here.
pure=(pygls lsprotocol cattrs attrs pathspec typing_extensions pyyaml)
requirements=()
for name in "${pure[@]}"; do
    requirements+=("$name==$(version "$name")")
done
requirements+=("tomli>=1.1" "exceptiongroup>=1.1")
"${PIP[@]}" install --no-deps --no-compile --only-binary=:all: --target "$OUT/libs" \
    --python-version 3.10 --implementation cp "${PLATFORMS[@]}" "${requirements[@]}"
# PyYAML (which libcst imports) falls back to pure Python without its C extension.
find "$OUT/libs" -name "_yaml*.so" -delete

libcst="libcst==$(version libcst)"
for minor in 10 11 12 13; do
    "${PIP[@]}" install --no-deps --no-compile --only-binary=:all: \
        --target "$OUT/native/cp3$minor" --python-version "3.$minor" --implementation cp \
        "${PLATFORMS[@]}" "$libcst"
done
rm -rf "$OUT/libs/bin" build  # console scripts (the extension runs `python -m parlint`); setuptools' build dir
find "$OUT" -type d \( -name tests -o -name __pycache__ \) -prune -exec rm -rf {} +
find "$OUT" -name "*.dist-info" -type d -prune -exec sh -c 'rm -f "$1/RECORD"' _ {} \;
echo "bundled: $(du -sh "$OUT" | cut -f1) in $OUT"
