#!/usr/bin/env bash
# Creates and starts a fresh OpenLedger localnet on loopback ports.
#
#   localnet/start.sh [-n VALIDATORS] [-d DIR] [-p BASE_PORT] [-c CHAIN_ID] [-t TIMEOUT_SECS]
#
# Defaults: 1 validator, DIR = <repo>/.localnet, base port 26656, chain id openledger-local-1.
# Node I uses p2p BASE+10*I, rpc +1, abci +2, grpc +3 (127.0.0.1 only).
# Binaries: $OPENLEDGERD, $OPENLEDGER, $COMETBFT when set (then nothing is built); otherwise
# CometBFT (and the Debian packages the build needs) come from setup.sh and the app and CLI from `cargo build --release`.
# Exit status: 0 started, 1 failed, 3 a port of the range is already in use.
set -euo pipefail
# shellcheck source=localnet/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

NUM=1
DIR="$OL_DEFAULT_DIR"
BASE=26656
CHAIN_ID="openledger-local-1"
TIMEOUT="${LOCALNET_START_TIMEOUT:-60}"
DENOM="uopen"
FUNDS="1000000000000$DENOM"
while getopts "n:d:p:c:t:h" opt; do
  case "$opt" in
    n) NUM="$OPTARG" ;;
    d) DIR="$OPTARG" ;;
    p) BASE="$OPTARG" ;;
    c) CHAIN_ID="$OPTARG" ;;
    t) TIMEOUT="$OPTARG" ;;
    h) usage 0 ;;
    *) usage 2 ;;
  esac
done
shift $((OPTIND - 1))
[ "$#" -eq 0 ] || usage 2
if ! ol_is_uint "$NUM" || [ "$NUM" -lt 1 ] || [ "$NUM" -gt 50 ]; then
  ol_die "-n wants 1..50 validators, got '$NUM'"
fi
if ! ol_is_uint "$BASE" || [ "$BASE" -lt 1024 ]; then
  ol_die "-p wants a port >= 1024, got '$BASE'"
fi
[ $((BASE + 10 * NUM)) -le 65535 ] || ol_die "ports $BASE..$((BASE + 10 * NUM - 1)) do not fit below 65536"
ol_is_uint "$TIMEOUT" || ol_die "-t wants seconds, got '$TIMEOUT'"
[[ "$CHAIN_ID" =~ ^[A-Za-z0-9._-]+$ ]] || ol_die "bad chain id '$CHAIN_ID'"

# ---------------------------------------------------------------- binaries
if [ -z "${COMETBFT:-}" ]; then
  COMETBFT="$("$OL_SCRIPTS/setup.sh" | tail -n 1)"
fi
if [ -z "${OPENLEDGERD:-}" ] || [ -z "${OPENLEDGER:-}" ]; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openledger/target}"
  ol_log "building openledgerd and openledger (cargo build --release)"
  (cd "$OL_REPO_ROOT" && cargo build --release -p openledger-app -p openledger-cli) >&2
  OPENLEDGERD="${OPENLEDGERD:-$CARGO_TARGET_DIR/release/openledgerd}"
  OPENLEDGER="${OPENLEDGER:-$CARGO_TARGET_DIR/release/openledger}"
fi
for b in "$COMETBFT" "$OPENLEDGERD" "$OPENLEDGER"; do
  [ -x "$b" ] || ol_die "not an executable: $b"
done
OPENLEDGERD="$(cd "$(dirname "$OPENLEDGERD")" && pwd -P)/$(basename "$OPENLEDGERD")"
OPENLEDGER="$(cd "$(dirname "$OPENLEDGER")" && pwd -P)/$(basename "$OPENLEDGER")"
COMETBFT="$(cd "$(dirname "$COMETBFT")" && pwd -P)/$(basename "$COMETBFT")"
export OPENLEDGERD OPENLEDGER COMETBFT

# ---------------------------------------------------------------- directory
mkdir -p "$DIR"
DIR="$(ol_abs_dir "$DIR")"
if [ -f "$DIR/pids" ]; then
  mapfile -t old < <(ol_recorded_pids "$DIR")
  if [ "${#old[@]}" -gt 0 ] && ol_any_alive "$DIR" "${old[@]}"; then
    ol_die "$DIR has running nodes (pids in $DIR/pids); stop them first: localnet/stop.sh -d $DIR"
  fi
fi
ol_wipeable "$DIR" || ol_die "$DIR is not empty and is not a localnet directory; refusing to wipe it"
find "$DIR" -mindepth 1 -delete

for ((p = BASE; p < BASE + 10 * NUM; p++)); do
  if ol_port_listening "$p"; then
    echo "localnet: error: port $p (range $BASE..$((BASE + 10 * NUM - 1))) is already in use; pick another with -p" >&2
    exit 3
  fi
done

# On any failure from here on, stop what was started (only recorded pids).
STARTED_OK=0
on_exit() {
  if [ "$STARTED_OK" -ne 1 ] && [ -f "$DIR/pids" ]; then
    ol_log "start failed; stopping the nodes started so far"
    ol_stop_all "$DIR"
  fi
}
trap on_exit EXIT

CLIENT_HOME="$DIR/client"
# The client home holds the test keyring (plaintext mnemonics): the owner's only.
mkdir -p -m 700 "$CLIENT_HOME"
chmod 700 "$CLIENT_HOME"
{
  printf '# OpenLedger localnet (source this file)\n'
  printf 'LOCALNET_DIR=%q\n' "$DIR"
  printf 'CHAIN_ID=%q\n' "$CHAIN_ID"
  printf 'DENOM=%q\n' "$DENOM"
  printf 'BASE_PORT=%q\n' "$BASE"
  printf 'NUM_VALIDATORS=%q\n' "$NUM"
  printf 'NODE=%q\n' "http://127.0.0.1:$((BASE + 1))"
  printf 'GRPC=%q\n' "127.0.0.1:$((BASE + 3))"
  printf 'CLIENT_HOME=%q\n' "$CLIENT_HOME"
  printf 'KEYRING_BACKEND=test\n'
  printf 'OPENLEDGERD=%q\n' "$OPENLEDGERD"
  printf 'OPENLEDGER=%q\n' "$OPENLEDGER"
  printf 'COMETBFT=%q\n' "$COMETBFT"
} >"$DIR/env"

# ---------------------------------------------------------------- nodes
for ((i = 0; i < NUM; i++)); do
  mkdir -p "$DIR/node$i"
  ol_write_node_env "$DIR" "$i" "$BASE" 1
  ol_configure_node "$DIR" "$i" ""
done
declare -a IDS
for ((i = 0; i < NUM; i++)); do
  IDS[i]="$(ol_node_id "$DIR" "$i")"
done
for ((i = 0; i < NUM; i++)); do
  peers=""
  for ((j = 0; j < NUM; j++)); do
    [ "$j" -ne "$i" ] || continue
    peers="${peers:+$peers,}${IDS[j]}@127.0.0.1:$((BASE + 10 * j))"
  done
  ol_edit_toml "$DIR/node$i/config/config.toml" "p2p.persistent_peers=\"$peers\""
done

# ---------------------------------------------------------------- genesis
GENESIS="$DIR/genesis.json"
python3 - "$GENESIS" "$CHAIN_ID" "$DIR" "$NUM" <<'PY'
import json, sys
out, chain_id, d, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open("%s/node0/config/genesis.json" % d) as f:
    g = json.load(f)
g["chain_id"] = chain_id
g["initial_height"] = "1"
# A block holds at most this much gas (the sum of its txs' gas limits): CometBFT reaps the
# mempool by it, and the app refuses proposals over it.
g["consensus_params"]["block"]["max_gas"] = "1000000000"
vals = []
for i in range(n):
    with open("%s/node%d/config/priv_validator_key.json" % (d, i)) as f:
        k = json.load(f)
    vals.append({"address": k["address"], "pub_key": k["pub_key"], "power": "10", "name": "node%d" % i})
g["validators"] = vals
with open(out, "w") as f:
    json.dump(g, f, indent=2)
PY

KEYS=(alice bob carol)
for ((i = 0; i < NUM; i++)); do KEYS+=("val$i"); done
declare -A ADDR
for k in "${KEYS[@]}"; do
  # Keep what `keys add` prints: it holds the mnemonic, so the file is created 0600 (umask
  # 077 in a subshell; removed first, as a redirection keeps an old file's mode).
  rm -f "$CLIENT_HOME/$k.add.txt"
  (umask 077 && exec "$OPENLEDGER" keys add "$k" --keyring-backend test --home "$CLIENT_HOME" \
    >"$CLIENT_HOME/$k.add.txt" 2>&1 </dev/null) || {
    cat "$CLIENT_HOME/$k.add.txt" >&2
    ol_die "openledger keys add $k failed"
  }
  ADDR[$k]="$("$OPENLEDGER" keys show "$k" -a --keyring-backend test --home "$CLIENT_HOME" </dev/null | tr -d '[:space:]')"
  [[ "${ADDR[$k]}" == ol1* ]] || ol_die "openledger keys show $k -a printed '${ADDR[$k]}', not an ol1 address"
  "$OPENLEDGERD" genesis add-account --genesis "$GENESIS" "${ADDR[$k]}" "$FUNDS" >/dev/null ||
    ol_die "openledgerd genesis add-account ${ADDR[$k]} failed"
  printf 'ADDR_%s=%q\n' "$k" "${ADDR[$k]}" >>"$DIR/env"
done
printf 'KEYS=%q\n' "${KEYS[*]}" >>"$DIR/env"
# On a localnet, two of alice, bob and carol decide attribution challenges, and a report can
# be challenged for 20 blocks (its rewards vest after them; a chain's default is 100).
"$OPENLEDGERD" genesis set-disputes --genesis "$GENESIS" \
  --council "${ADDR[alice]},${ADDR[bob]},${ADDR[carol]}" --threshold 2 \
  --challenge-window-blocks "${OL_CHALLENGE_WINDOW_BLOCKS:-20}" \
  --unbonding-blocks "${OL_CHALLENGE_WINDOW_BLOCKS:-20}" >/dev/null ||
  ol_die "openledgerd genesis set-disputes failed"
for ((i = 0; i < NUM; i++)); do
  cp "$GENESIS" "$DIR/node$i/config/genesis.json"
done

# ---------------------------------------------------------------- start
# Tests may start fewer nodes than the chain has (OL_START_NODES) and wait for a lower height
# (OL_WAIT_HEIGHT): with too few validators up, the chain stays at genesis.
STARTING="${OL_START_NODES:-$NUM}"
WAIT_HEIGHT="${OL_WAIT_HEIGHT:-2}"
: >"$DIR/pids"
for ((i = 0; i < STARTING; i++)); do ol_start_app "$DIR" "$i"; done
for ((i = 0; i < STARTING; i++)); do ol_start_cometbft "$DIR" "$i"; done

deadline=$((SECONDS + TIMEOUT))
for ((i = 0; i < STARTING; i++)); do
  left=$((deadline - SECONDS))
  [ "$left" -gt 0 ] || left=1
  if ! ol_wait_height "$DIR" "$i" "$WAIT_HEIGHT" "$left"; then
    ol_tail_logs "$DIR"
    ol_die "node $i did not reach height $WAIT_HEIGHT within ${TIMEOUT}s (logs under $DIR/node*/)"
  fi
done
# Wallets and explorers discover the chain from these (cosmos/chain-registry schema, Keplr).
REGISTRY="$(python3 "$(dirname "${BASH_SOURCE[0]}")/chain-registry.py" "$DIR")"
STARTED_OK=1

# ---------------------------------------------------------------- summary
echo "OpenLedger localnet '$CHAIN_ID' is up in $DIR ($NUM validator(s))"
for ((i = 0; i < NUM; i++)); do
  echo "  node$i  rpc http://127.0.0.1:$((BASE + 10 * i + 1))  rest http://127.0.0.1:$((BASE + 10 * i + 4))  grpc 127.0.0.1:$((BASE + 10 * i + 3))  p2p $((BASE + 10 * i))  abci $((BASE + 10 * i + 2))  logs $DIR/node$i/{app,cometbft}.log"
done
echo "  client home: $CLIENT_HOME (--keyring-backend test: plaintext keys, for a localnet only)"
echo "  mnemonics: $CLIENT_HOME/<key>.add.txt (mode 0600)"
for k in "${KEYS[@]}"; do
  echo "  $k: ${ADDR[$k]}"
done
echo "  chain registry and Keplr chain info: $REGISTRY/{chain,assetlist,keplr-chain-info}.json"
echo "  env: source $DIR/env ; stop: localnet/stop.sh -d $DIR"
