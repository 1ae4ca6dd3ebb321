#!/usr/bin/env bash
# The fleet benchmark of issue 10 (benches/fleet.rs): `rdptls scan -f FILE --jsonl` over loopback fleets, one
# address per target (127.173.x.y), most healthy fixture servers with refused, silent and hostile ones mixed in.
# Prints wall time, targets per second, peak RSS and peak descriptors of the scanner as a markdown table, and
# fails if a target does not get exactly one line.
#
#   scripts/bench-fleet.sh                                   1,000 targets, --quick
#   scripts/bench-fleet.sh --targets 1000,10000 --mode both  the README's table (takes a while: see README)
#   options: --concurrency N (64) --timeout SECS (2) --max-secs SECS (3600, per run; then the scan is killed)
# Not part of CI. The fixtures hold one listener per target: the descriptor limit is raised to the hard limit.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)"
cargo bench --locked --bench fleet -- "$@"
