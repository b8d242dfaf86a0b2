#pragma once
// TableComparer's private parts, shared by its two source files
// (TableComparer.cpp: connections, rows, keys, sampling;
// TableComparerDigest.cpp: chunk digests). Not a public header.

#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "target/PgConnection.h"
#include "types/CanonicalSql.h"
#include "validate/KeyValues.h"
#include "validate/TableComparer.h"

#include <string>
#include <vector>

namespace switchyard::core {

struct TableComparer::Impl
{
    MySqlConnection source;
    PgConnection target;
    // Second connections, open only when the table has client-side columns:
    // digests() reads those columns on them while the first connections
    // compute the in-database checksums.
    MySqlConnection sourceColumns;
    PgConnection targetColumns;
};

namespace comparer {

// Columns the chunk digest computes inside the databases. The rest (JSON,
// which CanonicalSql cannot canonicalise, and floats) are read with the key
// and folded in on the client. Floats could be done in SQL, but MariaDB has
// no way to get a double's IEEE bits but arithmetic (LOG2, POW, …) that costs
// as much as the rest of a users row together (measured: 1.0 s → 2.2 s per
// 10 000 rows); reading 8 bytes a row is cheaper (docs/performance.md).
inline bool inDatabaseDigest(const ColumnMapping &c)
{
    return CanonicalSql::supported(c) && c.canonical != CanonicalKind::Float;
}

inline QByteArray mysqlText(const MySqlValue &v)
{
    switch (v.kind()) {
    case MySqlValue::Kind::Null:
        return QByteArray();
    case MySqlValue::Kind::Int:
        return QByteArray::number(v.toInt64());
    case MySqlValue::Kind::UInt:
        return QByteArray::number(v.toUInt64());
    case MySqlValue::Kind::Double:
        return QByteArray::number(v.toDouble(), 'g', 17);
    case MySqlValue::Kind::Bytes:
        return v.bytes().toByteArray();
    case MySqlValue::Kind::Time:
        break;
    }
    return QByteArray();
}

inline void bindMySqlKey(MySqlStatement &st, int &index, const ValidationKey &key,
                  const QList<CanonicalKind> &kinds)
{
    for (int i = 0; i < key.parts.size(); ++i)
        KeyValues::bindMySql(st, index, key.parts.at(i), kinds.value(i, CanonicalKind::Text));
}

inline void addPgKey(std::vector<std::string> &params, const ValidationKey &key,
              const QList<CanonicalKind> &kinds)
{
    for (int i = 0; i < key.parts.size(); ++i)
        params.push_back(KeyValues::pgText(key.parts.at(i), kinds.value(i, CanonicalKind::Text)));
}

inline QStringList taggedExpressions(const TableMapping &m, const TypePolicies &policies, bool mysql)
{
    QStringList out;
    for (const ColumnMapping &c : m.columns) {
        if (!inDatabaseDigest(c))
            continue;
        out << (mysql ? CanonicalSql::mysqlTaggedExpr(c, policies) : CanonicalSql::pgTaggedExpr(c));
    }
    return out;
}

inline QList<ValidationKey> rangeBinds(const KeyRange &r)
{
    QList<ValidationKey> b;
    if (r.lower)
        b << *r.lower;
    if (r.upper)
        b << *r.upper;
    return b;
}

} // namespace comparer

} // namespace switchyard::core
