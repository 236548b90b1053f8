#!/usr/bin/env bash
# Installs the pinned CometBFT into the project's bin folder (skipped when already there).
set -euo pipefail
COMETBFT_VERSION="v0.38.25"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN_DIR="${OPENLEDGER_BIN_DIR:-$HOME/.cache/openledger/bin}"
mkdir -p "$BIN_DIR"
if [ -x "$BIN_DIR/cometbft" ] && "$BIN_DIR/cometbft" version 2>/dev/null | grep -q "^${COMETBFT_VERSION#v}"; then
  echo "$BIN_DIR/cometbft"
  exit 0
fi
GOBIN="$BIN_DIR" go install "github.com/cometbft/cometbft/cmd/cometbft@${COMETBFT_VERSION}" >&2
echo "$BIN_DIR/cometbft"
