#pragma once
// JobRunner: runs a run's jobs — in the cockpit, in `switchyard-cli worker`,
// or on another machine — taking them from the control store, which is the
// work queue (docs/jobs.md).
//
//   JobRunner runner(plan, runId, ControlStoreLocation::fromPlan(plan), {});
//   runner.setProgressCallback([](const JobProgress &p) { … });  // before start()
//   runner.start();                       // claims queued jobs of the run
//   const qint64 id = runner.startJob(JobSpec::Kind::Backfill, "users");
//   runner.setMaxRowsPerSecond(id, 5000); // takes effect while running
//   runner.pause(id); runner.resume(id); runner.cancel(id);
//   runner.stop();                        // running jobs go back to the queue
//
// Leases. A runner has a worker id (host:pid:random unless given). It claims
// a job with ONE conditional update (JobRepository::claimJob): a queued job,
// or a running one whose heartbeat is older than Options::lease (its worker
// died; the job resumes from its checkpoint, no gap, no duplicate). It renews
// the lease of every job it holds every Options::heartbeat; a renewal that
// fails (someone reclaimed the job) stops the job here without touching the
// record. At most Options::maxParallel jobs run at once; a job started with
// startJob() is claimed at the next tick whatever the limit.
//
// Requests from others. Every Options::poll (500 ms) the runner reads the
// run's jobs and applies what other processes asked for through the store
// (JobQueue): cancelled → the job stops; paused → it pauses between batches;
// running again → it resumes; params.maxRowsPerSecond → the new throttle.
// pause()/resume()/cancel()/setMaxRowsPerSecond() write the same requests
// (audited, as Options::operatorName) and apply them at once.
//
// Kinds. Backfill (BackfillJob), validate (ValidationJob, params.mode),
// reverse_sync (ReverseSyncJob, until cancelled) and repair (RepairQueueDrain,
// params.follow); see JobExecution. A job that cannot start is failed with
// the reason, so it does not sit in the queue unexplained.
//
// End of a job. The runner writes the record's final state: completed,
// failed (with the error), cancelled (by the operator), or — when the runner
// stops — queued again (a paused job stays paused), its checkpoint kept.
//
// Threading: every public method is thread-safe. The runner has one control
// thread (claims, polls, heartbeats, with its own ControlStore) and one
// thread per job (with its own connections). The progress callback runs on
// those threads — at most ten times a second per job, plus every change of
// state — and must be thread-safe (the cockpit queues the value to the GUI
// thread). Errors of the store in the control thread are retried at the
// next tick and reported through lastError().

#include "engine/JobExecution.h"
#include "engine/JobProgress.h"
#include "engine/JobQueue.h"
#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace switchyard::core {

class ControlStore;

class JobRunner
{
public:
    struct Options
    {
        QString workerId;  // empty: defaultWorkerId()
        int maxParallel = 2;
        bool claimQueued = true; // false: run only jobs started through this runner
        std::chrono::milliseconds lease{30000};
        std::chrono::milliseconds heartbeat{5000};
        std::chrono::milliseconds poll{500};
        QString operatorName = QStringLiteral("engine");
        BackfillJob::Options backfill;     // batch size, retries
        ValidationJob::Options validation; // chunking, retries
        qint64 countBelowRows = 200000;    // exact COUNT(*) for a total below this estimate
    };

    /// A job this runner ran to its end (or released).
    struct Finished
    {
        qint64 jobId = 0;
        JobSpec::Kind kind = JobSpec::Kind::Backfill;
        QString table;
        JobState state = JobState::Completed; // as written to the store
        QString error;
        qint64 rowsDone = 0;
    };

    using ProgressFn = std::function<void(const JobProgress &)>;

    JobRunner(const Plan &plan, qint64 runId, const ControlStoreLocation &store, Options options);
    /// stop(), then joins every thread.
    ~JobRunner();
    JobRunner(const JobRunner &) = delete;
    JobRunner &operator=(const JobRunner &) = delete;

    /// Call before start(); the callback is read without a lock afterwards.
    void setProgressCallback(ProgressFn fn);
    /// Starts the control thread (idempotent).
    void start();
    /// Stops every job here: running ones go back to the queue, paused ones
    /// stay paused; checkpoints kept. Blocks until their threads end (within
    /// one batch or chunk). The runner cannot be started again.
    void stop();

    /// Enqueues a job (JobQueue::enqueue, audited) and runs it here (starts
    /// the runner if needed), whatever maxParallel says. Throws
    /// std::runtime_error with the refusal when it cannot be enqueued.
    qint64 startJob(JobSpec::Kind kind, const QString &table,
                    std::optional<JobSpec::ValidateMode> mode = std::nullopt);
    /// Requests through the store (audited) and applied here at once when
    /// this runner holds the job. False with `refusal` set when refused.
    bool pause(qint64 jobId, QString *refusal = nullptr);
    bool resume(qint64 jobId, QString *refusal = nullptr);
    bool cancel(qint64 jobId, QString *refusal = nullptr);
    bool setMaxRowsPerSecond(qint64 jobId, double rowsPerSecond, QString *refusal = nullptr);

    /// The latest progress of every job this runner holds now.
    QList<JobProgress> progress() const;
    /// Jobs this runner finished (or released), oldest first.
    QList<Finished> finished() const;
    /// True once a tick found nothing to do: no job held here and no job of
    /// the run queued or running (with a live lease) anywhere.
    bool isIdle() const;
    /// The latest control-thread error (store unreachable), empty when fine.
    QString lastError() const;
    QString workerId() const { return m_options.workerId; }
    qint64 runId() const { return m_runId; }

    /// host:pid:random — unique per process, readable in `jobs list`.
    static QString defaultWorkerId();

private:
    bool request(qint64 jobId, const std::function<JobQueue::Outcome(JobQueue &)> &ask,
                 const std::function<void(JobExecution &)> &apply, QString *refusal);
    void loop();
    void tick(ControlStore &store, bool heartbeatDue);
    void launch(const JobRecord &record);
    void reap(ControlStore &store);
    void report(const JobProgress &p);

    Plan m_plan;
    qint64 m_runId;
    ControlStoreLocation m_store;
    Options m_options;

    mutable std::mutex m_mutex; // guards everything below
    std::condition_variable m_wake;
    ProgressFn m_onProgress;
    std::map<qint64, std::shared_ptr<JobExecution>> m_jobs;
    QList<qint64> m_wanted; // started here: claim at the next tick
    QList<Finished> m_finished;
    bool m_started = false;
    bool m_stopping = false;
    bool m_idle = false;
    bool m_kick = false; // a job finished: reap it now, not at the next poll
    QString m_lastError;
    std::thread m_control;
};

} // namespace switchyard::core
