#include "engine/PhaseJobs.h"

#include "store/ControlStore.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard::core {

PhaseJobs::PhaseJobs(ControlStore &store, qint64 runId)
    : m_store(store)
    , m_runId(runId)
{
}

QString PhaseJobs::param(const JobRecord &job, const QString &name)
{
    const QJsonDocument doc = QJsonDocument::fromJson(job.paramsJson.toUtf8());
    return doc.isObject() ? doc.object().value(name).toString() : QString();
}

QString PhaseJobs::describe(const JobRecord &job)
{
    QString s = QStringLiteral("job %1: %2").arg(job.id).arg(JobSpec::kindName(job.kind));
    if (!job.tableName.isEmpty())
        s += QLatin1Char(' ') + job.tableName;
    const QString mode = param(job, QStringLiteral("mode"));
    if (!mode.isEmpty())
        s += QStringLiteral(" (%1)").arg(mode);
    return s + QStringLiteral(", ") + storeName(job.state);
}

QList<PlannedJob> PhaseJobs::toEnqueue(const QList<PlannedJob> &planned)
{
    const QList<JobRecord> all = m_store.jobs().jobsForRun(m_runId);
    QList<PlannedJob> result;
    for (const PlannedJob &p : planned) {
        bool skip = false;
        for (const JobRecord &j : all) {
            if (j.kind == p.kind && j.tableName == p.table && !isTerminal(j.state)
                && param(j, QStringLiteral("mode")) == p.mode) {
                skip = true; // already queued or running
                break;
            }
        }
        if (!skip && p.kind == JobSpec::Kind::Backfill) {
            const std::optional<JobRecord> latest = m_store.jobs().latestJob(m_runId, p.kind, p.table);
            skip = latest && latest->state == JobState::Completed;
        }
        for (const PlannedJob &r : std::as_const(result)) {
            if (r.kind == p.kind && r.table == p.table && r.mode == p.mode)
                skip = true;
        }
        if (!skip)
            result.append(p);
    }
    return result;
}

QList<JobRecord> PhaseJobs::unfinishedOfPhase(const QString &phaseId, bool includeReverseSync)
{
    QList<JobRecord> result;
    for (const JobRecord &j : m_store.jobs().jobsForRun(m_runId)) {
        if (isTerminal(j.state) || param(j, QStringLiteral("phase")) != phaseId)
            continue;
        if (j.kind == JobSpec::Kind::ReverseSync && !includeReverseSync)
            continue;
        result.append(j);
    }
    return result;
}

QList<JobRecord> PhaseJobs::unfinishedReverseSync()
{
    QList<JobRecord> result;
    for (const JobRecord &j : m_store.jobs().jobsForRun(m_runId)) {
        if (j.kind == JobSpec::Kind::ReverseSync && !isTerminal(j.state))
            result.append(j);
    }
    return result;
}

QList<JobRecord> PhaseJobs::enqueue(const QList<PlannedJob> &planned, const QString &operatorName,
                                    const QString &reason)
{
    QList<JobRecord> created;
    for (const PlannedJob &p : toEnqueue(planned)) {
        m_store.transaction(QStringLiteral("enqueue %1").arg(p.describe()), [&] {
            NewJob job;
            job.runId = m_runId;
            job.kind = p.kind;
            job.tableName = p.table;
            job.paramsJson = p.paramsJson();
            const JobRecord record = m_store.jobs().createJob(job);
            QJsonObject details;
            details.insert(QStringLiteral("job_id"), record.id);
            details.insert(QStringLiteral("kind"), JobSpec::kindName(p.kind));
            details.insert(QStringLiteral("table"), p.table);
            details.insert(QStringLiteral("params"), QJsonDocument::fromJson(job.paramsJson.toUtf8()).object());
            m_store.audit().appendAudit(engineAuditEntry(m_runId, operatorName, QStringLiteral("job.enqueue"),
                                                         QStringLiteral("job:%1").arg(record.id), reason, details));
            if (created.isEmpty() || created.last().id != record.id)
                created.append(record);
        });
    }
    return created;
}

QList<qint64> PhaseJobs::cancel(const QList<JobRecord> &jobs, const QString &operatorName, const QString &reason)
{
    QList<qint64> cancelled;
    for (const JobRecord &j : jobs) {
        m_store.transaction(QStringLiteral("cancel job %1").arg(j.id), [&] {
            JobStateChange change;
            change.state = JobState::Cancelled;
            change.onlyFrom = {JobState::Queued, JobState::Running, JobState::Paused};
            if (!m_store.jobs().setJobState(j.id, change))
                return; // it finished (or was cancelled) meanwhile
            QJsonObject details;
            details.insert(QStringLiteral("job_id"), j.id);
            details.insert(QStringLiteral("kind"), JobSpec::kindName(j.kind));
            details.insert(QStringLiteral("table"), j.tableName);
            details.insert(QStringLiteral("was"), storeName(j.state));
            m_store.audit().appendAudit(engineAuditEntry(m_runId, operatorName, QStringLiteral("job.cancel"),
                                                         QStringLiteral("job:%1").arg(j.id), reason, details));
            if (!cancelled.contains(j.id))
                cancelled.append(j.id);
        });
    }
    return cancelled;
}

} // namespace switchyard::core
