#!/usr/bin/env bash
# Starts, stops or adds one node of an existing localnet (made by start.sh).
#
#   localnet/node.sh start    -d DIR -i I   start node I's openledgerd, then its cometbft
#   localnet/node.sh stop     -d DIR -i I   stop node I (TERM, bounded wait, then KILL)
#   localnet/node.sh kill     -d DIR -i I   kill -9 node I's app and cometbft (a crash)
#   localnet/node.sh add-full -d DIR        add and start a non-validator full node that
#                                           syncs from node0 by block replay; prints its index
# -d defaults to <repo>/.localnet. Pids go to DIR/pids, so stop.sh stops restarted nodes too.
set -euo pipefail
# shellcheck source=localnet/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

[ "$#" -ge 1 ] || usage 2
CMD="$1"
shift
case "$CMD" in
  start | stop | kill | add-full) ;;
  -h | --help | help) usage 0 ;;
  *) usage 2 ;;
esac
DIR="$OL_DEFAULT_DIR"
IDX=""
while getopts "d:i:h" opt; do
  case "$opt" in
    d) DIR="$OPTARG" ;;
    i) IDX="$OPTARG" ;;
    h) usage 0 ;;
    *) usage 2 ;;
  esac
done
ABS="$(ol_existing_dir "$DIR")"
[ -n "$ABS" ] || ol_die "no localnet in $DIR"
DIR="$ABS"
ol_load_env "$DIR"
export OPENLEDGERD OPENLEDGER COMETBFT

need_idx() {
  ol_is_uint "$IDX" || ol_die "$CMD needs -i NODE_INDEX"
  [ -f "$DIR/node$IDX/node.env" ] || ol_die "no node $IDX in $DIR"
}

case "$CMD" in
  start)
    need_idx
    ol_start_node "$DIR" "$IDX"
    ol_log "started node $IDX of $DIR"
    ;;
  stop)
    need_idx
    ol_stop_node "$DIR" "$IDX" term
    ol_log "stopped node $IDX of $DIR"
    ;;
  kill)
    need_idx
    ol_stop_node "$DIR" "$IDX" kill
    ol_log "killed node $IDX of $DIR"
    ;;
  add-full)
    n=0
    while [ -d "$DIR/node$n" ]; do n=$((n + 1)); done
    p2p=$((BASE_PORT + 10 * n))
    [ $((p2p + 9)) -le 65535 ] || ol_die "no ports left for node $n"
    for ((p = p2p; p < p2p + 10; p++)); do
      if ol_port_listening "$p"; then ol_die "port $p for node $n is already in use"; fi
    done
    mkdir -p "$DIR/node$n"
    ol_write_node_env "$DIR" "$n" "$BASE_PORT" 0
    peer="$(ol_node_id "$DIR" 0)@127.0.0.1:$BASE_PORT"
    ol_configure_node "$DIR" "$n" "$peer"
    cp "$DIR/genesis.json" "$DIR/node$n/config/genesis.json"
    ol_start_node "$DIR" "$n"
    ol_log "started full node $n of $DIR (rpc http://127.0.0.1:$((p2p + 1)), peer node0)"
    echo "$n"
    ;;
esac
