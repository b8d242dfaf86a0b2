#pragma once
// SchemaIntrospector: reads what core/types needs to know about source tables
// from information_schema (MariaDB 10.5+ and MySQL 8): columns with type,
// length, precision, scale, unsigned, nullability, default, generated
// expression, charset/collation, auto_increment; primary/unique keys and
// indexes; foreign keys; check constraints; approximate rows and size;
// AUTO_INCREMENT. Also the few data checks that schema review needs
// (max(id) for sequences, values colliding under lower()).
//
// Every query binds the schema and table names as parameters (prepared
// statements); data checks quote identifiers with quoteMySqlIdentifier.
//
// MariaDB specifics handled here so nothing downstream needs to know:
// - COLUMN_DEFAULT quotes literals ('abc') and prints NULL as the word NULL;
// - JSON is LONGTEXT with a CHECK (json_valid(`col`)): reported as
//   dataType "json" and the check is dropped;
// - check constraint names are per table (CHECK_CONSTRAINTS.TABLE_NAME).
//
// Not thread-safe: uses the caller's connection, on the caller's thread.
// Errors: DbException from the connection; a missing table is a DbException
// with errno 1146 (ER_NO_SUCH_TABLE) and SQLSTATE 42S02, like the server's.

#include "types/SourceSchema.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace switchyard::core {

class MySqlConnection;

class SchemaIntrospector
{
public:
    explicit SchemaIntrospector(MySqlConnection &connection);

    /// Base tables of `schema` (views excluded), sorted by name.
    QStringList tableNames(const QString &schema);
    /// Everything about one table.
    SourceTable table(const QString &schema, const QString &name);

    /// max(column) as decimal text, nullopt for an empty table.
    std::optional<QString> maxValue(const SourceTable &table, const QString &column);
    /// The table's current AUTO_INCREMENT (read live, not from a cache).
    std::optional<quint64> autoIncrement(const QString &schema, const QString &table);

    /// Groups of key values that are different in MySQL but equal under
    /// lower() — they would collide in a PostgreSQL unique index on lower(col).
    /// Each entry is one example value per group, with its count; at most `limit`.
    struct Collision
    {
        QStringList values; // one per key column, as lower() makes them
        qint64 rows = 0;
    };
    QList<Collision> lowerCaseCollisions(const SourceTable &table, const SourceIndex &key, int limit = 20);

private:
    MySqlConnection &m_connection;
    bool m_isMariaDB = false;
};

} // namespace switchyard::core
