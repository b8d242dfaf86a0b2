#pragma once
// The SQL of validation, for both sides: chunk checksums, rows of a key
// range, the key at a position of a range (chunk boundaries and bisection),
// a row by key, and sample seeks. Pure functions.
//
// A key range is "lower < key <= upper" as a row comparison, `(a, b) > (?, ?)`
// on both sides (a single column is written `a > ?`). Validation uses ranges
// only on keys whose columns are all integers, where MySQL and PostgreSQL
// order identically, so the SAME predicate selects the same rows on both.
//
// Chunk checksum, identical arithmetic on both sides:
//   row text = concatenation of CanonicalSql's tagged column expressions
//              (never NULL; see Canonical::tagged)
//   h        = md5(row text), 32 hex digits
//   result   = count(*), and the SUM over the rows of h's first 16 hex digits
//              as an unsigned 64-bit integer.
// The sum is exact (MySQL: DECIMAL; PostgreSQL: numeric, as the sums of the
// two 32-bit halves) and order-independent, so both sides return the same
// decimal text for the same rows; a changed, missing or extra row leaves it
// unchanged with probability about 2^-64 (pt-table-checksum settles for a
// 32-bit CRC). MariaDB computes md5 once per row only when the expression
// appears once: one 64-bit sum with md5 inline costs 4.5 s on 1M users rows,
// four 32-bit sums over a materialised derived table 6.9 s, and the same
// four sums over a merged derived table (md5 per sum) 19 s. PostgreSQL pulls
// a plain subquery up into the outer query, so its subquery, read twice for
// the two halves, ends in OFFSET 0, a fence (1M rows: 6.7 s → 2.1 s).
//
// Identifiers come from quoteMySqlIdentifier / quotePgIdentifier; values are
// always parameters (MySQL `?`, PostgreSQL `$n`).

#include <QString>
#include <QStringList>

namespace switchyard::core {

struct ValidationSql
{
    static QString mysqlKeyPredicate(const QStringList &keys, bool hasLower, bool hasUpper);
    /// Placeholders start at $firstParameter.
    static QString pgKeyPredicate(const QStringList &keys, bool hasLower, bool hasUpper,
                                  int firstParameter = 1);
    static QString mysqlKeyEquals(const QStringList &keys);
    static QString pgKeyEquals(const QStringList &keys, int firstParameter = 1);

    static QString mysqlChecksum(const QString &database, const QString &table,
                                 const QStringList &taggedExpressions, const QStringList &keys,
                                 bool hasLower, bool hasUpper);
    static QString pgChecksum(const QString &schema, const QString &table,
                              const QStringList &taggedExpressions, const QStringList &keys,
                              bool hasLower, bool hasUpper);

    /// SELECT <columns> … WHERE <range> ORDER BY <key> (no predicate when unbounded).
    static QString mysqlSelectRange(const QString &database, const QString &table,
                                    const QStringList &columns, const QStringList &keys,
                                    bool hasLower, bool hasUpper);
    static QString pgSelectRange(const QString &schema, const QString &table,
                                 const QStringList &columns, const QStringList &keys,
                                 bool hasLower, bool hasUpper);
    static QString mysqlSelectKey(const QString &database, const QString &table,
                                  const QStringList &columns, const QStringList &keys);
    static QString pgSelectKey(const QString &schema, const QString &table,
                               const QStringList &columns, const QStringList &keys);

    /// The key at 0-based position ? of the range, in key order (the last
    /// parameter is the offset). A chunk boundary: "the key at every Nth row".
    static QString mysqlKeyAt(const QString &database, const QString &table,
                              const QStringList &keys, bool hasLower, bool hasUpper);
    static QString pgKeyAt(const QString &schema, const QString &table, const QStringList &keys,
                           bool hasLower, bool hasUpper);

    /// Sampling: the first key >= ? (single integer key).
    static QString mysqlSeek(const QString &database, const QString &table, const QString &key);
    /// MIN and MAX of a single key column.
    static QString mysqlMinMax(const QString &database, const QString &table, const QString &key);
};

} // namespace switchyard::core
