#pragma once
// TableAccess: the SQL the client runs for one table on either side, built
// from the plan's type mapping (core/types), so the client writes exactly the
// values the backfill would write and compares exactly the forms validation
// compares.
//
// Generic over a table: key columns and columns come from the mapping
// (TableSpec key or the source's primary key). Values from the application
// are QVariants: integers, doubles, bools, QString (text, DECIMAL as text,
// dates as "YYYY-MM-DD HH:MM:SS[.ffffff]"), QByteArray (binary columns), and
// a null QVariant for NULL. Keys must be integers or text.
//
// Immutable after load(): share one between threads; each thread passes its
// own connections. Every database failure throws DbException.

#include "client/ClientTypes.h"
#include "plan/Plan.h"
#include "types/TypeMapping.h"
#include "types/ValueCodec.h"

#include <QVariantMap>

#include <optional>
#include <string>
#include <vector>

namespace switchyard::core {
class MySqlConnection;
class PgConnection;
} // namespace switchyard::core

namespace switchyard::client {

class TableAccess
{
public:
    /// Introspects `table` on the source and maps it with the plan's policies.
    /// Throws DbException, or std::invalid_argument when the table is not in
    /// the plan or has errors in its mapping.
    static TableAccess load(const core::Plan &plan, const QString &table,
                            core::MySqlConnection &source);

    const core::TableMapping &mapping() const { return m_mapping; }
    QString table() const { return m_mapping.source.name; }
    const QStringList &keyColumns() const { return m_mapping.keyColumns; }
    /// Source column names in table order.
    QStringList columns() const;
    /// True when the (single) key column is AUTO_INCREMENT.
    bool hasGeneratedKey() const;

    /// The entity id used for bucketing: the key values' text joined by ','.
    static QString entityId(const QVariantList &key);
    /// The key as the repair queue and validation record it: a JSON array of
    /// the key columns' canonical texts, integers as numbers ([42], [7,"eu"];
    /// ValidationKey::toJson). docs/flags.md, "Repair queue".
    QString keyJson(const QVariantList &key) const;

    /// Session settings the canonical target forms need (DateStyle ISO, …).
    static void prepareTargetSession(core::PgConnection &target);

    // Reads, in canonical form; nullopt when there is no such row.
    std::optional<CanonicalRow> readSource(core::MySqlConnection &source, const QVariantList &key) const;
    std::optional<CanonicalRow> readTarget(core::PgConnection &target, const QVariantList &key) const;

    // Writes on the source (MySQL primary). Autocommit: each is one transaction.
    /// Returns the key of the new row (the generated id when the key was not given).
    QVariantList insertSource(core::MySqlConnection &source, const QVariantMap &values) const;
    quint64 updateSource(core::MySqlConnection &source, const QVariantList &key,
                         const QVariantMap &changes) const;
    quint64 deleteSource(core::MySqlConnection &source, const QVariantList &key) const;

    // Writes on the target as the primary (write_source off).
    QVariantList insertTarget(core::PgConnection &target, const QVariantMap &values) const;
    quint64 updateTarget(core::PgConnection &target, const QVariantList &key,
                         const QVariantMap &changes) const;

    /// The secondary copy: reads the source's committed row and writes it to
    /// the target as a full-row upsert, or deletes the target's row when the
    /// source has none. A value the type policies reject throws
    /// std::runtime_error (the row goes to the repair queue and the reject
    /// is reported there). Returns true for an upsert, false for a delete.
    bool copySourceRowToTarget(core::MySqlConnection &source, core::PgConnection &target,
                               const QVariantList &key) const;
    quint64 deleteTargetRow(core::PgConnection &target, const QVariantList &key) const;

private:
    QString sourceKeyWhere() const;
    QString targetKeyWhere(int firstParam) const;
    std::vector<std::optional<std::string>> targetKeyParams(const QVariantList &key) const;
    void checkColumns(const QStringList &names) const;

    core::TableMapping m_mapping;
    core::TypePolicies m_policies;
    QList<core::ValueCodec> m_codecs; // one per mapping column
    QString m_targetSchema;
    QString m_targetTable;
};

} // namespace switchyard::client
