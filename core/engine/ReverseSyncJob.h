#pragma once
// ReverseSyncJob: applies the changes captured on the target (ChangeCapture)
// to MySQL/MariaDB continuously, so that while PostgreSQL is the only side
// the application writes, the source stays a complete copy and a rollback
// loses nothing (docs/reverse-sync.md).
//
// One batch:
//   1. read the next `batchChanges` entries of switchyard.change_log for the
//      job's tables, oldest first;
//   2. deduplicate their keys per table and read the CURRENT target rows of
//      those keys (ReverseSyncApplier::readTarget): the newest state wins;
//   3. in ONE MySQL transaction (foreign_key_checks off for the session: the
//      target already enforced the constraints, and keys arrive in change
//      order, not in parent-before-child order), update, insert or delete
//      each key's row (ReverseSyncApplier::apply) and commit;
//   4. delete the applied entries from the change log and record the last
//      applied id per table in switchyard.change_log_applied (one target
//      transaction);
//   5. save the checkpoint (counters and the last change id) in the control
//      store and heartbeat the job record.
// A crash between any two steps replays the batch, which is harmless: the
// rows written are the target's current rows, whatever was written before.
// Because applied entries are deleted (not passed by an id watermark), a
// transaction that commits its change after a higher id was applied is
// still picked up, and the log stays bounded by what is pending.
//
// Errors: retryable ones (lost connection, deadlock, lock wait timeout,
// serialisation failure, server restart) roll the batch back, back off
// (JobControl::backoff), reconnect both sides and replay; after
// `maxAttempts` in a row, or on a fatal error (a value MySQL cannot hold, a
// duplicate on a secondary unique key, capture not installed), the job
// fails with the error kept for the operator. Nothing escapes run().
//
// Reporting: progress values at most ten a second (and on state changes);
// metric samples once a second in the control store: "reverse_sync.lag_changes",
// "reverse_sync.lag_seconds", "reverse_sync.rows_per_second"; audit entries
// reverse_sync.start / .stop / .failed.
//
// Threading: run() blocks the calling thread until cancelled (or, with
// Options::untilCaughtUp, until nothing is pending) and opens its own
// connections and control store. pause(), resume() and cancel() are
// thread-safe and take effect between batches (an idle wait is interrupted
// at once).

#include "common/JobControl.h"
#include "engine/ReverseLag.h"
#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QStringList>

#include <chrono>
#include <functional>

namespace switchyard::core {

enum class ReverseSyncState { Starting, Running, Paused, Retrying, Completed, Failed, Cancelled };
QString reverseSyncStateName(ReverseSyncState s);

struct ReverseSyncProgress
{
    QStringList tables;
    ReverseSyncState state = ReverseSyncState::Starting;
    qint64 changesApplied = 0; // change-log entries applied (this job, all runs of it)
    qint64 rowsInserted = 0;
    qint64 rowsUpdated = 0;
    qint64 rowsDeleted = 0;
    qint64 batches = 0;
    double rowsPerSecond = 0;  // rows written to MySQL, over the last seconds
    ReverseLag lag;            // measured at most once a second
    QString lastError;
    int attempt = 0;
    qint64 atMs = 0;
};

class ReverseSyncJob
{
public:
    struct Options
    {
        int batchChanges = 500;                         // change-log entries per batch
        std::chrono::milliseconds pollInterval{200};    // wait when nothing is pending
        int maxAttempts = 12;
        std::chrono::milliseconds initialBackoff{250};
        std::chrono::milliseconds maxBackoff{10000};
        bool untilCaughtUp = false; // return Completed when nothing is pending
        qint64 jobId = 0;           // the job record to use (its state, lease and heartbeat are then
                                    // the caller's, e.g. JobRunner); 0: find (resume) or create one
        QString workerId;
        QString operatorName = QStringLiteral("engine");
    };

    /// Points where a test may act (kill the process, change a row).
    enum class Hook { AfterTargetRead, BeforeSourceCommit, AfterSourceCommit, AfterLogDelete };
    using HookFn = std::function<void(Hook, qint64 batchNumber)>;
    using ProgressFn = std::function<void(const ReverseSyncProgress &)>;

    struct Result
    {
        ReverseSyncState state = ReverseSyncState::Failed; // Completed, Cancelled or Failed
        qint64 jobId = 0;
        qint64 changesApplied = 0;
        qint64 rowsInserted = 0;
        qint64 rowsUpdated = 0;
        qint64 rowsDeleted = 0;
        QString error;
    };

    /// `tables`: plan (source) table names; empty: every table of the plan.
    ReverseSyncJob(const Plan &plan, const QStringList &tables, const ControlStoreLocation &store,
                   qint64 runId, Options options);
    ~ReverseSyncJob();

    Result run(const ProgressFn &onProgress = {});

    void pause();
    void resume();
    void cancel();
    void setHook(HookFn hook) { m_hook = std::move(hook); }

private:
    struct Impl;
    Plan m_plan;
    QStringList m_tables;
    ControlStoreLocation m_store;
    qint64 m_runId;
    Options m_options;
    HookFn m_hook;
    JobControl m_control;
};

} // namespace switchyard::core
