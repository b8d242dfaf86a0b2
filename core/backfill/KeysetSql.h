#pragma once
// The SQL of keyset pagination, for both sides of a backfill (and, later, of
// validation): "the next n rows after this key, in key order", never OFFSET.
//
// Composite keys are compared lexicographically. On MySQL/MariaDB the row
// constructor `(a, b) > (?, ?)` is not always turned into an index range, so
// the source predicate is spelled out:
//   a > ? OR (a = ? AND b > ?) OR (a = ? AND b = ? AND c > ?)
// which every version range-scans on the primary key. PostgreSQL does use
// row comparisons on a btree, so the target side keeps `(a, b) > ($1, $2)`.
//
// Identifiers come from the one quoting function per dialect. Pure functions.

#include <QList>
#include <QString>
#include <QStringList>

namespace switchyard::core {

struct KeysetSql
{
    /// SELECT <columns> FROM <table> [WHERE <after cursor>] ORDER BY <key>
    /// LIMIT ? [LOCK IN SHARE MODE]. The cursor's placeholders come first (in
    /// the order cursorBindOrder() gives), then the LIMIT.
    static QString mysqlSelectAfter(const QString &database, const QString &table,
                                    const QStringList &selectExpressions,
                                    const QStringList &keyColumns, bool afterCursor,
                                    bool lockInShareMode);

    /// Which key column each cursor placeholder of mysqlSelectAfter() binds,
    /// e.g. {0, 0, 1, 0, 1, 2} for a three-column key.
    static QList<int> cursorBindOrder(int keyColumnCount);

    /// SELECT 1 FROM <table> [WHERE key > ($1, …)] ORDER BY key LIMIT 1:
    /// does the target hold any row after the cursor? Written with ORDER BY
    /// … LIMIT, not EXISTS, so the planner walks the key's index even on a
    /// table it has no statistics for yet (mid-copy, before autovacuum's
    /// analyze): an EXISTS planned as a sequential scan read the whole table
    /// copied so far once per batch — quadratic in table size.
    static QString pgAnyRowAfter(const QString &schema, const QString &table,
                                 const QStringList &keyColumns, bool hasCursor);

    /// SELECT EXISTS (SELECT 1 FROM <table> WHERE key > $lo AND key <= $hi):
    /// does the target already hold rows in this key range (dual writes)?
    /// With `hasLowerBound` false the range starts at the beginning; the
    /// parameters are the lower bound's values (if any), then the upper's.
    static QString pgRangeHasRows(const QString &schema, const QString &table,
                                  const QStringList &keyColumns, bool hasLowerBound);

    /// "a", "b" → `"a", "b"` (PostgreSQL) for column lists.
    static QString pgColumnList(const QStringList &columns);
    static QString mysqlColumnList(const QStringList &columns);
};

} // namespace switchyard::core
