#!/usr/bin/env bash
# Installs what the fuzz targets need and prints, one per line, the environment they build with:
#   CARGO_FUZZ=<path of cargo-fuzz>   TOOLCHAIN=<rustup toolchain>   SANITIZER=<sanitizer flag>
# and sets up a prebuilt RocksDB for them (see below). smoke.sh and docs/fuzzing.md use it.
#
# Toolchain: nightly when rustup has it (cargo-fuzz's home ground), otherwise stable. Checked
# here (Dec 2026, cargo-fuzz 0.13.1, rustc 1.95 stable and 1.97 nightly): with `--sanitizer none`
# `cargo fuzz build` works on both; stable refuses the sanitizers (they are -Z flags).
# Sanitizer: none on both. AddressSanitizer would slow every exec for no gain here: the code under
# test is safe Rust (unsafe_code is forbidden workspace-wide) and RocksDB's C++ is prebuilt,
# uninstrumented either way.
set -euo pipefail
version=0.13.1
root="$HOME/.cache/openledger"
bin="$root/bin/cargo-fuzz"
if ! { [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q " $version\$"; }; then
    cargo install --locked --version "$version" cargo-fuzz --root "$root" >&2
fi
toolchain=stable
if rustup toolchain list | grep -q '^nightly'; then
    toolchain=nightly
fi
# RocksDB: the fuzz build's RUSTFLAGS differ from the workspace's, which would rebuild RocksDB's
# C++ (20+ minutes on 2 cores). The workspace build already compiled it: link that archive through
# librocksdb-sys's ROCKSDB_LIB_DIR. Copied out so a `cargo clean` of the workspace keeps it.
rocksdb="$root/fuzz-rocksdb"
if [ ! -f "$rocksdb/librocksdb.a" ]; then
    workspace_target="${WORKSPACE_TARGET_DIR:-$root/target}"
    built="$(ls -t "$workspace_target"/release/build/librocksdb-sys-*/out/librocksdb.a 2>/dev/null | head -n 1 || true)"
    if [ -n "$built" ]; then
        mkdir -p "$rocksdb"
        cp "$built" "$rocksdb/librocksdb.a.tmp" && mv "$rocksdb/librocksdb.a.tmp" "$rocksdb/librocksdb.a"
    fi
fi
echo "CARGO_FUZZ=$bin"
echo "TOOLCHAIN=$toolchain"
echo "SANITIZER=none"
if [ -f "$rocksdb/librocksdb.a" ]; then
    echo "ROCKSDB_LIB_DIR=$rocksdb"
    echo "ROCKSDB_STATIC=1"
fi
