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
