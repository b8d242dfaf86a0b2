#!/usr/bin/env bash
# tst_demo: scripts/demo --no-gui end to end, on a private sandbox (its own
# directory and a free port pair), with a small data set.
#
#   tests/installer/test-demo.sh SOURCE_DIR BUILD_DIR
#
# Runs, each step checked:
#  1. a first demo (2,000 users, 5 s of workload): the sample shop on MariaDB
#     (the row counts the generator promises, the completion mark, every
#     column type), the schema on PostgreSQL, the demo plan (sandbox ports,
#     SQLite control store beside it, `plan check` passes), and a workload
#     that ran: inserts, updates and reads, no errors;
#  2. the generated data copies and validates clean with the demo plan
#     (backfill, then validate --mode full): every type round-trips;
#  3. a rerun reuses the load and keeps PostgreSQL's rows;
#  4. stale state is repaired: a load whose completion mark is missing is
#     regenerated, PostgreSQL's shop and the control store are recreated with
#     it, and a workload left running by a killed demo is stopped;
#  5. `scripts/sandbox stop --purge` removes the demo directory too.
# SWITCHYARD_REQUIRE_SANDBOX=1 is not needed: this test starts its own servers.
# shellcheck disable=SC2015 # `check && pass || fail`: pass never fails
set -euo pipefail

src=$(cd "${1:?usage: test-demo.sh SOURCE_DIR BUILD_DIR}" && pwd -P)
build=$(cd "${2:?usage: test-demo.sh SOURCE_DIR BUILD_DIR}" && pwd -P)
cd "$src"

failures=0
pass() { printf 'PASS   %s\n' "$*"; }
fail() {
    printf 'FAIL!  %s\n' "$*"
    failures=$((failures + 1))
}
die() {
    printf 'FAIL!  %s\n' "$*"
    exit 1
}

for tool in mariadb psql /usr/sbin/mariadbd /usr/lib/postgresql/15/bin/postgres; do
    command -v "$tool" >/dev/null || die "$tool is missing: run scripts/setup"
done

# A private sandbox on the first free port pair from 53390/55490 up.
port_busy() { [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]; }
for ((k = 0; k < 40; k++)); do
    port_busy $((53390 + k)) || port_busy $((55490 + k)) || break
done
((k < 40)) || die "no free port pair in 53390-53429 / 55490-55529"
SWITCHYARD_SANDBOX_DIR=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-demo-test.XXXXXX")
export SWITCHYARD_SANDBOX_DIR SWITCHYARD_SANDBOX_MYSQL_PORT=$((53390 + k)) SWITCHYARD_SANDBOX_PG_PORT=$((55490 + k))
stray_pid=
cleanup() {
    [[ -z $stray_pid ]] || kill -KILL "$stray_pid" 2>/dev/null || true
    scripts/sandbox stop --purge >/dev/null 2>&1 || printf 'warning: could not purge %s\n' "$SWITCHYARD_SANDBOX_DIR"
    rm -rf -- "$SWITCHYARD_SANDBOX_DIR"
    rm -f -- "$SWITCHYARD_SANDBOX_DIR".run*.log
}
trap cleanup EXIT
demo_dir=$SWITCHYARD_SANDBOX_DIR/demo
plan=$demo_dir/users-dual-write.yaml
cli=$build/app/switchyard-cli

demo() {
    local log=$1
    shift
    local t0 rc=0
    t0=$(date +%s%N)
    scripts/demo --no-setup --build-dir "$build" --no-gui --rows 2000 "$@" >"$log" 2>&1 || rc=$?
    printf '       scripts/demo %s: exit %d in %.1f s\n' "$*" "$rc" "$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { print (b - a) / 1e9 }')"
    if ((rc != 0)); then
        sed 's/^/       | /' "$log"
        return 1
    fi
}

# --- 1. a first demo ---------------------------------------------------------------

demo "$SWITCHYARD_SANDBOX_DIR.run1.log" --duration 5 || die "the first scripts/demo run failed (output above)"
eval "$(scripts/sandbox env)"
my() { mariadb --defaults-file="$SWITCHYARD_MYCNF" --default-character-set=utf8mb4 -N -B shop -e "$1"; }
pg() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SWITCHYARD_PG_PORT" -U switchyard shop -c "$1"; }

grep -q 'generating shop with 2000 users (first run)' "$SWITCHYARD_SANDBOX_DIR.run1.log" &&
    pass "first run generates the data" || fail "first run did not say it generates the data"
read -r orders items <<<"$(my 'SELECT (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM order_items)')"
[[ $orders == 3000 && $items == 6000 ]] && pass "MariaDB: 3000 orders, 6000 order items" ||
    fail "MariaDB: $orders orders and $items items, expected 3000 and 6000"
wrong_totals=$(my 'SELECT COUNT(*) FROM orders o LEFT JOIN (SELECT order_id, SUM(quantity * unit_price) AS s
                   FROM order_items GROUP BY order_id) t ON t.order_id = o.id WHERE NOT o.total <=> t.s')
[[ $wrong_totals == 0 ]] && pass "MariaDB: every order total is the sum of its lines" ||
    fail "MariaDB: $wrong_totals orders whose total is not the sum of their lines"
generated=$(my 'SELECT COUNT(*) FROM users WHERE id <= 2000')
[[ $generated == 2000 ]] && pass "MariaDB: the 2000 generated users" || fail "MariaDB: $generated generated users, expected 2000"
comment=$(my "SELECT table_comment FROM information_schema.tables WHERE table_schema='shop' AND table_name='users'")
[[ $comment == 'switchyard demo data v2, rows=2000' ]] && pass "MariaDB: completion mark '$comment'" ||
    fail "MariaDB: completion mark is '$comment'"
types=$(my "SELECT GROUP_CONCAT(DISTINCT data_type ORDER BY data_type) FROM information_schema.columns
            WHERE table_schema = 'shop' AND table_name = 'users'")
want=bigint,blob,char,date,datetime,decimal,double,enum,float,int,longtext,set,smallint,text,time,timestamp,tinyint,varbinary,varchar,year
[[ $types == "$want" ]] && pass "users has every common type: $types" || fail "users column types are $types, expected $want"
nulls=$(my "SELECT SUM(score IS NULL) > 0 AND SUM(prefs IS NULL) > 0 AND SUM(bio IS NULL) > 0 AND SUM(avatar IS NULL) > 0
                   AND SUM(name LIKE '%🚀%') > 0 AND SUM(name LIKE '%李%') > 0 FROM users")
[[ $nulls == 1 ]] && pass "users holds NULLs, emoji and CJK text" || fail "users lacks NULLs or non-ASCII text"
fks=$(my "SELECT COUNT(*) FROM information_schema.referential_constraints WHERE constraint_schema = 'shop'")
[[ $fks == 2 ]] && pass "orders and order_items have their foreign keys" || fail "$fks foreign keys in shop, expected 2"

[[ $(pg "SELECT count(*) FROM information_schema.columns WHERE table_schema='public' AND table_name='users'") == 22 ]] &&
    pass "PostgreSQL: shop.public.users with 22 columns" || fail "PostgreSQL: shop.public.users missing or wrong"

[[ -f $plan ]] && grep -qx "  port: $SWITCHYARD_SANDBOX_MYSQL_PORT" "$plan" && grep -qx "  port: $SWITCHYARD_SANDBOX_PG_PORT" "$plan" &&
    grep -qx '  sqlite: control-store.sqlite' "$plan" &&
    pass "demo plan points at the sandbox ports, control store beside it" || fail "demo plan $plan wrong or missing"
"$cli" plan check "$plan" >/dev/null 2>&1 && pass "switchyard-cli plan check passes on the demo plan" ||
    fail "switchyard-cli plan check fails on $plan"

total=$(grep '^total' "$demo_dir/workload.log" | tail -n1)
if [[ $total =~ insert\ ([0-9]+)\ +update\ ([0-9]+)\ +delete\ ([0-9]+)\ +read\ ([0-9]+) ]] &&
    ((BASH_REMATCH[1] > 0 && BASH_REMATCH[2] > 0 && BASH_REMATCH[4] > 0)) && [[ $total != *errors* ]]; then
    pass "workload ran: $total"
else
    fail "workload log has no clean totals: ${total:-none} (see $demo_dir/workload.log)"
fi
[[ ! -e $demo_dir/workload.pid ]] && pass "the workload is stopped and its pid file gone" || fail "$demo_dir/workload.pid left behind"

# --- 2. the generated data copies and validates clean -----------------------------------

if out=$("$cli" backfill "$plan" 2>&1) && out2=$("$cli" validate "$plan" --mode full 2>&1); then
    pass "backfill + validate --mode full: $(grep -m1 'PASS' <<<"$out2")"
else
    printf '%s\n%s\n' "$out" "${out2:-}" | sed 's/^/       | /'
    fail "the demo data does not copy and validate clean (above)"
fi
copied=$(pg 'SELECT count(*) FROM users')

# --- 3. a rerun reuses everything ---------------------------------------------------------

demo "$SWITCHYARD_SANDBOX_DIR.run2.log" --no-workload || die "the second scripts/demo run failed (output above)"
grep -q 'reusing shop with 2000 generated users' "$SWITCHYARD_SANDBOX_DIR.run2.log" && pass "rerun reuses the load" ||
    fail "rerun did not reuse the load"
[[ $(pg 'SELECT count(*) FROM users') == "$copied" && $copied -ge 2000 ]] && pass "rerun keeps PostgreSQL's $copied copied rows" ||
    fail "rerun changed PostgreSQL's rows ($copied before)"
[[ -f $demo_dir/control-store.sqlite ]] && pass "rerun keeps the control store" || fail "rerun lost the control store"

# --- 4. stale state ------------------------------------------------------------------------

my "ALTER TABLE users COMMENT = 'loading'"   # as if a load had been killed half-way
"$cli" workload "$plan" --rate 5 >/dev/null 2>&1 &
stray_pid=$!
echo "$stray_pid" >"$demo_dir/workload.pid"   # as if a demo had been killed
sleep 1
demo "$SWITCHYARD_SANDBOX_DIR.run3.log" --no-workload || die "the third scripts/demo run failed (output above)"
grep -q 'did not finish' "$SWITCHYARD_SANDBOX_DIR.run3.log" && pass "a load without its completion mark is regenerated" ||
    fail "a half-loaded shop was not detected"
[[ $(my "SELECT table_comment FROM information_schema.tables WHERE table_schema='shop' AND table_name='users'") == 'switchyard demo data v2, rows=2000' ]] &&
    pass "the regenerated load is marked complete" || fail "the regenerated load has no completion mark"
[[ $(pg 'SELECT count(*) FROM users') == 0 ]] && pass "PostgreSQL's shop is recreated empty with the new source data" ||
    fail "PostgreSQL still holds rows copied from the old source data"
[[ ! -e $demo_dir/control-store.sqlite ]] && pass "the control store of the old data is gone" ||
    fail "the control store of the old data is still there"
grep -q 'stopping the workload an earlier demo left running' "$SWITCHYARD_SANDBOX_DIR.run3.log" &&
    ! kill -0 "$stray_pid" 2>/dev/null && pass "the workload a killed demo left running is stopped" ||
    fail "the leftover workload (pid $stray_pid) is still running or was not reported"
wait "$stray_pid" 2>/dev/null || true
stray_pid=

# --- 5. stop --purge removes the demo too ---------------------------------------------------

scripts/sandbox stop --purge >/dev/null 2>&1 || fail "scripts/sandbox stop --purge failed"
[[ ! -e $SWITCHYARD_SANDBOX_DIR ]] && pass "scripts/sandbox stop --purge removes the sandbox and the demo dir" ||
    fail "$SWITCHYARD_SANDBOX_DIR is still there after stop --purge: $(ls -A "$SWITCHYARD_SANDBOX_DIR")"

if ((failures)); then
    printf '%d check(s) failed\n' "$failures"
    exit 1
fi
printf 'all checks passed\n'
