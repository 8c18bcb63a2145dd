#!/usr/bin/env bash
# Runs Waymark on a fresh Debian 12 machine (as root). Until the app lands this is a
# short scripted demo of the `waymark` CLI: a relay on 127.0.0.1, and the phones of a
# supervisor, an outreach worker and an officer enrolled by invitation, each an
# encrypted device store in a temporary folder, working offline and then syncing.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
ensure_packages build-essential pkg-config

echo "== building waymark and waymark-relay"
cargo build --locked -q -p waymark-cli -p waymark-relay
waymark() { ./target/debug/waymark "$@"; }

demo=$(mktemp -d /tmp/waymark-demo.XXXXXX)
export WAYMARK_PASSPHRASE="demo passphrase (not for real data)"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

json_field() { sed -n "s/.*\"$1\": \"\([^\"]*\)\".*/\1/p" | head -n1; }

say "A relay on 127.0.0.1 (it stores only ciphertext) and a DEMO team, in $demo"
./target/debug/waymark-relay serve --data "$demo/relay" --listen 127.0.0.1:0 > "$demo/relay.out" &
relay_pid=$!
trap 'kill $relay_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$demo/relay.out" 2>/dev/null && break; sleep 0.1; done
relay=$(sed -n 's/^listening on //p' "$demo/relay.out")
echo "relay: $relay"
code=$(./target/debug/waymark-relay team create --data "$demo/relay" --name "Demo LEAD team" --json | json_field code)

say "The supervisor's phone enrolls first, then invites an outreach worker and an officer"
waymark --data "$demo/supervisor" enroll --relay "$relay" --code "$code"
waymark --data "$demo/supervisor" team set --catchment scripts/demo/catchment.geojson --intake-days 30 >/dev/null
outreach_code=$(waymark --data "$demo/supervisor" device invite --role outreach --label "Dee (demo)" --json | json_field code)
officer_code=$(waymark --data "$demo/supervisor" device invite --role officer --label "Officer Diaz (demo)" --json | json_field code)
waymark --data "$demo/supervisor" sync
waymark --data "$demo/outreach" enroll --relay "$relay" --code "$outreach_code"
waymark --data "$demo/officer" enroll --relay "$relay" --code "$officer_code"
waymark --data "$demo/outreach" sync
waymark --data "$demo/officer" sync

say "Outreach, offline: a person, a duplicate check, contacts with supplies"
rob=$(waymark --data "$demo/outreach" person add --name "Robert Johnson" --alias "Smokey" --dob 1979 \
  --description "tall, grey beard, red backpack" --json | json_field id)
waymark --data "$demo/outreach" person add --name "Bobby Johnson" --dob 1979
waymark --data "$demo/outreach" encounter log --person "$rob" --lat 47.605 --lon -122.335 \
  --service naloxone=2 --service water --service hygiene_kit
waymark --data "$demo/outreach" encounter log --lat 47.61 --lon -122.33 --service fentanyl_test_strips=5 --service food
waymark --data "$demo/outreach" note add --person "$rob" --text "prefers mornings (confidential)"

say "The officer, on scene: a social-contact referral outside the catchment, with an exclusion"
referral=$(waymark --data "$demo/officer" referral create --pathway social_contact --name "Luz" \
  --description "green jacket" --lat 47.70 --lon -122.30 --exclusion no_contact_order --json | json_field id)
waymark --data "$demo/officer" referral list
say "The officer cannot read case notes (exit code 3):"
waymark --data "$demo/officer" note add --person "$rob" --text "x" || echo "(exit $?)"

say "Everyone syncs when signal returns"
for phone in officer outreach supervisor; do waymark --data "$demo/$phone" sync; done

say "Outreach works the referral queue: contacted, then intake"
waymark --data "$demo/outreach" referral list
waymark --data "$demo/outreach" referral update "$referral" --status contacted >/dev/null
waymark --data "$demo/outreach" referral update "$referral" --status intake_complete
waymark --data "$demo/outreach" sync

say "Back on the officer's phone after a sync: status and case manager, nothing clinical"
waymark --data "$demo/officer" sync
waymark --data "$demo/officer" referral list
waymark --data "$demo/officer" lookup luz --reason "follow-up on my referral"
waymark --data "$demo/officer" lookup robert --reason "on scene" || true

say "The supervisor's roster"
waymark --data "$demo/supervisor" person list
say "Everything above is stored encrypted; the demo folder is $demo"
