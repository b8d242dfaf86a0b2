#pragma once
// ReverseSyncApplier: brings the MySQL/MariaDB rows of one table up to date
// with the CURRENT target rows of a set of captured keys — the per-table
// half of ReverseSyncJob.
//
//   1. readTarget(): one query reads the target rows of all the keys (the
//      keys as the change log keeps them, jsonb arrays; each is turned into
//      the key columns' own types by jsonb_populate_record, so the lookup
//      uses the primary key index);
//   2. apply(), inside the caller's MySQL transaction, in a few statements
//      per batch (not per row: a loaded server answers each round trip
//      slowly):
//        target row gone    → DELETE … WHERE key IN (…);
//        target row present → SELECT key … WHERE key IN (…) FOR UPDATE, then
//                             for the rows that exist a multi-row INSERT …
//                             ON DUPLICATE KEY UPDATE of every mapped column
//                             (the row exists and is locked, so InnoDB meets
//                             its primary key first and updates that row),
//                             and for the others a plain multi-row INSERT.
//      Values are bound (ReverseSyncValue), never pasted. Updating in place
//      keeps the values of source columns the plan does not map; and a new
//      value that clashes with ANOTHER row's secondary unique key fails
//      loudly (MySQL 1062) instead of changing that other row, which
//      INSERT … ON DUPLICATE KEY UPDATE of a row that does not exist would.
// Applying the same keys twice gives the same rows: replays are harmless.
// Generated source columns are left to MySQL.
//
// Not thread-safe; uses the caller's connections. Throws DbException (from
// the servers) or ReverseApplyError (a value MySQL cannot hold, a key that
// cannot be read back).

#include "plan/Plan.h"
#include "types/TypeMapping.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>
#include <stdexcept>

namespace switchyard::core {

class MySqlConnection;
class PgConnection;

struct ReverseApplyError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

class ReverseSyncApplier
{
public:
    /// One captured key of the table, deduplicated by the job.
    struct Key
    {
        QByteArray json;           // the change log's key, jsonb text, e.g. [42]
        QList<QByteArray> parts;   // its elements as text (jsonb_array_elements_text)
        qint64 firstChangeId = 0;  // the oldest pending change of this key
    };
    /// Target rows by key json; each row holds the written columns' text
    /// (nullopt: NULL) in writtenColumns() order.
    using Images = QMap<QByteArray, QList<std::optional<QByteArray>>>;

    struct Applied
    {
        qint64 inserted = 0;
        qint64 updated = 0;
        qint64 deleted = 0;
    };

    ReverseSyncApplier(const Plan &plan, const TableMapping &mapping);

    const TableMapping &mapping() const { return m_mapping; }
    QString targetSchema() const { return m_schema; }
    QString targetTable() const { return m_targetTable; }
    /// Indexes into mapping().columns of the columns written to MySQL.
    const QList<int> &writtenColumns() const { return m_written; }

    Images readTarget(PgConnection &target, const QList<Key> &keys) const;
    /// In the caller's open MySQL transaction. `keys` in the order to apply.
    Applied apply(MySqlConnection &source, const QList<Key> &keys, const Images &images) const;

private:
    Plan m_plan;
    TableMapping m_mapping;
    QString m_schema;
    QString m_targetTable;
    QList<int> m_written;
    QList<int> m_keyIndexes; // key columns' positions in mapping().columns
};

} // namespace switchyard::core
