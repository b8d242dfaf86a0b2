#pragma once
// JobQueue: the control store seen as the run's work queue — what an
// operator (the cockpit, `switchyard-cli jobs`, the phase engine) does to
// jobs without running them: enqueue a backfill or a validation, and ask for
// pause / resume / cancel / a new throttle. The JobRunner that holds a job
// (in this process or on another machine) sees the request in the store
// within about a second and applies it (docs/jobs.md).
//
// Every request is one conditional write (a job that finished meanwhile is
// not resurrected) followed by an audit entry: "job.enqueue", "job.pause",
// "job.resume", "job.cancel", "job.throttle", with the operator and the
// job's id as target ("job:12").
//
// Threading: a JobQueue uses the ControlStore it is given, so it lives on
// that store's thread. Errors: StoreException from the store; a request that
// does not apply (unknown job, another run's job, wrong state, bad value) is
// an Outcome with applied = false and a refusal a person can read.

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QJsonObject>
#include <QString>

#include <chrono>
#include <optional>

namespace switchyard::core {

class ControlStore;

class JobQueue
{
public:
    struct Outcome
    {
        bool applied = false;
        QString refusal; // why not, when !applied
        JobRecord job;   // the job as stored after the request (when it exists)
    };

    /// `plan` names the tables a job may be for; `operatorName` goes into
    /// every audit entry.
    JobQueue(ControlStore &store, const Plan &plan, qint64 runId, const QString &operatorName);

    /// A new queued job. Backfill and validate need a table of the plan;
    /// validate takes a mode (default checksum). Refused while the table already has an unfinished job
    /// of that kind (say which, so the operator resumes it instead).
    /// `extraParams` are merged into the job's params (e.g. "phase").
    Outcome enqueue(JobSpec::Kind kind, const QString &table,
                    std::optional<JobSpec::ValidateMode> mode = std::nullopt,
                    const QJsonObject &extraParams = {});
    /// queued/running → paused.
    Outcome pause(qint64 jobId);
    /// paused → running when a live worker still holds it (it resumes in
    /// place), else → queued (any worker claims it and resumes from its
    /// checkpoint).
    Outcome resume(qint64 jobId);
    /// queued/running/paused → cancelled. The checkpoint is kept: a later
    /// job of the same kind on the same table starts from it.
    Outcome cancel(qint64 jobId);
    /// Sets params.maxRowsPerSecond (0: unlimited) of an unfinished job.
    Outcome throttle(qint64 jobId, double rowsPerSecond);

    /// The lease a worker's heartbeat must be younger than for resume() to
    /// count it as alive (the JobRunner default).
    void setLease(std::chrono::milliseconds lease) { m_lease = lease; }

    /// Params helpers: params.maxRowsPerSecond (nullopt when not set) and
    /// params.mode.
    static std::optional<double> maxRowsPerSecond(const JobRecord &job);
    static QString mode(const JobRecord &job);
    static QJsonObject params(const JobRecord &job);

private:
    Outcome change(qint64 jobId, const QString &action, JobState to, const QList<JobState> &from,
                   const QString &reason);
    std::optional<JobRecord> runJob(qint64 jobId, QString &refusal);
    void audit(const QString &action, qint64 jobId, const QString &reason, const QJsonObject &details);

    ControlStore &m_store;
    Plan m_plan;
    qint64 m_runId;
    QString m_operator;
    std::chrono::milliseconds m_lease{30000};
};

} // namespace switchyard::core
