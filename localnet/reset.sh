#!/usr/bin/env bash
# Stops a localnet (recorded pids only) and deletes its directory.
#
#   localnet/reset.sh [-d DIR]     (default DIR: <repo>/.localnet)
set -euo pipefail
# shellcheck source=localnet/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$OL_DEFAULT_DIR"
while getopts "d:h" opt; do
  case "$opt" in
    d) DIR="$OPTARG" ;;
    h)
      sed -n '2,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
      exit 0
      ;;
    *) exit 2 ;;
  esac
done
ABS="$(ol_existing_dir "$DIR")"
if [ -z "$ABS" ]; then
  ol_log "nothing to reset: $DIR does not exist"
  exit 0
fi
"$OL_SCRIPTS/stop.sh" -d "$ABS"
ol_wipeable "$ABS" || ol_die "$ABS does not look like a localnet directory; not deleting it"
rm -rf "$ABS"
ol_log "deleted $ABS"
