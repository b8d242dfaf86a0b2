#pragma once
// RepairRecorder: a failed secondary write is recorded, never lost.
//
// record() inserts the entry into switchyard.repair_queue on the target when
// the given connection works; when it does not (the target is down: the
// usual reason the secondary write failed), it appends the entry as one JSON
// line to a local file and fsyncs it before returning. drainLocal() moves
// the file's lines into switchyard.repair_queue (origin 'local_file') in one
// transaction, then empties the file. A crash between the commit and the
// truncation queues those entries twice, which is harmless: a repair copies
// the primary's current row by key, so it is idempotent.
//
// Thread-safe (a mutex and an flock on the file guard the local file; other
// processes using the same file are excluded by the flock). The target
// connection passed in belongs to the caller's thread.

#include <QDateTime>
#include <QString>

#include <mutex>

namespace switchyard::core {
class PgConnection;
}

namespace switchyard::client {

struct RepairEntry
{
    QString table;
    QString keyJson;
    QString entityId;
    QString operation; // "upsert" | "delete"
    QString error;
    QString sqlState;
    QDateTime failedAt; // UTC
};

class RepairRecorder
{
public:
    enum class Where { TargetQueue, LocalFile };

    explicit RepairRecorder(const QString &localFile);

    /// $XDG_STATE_HOME/switchyard/repair-<migration>.jsonl (~/.local/state/… by default).
    static QString defaultLocalFile(const QString &migrationName);
    const QString &localFile() const { return m_localFile; }

    /// Records the entry on the target (when `target` is non-null and works)
    /// or in the local file. Throws std::runtime_error only when neither
    /// works (the local file cannot be written): the caller must then fail
    /// the application's write loudly.
    Where record(const RepairEntry &entry, core::PgConnection *target);
    /// Entries waiting in the local file.
    int localCount() const;
    /// Moves the local entries into switchyard.repair_queue; returns how many.
    /// Throws DbException when the target cannot take them (the file is kept).
    int drainLocal(core::PgConnection &target);

private:
    void appendLocal(const RepairEntry &entry);

    QString m_localFile;
    mutable std::mutex m_mutex;
};

} // namespace switchyard::client
