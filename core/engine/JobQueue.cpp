#include "engine/JobQueue.h"

#include "store/ControlStore.h"

#include <QJsonDocument>

namespace switchyard::core {

namespace {

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

bool needsTable(JobSpec::Kind kind)
{
    return kind == JobSpec::Kind::Backfill || kind == JobSpec::Kind::Validate;
}

} // namespace

JobQueue::JobQueue(ControlStore &store, const Plan &plan, qint64 runId, const QString &operatorName)
    : m_store(store)
    , m_plan(plan)
    , m_runId(runId)
    , m_operator(operatorName.isEmpty() ? QStringLiteral("engine") : operatorName)
{
}

QJsonObject JobQueue::params(const JobRecord &job)
{
    return QJsonDocument::fromJson(job.paramsJson.toUtf8()).object();
}

std::optional<double> JobQueue::maxRowsPerSecond(const JobRecord &job)
{
    const QJsonValue v = params(job).value(QStringLiteral("maxRowsPerSecond"));
    if (!v.isDouble())
        return std::nullopt;
    return v.toDouble();
}

QString JobQueue::mode(const JobRecord &job)
{
    return params(job).value(QStringLiteral("mode")).toString();
}

void JobQueue::audit(const QString &action, qint64 jobId, const QString &reason, const QJsonObject &details)
{
    AuditEntry e;
    e.runId = m_runId;
    e.operatorName = m_operator;
    e.action = action;
    e.target = QStringLiteral("job:%1").arg(jobId);
    e.reason = reason;
    QJsonObject d = details;
    d.insert(QStringLiteral("job"), jobId);
    e.detailsJson = compact(d);
    m_store.audit().appendAudit(e);
}

std::optional<JobRecord> JobQueue::runJob(qint64 jobId, QString &refusal)
{
    const std::optional<JobRecord> job = m_store.jobs().job(jobId);
    if (!job || job->runId != m_runId) {
        refusal = job ? QStringLiteral("job %1 belongs to run %2, not to run %3 of this plan")
                            .arg(jobId)
                            .arg(job->runId)
                            .arg(m_runId)
                      : QStringLiteral("there is no job %1 (list them with: switchyard-cli jobs PLAN)").arg(jobId);
        return std::nullopt;
    }
    return job;
}

JobQueue::Outcome JobQueue::enqueue(JobSpec::Kind kind, const QString &table,
                                    std::optional<JobSpec::ValidateMode> mode, const QJsonObject &extraParams)
{
    Outcome out;
    if (needsTable(kind) && !m_plan.table(table)) {
        out.refusal = table.isEmpty()
                          ? QStringLiteral("a %1 job needs a table (--table T)").arg(JobSpec::kindName(kind))
                          : QStringLiteral("table '%1' is not in the plan").arg(table);
        return out;
    }
    if (mode && kind != JobSpec::Kind::Validate) {
        out.refusal = QStringLiteral("only validate jobs take a mode");
        return out;
    }
    QJsonObject params = extraParams;
    if (kind == JobSpec::Kind::Validate)
        params.insert(QStringLiteral("mode"), JobSpec::modeName(mode.value_or(JobSpec::ValidateMode::Checksum)));
    if (kind == JobSpec::Kind::Backfill && !params.contains(QStringLiteral("maxRowsPerSecond"))) {
        if (const TableSpec *t = m_plan.table(table); t && t->maxRowsPerSecond > 0)
            params.insert(QStringLiteral("maxRowsPerSecond"), t->maxRowsPerSecond);
    }
    m_store.transaction(QStringLiteral("enqueue a %1 job").arg(JobSpec::kindName(kind)), [&] {
        out = {};
        for (const JobRecord &j : m_store.jobs().jobsForRun(m_runId)) {
            if (j.kind == kind && j.tableName == table && !isTerminal(j.state)) {
                out.refusal = QStringLiteral("job %1 (%2%3) is already %4; resume or cancel it instead")
                                  .arg(j.id)
                                  .arg(JobSpec::kindName(kind))
                                  .arg(table.isEmpty() ? QString() : QStringLiteral(" of ") + table)
                                  .arg(storeName(j.state));
                out.job = j;
                return;
            }
        }
        out.job = m_store.jobs().createJob({m_runId, kind, table, compact(params)});
        out.applied = true;
        QJsonObject details = params;
        details.insert(QStringLiteral("kind"), JobSpec::kindName(kind));
        details.insert(QStringLiteral("table"), table);
        audit(QStringLiteral("job.enqueue"), out.job.id,
              QStringLiteral("%1%2").arg(JobSpec::kindName(kind),
                                         table.isEmpty() ? QString() : QStringLiteral(" of ") + table),
              details);
    });
    return out;
}

JobQueue::Outcome JobQueue::change(qint64 jobId, const QString &action, JobState to,
                                   const QList<JobState> &from, const QString &reason)
{
    Outcome out;
    const auto job = runJob(jobId, out.refusal);
    if (!job)
        return out;
    JobStateChange c;
    c.state = to;
    c.onlyFrom = from;
    m_store.transaction(QStringLiteral("%1 job %2").arg(action).arg(jobId), [&] {
        out.applied = m_store.jobs().setJobState(jobId, c);
        if (out.applied)
            audit(action, jobId, reason, {{QStringLiteral("from"), storeName(job->state)},
                                          {QStringLiteral("to"), storeName(to)}});
    });
    out.job = m_store.jobs().job(jobId).value_or(*job);
    if (!out.applied)
        out.refusal = QStringLiteral("job %1 is %2: it cannot be %3")
                          .arg(jobId)
                          .arg(storeName(out.job.state))
                          .arg(action == QLatin1String("job.pause")    ? QStringLiteral("paused")
                               : action == QLatin1String("job.resume") ? QStringLiteral("resumed")
                                                                       : QStringLiteral("cancelled"));
    return out;
}

JobQueue::Outcome JobQueue::pause(qint64 jobId)
{
    return change(jobId, QStringLiteral("job.pause"), JobState::Paused, {JobState::Queued, JobState::Running},
                  QStringLiteral("paused by the operator; the checkpoint is kept"));
}

JobQueue::Outcome JobQueue::resume(qint64 jobId)
{
    Outcome out;
    const auto job = runJob(jobId, out.refusal);
    if (!job)
        return out;
    // A worker still heartbeating holds the paused job and resumes it in
    // place; otherwise it goes back to the queue for any worker.
    const QDateTime fresh = QDateTime::currentDateTimeUtc().addMSecs(-m_lease.count());
    const bool held = !job->workerId.isEmpty() && job->heartbeatAt.isValid() && job->heartbeatAt > fresh;
    return change(jobId, QStringLiteral("job.resume"), held ? JobState::Running : JobState::Queued,
                  {JobState::Paused},
                  held ? QStringLiteral("resumed in place by worker %1").arg(job->workerId)
                       : QStringLiteral("back in the queue; the next worker resumes it from its checkpoint"));
}

JobQueue::Outcome JobQueue::cancel(qint64 jobId)
{
    return change(jobId, QStringLiteral("job.cancel"), JobState::Cancelled,
                  {JobState::Queued, JobState::Running, JobState::Paused},
                  QStringLiteral("cancelled by the operator; the checkpoint is kept"));
}

JobQueue::Outcome JobQueue::throttle(qint64 jobId, double rowsPerSecond)
{
    Outcome out;
    if (!(rowsPerSecond >= 0)) {
        out.refusal = QStringLiteral("a throttle is a number of rows per second, 0 for unlimited");
        return out;
    }
    if (!runJob(jobId, out.refusal))
        return out;
    m_store.transaction(QStringLiteral("throttle job %1").arg(jobId), [&] {
        // Read inside the transaction so a concurrent params change is not lost.
        const std::optional<JobRecord> job = m_store.jobs().job(jobId);
        out = {};
        out.job = *job;
        if (isTerminal(job->state)) {
            out.refusal = QStringLiteral("job %1 is %2: there is nothing to throttle")
                              .arg(jobId)
                              .arg(storeName(job->state));
            return;
        }
        QJsonObject p = params(*job);
        const QJsonValue before = p.value(QStringLiteral("maxRowsPerSecond"));
        p.insert(QStringLiteral("maxRowsPerSecond"), rowsPerSecond);
        m_store.jobs().setJobParams(jobId, compact(p));
        out.applied = true;
        audit(QStringLiteral("job.throttle"), jobId,
              rowsPerSecond > 0 ? QStringLiteral("at most %1 rows/s").arg(rowsPerSecond)
                                : QStringLiteral("unlimited"),
              {{QStringLiteral("from"), before.isDouble() ? before : QJsonValue(0)},
               {QStringLiteral("to"), rowsPerSecond}});
    });
    if (out.applied)
        out.job = m_store.jobs().job(jobId).value_or(out.job);
    return out;
}

} // namespace switchyard::core
