#pragma once
// BackfillJob: copies one table from MySQL/MariaDB to PostgreSQL while the
// application keeps writing, resumably, at a rate the operator controls.
//
// Each batch (DESIGN.md, "Data paths → Backfill"):
//   1. read the next rows after the checkpoint's key, in key order, from the
//      source (SourceBatchReader; in locking mode under shared locks held
//      until step 4);
//   2. write them to the target in one transaction (TargetBatchWriter:
//      straight COPY into an untouched key range, or staging + ON CONFLICT
//      DO NOTHING where dual writes already put rows);
//   3. after the target commit, save the checkpoint (and the batch's rejects)
//      in the control store;
//   4. end the source transaction.
// A crash anywhere replays at most the last batch, which step 2 makes
// harmless: no gap, no duplicate, no stale overwrite.
//
// Errors: retryable ones (lost connection, deadlock, lock wait timeout,
// server restart, serialisation failure) roll the batch back, wait with
// exponential backoff (bounded), reconnect and replay it; after
// `maxAttempts` in a row, or on a fatal error, the job fails with the error
// kept for the operator. Nothing escapes run() as an exception.
//
// Threading: run() blocks the calling thread (a job thread, or the CLI's main
// thread) for the whole copy and opens its own connections. pause(),
// resume(), cancel() and setMaxRowsPerSecond() are thread-safe and take
// effect within one batch (a throttle wait is interrupted at once).

#include "backfill/BackfillProgress.h"
#include "backfill/KeyCursor.h"
#include "common/JobControl.h"
#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

namespace switchyard::core {

class Throttle;

class BackfillJob
{
public:
    struct Options
    {
        int batchRows = 0;           // 0: adaptive (BatchSizer)
        double maxRowsPerSecond = 0; // 0: unlimited
        int maxAttempts = 12;        // retries of one batch before giving up
        std::chrono::milliseconds initialBackoff{250};
        std::chrono::milliseconds maxBackoff{10000};
        bool finish = true;          // set sequences / create deferred indexes at the end
        QString workerId;            // recorded with the job
        /// 0: find or create the table's job record (see the constructor).
        /// Otherwise run this existing record, which the caller (JobRunner)
        /// has claimed: the job then loads and saves its checkpoint but
        /// leaves the record's state and heartbeat (the lease) to the caller.
        qint64 jobId = 0;
        QString operatorName = QStringLiteral("engine"); // who started it, for the audit log
    };

    /// Points where a test may act (kill the process, change a row).
    enum class Hook { AfterSourceRead, BeforeTargetCommit, AfterTargetCommit, AfterCheckpoint };
    using HookFn = std::function<void(Hook, const KeyCursor &batchEnd, qint64 batchNumber)>;
    using ProgressFn = std::function<void(const BackfillProgress &)>;

    struct Result
    {
        BackfillState state = BackfillState::Failed; // Completed, Cancelled or Failed
        qint64 jobId = 0;
        qint64 rowsCopied = 0;
        qint64 rowsRejected = 0;
        QString error; // for Failed: what went wrong and what to do
    };

    /// `plan` gives the connections and type policies; `table` must be one of
    /// its tables. The job record is found or created in the control store
    /// under `runId` (one backfill job per table and run: running it again
    /// resumes from its checkpoint).
    BackfillJob(const Plan &plan, const QString &table, const ControlStoreLocation &store,
                qint64 runId, Options options);
    ~BackfillJob();

    Result run(const ProgressFn &onProgress = {});

    void pause();
    void resume();
    void cancel();
    void setMaxRowsPerSecond(double rowsPerSecond);
    void setHook(HookFn hook) { m_hook = std::move(hook); }

private:
    struct Impl;
    void audit(Impl &s, const QString &action, const QString &reason);

    Plan m_plan;
    QString m_table;
    ControlStoreLocation m_store;
    qint64 m_runId;
    Options m_options;
    HookFn m_hook;
    std::unique_ptr<Throttle> m_throttle;
    JobControl m_control;
};

} // namespace switchyard::core
