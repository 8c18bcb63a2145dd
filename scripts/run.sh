#!/usr/bin/env bash
# Runs the Waymark app on a fresh Debian 12 machine (as root), ready to use:
#   bash scripts/run.sh [outreach|officer|supervisor]
# It installs what is missing (Tauri's system libraries, the UI's npm packages),
# builds the UI and the app, and, the first time, makes a local DEMO team: a relay on
# 127.0.0.1, sample people, contacts and referrals (all fictional, marked "demo"), and
# an app device of the chosen role enrolled in it. Later runs reuse that team.
# The app's passphrase is printed below; the demo lives in $WAYMARK_DEMO_HOME
# (default ~/.local/share/waymark-demo; delete it to start over).
set -euo pipefail
cd "$(dirname "$0")/.."

role=${1:-outreach}
case "$role" in outreach | officer | supervisor) ;; *)
  echo "usage: bash scripts/run.sh [outreach|officer|supervisor]" >&2
  exit 2
  ;;
esac

. scripts/lib.sh
ensure_packages build-essential pkg-config "${TAURI_PACKAGES[@]}"
command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Building the UI and the app (debug build; the first one takes several minutes)"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
cargo build --workspace --locked
bin=$PWD/target/debug

home=${WAYMARK_DEMO_HOME:-$HOME/.local/share/waymark-demo}
port=${WAYMARK_DEMO_PORT:-7878}
relay_url=http://127.0.0.1:$port
export WAYMARK_PASSPHRASE="demo passphrase"
mkdir -p "$home"
json_field() { sed -n "s/.*\"$1\": \"\([^\"]*\)\".*/\1/p" | head -n1; }

relay_up() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
if relay_up; then
  echo "a relay already answers on $relay_url; using it"
else
  "$bin/waymark-relay" serve --data "$home/relay" --listen "127.0.0.1:$port" >"$home/relay.log" 2>&1 &
  relay_pid=$!
  trap 'kill $relay_pid 2>/dev/null || true' EXIT
  for _ in $(seq 100); do relay_up && break; sleep 0.1; done
  relay_up || { cat "$home/relay.log" >&2; echo "the relay did not start on port $port (set WAYMARK_DEMO_PORT)" >&2; exit 1; }
fi

if [ ! -e "$home/team.ok" ]; then
  say "First run: a DEMO team on the local relay, with sample data"
  code=$("$bin/waymark-relay" team create --data "$home/relay" --name "Demo team (sample data)" --json | json_field code)
  "$bin/waymark" --data "$home/supervisor" enroll --relay "$relay_url" --code "$code" >/dev/null
  "$bin/waymark" --data "$home/supervisor" team set --name "Demo team (sample data)" \
    --catchment scripts/demo/catchment.geojson --intake-days 30 --time-zone America/Los_Angeles >/dev/null
  for r in outreach officer; do
    c=$("$bin/waymark" --data "$home/supervisor" device invite --role "$r" --label "demo $r" --json | json_field code)
    "$bin/waymark" --data "$home/supervisor" sync >/dev/null
    "$bin/waymark" --data "$home/$r-cli" enroll --relay "$relay_url" --code "$c" >/dev/null
    "$bin/waymark" --data "$home/$r-cli" sync >/dev/null
  done
  bash scripts/demo/seed.sh "$bin/waymark" "$home/supervisor" "$home/outreach-cli" "$home/officer-cli"
  touch "$home/team.ok"
fi

app_dir=$home/app-$role
if [ ! -e "$app_dir/waymark.db" ]; then
  say "Enrolling the app as a $role device of the demo team"
  c=$("$bin/waymark" --data "$home/supervisor" device invite --role "$role" --label "demo app ($role)" --json | json_field code)
  "$bin/waymark" --data "$home/supervisor" sync >/dev/null
  "$bin/waymark" --data "$app_dir" enroll --relay "$relay_url" --code "$c" >/dev/null
  "$bin/waymark" --data "$app_dir" sync >/dev/null
fi

say "Starting the app as $role. Passphrase: $WAYMARK_PASSPHRASE"
echo "Relay: $relay_url (the app syncs with it by itself; 'Sync now' in the app syncs at once)."
echo "Other roles: bash scripts/run.sh officer | supervisor (each its own device of the same team)."
unset WAYMARK_PASSPHRASE
export WAYMARK_DATA=$app_dir WAYMARK_DEMO=1
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$bin/waymark-app"
else
  echo "No display: running under xvfb-run (install a desktop or use X forwarding to see the window)."
  xvfb-run -a -s "-screen 0 1280x1024x24" "$bin/waymark-app"
fi
