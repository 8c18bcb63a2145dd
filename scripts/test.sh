#!/usr/bin/env bash
# Runs every test of Waymark from a fresh Debian 12 machine (as root): installs what
# the build needs if it is missing, then format check, lints and all tests, in debug
# builds sharing one target directory:
#   Rust: fmt, clippy, unit/integration/scenario tests;
#   UI: type check, lint, unit tests, build, browser tests (Chromium, phone viewport);
#   the real app end to end (Tauri under Xvfb, driven by tauri-driver).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
# procps: the relay tests send SIGTERM with kill(1). chromium: the browser tests.
# openssl: the app's TLS test makes its relay a self-signed certificate.
ensure_packages build-essential pkg-config procps chromium openssl "${TAURI_PACKAGES[@]}"
command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm

export CARGO_TERM_COLOR=never
echo "== cargo fmt --check"
cargo fmt --all -- --check

# The UI first: the app embeds ui/dist when it compiles.
echo "== ui: npm ci, check, lint, unit tests, build"
(
  cd ui
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent check
  npm run --silent lint
  npm test --silent
  npm run --silent build
)

echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo build (the binaries the end-to-end tests run)"
cargo build --workspace --locked
echo "== cargo test"
cargo test --workspace --locked

echo "== ui: browser tests (Chromium at 390x844 and 1280x900, fake platform)"
(cd ui && npm run --silent test:browser)

echo "== the real app end to end (tauri-driver, Xvfb)"
# tauri-driver is a cargo-installed tool; pinned, and skipped when already there.
if ! tauri-driver --help >/dev/null 2>&1; then
  cargo install tauri-driver --locked --version 2.1.0
fi
(cd ui && npm run --silent test:app)
