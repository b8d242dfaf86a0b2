#pragma once
// FlagReader: reads switchyard.flags from the target, and waits for the
// NOTIFY a publish sends.
//
//   FlagReader reader(pg);
//   reader.listen();                       // LISTEN switchyard_flags
//   FlagSnapshot s = reader.read();        // one consistent snapshot
//   if (reader.waitForNotification(1000))  // woken by a publish, or time out
//       s = reader.read();
//
// read() takes one REPEATABLE READ snapshot, so the version and the rows
// always belong together. When nothing was ever published (no tables, or
// version 0) the snapshot says published == false and holds the defaults.
// A row this build does not understand (a flag a newer Switchyard added, or a
// bad value) is skipped and named in `problems`; the rest still apply.
//
// Throws DbException when the target cannot be read. What an application
// does then (keep the last known flags) is FlagWatcher's business (client/).
// One thread, like the PgConnection it uses; the connection must outlive it.

#include "flags/FlagSet.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace switchyard::core {

class PgConnection;

struct FlagRow
{
    QString name;
    QString jsonValue;
    qint64 version = 0;
    QString changedBy;
    QDateTime changedAt; // UTC
    QString reason;
};

struct FlagHistoryRow
{
    qint64 version = 0;
    QString name;
    QString oldJson; // empty: the flag did not exist
    QString newJson; // empty: the flag was removed
    QString changedBy;
    QDateTime changedAt;
    QString reason;
};

struct FlagSnapshot
{
    bool published = false;
    qint64 version = 0;
    FlagSet flags;
    QList<FlagRow> rows;
    QStringList problems;
    /// Every built-in flag has a row. A publish always writes all of them, so
    /// a published snapshot that misses one was damaged (a table recreated
    /// or restored): an application must not act on it (keep the last known).
    bool complete = false;
};

class FlagReader
{
public:
    explicit FlagReader(PgConnection &target);
    ~FlagReader();
    FlagReader(const FlagReader &) = delete;
    FlagReader &operator=(const FlagReader &) = delete;

    FlagSnapshot read();
    /// The newest history rows, newest first.
    QList<FlagHistoryRow> history(int limit);

    /// LISTEN on switchyard_flags (idempotent). Call again after the
    /// connection was reopened.
    void listen();
    /// Waits up to timeoutMs for a notification (listen() first). True when
    /// one arrived; `version` gets the newest payload.
    bool waitForNotification(int timeoutMs, qint64 *version = nullptr);

private:
    struct Receiver;
    PgConnection &m_target;
    std::unique_ptr<Receiver> m_receiver;
};

} // namespace switchyard::core
