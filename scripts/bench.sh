#!/usr/bin/env bash
# The benchmark of issues 3 and 12: rdptls's default scan (client simulation included) against sslscan's, on a real
# xrdp (legacy profile) and FreeRDP's shadow server (/sec:nla), on loopback, through a proxy that adds 25 ms each
# way, beside other scans (a second xrdp scanned by sslscan in a loop) and beside `stress-ng --cpu 2`; prints a
# markdown table (README.md, "Performance") and where rdptls' time and connections went (stats.stages).
# RDPTLS_BENCH_RUNS=N sets the runs per measurement (default 3), RDPTLS_BENCH_MAX_CONNS=N rdptls's --max-conns,
# RDPTLS_BENCH_ONLY=xrdp|shadow one server, RDPTLS_BENCH_CONDITION=loopback|25|busy some conditions,
# RDPTLS_BENCH_TOOL=rdptls|sslscan one tool (no ratios: for tuning).
# Needs xrdp, freerdp-shadow-cli with Xvfb, sslscan (scripts/install-test-deps.sh installs them) and stress-ng
# (apt-get install stress-ng: only this bench uses it). Nothing is installed here: this only measures.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench scan "$@"
