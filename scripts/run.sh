#!/usr/bin/env bash
# Runs Waymark on a fresh Debian 12 machine (as root). Until the app lands this is a
# short scripted demo of the `waymark` CLI: an outreach worker's phone and an
# officer's phone, each a standalone encrypted device in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
for pkg in build-essential pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

echo "== building waymark"
cargo build --locked -q -p waymark-cli
waymark() { ./target/debug/waymark "$@"; }

demo=$(mktemp -d /tmp/waymark-demo.XXXXXX)
export WAYMARK_PASSPHRASE="demo passphrase (not for real data)"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "An outreach worker's phone (DEMO data, in $demo)"
waymark --data "$demo/outreach" init --role outreach --catchment scripts/demo/catchment.geojson \
  --intake-days 30 --user-name "Dee (demo)" --user-phone "206-555-0100"
rob=$(waymark --data "$demo/outreach" person add --name "Robert Johnson" --alias "Smokey" --dob 1979 \
  --description "tall, grey beard, red backpack" --json | sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -n1)
say "Adding 'Bobby Johnson': likely duplicates are offered before a new person is made"
waymark --data "$demo/outreach" person add --name "Bobby Johnson" --dob 1979
say "A repeat contact with supplies, and an anonymous supply hand-out"
waymark --data "$demo/outreach" encounter log --person "$rob" --lat 47.605 --lon -122.335 \
  --service naloxone=2 --service water --service hygiene_kit
waymark --data "$demo/outreach" encounter log --lat 47.61 --lon -122.33 --service fentanyl_test_strips=5 --service food
waymark --data "$demo/outreach" encounter list --person "$rob"

say "An officer's phone: a social-contact referral outside the catchment, with an exclusion"
waymark --data "$demo/officer" init --role officer --catchment scripts/demo/catchment.geojson
waymark --data "$demo/officer" referral create --pathway social_contact --name "Luz" \
  --description "green jacket" --lat 47.70 --lon -122.30 --exclusion no_contact_order
waymark --data "$demo/officer" lookup luz --reason "on scene, possible referral"
say "The officer cannot read case notes (exit code 3):"
waymark --data "$demo/officer" note add --person "$rob" --text "x" || echo "(exit $?)"

say "Follow-up queue on the outreach phone"
waymark --data "$demo/outreach" referral create --pathway arrest_diversion --person "$rob" --lat 47.60 --lon -122.34
waymark --data "$demo/outreach" referral list
say "Everything above is stored encrypted; the demo folder is $demo"
