#!/usr/bin/env bash
# Runs every test of Waymark from a fresh Debian 12 machine (as root): installs what
# the build needs if it is missing, then format check, lints and all tests, in debug
# builds sharing one target directory.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
for pkg in build-essential pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "== installing ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

export CARGO_TERM_COLOR=never
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
