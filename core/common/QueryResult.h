#pragma once
// The result of a small query (metadata, settings, counts), read in full.
//
// Values are the server's text form as bytes (UTF-8 for text columns, raw
// bytes for binary ones); SQL NULL is std::nullopt, distinct from an empty
// value. This is not for bulk data: the backfill streams through
// MySqlStatement and pqxx::stream_from instead.
//
// A plain value type: copyable, safe to send across threads.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchyard::core {

struct QueryResult
{
    using Value = std::optional<QByteArray>;
    using Row = QList<Value>;

    QStringList columns;
    QList<Row> rows;

    bool isEmpty() const { return rows.isEmpty(); }
    int rowCount() const { return int(rows.size()); }
    /// Index of a column by exact name, -1 when absent.
    int columnIndex(const QString &name) const { return int(columns.indexOf(name)); }
    /// The value decoded as UTF-8; a null QString for SQL NULL.
    QString text(int row, int column) const;
    /// text(0, 0), or a null QString when there is no row. For "SELECT version()".
    QString scalar() const;
};

} // namespace switchyard::core
