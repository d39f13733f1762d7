#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: the real OCI registry the integration
# tests run against, skopeo (benchmark peer), neovim (a real LSP client), chromium (VS Code e2e),
# openssl (certificates for the token-auth registry), docker-compose 1.29 (`docker-compose config`
# is the cross-check oracle for compose interpolation, anchors and merge keys), then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES="docker-registry docker-compose skopeo neovim openssl apache2-utils chromium build-essential python3 libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev"
missing=""
for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The Debian package starts a registry service on :5000 where an init system runs; the tests start
# their own on free ports, so a running one is harmless.
npm ci --no-audit --no-fund
