#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs the real servers and clients the tests need (xrdp, openssl,
# FreeRDP, rdesktop, Xvfb, sslscan, chromium) when they are missing, then runs every test. Real-server tests fail,
# not skip, under CI=true. Ends with one line that totals every test binary's results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --locked "$@" 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { for (i = 1; i < NF; i++) { if ($(i + 1) ~ /^passed/) p += $i; if ($(i + 1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
exit "$status"
