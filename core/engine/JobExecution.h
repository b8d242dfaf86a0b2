#pragma once
// JobExecution: one claimed job running on its own thread — the part of a
// JobRunner that drives a BackfillJob or a ValidationJob for one job record
// and turns its reports into JobProgress values.
//
// Kinds: backfill (BackfillJob), validate (ValidationJob, params.mode),
// reverse_sync (ReverseSyncJob over params.tables, else the record's table,
// else every table; runs until cancelled) and repair (RepairQueueDrain of
// switchyard.repair_queue; params.follow, default true, keeps draining until
// cancelled; pause stops the current drain and resume starts the next).
//
// Before a backfill or validation starts, on the job's thread: a record without a checkpoint
// inherits the newest checkpoint of an earlier job of the same kind on the
// same table (a cancelled or failed backfill is resumed, not redone; a
// validation only when that checkpoint is unfinished and of the same mode —
// ValidationJob checks), and the source's row count is taken
// (information_schema TABLE_ROWS, or COUNT(*) when the estimate is below
// Setup::countBelowRows) so progress has a total and an ETA.
//
// The record's state is NOT written here: the JobRunner that claimed it
// writes how it ended (outcome()), so the lease and the state stay in one
// place. The job itself saves its checkpoints and audit entries.
//
// Threading: start() spawns the thread; pause(), resume(), stop(),
// setMaxRowsPerSecond(), progress() and finished() are thread-safe. The
// progress callback runs on the job's thread (and on the thread calling
// pause()/resume()), at most ten times a second except for changes of
// state, and must be thread-safe. The destructor stops the job (Release)
// and joins the thread.

#include "backfill/BackfillJob.h"
#include "engine/JobProgress.h"
#include "engine/ReverseSyncJob.h"
#include "validate/RepairQueueDrain.h"
#include "validate/ValidationJob.h"

#include <QElapsedTimer>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace switchyard::core {

class JobExecution
{
public:
    struct Setup
    {
        Plan plan;
        ControlStoreLocation store;
        qint64 runId = 0;
        JobRecord record;            // as claimed
        QString workerId;
        QString operatorName = QStringLiteral("engine");
        double maxRowsPerSecond = 0; // initial throttle (backfill)
        BackfillJob::Options backfill;     // batch size, retries (jobId, workerId are set here)
        ValidationJob::Options validation; // chunking, retries (mode, jobId are set here)
        qint64 countBelowRows = 200000;
    };

    /// Why a job stopped before its end.
    enum class Stop {
        None,
        Cancel,   // cancelled by the operator (the record is cancelled already)
        Release,  // the worker is shutting down: the job goes back to the queue
        LeaseLost // another worker reclaimed it: leave the record alone
    };

    struct Outcome
    {
        JobState state = JobState::Failed; // Completed, Failed or Cancelled (see stop)
        Stop stop = Stop::None;
        QString error;
        qint64 rowsDone = 0;
    };

    using ProgressFn = std::function<void(const JobProgress &)>;

    JobExecution(Setup setup, ProgressFn onProgress);
    ~JobExecution();

    /// Called on the job's thread once finished() is true (set before start()).
    void setOnFinished(std::function<void()> fn) { m_onFinished = std::move(fn); }
    void start();
    void pause();
    void resume();
    void stop(Stop why);
    /// Backfill only; false for kinds that have no throttle.
    bool setMaxRowsPerSecond(double rowsPerSecond);

    qint64 jobId() const { return m_setup.record.id; }
    const JobRecord &record() const { return m_setup.record; }
    bool isPaused() const { return m_paused; }
    double maxRowsPerSecond() const { return m_rate; }
    Stop stopReason() const { return m_stop; }
    bool finished() const { return m_finished; }
    /// Valid once finished().
    Outcome outcome() const;
    JobProgress progress() const;
    void join();

private:
    void body();
    void inheritCheckpoint();
    void countSourceRows();
    Outcome runBackfill();
    Outcome runValidation();
    Outcome runReverseSync();
    Outcome runRepairDrain();
    void publish(JobProgress p, bool force);

    Setup m_setup;
    ProgressFn m_onProgress;
    std::function<void()> m_onFinished;
    std::unique_ptr<BackfillJob> m_backfill;
    std::unique_ptr<ValidationJob> m_validation;
    std::unique_ptr<ReverseSyncJob> m_reverse;
    // The repair drain has no pause: pausing cancels the current drain and
    // the next one starts on resume (guarded by m_mutex).
    std::unique_ptr<RepairQueueDrain> m_drain;
    std::condition_variable m_resumed;
    std::thread m_thread;
    std::atomic_bool m_paused{false};
    std::atomic_bool m_finished{false};
    std::atomic<Stop> m_stop{Stop::None};
    std::atomic<double> m_rate{0};
    std::atomic<qint64> m_rowsTotal{-1};
    mutable std::mutex m_mutex; // guards m_last, m_outcome, m_sinceEmit
    JobProgress m_last;
    Outcome m_outcome;
    QElapsedTimer m_sinceEmit;
};

} // namespace switchyard::core
