#!/usr/bin/env bash
# parlint supports CPython 3.10 and later (SPEC "Python versions and syntax"). The main test run
# uses one interpreter; this runs parlint on each of the others: `parlint check examples` must
# find exactly what the main interpreter finds, and the rule and corpus tests must pass.
# Each version gets a venv of its own (.venv-py3.X, reused between runs). A version that is not
# installed is an error, not a skip: a green run must mean every version was tested.
# Usage: scripts/test-python-versions.sh MAIN_VENV   (scripts/test.sh calls it)
set -euo pipefail
cd "$(dirname "$0")/.."

VERSIONS=(3.10 3.11 3.12 3.13)
MAIN_VENV=${1:-.venv}
TESTS=(tests/test_corpus.py tests/test_rules.py tests/test_newer_syntax.py)

# The interpreter for version $1: `python3.X` on PATH, else the newest pyenv build of it (pyenv's
# shims only answer for the versions selected in pyenv, so ask pyenv for the others).
find_python() {
    local version=$1 found
    if found=$("python$version" -c 'import sys; print(sys.executable)' 2>/dev/null); then
        echo "$found"
        return 0
    fi
    if command -v pyenv >/dev/null 2>&1; then
        found=$(pyenv versions --bare --skip-aliases 2>/dev/null \
            | grep -E "^${version//./\\.}\.[0-9]+$" | sort -V | tail -n 1 || true)
        if [ -n "$found" ] && [ -x "$(pyenv root)/versions/$found/bin/python$version" ]; then
            echo "$(pyenv root)/versions/$found/bin/python$version"
            return 0
        fi
    fi
    return 1
}

# A venv for version $1 with parlint (editable: the tests see this checkout) and its test
# dependencies; reinstalled only when pyproject.toml changes.
prepare_venv() {
    local version=$1 python=$2 venv=".venv-py$1"
    local stamp="$venv/.parlint-pyproject" wanted
    wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c '' 2>/dev/null; then
        rm -rf "$venv"
        "$python" -m venv "$venv"
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]'
        echo "$wanted" >"$stamp"
    fi
}

# Checks one version; its output goes to $2 so that versions can run side by side.
check_version() {
    local version=$1 log=$2 venv=".venv-py$1" status=0
    {
        echo "== Python $version: parlint check examples"
        "$venv/bin/parlint" check --no-cache --output-format json examples >"$log.json" || status=$?
        if [ "$status" != 1 ]; then
            echo "parlint check examples exited $status on Python $version (expected 1)"
            return 1
        fi
        if ! diff -u "$expected" "$log.json"; then
            echo "parlint finds something else on Python $version than on the main interpreter"
            return 1
        fi
        echo "same findings as on Python $main_version"
        echo "== Python $version: pytest ${TESTS[*]}"
        "$venv/bin/python" -m pytest -q -p no:cacheprovider "${TESTS[@]}"
    } >"$log" 2>&1
}

main_version=$("$MAIN_VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
missing=()
tested=()
for version in "${VERSIONS[@]}"; do
    if [ "$version" = "$main_version" ]; then
        continue # the main run tested it in full
    fi
    if ! python=$(find_python "$version"); then
        echo "!! Python $version not found: it cannot be tested (this run will fail)" >&2
        missing+=("$version")
        continue
    fi
    prepare_venv "$version" "$python"
    tested+=("$version")
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
expected="$work/expected.json"
status=0
"$MAIN_VENV/bin/parlint" check --no-cache --output-format json examples >"$expected" || status=$?
if [ "$status" != 1 ]; then
    echo "parlint check examples exited $status on the main interpreter (expected 1)" >&2
    exit 1
fi

# Side by side: the machine has two cores, and each run is mostly one process.
pids=()
for version in "${tested[@]}"; do
    check_version "$version" "$work/$version.log" &
    pids+=($!)
done
failed=()
for index in "${!tested[@]}"; do
    version=${tested[$index]}
    if ! wait "${pids[$index]}"; then
        failed+=("$version")
    fi
    cat "$work/$version.log"
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "scripts/test-python-versions.sh: Python ${missing[*]} not found;" \
        "parlint must be tested on each of ${VERSIONS[*]} (install it: pyenv install ${missing[0]})" >&2
    exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
    echo "scripts/test-python-versions.sh: failed on Python ${failed[*]}" >&2
    exit 1
fi
echo "== parlint passed on Python $main_version (main run) and ${tested[*]}"
