#!/usr/bin/env bash
# The fuzz smoke: builds the fuzz targets (cached in ~/.cache/openledger/fuzz-target) and runs
# each for a few seconds from its corpus, printing the exec count libFuzzer reports. Fails on a
# crash; the crashing input is left in fuzz/artifacts/<target>/. Longer runs: docs/fuzzing.md.
#   FUZZ_SECONDS  seconds per target (default 10)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
cd "$here/.."
seconds="${FUZZ_SECONDS:-10}"
env_lines="$("$here/setup.sh")"
while IFS='=' read -r name value; do
    export "$name=$value"
done <<<"$env_lines"
export RUSTUP_TOOLCHAIN="$TOOLCHAIN"
target_dir="$HOME/.cache/openledger/fuzz-target"
"$CARGO_FUZZ" build -O --debug-assertions --sanitizer "$SANITIZER" --target-dir "$target_dir"
bin_dir="$target_dir/$(rustc -vV | sed -n 's/^host: //p')/release"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
for target in tx_decode finalize_block abci_query cli_parsers; do
    corpus="$here/corpus/$target"
    artifacts="$here/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    if "$bin_dir/$target" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
        execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
        echo "fuzz $target: ${execs:-?} execs in ${seconds}s, no crash"
    else
        tail -n 40 "$log"
        echo "fuzz $target: CRASH, input in $artifacts/" >&2
        status=1
    fi
done
exit "$status"
