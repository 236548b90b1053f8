# shellcheck shell=bash
# Shared functions of the localnet scripts (sourced by start.sh, stop.sh, node.sh, reset.sh).
#
# Layout of a localnet directory DIR:
#   DIR/env              sourceable: binaries, chain id, base port, NODE, CLIENT_HOME, key addresses
#   DIR/pids             one "LABEL PID" a line (LABEL = node<I>/app or node<I>/cometbft)
#   DIR/genesis.json     the genesis every node got
#   DIR/client/          test keyring of the CLI (keys alice, bob, carol, val0..), 0700;
#                        NAME.add.txt: what `keys add NAME` printed, mnemonic included, 0600
#   DIR/node<I>/         CometBFT home (config/, data/), node.env, app.log, cometbft.log
#   DIR/node<I>/app/     openledgerd home (RocksDB under app/data)
# Ports of node I: p2p BASE+10*I, rpc +1, abci +2, grpc +3; all on 127.0.0.1.
#
# Only processes recorded in DIR/pids whose command line names DIR are ever signalled.

OL_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
OL_REPO_ROOT="$(cd "$OL_SCRIPTS/.." && pwd -P)"
# shellcheck disable=SC2034 # used by the scripts that source this file
OL_DEFAULT_DIR="$OL_REPO_ROOT/.localnet"

ol_log() { echo "localnet: $*" >&2; }
ol_die() {
  echo "localnet: error: $*" >&2
  exit 1
}

# Absolute physical path of a directory, creating it.
ol_abs_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd -P)
}

# Absolute physical path of an existing directory, or empty.
ol_existing_dir() {
  if [ -d "$1" ]; then (cd "$1" && pwd -P); fi
}

ol_is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# ---------------------------------------------------------------- processes

# True when PID is alive (not a zombie) and its command line mentions DIR.
ol_pid_is_ours() {
  local pid="$1" dir="$2" args
  ol_is_uint "$pid" || return 1
  args="$(ps -o args= -p "$pid" 2>/dev/null || true)"
  [ -n "$args" ] && [[ "$args" == *"$dir"* ]] && [[ "$args" != *"<defunct>"* ]]
}

# Recorded pids of DIR (all, or those of node I when given).
ol_recorded_pids() {
  local dir="$1" idx="${2:-}" label pid
  [ -f "$dir/pids" ] || return 0
  while read -r label pid; do
    [ -n "${pid:-}" ] || continue
    if [ -z "$idx" ] || [[ "$label" == "node$idx/"* ]]; then echo "$pid"; fi
  done <"$dir/pids"
}

ol_record_pid() { echo "$2 $3" >>"$1/pids"; }

# Drop the lines of node I from DIR/pids.
ol_forget_node() {
  local dir="$1" idx="$2" tmp label pid
  [ -f "$dir/pids" ] || return 0
  tmp="$dir/pids.tmp"
  : >"$tmp"
  while read -r label pid; do
    [ -n "${pid:-}" ] || continue
    [[ "$label" == "node$idx/"* ]] || echo "$label $pid" >>"$tmp"
  done <"$dir/pids"
  mv "$tmp" "$dir/pids"
}

# Any of the given pids still ours (alive)?
ol_any_alive() {
  local dir="$1" pid
  shift
  for pid in "$@"; do
    if ol_pid_is_ours "$pid" "$dir"; then return 0; fi
  done
  return 1
}

# Wait (bounded, SECONDS_MAX) until none of the pids is alive.
ol_wait_dead() {
  local dir="$1" secs="$2" tries
  shift 2
  tries=$((secs * 10))
  while ol_any_alive "$dir" "$@"; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.1
  done
}

# ol_stop_pids DIR MODE PID...: MODE "term" (TERM, bounded wait, then KILL) or "kill" (KILL at once).
ol_stop_pids() {
  local dir="$1" mode="$2" pid ours=()
  shift 2
  for pid in "$@"; do
    if ol_pid_is_ours "$pid" "$dir"; then ours+=("$pid"); fi
  done
  [ "${#ours[@]}" -gt 0 ] || return 0
  if [ "$mode" = term ]; then
    kill -TERM "${ours[@]}" 2>/dev/null || true
    if ol_wait_dead "$dir" 10 "${ours[@]}"; then return 0; fi
    ol_log "processes still alive after TERM, sending KILL"
  fi
  for pid in "${ours[@]}"; do
    if ol_pid_is_ours "$pid" "$dir"; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
  ol_wait_dead "$dir" 5 "${ours[@]}" || ol_log "warning: some processes of $dir did not exit"
}

# Start a command detached (own session, immune to SIGHUP), print its pid.
# ol_spawn LOG CMD ARGS...
ol_spawn() {
  local log="$1" pidfile tries=50
  shift
  pidfile="$(mktemp "${TMPDIR:-/tmp}/ol-spawn.XXXXXX")"
  rm -f "$pidfile"
  # The inner shell writes its own pid and then execs the command, so the pid is the command's.
  # shellcheck disable=SC2016
  if command -v setsid >/dev/null 2>&1; then
    setsid nohup bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" >>"$log" 2>&1 </dev/null &
  else
    nohup bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" >>"$log" 2>&1 </dev/null &
  fi
  while [ ! -s "$pidfile" ]; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || ol_die "could not start $1 (see $log)"
    sleep 0.1
  done
  cat "$pidfile"
  rm -f "$pidfile"
}

# ---------------------------------------------------------------- ports and RPC

# True when something listens on PORT on loopback or any address (IPv4 or IPv6).
ol_port_listening() {
  local port="$1" hex f
  if [ -r /proc/net/tcp ]; then
    hex="$(printf '%04X' "$port")"
    for f in /proc/net/tcp /proc/net/tcp6; do
      [ -r "$f" ] || continue
      if grep -Eq "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ 0A " "$f"; then return 0; fi
    done
    return 1
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# Latest block height reported by the RPC at PORT, or empty.
ol_height() {
  local port="$1" out
  if command -v curl >/dev/null 2>&1; then
    out="$(curl -s -m 2 "http://127.0.0.1:$port/status" 2>/dev/null || true)"
  else
    out="$("$OPENLEDGER" status --node "http://127.0.0.1:$port" --output json 2>/dev/null || true)"
  fi
  [ -n "$out" ] || return 0
  printf '%s' "$out" | python3 -c '
import json, sys
try:
    v = json.load(sys.stdin)
    v = v.get("result", v)
    print(int(v["sync_info"]["latest_block_height"]))
except Exception:
    pass
' 2>/dev/null || true
}

# ---------------------------------------------------------------- config

# ol_edit_toml FILE SECTION.KEY=TOML_VALUE... (top-level keys have no section)
ol_edit_toml() {
  python3 - "$@" <<'PY'
import re, sys
path, edits = sys.argv[1], sys.argv[2:]
want = {}
for e in edits:
    k, v = e.split("=", 1)
    sec, _, key = k.rpartition(".")
    want[(sec, key)] = v
with open(path) as f:
    lines = f.read().split("\n")
sec, seen = "", set()
for n, line in enumerate(lines):
    m = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
    if m:
        sec = m.group(1).strip()
        continue
    m = re.match(r"^(\s*)([A-Za-z0-9_-]+)\s*=", line)
    if m and (sec, m.group(2)) in want:
        lines[n] = "%s%s = %s" % (m.group(1), m.group(2), want[(sec, m.group(2))])
        seen.add((sec, m.group(2)))
missing = sorted(set(want) - seen)
if missing:
    sys.exit("keys not found in %s: %s" % (path, missing))
with open(path, "w") as f:
    f.write("\n".join(lines))
PY
}

# Write DIR/node<I>/node.env for node I (ports from BASE_PORT). ol_write_node_env DIR I BASE VALIDATOR
ol_write_node_env() {
  local dir="$1" idx="$2" base="$3" validator="$4" p2p
  p2p=$((base + 10 * idx))
  {
    printf 'NODE_INDEX=%q\n' "$idx"
    printf 'NODE_HOME=%q\n' "$dir/node$idx"
    printf 'APP_HOME=%q\n' "$dir/node$idx/app"
    printf 'P2P_PORT=%q\n' "$p2p"
    printf 'RPC_PORT=%q\n' "$((p2p + 1))"
    printf 'ABCI_PORT=%q\n' "$((p2p + 2))"
    printf 'GRPC_PORT=%q\n' "$((p2p + 3))"
    printf 'REST_PORT=%q\n' "$((p2p + 4))"
    printf 'VALIDATOR=%q\n' "$validator"
  } >"$dir/node$idx/node.env"
}

ol_load_node_env() {
  local dir="$1" idx="$2"
  [ -f "$dir/node$idx/node.env" ] || ol_die "no node $idx in $dir"
  # shellcheck disable=SC1090,SC1091
  . "$dir/node$idx/node.env"
}

# cometbft init + config.toml edits for node I. ol_configure_node DIR I PERSISTENT_PEERS
ol_configure_node() {
  local dir="$1" idx="$2" peers="$3"
  ol_load_node_env "$dir" "$idx"
  "$COMETBFT" init --home "$NODE_HOME" >/dev/null 2>&1 || ol_die "cometbft init --home $NODE_HOME failed"
  mkdir -p "$APP_HOME"
  ol_edit_toml "$NODE_HOME/config/config.toml" \
    "moniker=\"node$idx\"" \
    "proxy_app=\"tcp://127.0.0.1:$ABCI_PORT\"" \
    "log_level=\"info\"" \
    "rpc.laddr=\"tcp://127.0.0.1:$RPC_PORT\"" \
    "rpc.grpc_laddr=\"\"" \
    "rpc.pprof_laddr=\"\"" \
    "rpc.max_body_bytes=16000000" \
    "p2p.laddr=\"tcp://127.0.0.1:$P2P_PORT\"" \
    "p2p.persistent_peers=\"$peers\"" \
    "p2p.addr_book_strict=false" \
    "p2p.allow_duplicate_ip=true" \
    "mempool.size=10000" \
    "mempool.max_txs_bytes=1073741824" \
    "mempool.max_tx_bytes=4194304" \
    "mempool.cache_size=20000" \
    "consensus.timeout_propose=\"1s\"" \
    "consensus.timeout_commit=\"500ms\"" \
    "consensus.create_empty_blocks=true" \
    "tx_index.indexer=\"kv\"" \
    "instrumentation.prometheus=false" ||
    ol_die "editing $NODE_HOME/config/config.toml failed"
}

ol_node_id() {
  "$COMETBFT" show-node-id --home "$1/node$2"
}

# ---------------------------------------------------------------- node processes

ol_node_running() {
  local dir="$1" idx="$2" pids
  mapfile -t pids < <(ol_recorded_pids "$dir" "$idx")
  [ "${#pids[@]}" -gt 0 ] && ol_any_alive "$dir" "${pids[@]}"
}

ol_tail_logs() {
  local dir="$1" f
  for f in "$dir"/node*/app.log "$dir"/node*/cometbft.log; do
    [ -f "$f" ] || continue
    echo "----- tail of $f" >&2
    tail -n 30 "$f" >&2
  done
}

ol_start_app() {
  local dir="$1" idx="$2" pid
  ol_load_node_env "$dir" "$idx"
  mkdir -p "$APP_HOME"
  pid="$(ol_spawn "$NODE_HOME/app.log" "$OPENLEDGERD" start --home "$APP_HOME" \
    --abci-addr "127.0.0.1:$ABCI_PORT" --grpc-addr "127.0.0.1:$GRPC_PORT" \
    --rest-addr "127.0.0.1:$REST_PORT" --cometbft-rpc "http://127.0.0.1:$RPC_PORT")"
  ol_record_pid "$dir" "node$idx/app" "$pid"
}

# Wait (bounded) for node I's app to listen on its ABCI port, then start its cometbft.
ol_start_cometbft() {
  local dir="$1" idx="$2" pid app_pid tries=300
  ol_load_node_env "$dir" "$idx"
  app_pid="$(grep "^node$idx/app " "$dir/pids" | tail -n 1 | cut -d' ' -f2)"
  until ol_port_listening "$ABCI_PORT"; do
    if ! ol_pid_is_ours "$app_pid" "$dir"; then
      tail -n 40 "$NODE_HOME/app.log" >&2 || true
      ol_die "openledgerd of node $idx exited (log: $NODE_HOME/app.log)"
    fi
    tries=$((tries - 1))
    if [ "$tries" -le 0 ]; then
      tail -n 40 "$NODE_HOME/app.log" >&2 || true
      ol_die "openledgerd of node $idx does not listen on 127.0.0.1:$ABCI_PORT after 30 s"
    fi
    sleep 0.1
  done
  pid="$(ol_spawn "$NODE_HOME/cometbft.log" "$COMETBFT" start --home "$NODE_HOME")"
  ol_record_pid "$dir" "node$idx/cometbft" "$pid"
}

ol_start_node() {
  local dir="$1" idx="$2"
  if ol_node_running "$dir" "$idx"; then ol_die "node $idx of $dir is already running"; fi
  ol_forget_node "$dir" "$idx"
  ol_start_app "$dir" "$idx"
  ol_start_cometbft "$dir" "$idx"
}

# ol_stop_node DIR I MODE (term|kill)
ol_stop_node() {
  local dir="$1" idx="$2" mode="$3" pids
  mapfile -t pids < <(ol_recorded_pids "$dir" "$idx")
  if [ "${#pids[@]}" -gt 0 ]; then ol_stop_pids "$dir" "$mode" "${pids[@]}"; fi
  ol_forget_node "$dir" "$idx"
}

ol_stop_all() {
  local dir="$1" pids
  mapfile -t pids < <(ol_recorded_pids "$dir")
  if [ "${#pids[@]}" -gt 0 ]; then ol_stop_pids "$dir" term "${pids[@]}"; fi
  rm -f "$dir/pids"
}

# Wait (bounded) until node I reports height >= H. ol_wait_height DIR I H SECONDS
ol_wait_height() {
  local dir="$1" idx="$2" want="$3" secs="$4" h deadline
  ol_load_node_env "$dir" "$idx"
  deadline=$((SECONDS + secs))
  while :; do
    h="$(ol_height "$RPC_PORT")"
    if [ -n "$h" ] && [ "$h" -ge "$want" ]; then return 0; fi
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# A directory start.sh/reset.sh may wipe: empty, or one a localnet made.
ol_wipeable() {
  local dir="$1"
  [ -d "$dir" ] || return 0
  if [ "$dir" = "/" ] || [ "$dir" = "$HOME" ] || [ "$dir" = "$OL_REPO_ROOT" ]; then return 1; fi
  [ -z "$(ls -A "$dir")" ] || [ -f "$dir/env" ] || [ -f "$dir/pids" ] || [ -d "$dir/node0" ]
}

ol_load_env() {
  local dir="$1"
  [ -f "$dir/env" ] || ol_die "$dir is not a localnet (no $dir/env)"
  # shellcheck disable=SC1090,SC1091
  . "$dir/env"
}
