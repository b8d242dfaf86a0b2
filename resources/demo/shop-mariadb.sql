-- Sample source database for the demo (scripts/demo): a small shop on MariaDB.
--
-- Expects the user variable @rows (the number of users) to be set first:
--   { echo 'SET @rows := 20000;'; cat resources/demo/shop-mariadb.sql; } | mariadb ...
--
-- Recreates the database `shop` from scratch. Rows are generated inside the
-- server (a recursive CTE feeding INSERT … SELECT: 200,000 users with their
-- orders load in seconds, no client round trips) from their number alone (no
-- RAND()), so every load gives the same data. The users table carries every
-- common MySQL type a migration has to get right: unsigned BIGINT key,
-- TINYINT/SMALLINT/INT, utf8mb4 VARCHAR/CHAR/TEXT with accents, CJK and
-- emoji, ENUM, SET, TINYINT(1) booleans, DECIMAL, FLOAT, DOUBLE, DATE,
-- DATETIME(6), TIMESTAMP, TIME, YEAR, JSON, VARBINARY and BLOB (with NUL
-- bytes), NULLs in every nullable column, a unique secondary index; orders and
-- order_items add foreign keys and a composite primary key.
--
-- The workload (switchyard-cli workload, app/cli/WorkloadCommand.cpp) inserts
-- users giving only email, name, status, is_admin, balance, score, prefs,
-- avatar_hash and created_at: every other column is nullable or has a default.
-- The users table's comment is written last; scripts/demo reads it to know
-- the load finished.

SET NAMES utf8mb4;
SET SESSION time_zone = '+00:00';
SET SESSION max_recursive_iterations = GREATEST(@rows + 10, 1000);
-- The generated rows satisfy the keys by construction: skip the per-row
-- checks while loading (session only; the constraints themselves stay).
SET SESSION foreign_key_checks = 0, unique_checks = 0;

DROP DATABASE IF EXISTS shop;
CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE shop;

CREATE TABLE users (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email       VARCHAR(255) NOT NULL,
    name        VARCHAR(100) CHARACTER SET utf8mb4 NOT NULL,
    status      ENUM('active', 'pending', 'suspended', 'closed') NOT NULL DEFAULT 'pending',
    is_admin    TINYINT(1) NOT NULL DEFAULT 0,
    balance     DECIMAL(12,2) NOT NULL DEFAULT 0.00,
    score       DOUBLE NULL,
    prefs       JSON NULL,
    avatar_hash VARBINARY(32) NULL,
    created_at  DATETIME(6) NOT NULL,
    updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    country     CHAR(2) NULL,
    age         TINYINT UNSIGNED NULL,
    logins      INT UNSIGNED NOT NULL DEFAULT 0,
    referrals   SMALLINT NOT NULL DEFAULT 0,
    rating      FLOAT NULL,
    roles       SET('buyer', 'seller', 'support', 'admin') NOT NULL DEFAULT 'buyer',
    birth_date  DATE NULL,
    quiet_from  TIME NULL,
    since_year  YEAR NULL,
    bio         TEXT NULL,
    avatar      BLOB NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_users_email (email),
    KEY ix_users_status (status)
) ENGINE=InnoDB COMMENT='loading';

CREATE TABLE orders (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id    BIGINT UNSIGNED NOT NULL,
    status     ENUM('new', 'paid', 'shipped', 'cancelled', 'refunded') NOT NULL DEFAULT 'new',
    total      DECIMAL(12,2) NOT NULL DEFAULT 0.00,
    currency   CHAR(3) NOT NULL DEFAULT 'EUR',
    placed_at  DATETIME(6) NOT NULL,
    shipped_at DATETIME NULL,
    note       TEXT NULL,
    PRIMARY KEY (id),
    KEY ix_orders_user (user_id),
    CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

CREATE TABLE order_items (
    order_id   BIGINT UNSIGNED NOT NULL,
    line_no    SMALLINT UNSIGNED NOT NULL,
    sku        VARCHAR(32) NOT NULL,
    quantity   INT UNSIGNED NOT NULL,
    unit_price DECIMAL(10,2) NOT NULL,
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
) ENGINE=InnoDB;

INSERT INTO users (id, email, name, status, is_admin, balance, score, prefs, avatar_hash,
                   created_at, updated_at, country, age, logins, referrals, rating, roles,
                   birth_date, quiet_from, since_year, bio, avatar)
WITH RECURSIVE seq (n) AS (
    SELECT 1
    UNION ALL
    SELECT n + 1 FROM seq WHERE n < @rows
)
SELECT
    n,
    CONCAT('user', n, '@example.com'),
    CASE n % 8
        WHEN 0 THEN CONCAT('Zoë Ångström ', n)
        WHEN 1 THEN CONCAT('Rocket ', n, ' 🚀')
        WHEN 2 THEN CONCAT('李小龙 ', n)
        WHEN 3 THEN CONCAT('O''Brien ', n)
        WHEN 4 THEN CONCAT('Émile "Mimi" Zola ', n)
        WHEN 5 THEN CONCAT('Ana 👩🏽‍💻 ', n)
        ELSE CONCAT('User ', n)
    END,
    CASE WHEN n % 10 < 7 THEN 'active'
         WHEN n % 10 < 8 THEN 'pending'
         WHEN n % 10 < 9 THEN 'suspended'
         ELSE 'closed' END,
    n % 97 = 0,
    ROUND((n * 7919) % 1000000 / 100, 2) - IF(n % 13 = 0, 5000, 0),
    IF(n % 11 = 0, NULL, ROUND((n * 0.6180339887498949) - FLOOR(n * 0.6180339887498949), 12) * 100),
    IF(n % 5 = 0, NULL,
       JSON_OBJECT('theme', ELT(1 + n % 3, 'light', 'dark', 'system'),
                   'lang', ELT(1 + n % 4, 'en', 'de', 'fr', 'ja'),
                   'newsletter', n % 2 = 0,
                   'tags', JSON_ARRAY(CONCAT('cohort-', n % 12), IF(n % 3 = 0, 'vip', 'std')))),
    IF(n % 9 = 0, NULL, UNHEX(SHA2(CONCAT('avatar-', n), 256))),
    TIMESTAMP('2021-01-01 00:00:00') + INTERVAL ((n * 1571) % 126230400) SECOND
        + INTERVAL ((n * 7919) % 1000000) MICROSECOND,
    TIMESTAMP('2021-01-01 00:00:00') + INTERVAL ((n * 1571) % 126230400) SECOND
        + INTERVAL (n % 1000) HOUR,
    IF(n % 23 = 0, NULL, ELT(1 + n % 7, 'DE', 'FR', 'US', 'JP', 'BR', 'IN', 'SE')),
    IF(n % 6 = 0, NULL, 16 + n % 70),
    (n * 37) % 5000,
    IF(n % 50 = 0, -1, n % 12),
    IF(n % 7 = 0, NULL, (n % 50) / 10.0 + 0.25),
    ELT(1 + n % 6, 'buyer', 'buyer,seller', '', 'buyer,support', 'seller', 'buyer,seller,admin'),
    IF(n % 6 = 0, NULL, DATE('1950-01-01') + INTERVAL ((n * 911) % 20000) DAY),
    IF(n % 4 = 0, NULL, SEC_TO_TIME((n * 613) % 86400)),
    IF(n % 8 = 0, NULL, 2001 + n % 25),
    CASE n % 5
        WHEN 0 THEN NULL
        WHEN 1 THEN CONCAT('Collects train timetables.\nLives in Malmö, ', n, '.')
        WHEN 2 THEN CONCAT('「鉄道」ファン — ', n, ' 🚆')
        WHEN 3 THEN ''
        ELSE CONCAT('Tab\tseparated, "quoted", back\\slash ', n)
    END,
    IF(n % 3 = 0, NULL, CONCAT(X'89504E470D0A1A0A0000', UNHEX(LPAD(HEX(n), 8, '0'))))
FROM seq;

-- 0 to 3 orders per user, numbered in (user, k) order. Each order's total is
-- computed here from the same formulas that make its lines below, so no
-- UPDATE pass over the orders is needed (tests/installer/test-demo.sh checks
-- total = SUM(quantity * unit_price)).
INSERT INTO orders (id, user_id, status, total, currency, placed_at, shipped_at, note)
SELECT
    o.id,
    o.user_id,
    ELT(1 + (o.user_id + o.k) % 5, 'new', 'paid', 'shipped', 'cancelled', 'refunded'),
    (1 + (o.id + 1) % 5) * ROUND((o.id * 1 * 7919) % 20000 / 100 + 0.99, 2)
        + IF(o.id % 3 >= 1, (1 + (o.id + 2) % 5) * ROUND((o.id * 2 * 7919) % 20000 / 100 + 0.99, 2), 0)
        + IF(o.id % 3 >= 2, (1 + (o.id + 3) % 5) * ROUND((o.id * 3 * 7919) % 20000 / 100 + 0.99, 2), 0),
    ELT(1 + o.user_id % 3, 'EUR', 'USD', 'GBP'),
    o.created_at + INTERVAL (o.k * 86400 + o.user_id % 86400) SECOND,
    IF((o.user_id + o.k) % 5 = 2, o.created_at + INTERVAL (o.k * 86400 + 172800) SECOND, NULL),
    IF(o.user_id % 17 = 0, CONCAT('Leave at the door — Tür ', o.k, ' ✓'), NULL)
FROM (
    SELECT ROW_NUMBER() OVER (ORDER BY u.id, k.k) AS id, u.id AS user_id, k.k, u.created_at
    FROM users u
    JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k <= u.id % 4
) o;

-- 1 to 3 lines per order.
INSERT INTO order_items (order_id, line_no, sku, quantity, unit_price)
SELECT
    o.id,
    k.k,
    CONCAT('SKU-', LPAD((o.id * 31 + k.k * 17) % 5000, 5, '0')),
    1 + (o.id + k.k) % 5,
    ROUND((o.id * k.k * 7919) % 20000 / 100 + 0.99, 2)
FROM orders o
JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k <= 1 + o.id % 3;

-- Last: marks the load as complete (scripts/demo checks this and the count).
EXECUTE IMMEDIATE CONCAT('ALTER TABLE users COMMENT = ',
                         QUOTE(CONCAT('switchyard demo data v2, rows=', @rows)));
