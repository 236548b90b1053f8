#!/usr/bin/env bash
# The test command: installs what is missing (localnet/setup.sh), builds the workspace once,
# then runs every test: unit tests beside the code, and the end-to-end tests under tests/tests,
# which start real CometBFT nodes with the real app on RocksDB over loopback.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openledger/target}"
COMETBFT="$(localnet/setup.sh | tail -n 1)"
export COMETBFT
# CosmJS for tests/tests/cosmjs.rs, at the versions tests/js/package-lock.json pins.
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
# The testkit feature brings in the benches (built, not run), so tests and benches share one build.
cargo build --release --workspace --all-targets --features openledger-app/testkit
# No panic on input paths: the node's crates deny unwrap/expect/indexing/panic! (see app/src/lib.rs).
cargo clippy --release -p openledger-app -p openledger-types -p openledger-attribution \
  --features openledger-app/testkit --lib
# Each end-to-end test runs its own localnet; two at a time suit a 2-core machine.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
# Every test binary runs even after a failure, so one run shows every failing test.
cargo test --release --workspace --features openledger-app/testkit --no-fail-fast -- --test-threads "${TEST_THREADS:-2}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The fuzz smoke: each cargo-fuzz target for a few seconds (fuzz/smoke.sh, docs/fuzzing.md).
fuzz/smoke.sh
fuzz_status=$?
set -e
# One closing line over every test binary (cargo prints one per binary, doc-tests last).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
[ "$status" -ne 0 ] || status=$fuzz_status
exit "$status"
