#!/usr/bin/env bash
# GUI responsiveness benchmark: the cockpit (MainWindow with the charts,
# mismatch drill-down and audit log docks), offscreen, on a sandbox run while
# a throttled backfill, a validation loop and `switchyard-cli workload` run,
# with a script clicking around the panels. A 10 ms heartbeat on the GUI
# thread measures how long the event loop is blocked; prints p50 / p99 / max
# and fails when p99 >= 50 ms or max >= 200 ms (the targets).
#
#   bench/gui-responsiveness.sh [--seconds S] [--rows N] [--runs R] [--keep-sandbox]
#
# Defaults: 60 s measured per run, 120 000 users rows, 3 runs. Uses the
# tst_responsiveness executable of the build in $SWITCHYARD_BUILD_DIR
# (default build/). It runs its own sandbox (ports 53371/55471, data under a
# temporary folder) and stops it at the end. The figures go to
# docs/performance.md ("GUI responsiveness").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

seconds=60
rows=120000
runs=3
keep=0
while (($#)); do
    case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --keep-sandbox) keep=1; shift ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) sy_die "unknown option $1" ;;
    esac
done

build=${SWITCHYARD_BUILD_DIR:-build}
exe=$build/tests/gui/tst_responsiveness
cli=$build/app/switchyard-cli
[[ -x $exe && -x $cli ]] || sy_die "$exe or $cli not built: cmake --build $build --target tst_responsiveness switchyard-cli"

export SWITCHYARD_SANDBOX_DIR=${SWITCHYARD_SANDBOX_DIR:-$(mktemp -d /tmp/switchyard-guibench.XXXXXX)}
export SWITCHYARD_SANDBOX_MYSQL_PORT=${SWITCHYARD_SANDBOX_MYSQL_PORT:-53371}
export SWITCHYARD_SANDBOX_PG_PORT=${SWITCHYARD_SANDBOX_PG_PORT:-55471}
cleanup() { ((keep)) || scripts/sandbox stop --purge >/dev/null 2>&1 || true; }
trap cleanup EXIT
scripts/sandbox start
eval "$(scripts/sandbox env)"

export QT_QPA_PLATFORM=offscreen SWITCHYARD_SOURCE_DIR=$PWD SWITCHYARD_CLI=$cli SWITCHYARD_REQUIRE_SANDBOX=1
export SWITCHYARD_RESPONSIVENESS_SECONDS=$seconds SWITCHYARD_RESPONSIVENESS_ROWS=$rows SWITCHYARD_RESPONSIVENESS_STRICT=1
status=0
for ((run = 1; run <= runs; run++)); do
    sy_log "run $run of $runs: ${seconds}s measured, $rows users rows"
    out=$("$exe" -o -,txt 2>&1) || status=1
    grep -oE '(GUI responsiveness over|GUI thread busy|slow event).*' <<<"$out" || { printf '%s\n' "$out" | tail -30; status=1; }
    grep -E '^FAIL' -A2 <<<"$out" || true
done
sy_log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
