#pragma once
// PhaseJobs: the job records a transition enqueues and cancels in the
// control store (the engine never runs jobs; a JobRunner claims them).
//
// Enqueue rules: never a duplicate of a job of the same kind, table and mode
// that has not finished; never a backfill of a table whose latest backfill
// completed (its copy is done; re-entering the phase must not copy again).
// Cancel: setJobState(Cancelled) only from queued / running / paused, so a
// job that finished meanwhile keeps its state; the runner sees the
// cancellation in the store within about a second. Each enqueue and cancel
// is audited ("job.enqueue" / "job.cancel"). One thread, the caller's store.

#include "engine/PhasePlanner.h"

namespace switchyard::core {

class ControlStore;

class PhaseJobs
{
public:
    PhaseJobs(ControlStore &store, qint64 runId);

    /// The planned jobs that enqueue() would create now (filtered as above).
    QList<PlannedJob> toEnqueue(const QList<PlannedJob> &planned);
    /// Unfinished jobs started by phase `phaseId` (params "phase"), reverse
    /// sync excluded unless includeReverseSync.
    QList<JobRecord> unfinishedOfPhase(const QString &phaseId, bool includeReverseSync);
    /// Unfinished reverse-sync jobs of the run, whatever phase started them.
    QList<JobRecord> unfinishedReverseSync();

    /// Creates the records (state queued); returns them.
    QList<JobRecord> enqueue(const QList<PlannedJob> &planned, const QString &operatorName, const QString &reason);
    /// Cancels what is still unfinished; returns the ids cancelled.
    QList<qint64> cancel(const QList<JobRecord> &jobs, const QString &operatorName, const QString &reason);

    /// "job 12: validate users (sample), running".
    static QString describe(const JobRecord &job);
    /// The "mode" / "phase" members of a job's params JSON (empty when absent).
    static QString param(const JobRecord &job, const QString &name);

private:
    ControlStore &m_store;
    qint64 m_runId;
};

} // namespace switchyard::core
