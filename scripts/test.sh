#!/usr/bin/env bash
# Installs everything the tests need (into .venv, reused between runs) and runs every test.
# This is the README's test command; .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${PARLINT_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The real-editor test drives headless Neovim (Debian's package; installed once, then kept).
if ! command -v nvim >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing neovim (apt)"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends neovim >/dev/null
    else
        echo "scripts/test.sh: the Neovim end-to-end test needs nvim: apt-get install neovim" >&2
        exit 1
    fi
fi

echo "== ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== mypy"
"$VENV/bin/mypy"
echo "== VS Code extension (npm ci, eslint, tsc, unit tests, .vsix)"
(
    cd vscode-extension
    npm ci --no-audit --no-fund --loglevel=error
    npm run --silent lint
    npm run --silent typecheck
    npm test --silent
    npm run --silent package
)

# The real-VS-Code test (tests/e2e/test_vscode.py) installs code-server once into a cache
# (scripts/install-code-server.sh) and uses the .vsix built above.
echo "== pytest"
"$VENV/bin/pytest" "$@"

# Then every other supported Python (3.10 to 3.13): the examples and the rule tests on each.
echo "== other Python versions"
bash scripts/test-python-versions.sh "$VENV"
