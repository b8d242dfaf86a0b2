#pragma once
// Jobs (backfill, validate, reverse sync, repair), their state, and the
// checkpoints that let a killed job resume with no gap and no duplicate.
//
// Obtained from ControlStore::jobs(); same thread rule and error behaviour
// as the store (StoreException; an unknown job id is Kind::Usage).
//
// Checkpoint contract: the backfill calls saveCheckpoint() only AFTER the
// target transaction that wrote the batch has committed. A crash between the
// two replays that batch on resume, which is harmless (the target insert is
// ON CONFLICT DO NOTHING); the other order could skip rows. When
// saveCheckpoint() returns, the checkpoint is durable.

#include "StoreTypes.h"

#include <QList>

#include <optional>

namespace switchyard::core {

class StoreConnection;

class JobRepository
{
public:
    explicit JobRepository(StoreConnection &connection);

    /// A new job in state Queued; returns it as stored.
    JobRecord createJob(const NewJob &job);
    /// Applies a state change (see JobStateChange). Returns false, writing
    /// nothing, when change.onlyFrom is not empty and the job is in another
    /// state (someone else claimed, finished or cancelled it first).
    bool setJobState(qint64 jobId, const JobStateChange &change);
    /// Records that a worker is alive and working on the job: sets
    /// heartbeat_at (now), worker_id and worker_host.
    void heartbeat(qint64 jobId, const QString &workerId, const QString &workerHost);

    /// A worker's lease on a job (see docs/jobs.md). Claims the job for
    /// `workerId` in ONE conditional UPDATE, so two workers never both win:
    /// it succeeds when the job is queued, or running with a heartbeat (or,
    /// never heartbeated, a last change) older than `staleBefore` — its
    /// worker is presumed dead. The job becomes running (attempts + 1) with
    /// this worker and a fresh heartbeat. False when someone else has it.
    bool claimJob(qint64 jobId, const QString &workerId, const QString &workerHost,
                  const QDateTime &staleBefore);
    /// Renews `workerId`'s lease: sets heartbeat_at (now) only while the job
    /// is still this worker's and not terminal. False when the lease was
    /// lost (another worker reclaimed it, or it was cancelled/finished).
    bool renewLease(qint64 jobId, const QString &workerId);
    /// Replaces the job's params JSON (e.g. a new throttle).
    void setJobParams(qint64 jobId, const QString &paramsJson);

    std::optional<JobRecord> job(qint64 jobId);
    /// Every job of a run, oldest first.
    QList<JobRecord> jobsForRun(qint64 runId);
    /// The newest job of this kind on this table (empty table: jobs that span
    /// tables), if any.
    std::optional<JobRecord> latestJob(qint64 runId, JobSpec::Kind kind, const QString &tableName);

    /// Upsert of the job's checkpoint (one per job); updatedAt is set by the
    /// store. See the contract above.
    void saveCheckpoint(qint64 jobId, const Checkpoint &checkpoint);
    std::optional<Checkpoint> loadCheckpoint(qint64 jobId);

private:
    std::optional<JobRecord> readJob(qint64 jobId);

    StoreConnection &m_c;
};

} // namespace switchyard::core
