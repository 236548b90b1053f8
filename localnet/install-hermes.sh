#!/usr/bin/env bash
# Installs Hermes (ibc-relayer-cli 1.13.2) into the project's bin folder, skipped when there.
# Prints the binary's path last.
#
# `cargo install ibc-relayer-cli --locked` cannot work on machines that reach only the crate
# registry: ibc-relayer turns on penumbra-sdk-proof-params' `download-proving-keys`, whose build
# script fetches Penumbra's proving keys from GitHub LFS. So this builds the registry's packaged
# source with its own Cargo.lock, patching that one crate (same version) to a copy whose build
# script downloads nothing. The keys only matter for relaying to a Penumbra chain.
# ../shared/research/ibc-hermes.md §8. A cold build takes 30-40 minutes on 2 cores.
set -euo pipefail
HERMES_VERSION="1.13.2"
HERMES_SHA256="65d4443e86de3dca7e14bb19512278bfc8128ce7766795deb66e7481f74d06ce"
PARAMS_VERSION="2.0.1"
PARAMS_SHA256="0d957ca5de636c2c81d72be4006ff314b4e422184a8b500716d6ba9df5d65a54"
CACHE="${OPENLEDGER_CACHE:-$HOME/.cache/openledger}"
BIN_DIR="${OPENLEDGER_BIN_DIR:-$CACHE/bin}"
mkdir -p "$BIN_DIR"
if [ -x "$BIN_DIR/hermes" ] && "$BIN_DIR/hermes" --version 2>/dev/null | grep -q " ${HERMES_VERSION}$"; then
  echo "$BIN_DIR/hermes"
  exit 0
fi

src="$CACHE/hermes-src"
mkdir -p "$src"
# Downloads a crate from the registry's download host and checks it against its pinned hash.
fetch() {
  local name="$1" version="$2" sha="$3"
  local file="$src/$name-$version.crate"
  if ! echo "$sha  $file" | sha256sum -c --status 2>/dev/null; then
    curl -sSfL -o "$file" "https://static.crates.io/crates/$name/$name-$version.crate"
    echo "$sha  $file" | sha256sum -c --status
  fi
  rm -rf "${src:?}/$name-$version"
  tar -xzf "$file" -C "$src"
}
fetch ibc-relayer-cli "$HERMES_VERSION" "$HERMES_SHA256"
fetch penumbra-sdk-proof-params "$PARAMS_VERSION" "$PARAMS_SHA256"

params="$src/penumbra-sdk-proof-params-$PARAMS_VERSION"
cat > "$params/build.rs" <<'RS'
// Patched by openledger's localnet/install-hermes.sh: the proving keys are not downloaded.
fn main() {}
RS
hermes_src="$src/ibc-relayer-cli-$HERMES_VERSION"
cat >> "$hermes_src/Cargo.toml" <<TOML

[patch.crates-io]
penumbra-sdk-proof-params = { path = "$params" }
TOML

# Not --locked: the patch changes that one crate's lock entry; every other stays as shipped.
CARGO_TARGET_DIR="$CACHE/hermes-target" cargo build --release --bin hermes \
  --manifest-path "$hermes_src/Cargo.toml" >&2
install -m 0755 "$CACHE/hermes-target/release/hermes" "$BIN_DIR/hermes"
echo "$BIN_DIR/hermes"
