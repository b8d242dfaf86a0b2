#include "backfill/KeysetSql.h"

#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

namespace switchyard::core {

QString KeysetSql::mysqlColumnList(const QStringList &columns)
{
    QStringList quoted;
    for (const QString &c : columns)
        quoted << quoteMySqlIdentifier(c);
    return quoted.join(QStringLiteral(", "));
}

QString KeysetSql::pgColumnList(const QStringList &columns)
{
    QStringList quoted;
    for (const QString &c : columns)
        quoted << quotePgIdentifier(c);
    return quoted.join(QStringLiteral(", "));
}

QString KeysetSql::mysqlSelectAfter(const QString &database, const QString &table,
                                    const QStringList &selectExpressions,
                                    const QStringList &keyColumns, bool afterCursor,
                                    bool lockInShareMode)
{
    QString sql = QStringLiteral("SELECT ") + selectExpressions.join(QStringLiteral(", ")) +
                  QStringLiteral(" FROM ") + quoteMySqlQualifiedName(database, table);
    if (afterCursor && !keyColumns.isEmpty()) {
        QStringList disjuncts;
        for (int i = 0; i < keyColumns.size(); ++i) {
            QStringList conjuncts;
            for (int j = 0; j < i; ++j)
                conjuncts << quoteMySqlIdentifier(keyColumns.at(j)) + QStringLiteral(" = ?");
            conjuncts << quoteMySqlIdentifier(keyColumns.at(i)) + QStringLiteral(" > ?");
            disjuncts << (conjuncts.size() == 1
                              ? conjuncts.first()
                              : QLatin1Char('(') + conjuncts.join(QStringLiteral(" AND ")) +
                                    QLatin1Char(')'));
        }
        sql += QStringLiteral(" WHERE ") + disjuncts.join(QStringLiteral(" OR "));
    }
    sql += QStringLiteral(" ORDER BY ") + mysqlColumnList(keyColumns) + QStringLiteral(" LIMIT ?");
    if (lockInShareMode)
        sql += QStringLiteral(" LOCK IN SHARE MODE");
    return sql;
}

QList<int> KeysetSql::cursorBindOrder(int keyColumnCount)
{
    QList<int> order;
    for (int i = 0; i < keyColumnCount; ++i) {
        for (int j = 0; j <= i; ++j)
            order << j;
    }
    return order;
}

QString KeysetSql::pgRangeHasRows(const QString &schema, const QString &table,
                                  const QStringList &keyColumns, bool hasLowerBound)
{
    const int n = int(keyColumns.size());
    auto placeholders = [n](int first) {
        QStringList p;
        for (int i = 0; i < n; ++i)
            p << QStringLiteral("$%1").arg(first + i);
        return p.join(QStringLiteral(", "));
    };
    const QString key = QLatin1Char('(') + pgColumnList(keyColumns) + QLatin1Char(')');
    QString where;
    if (hasLowerBound)
        where = key + QStringLiteral(" > (") + placeholders(1) + QStringLiteral(") AND ");
    where += key + QStringLiteral(" <= (") + placeholders(hasLowerBound ? n + 1 : 1) +
             QLatin1Char(')');
    return QStringLiteral("SELECT EXISTS (SELECT 1 FROM ") + quotePgQualifiedName(schema, table) +
           QStringLiteral(" WHERE ") + where + QStringLiteral(")");
}

QString KeysetSql::pgAnyRowAfter(const QString &schema, const QString &table,
                                 const QStringList &keyColumns, bool hasCursor)
{
    QString sql = QStringLiteral("SELECT 1 FROM ") + quotePgQualifiedName(schema, table);
    if (hasCursor) {
        QStringList placeholders;
        for (int i = 0; i < keyColumns.size(); ++i)
            placeholders << QStringLiteral("$%1").arg(i + 1);
        sql += QStringLiteral(" WHERE (%1) > (%2)")
                   .arg(pgColumnList(keyColumns), placeholders.join(QStringLiteral(", ")));
    }
    return sql + QStringLiteral(" ORDER BY ") + pgColumnList(keyColumns) + QStringLiteral(" LIMIT 1");
}

} // namespace switchyard::core
