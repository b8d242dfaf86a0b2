#!/usr/bin/env bash
# Validation benchmark (issue 5): a generated users table (the demo shape,
# ~300 bytes a row) present on both sides, then per round
#   scan       a plain full scan of both sides, one after the other, every
#              column sent to the client and thrown away
#              (mariadb --quick | /dev/null, then psql COPY … TO STDOUT)
#   checksum   switchyard-cli validate --mode checksum on the clean table
#   locate     the same after one column of one row (in the middle of the
#              table) was changed on the target: the run must find exactly
#              that row; the row is put back afterwards
#   full       (--full) switchyard-cli validate --mode full, for context
# Prints each run, then the medians, the ratios against the targets
# (checksum >= 50 % of the scan's speed; locate < 1.3x a clean pass) and the
# peak RSS of switchyard-cli (/usr/bin/time).
#
#   bench/validate-bench.sh [--rows N] [--runs R] [--full] [--keep-sandbox]
#
# It runs its own sandbox (ports 53376/55476, data under a temporary folder;
# BENCH_MYSQL_PORT / BENCH_PG_PORT / BENCH_SANDBOX_DIR override) and stops it
# at the end. The target table is filled by switchyard-cli backfill. Not a
# test: the figures go to docs/performance.md, "Validation".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

rows=1000000
runs=3
keep=0
full=0
while (($#)); do
    case $1 in
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --full) full=1; shift ;;
    --keep-sandbox) keep=1; shift ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) sy_die "unknown option $1" ;;
    esac
done

cli=${SWITCHYARD_CLI:-build/app/switchyard-cli}
[[ -x $cli ]] || sy_die "$cli not built: run scripts/setup first (or set SWITCHYARD_CLI)"
[[ -x /usr/bin/time ]] || sy_die "/usr/bin/time is not installed (apt-get install time)"

bench_sandbox switchyard-vbench 53376 55476

sy_log "generating $rows rows in MariaDB..."
t0=$(sy_now)
bench_users_table vbench "$rows"
sy_log "generated in $(sy_elapsed "$t0")"

plan=$(bench_plan vbench)
pg -d switchyard -c "DROP DATABASE IF EXISTS vbench" -c "CREATE DATABASE vbench"
sy_log "copying to PostgreSQL (switchyard-cli backfill)..."
t0=$(sy_now)
"$cli" schema apply "$plan" >/dev/null
"$cli" backfill "$plan" >/dev/null
pg -d vbench -c "VACUUM ANALYZE public.users"
sy_log "copied in $(sy_elapsed "$t0")"
n=$(pg -d vbench -At -c "SELECT count(*) FROM public.users")
[[ $n == "$rows" ]] || sy_die "the target has $n rows, expected $rows"

results=$SWITCHYARD_SANDBOX_DIR/results.tsv
: >"$results"
record() { # label seconds rss_kb
    local rate
    rate=$(awk -v r="$rows" -v s="$2" 'BEGIN { printf "%d", r / s }')
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$rate" "$3" >>"$results"
    printf '  %-9s %8.2f s  %9d rows/s  peak RSS %6d MB\n' "$1" "$2" "$rate" $(($3 / 1024))
}
# Runs a command under /usr/bin/time -v; sets $secs and $rss (kB) and $rc.
measure() {
    local label=$1
    shift
    local tf=$SWITCHYARD_SANDBOX_DIR/$label.time
    set +e
    /usr/bin/time -v -o "$tf" "$@" >"$SWITCHYARD_SANDBOX_DIR/$label.out" 2>&1
    rc=$?
    set -e
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
                        for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tf")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tf")
}
scan_both() {
    mariadb --defaults-extra-file="$SWITCHYARD_MYCNF" --quick --batch --skip-column-names \
        --default-character-set=utf8mb4 vbench -e "SELECT * FROM users" >/dev/null
    psql -X -q -h 127.0.0.1 -p "$SWITCHYARD_PG_PORT" -U switchyard -d vbench \
        -c "COPY public.users TO STDOUT" >/dev/null
}
bad=$((rows / 2 + 17))
for ((round = 1; round <= runs; round++)); do
    sy_log "round $round of $runs"
    measure scan bash -c "$(declare -f scan_both); scan_both"
    ((rc == 0)) || sy_die "the plain scan failed (see $SWITCHYARD_SANDBOX_DIR/scan.out)"
    record scan "$secs" 0

    measure checksum "$cli" validate "$plan" --mode checksum
    ((rc == 0)) || { cat "$SWITCHYARD_SANDBOX_DIR/checksum.out" >&2; sy_die "the clean checksum pass did not pass"; }
    record checksum "$secs" "$rss"

    pg -d vbench -c "UPDATE public.users SET name = name || '!' WHERE id = $bad"
    measure locate "$cli" validate "$plan" --mode checksum
    ((rc == 1)) || { cat "$SWITCHYARD_SANDBOX_DIR/locate.out" >&2; sy_die "the corrupted row was not reported"; }
    record locate "$secs" "$rss"
    "$cli" mismatches "$plan" --status open >"$SWITCHYARD_SANDBOX_DIR/found.txt"
    grep -q "key \[$bad\]" "$SWITCHYARD_SANDBOX_DIR/found.txt" ||
        { cat "$SWITCHYARD_SANDBOX_DIR/found.txt" >&2; sy_die "the mismatch found is not row $bad"; }
    found=$(grep -c '^#' "$SWITCHYARD_SANDBOX_DIR/found.txt")
    ((found == 1)) || sy_die "expected exactly one open mismatch, found $found"
    "$cli" repair "$plan" --all-open >/dev/null

    if ((full)); then
        measure full "$cli" validate "$plan" --mode full
        ((rc == 0)) || { cat "$SWITCHYARD_SANDBOX_DIR/full.out" >&2; sy_die "the full pass did not pass"; }
        record full "$secs" "$rss"
    fi
done

median() { awk -F'\t' -v t="$1" -v c="$2" '$1 == t { print $c }' "$results" | sort -n |
    awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
maxrss() { awk -F'\t' -v t="$1" '$1 == t && $4 > m { m = $4 } END { print int(m / 1024) }' "$results"; }
echo
echo "Median of $runs runs, $rows rows, servers on loopback, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg):"
printf '  %-40s %8.2f s  %9d rows/s\n' "plain scan of both sides" "$(median scan 2)" "$(median scan 3)"
printf '  %-40s %8.2f s  %9d rows/s  peak RSS %d MB\n' "validate --mode checksum (clean)" \
    "$(median checksum 2)" "$(median checksum 3)" "$(maxrss checksum)"
printf '  %-40s %8.2f s  %9d rows/s  peak RSS %d MB\n' "validate --mode checksum (1 bad row)" \
    "$(median locate 2)" "$(median locate 3)" "$(maxrss locate)"
((full)) && printf '  %-40s %8.2f s  %9d rows/s  peak RSS %d MB\n' "validate --mode full (clean)" \
    "$(median full 2)" "$(median full 3)" "$(maxrss full)"
awk -v s="$(median scan 2)" -v c="$(median checksum 2)" -v l="$(median locate 2)" 'BEGIN {
    printf "  checksum speed / plain scan speed = %.0f%% (target >= 50%%)\n", 100 * s / c
    printf "  locate one bad row / clean pass   = %.2fx (target < 1.3x)\n", l / c }'
