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
//              (never NULL; 'N' for NULL, '<bytes>:<text>' otherwise)
//   h        = md5(row text), 32 hex digits
//   result   = count(*), and for each of the four 8-hex-digit quarters of h
//              the SUM of its value as an unsigned 32-bit integer.
// h must be computed once per row, not once per quarter: PostgreSQL pulls a
// plain subquery up into the outer query (and would then run md5 four times
// per row), so its subquery ends in OFFSET 0, a fence; MariaDB merges derived
// tables likewise unless the session says derived_merge=off, which
// TableComparer's source session does (measured on 1M rows: PostgreSQL
// 6.7 s → 2.1 s, MariaDB 19.2 s → 6.8 s).
// Sums of 32-bit values are exact (MySQL: DECIMAL, PostgreSQL: numeric) and
// order-independent, so both sides return the same decimal text for the same
// rows; a changed, missing or extra row changes all four sums with
// overwhelming probability.
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
