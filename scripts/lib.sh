# shellcheck shell=bash
# Helpers shared by the scripts in scripts/. Source it; do not run it.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Messages go to stderr, prefixed with the calling script's name, so that the
# scripts' stdout stays clean for output meant for machines (`sandbox env`).

SY_SCRIPT_NAME=$(basename "$0")
# shellcheck disable=SC2034 # used by the scripts that source this file
SY_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# CI and `su -c` shells sometimes run without HOME; everything below needs it.
if [[ -z ${HOME:-} ]]; then
    HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
    export HOME
fi

sy_log() { printf '%s: %s\n' "$SY_SCRIPT_NAME" "$*" >&2; }
sy_warn() { printf '%s: warning: %s\n' "$SY_SCRIPT_NAME" "$*" >&2; }
sy_die() {
    printf '%s: error: %s\n' "$SY_SCRIPT_NAME" "$*" >&2
    exit 1
}

# Seconds since the epoch with milliseconds, for timings in messages.
sy_now() { date +%s.%N | cut -c1-14; }
sy_elapsed() { awk -v a="$1" -v b="$(sy_now)" 'BEGIN { printf "%.1fs", b - a }'; }

# True when $CI says this is a CI run (CI=true, CI=1, ...).
sy_is_ci() { [[ -n ${CI:-} && ${CI:-} != false && ${CI:-} != 0 ]]; }
