#!/usr/bin/env bash
# make demo: start the bundled platform simulator on a free loopback port, import
# testdata/stores.csv into a fresh database, print the report, stop the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The demo token is made up for this run and only ever travels through files and the environment.
token="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$token" >"$work/token"

# The simulated platform: one organization, a rate limit of 10 requests per second, and two
# rules so that the report shows the platform refusing a row (a name with 閉店, "closing") and a
# compensation (turning reservations on fails for the Yokohama shop, so its shop is deleted again).
ORG_SIM_TOKEN="$token" bin/orgplatform-sim \
  --addr 127.0.0.1:0 --addr-file "$work/addr" \
  --org org_demo --org-name "デモ株式会社" --shop-limit 100 \
  --rate 10 --burst 2 \
  --rule 'createShop:閉店:INVALID_INPUT' \
  --rule 'assignServiceToOrganization:^横浜:503' \
  --request-log "$work/requests.jsonl" &
sim_pid=$!

for _ in $(seq 100); do
  [ -s "$work/addr" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "demo: the simulator did not start" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/addr" ] || { echo "demo: the simulator did not start within 10 s" >&2; exit 1; }
endpoint=$(cat "$work/addr")

echo "== storeimport validate (dry run of the file alone)"
{ bin/storeimport validate --org org_demo testdata/stores.csv || true; } | tail -n 1
echo
echo "== storeimport import against the simulator at $endpoint (10 req/s)"
set +e
bin/storeimport import --org org_demo --endpoint "$endpoint" --token-file "$work/token" \
  --rate 10 --burst 2 --db "$work/storeimport.db" --errors-csv "$work/errors.csv" testdata/stores.csv
code=$?
set -e
echo
echo "exit code $code (1: some rows are invalid or failed; see the report)"
echo "platform requests: $(wc -l <"$work/requests.jsonl")"
echo
echo "== errors CSV for the merchant ($(($(wc -l <"$work/errors.csv") - 1)) rows to fix)"
head -n 3 "$work/errors.csv"
