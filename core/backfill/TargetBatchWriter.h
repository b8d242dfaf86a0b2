#pragma once
// The target half of a backfill batch: writes COPY text into PostgreSQL in
// one transaction, never overwriting a row a dual write already put there.
//
// For each batch it asks whether the target already holds rows in the
// batch's key range (lower, upper]:
// - no (the common case: a range dual writes have not touched): COPY goes
//   straight into the table, the fastest path;
// - yes: COPY goes into a session-local staging table and then
//   INSERT … SELECT … ON CONFLICT (key) DO NOTHING moves it over, so the
//   newer dual-written row wins.
// If a dual write slips into the range between the check and the COPY, the
// COPY fails with a unique violation (23505); write() then retries the batch
// once through the staging path. The range check only chooses the fast path;
// correctness never depends on it (or on PostgreSQL ordering keys the way
// MySQL does).
//
// For the bulk copy there is also a streaming path (beginStream() …), see
// below. The COPY text is sent in large chunks through libpqxx's tablewriter raw
// line API (stream_to's raw path is private in libpqxx 6.4 and would escape
// the already-encoded fields again).
//
// Not thread-safe: one per job thread, with its own connection. Errors throw
// DbException.

#include "backfill/KeyCursor.h"
#include "plan/Plan.h"
#include "target/PgConnection.h"

#include <QByteArray>
#include <QStringList>

#include <functional>
#include <memory>

namespace switchyard::core {

class TargetBatchWriter
{
public:
    enum class Path { Direct, Staged };
    struct Result
    {
        Path path = Path::Direct;
        qint64 rowsInserted = 0; // rows that were new to the target
    };

    TargetBatchWriter(const ConnectionSettings &target, const QString &schema,
                      const QString &table, const QStringList &copyColumns,
                      const QStringList &keyColumns);
    ~TargetBatchWriter();

    void reconnect();
    bool isConnected() const;
    PgConnection &connection() { return m_conn; }

    /// Writes `rows` lines of COPY text for the key range (lower, upper] in
    /// one transaction; `beforeCommit` runs just before the commit (a test
    /// hook: kill the process there). Returns how the rows went in.
    Result write(const QByteArray &copyData, int rows, const KeyCursor &lower,
                 const KeyCursor &upper, const std::function<void()> &beforeCommit);

    // Streaming path, for the bulk copy: when the target holds no row after
    // the cursor, nothing the batch copies can collide with a dual write
    // unless one lands meanwhile (then COPY fails with 23505 and the job
    // replays the batch through write()). COPY chunks are sent while the
    // source is still streaming, so both servers work at once.

    /// Does the target hold any row with a key after `cursor` (any row at all
    /// when the cursor is empty)?
    bool hasRowsAfter(const KeyCursor &cursor);
    /// Opens the transaction and a COPY straight into the table.
    void beginStream();
    /// Sends `copyData` (whole rows) and clears it.
    void streamChunk(QByteArray &copyData);
    /// Sends what is left, ends the COPY and commits (`beforeCommit` first).
    void finishStream(QByteArray &copyData, const std::function<void()> &beforeCommit);
    /// Rolls the open stream back (after a failure). Never throws.
    void abortStream() noexcept;

private:
    struct Stream;
    std::unique_ptr<Stream> m_stream;

    Result writeOnce(const QByteArray &copyData, int rows, const KeyCursor &lower,
                     const KeyCursor &upper, bool forceStaging,
                     const std::function<void()> &beforeCommit);

    ConnectionSettings m_settings;
    QString m_schema;
    QString m_table;
    QStringList m_copyColumns;
    QStringList m_keyColumns;
    QString m_stagingName;
    PgConnection m_conn;
};

} // namespace switchyard::core
