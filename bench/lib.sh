# Shared by the benchmark scripts (sourced after scripts/lib.sh): their own
# sandbox, and the generated users table they measure.
# shellcheck shell=bash

# bench_sandbox DIR_PREFIX MYSQL_PORT PG_PORT: starts a sandbox in a fresh
# temporary folder on those ports (BENCH_SANDBOX_DIR / BENCH_MYSQL_PORT /
# BENCH_PG_PORT override), stops and deletes it on exit unless the caller's
# $keep is 1, and defines `my` and `pg` clients for it.
bench_sandbox() {
    export SWITCHYARD_SANDBOX_DIR=${BENCH_SANDBOX_DIR:-$(mktemp -d "/tmp/$1.XXXXXX")}
    export SWITCHYARD_SANDBOX_MYSQL_PORT=${BENCH_MYSQL_PORT:-$2}
    export SWITCHYARD_SANDBOX_PG_PORT=${BENCH_PG_PORT:-$3}
    trap '((${keep:-0})) || scripts/sandbox stop --purge >/dev/null 2>&1 || true' EXIT
    scripts/sandbox start
    eval "$(scripts/sandbox env)"
}
my() { mariadb --defaults-extra-file="$SWITCHYARD_MYCNF" "$@"; }
pg() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SWITCHYARD_PG_PORT" -U switchyard "$@"; }

# bench_users_table DATABASE ROWS: (re)creates DATABASE in MariaDB with a
# users table of ROWS rows, ~300 bytes a row, the types a real users table
# has (bigint unsigned key, unique e-mail, unicode names with emoji, enum,
# tinyint(1), decimal, double, JSON, varbinary, datetime(6), timestamp).
bench_users_table() {
    local db=$1 rows=$2
    my <<SQL
SET NAMES utf8mb4;
SET SESSION time_zone = '+00:00';
DROP DATABASE IF EXISTS \`$db\`;
CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE \`$db\`;
CREATE TABLE users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(100) NOT NULL,
  status ENUM('active','pending','suspended','closed') NOT NULL DEFAULT 'pending',
  is_admin TINYINT(1) NOT NULL DEFAULT 0,
  balance DECIMAL(12,2) NOT NULL DEFAULT 0,
  score DOUBLE NULL,
  prefs JSON NULL,
  avatar_hash VARBINARY(32) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY uq_email (email)
) ENGINE=InnoDB;
INSERT INTO users
SELECT seq,
       CONCAT('user', seq, '@example.com'),
       CONCAT(ELT(1 + seq % 5, 'Rocket', '李小龙', 'Zoë', 'Ólafur', 'Amélie'), ' ', seq,
              IF(seq % 7 = 0, ' 🚀', '')),
       ELT(1 + seq % 4, 'active', 'pending', 'suspended', 'closed'),
       seq % 50 = 0,
       (seq * 7919) % 1000000 / 100,
       IF(seq % 11 = 0, NULL, (seq * 0.6180339887) - FLOOR(seq * 0.6180339887)),
       JSON_OBJECT('theme', ELT(1 + seq % 3, 'dark', 'light', 'system'), 'lang',
                   ELT(1 + seq % 4, 'en', 'de', 'fr', 'ja'), 'newsletter', seq % 2 = 0,
                   'tags', JSON_ARRAY(CONCAT('cohort-', seq % 9), 'std')),
       UNHEX(SHA2(seq, 256)),
       TIMESTAMPADD(SECOND, seq * 37, '2021-01-01 00:00:00') + INTERVAL (seq % 1000000) MICROSECOND,
       TIMESTAMPADD(SECOND, seq * 41, '2021-01-01 00:00:00')
FROM seq_1_to_${rows};
ANALYZE TABLE users;
SQL
}

# bench_plan DATABASE: writes a one-phase plan over DATABASE's users table on
# both sides (locking consistency, the default; control store in the sandbox
# folder) to $SWITCHYARD_SANDBOX_DIR/DATABASE-plan.yaml and prints its path.
bench_plan() {
    local db=$1 file=$SWITCHYARD_SANDBOX_DIR/$1-plan.yaml
    cat >"$file" <<YAML
version: 1
migration: {name: $db, owner: bench}
source: {engine: mariadb, host: 127.0.0.1, port: $SWITCHYARD_MYSQL_PORT, user: switchyard, database: $db}
target: {engine: postgresql, host: 127.0.0.1, port: $SWITCHYARD_PG_PORT, user: switchyard, database: $db}
control_store: {sqlite: $SWITCHYARD_SANDBOX_DIR/$db-control.sqlite}
tables:
  - name: users
    consistency: locking
strategy: dual_write
phases:
  - {id: copy, title: Copy, flags: {write_target: on}}
YAML
    printf '%s\n' "$file"
}
