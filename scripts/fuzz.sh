#!/usr/bin/env bash
# Fuzzes rdptls's parsers with AFL++ (cargo-afl, stable toolchain): the crate fuzz/, one target per parser.
#
#   scripts/fuzz.sh [TARGET|all] [EXECUTIONS] [MAX_SECONDS]     e.g. scripts/fuzz.sh tls 10000000
#   scripts/fuzz.sh --smoke                                      every target, a few seconds each (CI)
#
# Targets: x224, tls, certificate, credssp, mcs (fuzz/src/bin/). Each run starts from the seed corpus
# fuzz/corpus/TARGET (made by fuzz/make-corpus.py) and writes to fuzz/out/TARGET; a crash is kept in
# fuzz/out/TARGET/default/crashes/. Each target stops after EXECUTIONS (afl-fuzz -E; default 100000) or
# MAX_SECONDS (afl-fuzz -V; default none). Prints each target's executions, rate and crashes from afl's
# fuzzer_stats, then "fuzz: N targets, M crashes"; exits 1 on a crash or a target that did not run.
# Installs cargo-afl (and builds AFL++ with it) when missing; AFL++ needs clang and llvm
# (scripts/install-test-deps.sh installs them). FUZZ_JOBS=N runs N targets at once (default 1).
# The build goes to CARGO_TARGET_DIR, by default a cache outside the clone (~/.cache/rdptls/fuzz-target), so that a
# CI run in a fresh clone reuses the instrumented dependencies. Under CI=true a smoke that cannot run fails; elsewhere
# `--smoke` says it is skipping when cargo-afl cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(x224 tls certificate credssp mcs)
smoke=false
if [ "${1:-}" = "--smoke" ]; then
  smoke=true
  targets=("${all[@]}")
  execs=2000000
  seconds=${FUZZ_SMOKE_SECONDS:-5}
else
  target=${1:-all}
  execs=${2:-100000}
  seconds=${3:-}
  if [ "$target" = all ]; then
    targets=("${all[@]}")
  elif [[ " ${all[*]} " == *" $target "* ]]; then
    targets=("$target")
  else
    echo "fuzz: unknown target $target (known: ${all[*]} all)" >&2
    exit 2
  fi
  if ! [[ "$execs" =~ ^[1-9][0-9]*$ ]] || { [ -n "$seconds" ] && ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; }; then
    echo "fuzz: EXECUTIONS and MAX_SECONDS are positive integers" >&2
    exit 2
  fi
fi

# cargo-afl, installed once (cargo keeps it in ~/.cargo/bin), and AFL++ built once by it.
if ! cargo afl --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-afl"
  if ! cargo install cargo-afl --locked --quiet; then
    if $smoke && [ "${CI:-}" != true ]; then
      echo "fuzz: cargo-afl cannot be installed here; skipping the smoke"
      exit 0
    fi
    echo "fuzz: cargo-afl cannot be installed" >&2
    exit 1
  fi
fi
if ! cargo afl config --build >/dev/null 2>&1; then
  # Already built answers with an error on some versions; a real failure shows in the build below.
  :
fi

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/rdptls/fuzz-target}
cargo afl build --release --quiet --locked --manifest-path fuzz/Cargo.toml --bins
bin=$CARGO_TARGET_DIR/release

# afl-fuzz's checks of the machine (CPU governor, core_pattern, CPU binding) concern long dedicated runs; this
# runs beside other work.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_QUIET=1

stat() { awk -v k="$2" -F' *: *' '$1 == k { print $2 }' "$1"; }

run_one() {
  local t=$1 out="fuzz/out/$1"
  rm -rf "$out"
  mkdir -p "$out"
  local limit=(-E "$execs")
  [ -n "$seconds" ] && limit+=(-V "$seconds")
  # -t: a 1 s timeout per input; nothing here should take a millisecond.
  cargo afl fuzz -i "fuzz/corpus/$t" -o "$out" "${limit[@]}" -t 1000 "$bin/$t" \
    >"$out/afl.log" 2>&1 || true
}

jobs=${FUZZ_JOBS:-1}
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if [ "${#pids[@]}" -ge "$jobs" ]; then
    wait "${pids[0]}"
    pids=("${pids[@]:1}")
  fi
done
wait

total=0
failed=0
for t in "${targets[@]}"; do
  stats="fuzz/out/$t/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "fuzz: $t did not run; the end of fuzz/out/$t/afl.log:" >&2
    tail -n 20 "fuzz/out/$t/afl.log" >&2 || true
    failed=$((failed + 1))
    continue
  fi
  done_=$(stat "$stats" execs_done)
  rate=$(stat "$stats" execs_per_sec)
  crashes=$(stat "$stats" saved_crashes)
  crashes=${crashes:-$(stat "$stats" unique_crashes)}
  hangs=$(stat "$stats" saved_hangs)
  secs=$(($(stat "$stats" last_update) - $(stat "$stats" start_time)))
  echo "fuzz: $t: $done_ executions in ${secs}s ($rate/s), ${crashes:-?} crashes, ${hangs:-0} hangs, corpus $(stat "$stats" corpus_count)"
  if [ "${crashes:-1}" != 0 ]; then
    echo "fuzz: $t crashed: inputs in fuzz/out/$t/default/crashes/" >&2
    total=$((total + ${crashes:-1}))
  fi
  if [ "$done_" -eq 0 ] 2>/dev/null; then
    failed=$((failed + 1))
  fi
done
echo "fuzz: ${#targets[@]} targets, $total crashes"
[ "$total" -eq 0 ] && [ "$failed" -eq 0 ]
