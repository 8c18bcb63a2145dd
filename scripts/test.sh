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
echo "== cargo test"
cargo test --workspace --locked
