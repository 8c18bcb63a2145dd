#!/usr/bin/env bash
# Fills a new demo team with sample data through the real CLI (clearly fictional
# people; every record says "demo"): persons, contacts with places and supplies over
# the last weeks, notes, and officer referrals in several states. Called by run.sh
# with: seed.sh WAYMARK_BIN SUPERVISOR_DIR OUTREACH_DIR OFFICER_DIR
set -euo pipefail
bin=$1 sup=$2 out=$3 off=$4
w() { "$bin" "$@"; }
id_of() { sed -n 's/.*"id": "\([^"]*\)".*/\1/p' | head -n1; }
ago() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

add() { # name alias description status case_manager phone
  local args=(--data "$out" person add --name "$1" --alias "$2" --description "$3 (demo)" --json)
  [ -n "${4:-}" ] && args+=(--status "$4")
  [ -n "${5:-}" ] && args+=(--case-manager "$5" --case-manager-phone "$6")
  w "${args[@]}" | id_of
}
rosa=$(add "Rosa Martinez" "Rosa M." "short, purple beanie, two dogs" active "Dee Alvarez" "+1 206 555 0101")
jbird=$(add "James Bird" "J-Bird" "tall, green army jacket" active "Dee Alvarez" "+1 206 555 0101")
mike=$(add "Michael Tran" "Tall Mike" "very tall, crutches" active "Sam Okafor" "+1 206 555 0102")
luz=$(add "Luz Ortega" "Lucy" "red backpack, speaks Spanish" "" "" "")
pete=$(add "Peter Novak" "Pistol Pete" "grey beard, bicycle" inactive "Sam Okafor" "+1 206 555 0102")
kay=$(add "Kayla Brooks" "K" "braids, yellow raincoat" "" "" "")
dom=$(add "Dominic Reyes" "Dom" "tattoo on neck, skateboard" active "Dee Alvarez" "+1 206 555 0101")
ann=$(add "Annie Li" "Auntie" "older woman, shopping cart" "" "" "")

contact() { # dir person when lat lon services...
  local dir=$1 person=$2 when=$3 lat=$4 lon=$5; shift 5
  local args=(--data "$dir" encounter log --at "$(ago "$when")" --lat "$lat" --lon "$lon")
  [ -n "$person" ] && args+=(--person "$person")
  for s in "$@"; do args+=(--service "$s"); done
  w "${args[@]}" >/dev/null
}
contact "$out" "$rosa" "2 hours ago" 47.6041 -122.3332 food water naloxone=2
contact "$out" "$rosa" "9 days ago" 47.6050 -122.3340 hygiene_kit
contact "$out" "$jbird" "1 day ago" 47.6022 -122.3315 fentanyl_test_strips=5 food
contact "$out" "$mike" "3 days ago" 47.6098 -122.3420 transport
contact "$out" "$luz" "5 hours ago" 47.6035 -122.3301 water clothing
contact "$out" "$pete" "40 days ago" 47.6150 -122.3200 food
contact "$out" "$kay" "2 days ago" 47.5995 -122.3290 naloxone hygiene_kit
contact "$out" "$dom" "6 days ago" 47.6010 -122.3360 food water
contact "$out" "$ann" "12 days ago" 47.6070 -122.3380 clothing
contact "$out" "" "1 hour ago" 47.6030 -122.3325 naloxone=3 fentanyl_test_strips=10
contact "$out" "" "4 days ago" 47.6060 -122.3350 food=4 water=4
w --data "$out" note add --person "$rosa" --text "Prefers mornings; dogs must come along to any placement. (demo)" >/dev/null
w --data "$out" note add --person "$jbird" --text "Asked about detox beds; follow up Friday. (demo)" >/dev/null

# The officer's referrals: one inside the catchment, one outside with an exclusion.
marcus=$(w --data "$off" referral create --pathway social_contact --name "Marcus" \
  --description "blue hoodie, by the library (demo)" --lat 47.6065 --lon -122.3327 --json | id_of)
w --data "$off" referral create --pathway arrest_diversion --name "Tina" --description "pink scooter (demo)" \
  --lat 47.6400 --lon -122.3000 --exclusion no_contact_order --charge-category "drug possession" >/dev/null
w --data "$out" referral create --pathway community --person "$kay" --json >/dev/null

# Everyone syncs; outreach starts working the officer's referral.
for dir in "$off" "$out" "$sup" "$out"; do w --data "$dir" sync >/dev/null; done
w --data "$out" referral update "$marcus" --status contacted >/dev/null
w --data "$out" sync >/dev/null
