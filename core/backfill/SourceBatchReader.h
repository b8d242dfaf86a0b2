#pragma once
// The source half of a backfill batch: reads the next rows after a cursor
// from MySQL/MariaDB and encodes them as PostgreSQL COPY text.
//
// Reads use a Connector/C prepared statement (binary protocol, streamed row
// by row; nothing is buffered beyond the batch's COPY text). Every value goes
// through its column's ValueCodec, the one place that decides how a MySQL
// value is written to PostgreSQL; a value the type policies refuse makes the
// row a reject (recorded with the reason and the raw value, never dropped
// silently) and the cursor still moves past it.
//
// Consistency (TableSpec::Consistency):
// - Locking: read() starts a transaction and reads with LOCK IN SHARE MODE;
//   the shared (next-key) locks stay until commit(), which the job calls only
//   after the target transaction has committed. An application write to
//   those rows, or an insert into the range, waits meanwhile and so reaches
//   PostgreSQL after the copy: no stale overwrite, no resurrected delete.
// - Snapshot: plain reads, no locks; needs a validation + repair pass.
//
// Not thread-safe: owned by one job thread, with its own connection. Errors
// throw DbException (retryable ones: reconnect() and read again).

#include "backfill/KeyCursor.h"
#include "plan/Plan.h"
#include "source/MySqlConnection.h"
#include "source/MySqlStatement.h"
#include "types/TypeMapping.h"
#include "types/ValueCodec.h"

#include <QByteArray>
#include <QList>

#include <functional>
#include <memory>
#include <optional>

namespace switchyard::core {

/// A row the type policies refused: where it is and why.
struct RejectedRow
{
    KeyCursor key;
    QString column;
    QString reason;
    QString rawValue; // SourceValue::toDisplay()
};

struct SourceBatch
{
    QByteArray copyData; // COPY text, one line per row written
    int rowsRead = 0;    // including rejects
    int rowsWritten = 0; // lines in copyData
    KeyCursor last;      // key of the last row read (the next cursor)
    QList<RejectedRow> rejects;

    void clear()
    {
        copyData.clear(); // keeps the capacity: no reallocation batch after batch
        rowsRead = rowsWritten = 0;
        rejects.clear();
    }
};

class SourceBatchReader
{
public:
    SourceBatchReader(const ConnectionSettings &source, const TableMapping &mapping,
                      const TypePolicies &policies, TableSpec::Consistency consistency);
    ~SourceBatchReader();

    /// (Re)opens the connection and prepares the statements.
    void reconnect();
    bool isConnected() const;

    /// Reads up to `limit` rows after `after` (from the start when empty).
    /// In locking mode a transaction is left open: call commit() after the
    /// target committed, or rollback() on failure.
    ///
    /// With `flush`, the COPY text is handed over in chunks of about 256 KiB
    /// (always ending on a row boundary) while the result is still streaming,
    /// and `flush` empties the buffer: the target ingests while the source
    /// sends. An exception from `flush` ends the read (the rest of the result
    /// is drained) and propagates.
    using Flush = std::function<void(QByteArray &copyData)>;
    void read(const KeyCursor &after, int limit, SourceBatch &batch, const Flush &flush = {});
    void commit();
    void rollback() noexcept;

    /// Target column names, in the order of the COPY text's fields.
    const QStringList &copyColumns() const { return m_copyColumns; }
    /// The largest value of the first key column (integer keys: for the lag
    /// figure), or nullopt.
    std::optional<KeyPart> maxKey();

private:
    void prepare();
    void readRows(MySqlStatement &st, SourceBatch &batch, const Flush &flush, qsizetype flushBytes);

    ConnectionSettings m_settings;
    TableMapping m_mapping;
    TableSpec::Consistency m_consistency;
    QList<ValueCodec> m_codecs;     // per copied column
    QList<int> m_copyIndexes;       // select-list index per copied column
    QStringList m_copyColumns;
    QList<int> m_keyIndexes;        // select-list index per key column
    QList<bool> m_keyBinary;
    QStringList m_selectList;
    MySqlConnection m_conn;
    std::unique_ptr<MySqlStatement> m_first; // no cursor yet
    std::unique_ptr<MySqlStatement> m_next;  // after a cursor
    bool m_inTransaction = false;
};

} // namespace switchyard::core
