#!/usr/bin/env bash
# Backfill benchmark: the same generated users table copied from MariaDB into
# an empty PostgreSQL table by
#   (a) switchyard-cli backfill        (locking mode, the default)
#   (b) pgloader, with its defaults    (Debian's package)
#   (c) mariadb --quick --batch | psql \copy   (the practical limit: no
#       conversion, no checks, no resumability)
# alternating a → b → c in every round so machine noise hits all three alike.
# Prints each run, then the median rows/s, the ratios and the peak RSS.
#
#   bench/backfill-bench.sh [--rows N] [--runs R] [--tools a,b,c] [--keep-sandbox]
#
# --tools picks some of switchyard,pgloader,pipe (default: all three), e.g.
# `--rows 5000000 --runs 1 --tools switchyard` to check memory stays flat.
#
# It runs its own sandbox (ports 53370/55470, data under a temporary folder)
# and stops it at the end. Not a test: the figures go to docs/performance.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

rows=1000000
runs=3
keep=0
tools=switchyard,pgloader,pipe
while (($#)); do
    case $1 in
    --rows) rows=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --tools) tools=$2; shift 2 ;;
    --keep-sandbox) keep=1; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) sy_die "unknown option $1" ;;
    esac
done

cli=${SWITCHYARD_CLI:-build/app/switchyard-cli}
[[ -x $cli ]] || sy_die "$cli not built: run scripts/setup first"
command -v pgloader >/dev/null || sy_die "pgloader is not installed (apt-get install pgloader)"
[[ -x /usr/bin/time ]] || sy_die "/usr/bin/time is not installed (apt-get install time)"

bench_sandbox switchyard-bench 53370 55470
mypass=$(cat "$SWITCHYARD_SANDBOX_DIR/mariadb.password")
pgpass=$(cat "$SWITCHYARD_SANDBOX_DIR/postgresql.password")

# --- The source table: ~300 bytes a row, the types a real users table has.
sy_log "generating $rows rows in MariaDB..."
t0=$(sy_now)
bench_users_table bench "$rows"
avg=$(my -N bench -e "SELECT ROUND(AVG_ROW_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA='bench' AND TABLE_NAME='users'")
sy_log "generated in $(sy_elapsed "$t0"), average row ${avg} bytes on disk"

plan=$(bench_plan bench)
pg -d switchyard -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"

results=$SWITCHYARD_SANDBOX_DIR/results.tsv
: >"$results"
record() { # tool seconds rss_kb
    local rate
    rate=$(awk -v r="$rows" -v s="$2" 'BEGIN { printf "%d", r / s }')
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$rate" "$3" >>"$results"
    printf '  %-10s %8.2f s  %9d rows/s  peak RSS %6d MB\n' "$1" "$2" "$rate" $(($3 / 1024))
}
timed() { # label command...: runs it under /usr/bin/time, records seconds and RSS
    local label=$1
    shift
    local tf
    tf=$(mktemp)
    /usr/bin/time -f '%e %M' -o "$tf" "$@" >/dev/null 2>"$SWITCHYARD_SANDBOX_DIR/$label.log" ||
        { cat "$SWITCHYARD_SANDBOX_DIR/$label.log" >&2; sy_die "$label failed"; }
    read -r secs rss <"$tf"
    rm -f "$tf"
    record "$label" "$secs" "$rss"
}
fresh_target() { # an empty target table with the same DDL for (a) and (c)
    pg -d bench -c "DROP SCHEMA IF EXISTS bench CASCADE" -c "DROP TABLE IF EXISTS public.users"
    "$cli" schema apply "$plan" >/dev/null
    rm -f "$SWITCHYARD_SANDBOX_DIR"/bench-control.sqlite*
}
check_count() {
    local n
    n=$(pg -d bench -At -c "SELECT count(*) FROM $1")
    [[ $n == "$rows" ]] || sy_die "$2 copied $n rows, expected $rows"
}

pipe_copy() {
    mariadb --defaults-extra-file="$SWITCHYARD_MYCNF" --quick --batch --skip-column-names \
        --default-character-set=utf8mb4 \
        --init-command="SET time_zone='+00:00'" bench -e \
        "SELECT id, email, name, status, is_admin, balance, score, prefs,
                CONCAT('\\\\x', HEX(avatar_hash)), created_at, updated_at FROM users" |
        PGTZ=UTC psql -X -q -h 127.0.0.1 -p "$SWITCHYARD_PG_PORT" -U switchyard -d bench \
            -c "\\copy public.users (id, email, name, status, is_admin, balance, score, prefs, avatar_hash, created_at, updated_at) FROM STDIN WITH (NULL 'NULL')"
}

uses() { [[ ",$tools," == *",$1,"* ]]; }
for ((round = 1; round <= runs; round++)); do
    sy_log "round $round of $runs"
    if uses switchyard; then
        fresh_target
        timed switchyard "$cli" backfill "$plan"
        check_count public.users switchyard
    fi
    if uses pgloader; then
        pg -d bench -c "DROP TABLE IF EXISTS public.users" -c "DROP SCHEMA IF EXISTS bench CASCADE"
        timed pgloader pgloader --no-ssl-cert-verification \
            "mysql://switchyard:${mypass}@127.0.0.1:${SWITCHYARD_MYSQL_PORT}/bench" \
            "pgsql://switchyard:${pgpass}@127.0.0.1:${SWITCHYARD_PG_PORT}/bench"
        check_count bench.users pgloader
    fi
    if uses pipe; then
        fresh_target
        timed pipe bash -c "$(declare -f pipe_copy); pipe_copy"
        check_count public.users pipe
    fi
done

echo
echo "Median of $runs runs, $rows rows (~${avg} bytes/row on disk), servers on loopback:"
median() { awk -F'\t' -v t="$1" -v c="$2" '$1 == t { print $c }' "$results" | sort -n |
    awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
maxrss() { awk -F'\t' -v t="$1" '$1 == t && $4 > m { m = $4 } END { print int(m / 1024) }' "$results"; }
line() { printf '  %-22s %9d rows/s   peak RSS %5d MB\n' "$1" "$(median "$2" 3)" "$(maxrss "$2")"; }
uses switchyard && line "switchyard-cli backfill" switchyard
uses pgloader && line "pgloader (defaults)" pgloader
uses pipe && line "mariadb | psql \\copy" pipe
if uses switchyard && uses pgloader && uses pipe; then
    awk -v a="$(median switchyard 3)" -v b="$(median pgloader 3)" -v c="$(median pipe 3)" 'BEGIN {
        printf "  switchyard / pgloader = %.2fx (target >= 2x)\n", a / b
        printf "  switchyard / pipe     = %.0f%% (target >= 80%%)\n", 100 * a / c }'
fi
