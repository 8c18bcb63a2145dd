#!/usr/bin/env bash
# Runs every test of Waymark from a fresh Debian 12 machine (as root): installs what
# the build needs if it is missing, then format check, lints and all tests, in debug
# builds sharing one target directory.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
# procps: the relay tests send SIGTERM with kill(1).
ensure_packages build-essential pkg-config procps

export CARGO_TERM_COLOR=never
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The UI: type check, lint, unit tests and a production build (Node 20 is on the
# machine image; Debian's own nodejs is the fallback).
command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
echo "== ui: npm ci, check, lint, test, build"
(
  cd ui
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent check
  npm run --silent lint
  npm test --silent
  npm run --silent build
)
echo "== cargo test"
cargo test --workspace --locked
