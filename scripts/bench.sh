#!/usr/bin/env bash
# The benchmark of issue 3: rdptls's full scan against sslscan's, on a real xrdp (legacy profile), on loopback and
# through a proxy that adds 25 ms each way; prints a markdown table (README.md, "Performance").
# RDPTLS_BENCH_RUNS=N sets the runs per measurement (default 3), RDPTLS_BENCH_MAX_CONNS=N rdptls's --max-conns.
# Needs xrdp and sslscan: scripts/install-test-deps.sh installs them (it is not run here, this only measures).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench scan "$@"
