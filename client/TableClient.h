#pragma once
// TableClient: what an application uses to read and write one table during
// a migration, following the flags on the target (docs/flags.md).
//
//   client::TableClient users(plan, "users");           // connects, reads the flags
//   auto w = users.insert({{"email", "a@b.c"}, {"name", "Ann"}, …});
//   users.update(w.key, {{"status", "active"}});
//   client::ReadResult r = users.read(w.key);            // routed by read_from/read_percent
//   users.remove(w.key);
//
// Writes: the primary (the source while write_source is on, else the
// target) first; the application's write fails (DbException) only when the
// primary fails, or (std::runtime_error, after the primary committed) when a
// failed secondary write can be recorded neither on the target nor in the
// local repair file: losing it silently is never an option. After the primary committed, the secondary (the target when
// write_target is on and the source is primary) receives the full row read
// back from the primary: an upsert, or a delete when the row is gone. A
// failed secondary write never fails the application's write and is never
// lost: it goes to switchyard.repair_queue, or to the local repair file when
// the target is unreachable (RepairRecorder). With write_source and
// write_target both off the write is refused (std::runtime_error).
//
// Reads: from the target when read_from is target and the entity is in the
// read_percent ramp, else from the source; a side that is not written is
// never read. With shadow_read on and the entity in the
// shadow_sample_percent ramp, the other side is compared in the background.
//
// Flags are re-read every ClientOptions::flagPollMs (≤ 1 s) by a background
// thread; the last known flags stay in force while the target is unreachable.
// Each operation uses the flags in force when it starts.
//
// Threads: one TableClient per application thread (it owns its database
// connections); its background threads are its own business. Not copyable.
// Known limit: two application processes updating the SAME row at the same
// moment can have their secondary upserts arrive in the opposite order of
// their primary commits; the shadow reads and validation find such a row and
// the repair copies the primary's row.

#include "client/ClientTypes.h"
#include "flags/FlagSet.h"
#include "plan/Plan.h"

#include <QVariantMap>

#include <memory>

namespace switchyard::client {

class FlagWatcher;
class ShadowReader;
class TableAccess;

class TableClient
{
public:
    struct Stats
    {
        qint64 secondaryWritten = 0;
        qint64 queuedInTarget = 0;
        qint64 queuedLocally = 0;
        qint64 readsFromSource = 0;
        qint64 readsFromTarget = 0;
        qint64 shadowQueued = 0;
        qint64 shadowCompared = 0;
        qint64 shadowMismatched = 0;
        qint64 shadowErrors = 0;
        qint64 shadowDropped = 0;
        qint64 flagsVersion = 0;
        bool flagsEverRead = false;
        QString flagsError;
    };

    /// Connects to the source, introspects `table`, starts the flag watcher
    /// (waiting up to options.firstFlagsWaitMs for the first read) and the
    /// shadow reader. Throws DbException or std::invalid_argument.
    TableClient(const core::Plan &plan, const QString &table, ClientOptions options = {});
    ~TableClient();
    TableClient(const TableClient &) = delete;
    TableClient &operator=(const TableClient &) = delete;

    WriteResult insert(const QVariantMap &values);
    WriteResult update(const QVariantList &key, const QVariantMap &changes);
    WriteResult remove(const QVariantList &key);
    ReadResult read(const QVariantList &key);

    /// The side read() would use for `key` with the flags in force now.
    Side readSide(const QVariantList &key) const;
    core::FlagSet flags() const;
    Stats stats() const;
    const TableAccess &table() const;
    /// Waits until the flag watcher has read version `version` (tests, tools).
    bool waitForFlagsVersion(qint64 version, int timeoutMs) const;
    /// Waits until queued shadow comparisons are done and counted.
    bool waitForShadowIdle(int timeoutMs) const;
    /// The local repair file in use.
    QString localRepairFile() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace switchyard::client
