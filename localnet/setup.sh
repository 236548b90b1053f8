#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and run the chain, and nothing else:
# Debian packages libclang-dev (RocksDB's bindings) and protobuf-compiler (prost-build), and the
# pinned CometBFT (install-cometbft.sh). Prints the CometBFT binary's path last.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
dpkg -s libclang-dev >/dev/null 2>&1 || missing+=(libclang-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi
command -v cargo >/dev/null 2>&1 || { echo "setup: cargo (Rust) is required" >&2; exit 1; }
command -v go >/dev/null 2>&1 || { echo "setup: go is required to install CometBFT" >&2; exit 1; }
"$here/install-cometbft.sh"
