#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs the real servers the tests need (xrdp, openssl, FreeRDP,
# Xvfb, sslscan) when they are missing, then runs every test. Real-server tests fail, not skip, under CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
cargo test --locked "$@"
