#!/usr/bin/env bash
# Compares the JSON reports of two rdptls binaries, profile by profile, against the same fixture servers.
#   scripts/compare-json.sh OLD_BINARY NEW_BINARY
# Each fixture profile is served once (by OLD_BINARY, on loopback) and scanned by both binaries; the reports must
# be byte-identical apart from the timings (`elapsed_ms`) and the server's clock (`server_time`, `clock_skew_s`).
# Prints one line per profile and exits non-zero on any difference.
set -euo pipefail
old=$1 new=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
normalize() {
  python3 -c 'import json,sys
def walk(v):
    if isinstance(v, dict):
        return {k: (0 if k in ("elapsed_ms","clock_skew_s") else "T" if k == "server_time" and v[k] else walk(x)) for k, x in v.items()}
    if isinstance(v, list):
        return [walk(x) for x in v]
    return v
print(json.dumps(walk(json.load(sys.stdin)), indent=1, sort_keys=False))'
}
status=0
port=$((20000 + RANDOM % 20000))
for profile in $("$old" serve --list | awk '{print $1}'); do
  port=$((port + 1))
  "$old" serve --profile "$profile" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  # Fixture certificates are dated from the server's start: let a second pass so that both scans count the same
  # whole days left.
  sleep 1.2
  for bin in old new; do
    "${!bin}" scan "127.0.0.1:$port" --name rdptls-demo --json --timeout 2 --fail-on none >"$work/$bin.json" 2>/dev/null || true
    normalize <"$work/$bin.json" >"$work/$bin.norm"
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  if cmp -s "$work/old.norm" "$work/new.norm"; then
    echo "same      $profile ($(wc -c <"$work/new.json") bytes)"
  else
    echo "DIFFERENT $profile"; diff "$work/old.norm" "$work/new.norm" | head -20 || true; status=1
  fi
done
exit "$status"
