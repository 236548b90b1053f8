#!/usr/bin/env bash
# Stops a localnet: signals only the pids recorded in DIR/pids (TERM, then KILL after a
# bounded wait), then removes the pid file. Never kills by name.
#
#   localnet/stop.sh [-d DIR]      (default DIR: <repo>/.localnet)
set -euo pipefail
# shellcheck source=localnet/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$OL_DEFAULT_DIR"
while getopts "d:h" opt; do
  case "$opt" in
    d) DIR="$OPTARG" ;;
    h)
      sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
      exit 0
      ;;
    *) exit 2 ;;
  esac
done
ABS="$(ol_existing_dir "$DIR")"
if [ -z "$ABS" ] || [ ! -f "$ABS/pids" ]; then
  ol_log "nothing to stop in $DIR (no pid file)"
  exit 0
fi
ol_stop_all "$ABS"
ol_log "stopped the localnet in $ABS"
