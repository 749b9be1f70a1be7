#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end test needs, once, into a cache kept between runs:
# code-server (VS Code in a browser, from npm) and Debian's chromium.
# Idempotent: a complete install is marked with a stamp file and reused.
# The workarounds are those of ../shared/guides/editors.md (offline machine, root).
set -euo pipefail

VERSION=${CODE_SERVER_VERSION:-4.100.3}
CACHE=${PARLINT_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/parlint-e2e}
DIR="$CACHE/code-server-$VERSION"
STAMP="$DIR/.complete"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s build-essential >/dev/null 2>&1 || need_apt+=(build-essential)
dpkg -s pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "install-code-server: apt-get install ${need_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ -f "$STAMP" ]; then
    echo "$DIR"
    exit 0
fi

rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
export npm_config_unsafe_perm=true npm_config_yes=true
echo '{"name":"parlint-e2e","private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error --ignore-scripts "code-server@$VERSION" >&2
(
    cd node_modules/code-server/lib/vscode
    npm install --no-audit --no-fund --loglevel=error --omit=dev --ignore-scripts >&2
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    npm rebuild --loglevel=error >&2
)
(
    # code-server's own postinstall (bin links, built-in extensions' dependencies); it reads
    # the package manager and Node version from the user agent npm would have set.
    cd node_modules/code-server
    npm_config_user_agent="npm/$(npm --version) node/$(node --version) linux x64" bash postinstall.sh >&2
)
npm rebuild argon2 --loglevel=error >&2 || true
node_modules/.bin/code-server --version >&2
touch "$STAMP"
echo "$DIR"
