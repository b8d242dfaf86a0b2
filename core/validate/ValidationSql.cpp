#include "validate/ValidationSql.h"

#include "backfill/KeysetSql.h"
#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

namespace switchyard::core {

namespace {

QString tuple(const QStringList &items)
{
    return items.size() == 1 ? items.first()
                             : QLatin1Char('(') + items.join(QStringLiteral(", ")) + QLatin1Char(')');
}

QStringList mysqlQuoted(const QStringList &names)
{
    QStringList q;
    for (const QString &n : names)
        q << quoteMySqlIdentifier(n);
    return q;
}

QStringList pgQuoted(const QStringList &names)
{
    QStringList q;
    for (const QString &n : names)
        q << quotePgIdentifier(n);
    return q;
}

QStringList questionMarks(int n)
{
    QStringList q;
    for (int i = 0; i < n; ++i)
        q << QStringLiteral("?");
    return q;
}

QStringList dollars(int n, int first)
{
    QStringList q;
    for (int i = 0; i < n; ++i)
        q << QStringLiteral("$%1").arg(first + i);
    return q;
}

QString where(const QString &predicate)
{
    return predicate.isEmpty() ? QString() : QStringLiteral(" WHERE ") + predicate;
}

} // namespace

QString ValidationSql::mysqlKeyPredicate(const QStringList &keys, bool hasLower, bool hasUpper)
{
    const QString key = tuple(mysqlQuoted(keys));
    const QString values = tuple(questionMarks(int(keys.size())));
    QStringList parts;
    if (hasLower)
        parts << key + QStringLiteral(" > ") + values;
    if (hasUpper)
        parts << key + QStringLiteral(" <= ") + values;
    return parts.join(QStringLiteral(" AND "));
}

QString ValidationSql::pgKeyPredicate(const QStringList &keys, bool hasLower, bool hasUpper,
                                      int firstParameter)
{
    const int n = int(keys.size());
    const QString key = tuple(pgQuoted(keys));
    QStringList parts;
    int next = firstParameter;
    if (hasLower) {
        parts << key + QStringLiteral(" > ") + tuple(dollars(n, next));
        next += n;
    }
    if (hasUpper)
        parts << key + QStringLiteral(" <= ") + tuple(dollars(n, next));
    return parts.join(QStringLiteral(" AND "));
}

QString ValidationSql::mysqlKeyEquals(const QStringList &keys)
{
    return tuple(mysqlQuoted(keys)) + QStringLiteral(" = ") + tuple(questionMarks(int(keys.size())));
}

QString ValidationSql::pgKeyEquals(const QStringList &keys, int firstParameter)
{
    return tuple(pgQuoted(keys)) + QStringLiteral(" = ") +
           tuple(dollars(int(keys.size()), firstParameter));
}

QString ValidationSql::mysqlChecksum(const QString &database, const QString &table,
                                     const QStringList &taggedExpressions, const QStringList &keys,
                                     bool hasLower, bool hasUpper)
{
    return QStringLiteral("SELECT COUNT(*), COALESCE(SUM(CAST(CONV(LEFT(MD5(CONCAT(") +
           taggedExpressions.join(QStringLiteral(", ")) +
           QStringLiteral(")), 16), 16, 10) AS UNSIGNED)), 0) FROM ") + quoteMySqlQualifiedName(database, table) +
           where(mysqlKeyPredicate(keys, hasLower, hasUpper));
}

QString ValidationSql::pgChecksum(const QString &schema, const QString &table,
                                  const QStringList &taggedExpressions, const QStringList &keys,
                                  bool hasLower, bool hasUpper)
{
    return QStringLiteral("SELECT count(*), COALESCE(sum(('x' || substr(h, 1, 8))::bit(32)::bigint)::numeric "
                          "* 4294967296 + sum(('x' || substr(h, 9, 8))::bit(32)::bigint), 0) FROM (SELECT md5(") +
           taggedExpressions.join(QStringLiteral(" || ")) + QStringLiteral(") AS h FROM ") +
           quotePgQualifiedName(schema, table) + where(pgKeyPredicate(keys, hasLower, hasUpper)) +
           QStringLiteral(" OFFSET 0) AS chunk");
}

QString ValidationSql::mysqlSelectRange(const QString &database, const QString &table,
                                        const QStringList &columns, const QStringList &keys,
                                        bool hasLower, bool hasUpper)
{
    return QStringLiteral("SELECT ") + KeysetSql::mysqlColumnList(columns) + QStringLiteral(" FROM ") +
           quoteMySqlQualifiedName(database, table) + where(mysqlKeyPredicate(keys, hasLower, hasUpper)) +
           QStringLiteral(" ORDER BY ") + KeysetSql::mysqlColumnList(keys);
}

QString ValidationSql::pgSelectRange(const QString &schema, const QString &table,
                                     const QStringList &columns, const QStringList &keys,
                                     bool hasLower, bool hasUpper)
{
    return QStringLiteral("SELECT ") + KeysetSql::pgColumnList(columns) + QStringLiteral(" FROM ") +
           quotePgQualifiedName(schema, table) + where(pgKeyPredicate(keys, hasLower, hasUpper)) +
           QStringLiteral(" ORDER BY ") + KeysetSql::pgColumnList(keys);
}

QString ValidationSql::mysqlSelectKey(const QString &database, const QString &table,
                                      const QStringList &columns, const QStringList &keys)
{
    return QStringLiteral("SELECT ") + KeysetSql::mysqlColumnList(columns) + QStringLiteral(" FROM ") +
           quoteMySqlQualifiedName(database, table) + where(mysqlKeyEquals(keys));
}

QString ValidationSql::pgSelectKey(const QString &schema, const QString &table,
                                   const QStringList &columns, const QStringList &keys)
{
    return QStringLiteral("SELECT ") + KeysetSql::pgColumnList(columns) + QStringLiteral(" FROM ") +
           quotePgQualifiedName(schema, table) + where(pgKeyEquals(keys));
}

QString ValidationSql::mysqlKeyAt(const QString &database, const QString &table,
                                  const QStringList &keys, bool hasLower, bool hasUpper)
{
    return QStringLiteral("SELECT ") + KeysetSql::mysqlColumnList(keys) + QStringLiteral(" FROM ") +
           quoteMySqlQualifiedName(database, table) + where(mysqlKeyPredicate(keys, hasLower, hasUpper)) +
           QStringLiteral(" ORDER BY ") + KeysetSql::mysqlColumnList(keys) +
           QStringLiteral(" LIMIT 1 OFFSET ?");
}

QString ValidationSql::pgKeyAt(const QString &schema, const QString &table, const QStringList &keys,
                               bool hasLower, bool hasUpper)
{
    const int n = int(keys.size());
    const int offsetParam = 1 + (hasLower ? n : 0) + (hasUpper ? n : 0);
    return QStringLiteral("SELECT ") + KeysetSql::pgColumnList(keys) + QStringLiteral(" FROM ") +
           quotePgQualifiedName(schema, table) + where(pgKeyPredicate(keys, hasLower, hasUpper)) +
           QStringLiteral(" ORDER BY ") + KeysetSql::pgColumnList(keys) +
           QStringLiteral(" LIMIT 1 OFFSET $%1::bigint").arg(offsetParam);
}

QString ValidationSql::mysqlSeek(const QString &database, const QString &table, const QString &key)
{
    return QStringLiteral("SELECT %1 FROM %2 WHERE %1 >= ? ORDER BY %1 LIMIT 1")
        .arg(quoteMySqlIdentifier(key), quoteMySqlQualifiedName(database, table));
}

QString ValidationSql::mysqlMinMax(const QString &database, const QString &table, const QString &key)
{
    return QStringLiteral("SELECT MIN(%1), MAX(%1) FROM %2")
        .arg(quoteMySqlIdentifier(key), quoteMySqlQualifiedName(database, table));
}

} // namespace switchyard::core
