#include "JobRepository.h"

#include "StoreConnection.h"

namespace switchyard::core {

namespace {

QString jobColumns(const SqlDialect &d)
{
    return QStringLiteral("id, run_id, kind, table_name, params, state, %1, %2, %3, %4, last_error,"
                          " last_error_retryable, attempts, worker_id, worker_host, %5")
        .arg(d.timestampOut(QStringLiteral("created_at")), d.timestampOut(QStringLiteral("started_at")),
             d.timestampOut(QStringLiteral("updated_at")), d.timestampOut(QStringLiteral("finished_at")),
             d.timestampOut(QStringLiteral("heartbeat_at")));
}

JobRecord jobFromRow(const QSqlQuery &q)
{
    JobRecord j;
    j.id = q.value(0).toLongLong();
    j.runId = q.value(1).toLongLong();
    j.kind = jobKindFromName(q.value(2).toString()).value_or(JobSpec::Kind::Backfill);
    j.tableName = q.value(3).toString();
    j.paramsJson = q.value(4).toString();
    j.state = jobStateFromName(q.value(5).toString()).value_or(JobState::Queued);
    j.createdAt = SqlDialect::parseIsoUtc(q.value(6));
    j.startedAt = SqlDialect::parseIsoUtc(q.value(7));
    j.updatedAt = SqlDialect::parseIsoUtc(q.value(8));
    j.finishedAt = SqlDialect::parseIsoUtc(q.value(9));
    j.lastError = q.value(10).toString();
    j.lastErrorRetryable = q.value(11).toBool();
    j.attempts = q.value(12).toInt();
    j.workerId = q.value(13).toString();
    j.workerHost = q.value(14).toString();
    j.heartbeatAt = SqlDialect::parseIsoUtc(q.value(15));
    return j;
}

} // namespace

JobRepository::JobRepository(StoreConnection &connection)
    : m_c(connection)
{
}

JobRecord JobRepository::createJob(const NewJob &job)
{
    const QString what = QStringLiteral("create a %1 job for run %2").arg(storeName(job.kind)).arg(job.runId);
    const qint64 id = m_c.write(what, [&] {
        const QVariant now = SqlDialect::timestampValue(SqlDialect::nowUtc());
        QSqlQuery q = m_c.prepare(QStringLiteral(
            "INSERT INTO jobs (run_id, kind, table_name, params, state, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'queued', ?, ?) RETURNING id"));
        q.addBindValue(job.runId);
        q.addBindValue(storeName(job.kind));
        q.addBindValue(SqlDialect::text(job.tableName));
        q.addBindValue(job.paramsJson.isEmpty() ? QStringLiteral("{}") : job.paramsJson);
        q.addBindValue(now);
        q.addBindValue(now);
        m_c.exec(q);
        if (!q.next())
            m_c.fail(StoreError::Kind::Query, QStringLiteral("the new job's id was not returned"), {});
        return q.value(0).toLongLong();
    });
    // `job` is the parameter here; the member function is this->job().
    const std::optional<JobRecord> stored = this->job(id);
    if (!stored)
        m_c.fail(StoreError::Kind::Query, QStringLiteral("job %1 vanished after it was created").arg(id), what);
    return *stored;
}

bool JobRepository::setJobState(qint64 jobId, const JobStateChange &change)
{
    return m_c.write(QStringLiteral("set job %1 to %2").arg(jobId).arg(storeName(change.state)), [&] {
        const QVariant now = SqlDialect::timestampValue(SqlDialect::nowUtc());
        // The SET list is chosen here from fixed fragments; values are bound.
        QStringList sets{QStringLiteral("state = ?"), QStringLiteral("updated_at = ?")};
        QVariantList values{storeName(change.state), now};
        if (change.state == JobState::Running) {
            sets << QStringLiteral("started_at = COALESCE(started_at, ?)") << QStringLiteral("attempts = attempts + 1")
                 << QStringLiteral("finished_at = NULL");
            values << now;
        } else if (isTerminal(change.state)) {
            sets << QStringLiteral("finished_at = ?");
            values << now;
        }
        if (change.state == JobState::Failed || !change.error.isEmpty()) {
            sets << QStringLiteral("last_error = ?") << QStringLiteral("last_error_retryable = ?");
            values << SqlDialect::text(change.error) << change.retryable;
        }
        if (!change.workerId.isEmpty()) {
            sets << QStringLiteral("worker_id = ?") << QStringLiteral("worker_host = ?");
            values << change.workerId << SqlDialect::text(change.workerHost);
        }
        QString sql = QStringLiteral("UPDATE jobs SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", ")));
        values << jobId;
        if (!change.onlyFrom.isEmpty()) {
            QStringList marks;
            for (JobState s : change.onlyFrom) {
                marks << QStringLiteral("?");
                values << storeName(s);
            }
            sql += QStringLiteral(" AND state IN (%1)").arg(marks.join(QStringLiteral(", ")));
        }
        QSqlQuery q = m_c.prepare(sql);
        for (const QVariant &v : values)
            q.addBindValue(v);
        m_c.exec(q);
        if (q.numRowsAffected() == 1)
            return true;
        q.finish();
        if (!readJob(jobId))
            m_c.fail(StoreError::Kind::Usage, QStringLiteral("there is no job %1 in the control store").arg(jobId), {});
        return false;
    });
}

void JobRepository::heartbeat(qint64 jobId, const QString &workerId, const QString &workerHost)
{
    m_c.write(QStringLiteral("record a heartbeat of job %1").arg(jobId), [&] {
        QSqlQuery q = m_c.prepare(
            QStringLiteral("UPDATE jobs SET heartbeat_at = ?, worker_id = ?, worker_host = ? WHERE id = ?"));
        q.addBindValue(SqlDialect::timestampValue(SqlDialect::nowUtc()));
        q.addBindValue(SqlDialect::text(workerId));
        q.addBindValue(SqlDialect::text(workerHost));
        q.addBindValue(jobId);
        m_c.exec(q);
        if (q.numRowsAffected() != 1)
            m_c.fail(StoreError::Kind::Usage, QStringLiteral("there is no job %1 in the control store").arg(jobId), {});
    });
}

bool JobRepository::claimJob(qint64 jobId, const QString &workerId, const QString &workerHost,
                             const QDateTime &staleBefore)
{
    return m_c.write(QStringLiteral("claim job %1 for worker %2").arg(jobId).arg(workerId), [&] {
        const QVariant now = SqlDialect::timestampValue(SqlDialect::nowUtc());
        QSqlQuery q = m_c.prepare(QStringLiteral(
            "UPDATE jobs SET state = 'running', updated_at = ?, started_at = COALESCE(started_at, ?),"
            " attempts = attempts + 1, finished_at = NULL, worker_id = ?, worker_host = ?, heartbeat_at = ?"
            " WHERE id = ? AND (state = 'queued' OR (state = 'running'"
            " AND COALESCE(heartbeat_at, updated_at) < ?))"));
        q.addBindValue(now);
        q.addBindValue(now);
        q.addBindValue(SqlDialect::text(workerId));
        q.addBindValue(SqlDialect::text(workerHost));
        q.addBindValue(now);
        q.addBindValue(jobId);
        q.addBindValue(SqlDialect::timestampValue(staleBefore));
        m_c.exec(q);
        return q.numRowsAffected() == 1;
    });
}

bool JobRepository::renewLease(qint64 jobId, const QString &workerId)
{
    return m_c.write(QStringLiteral("renew the lease of worker %1 on job %2").arg(workerId).arg(jobId), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral(
            "UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND worker_id = ?"
            " AND state IN ('running', 'paused')"));
        q.addBindValue(SqlDialect::timestampValue(SqlDialect::nowUtc()));
        q.addBindValue(jobId);
        q.addBindValue(SqlDialect::text(workerId));
        m_c.exec(q);
        return q.numRowsAffected() == 1;
    });
}

void JobRepository::setJobParams(qint64 jobId, const QString &paramsJson)
{
    m_c.write(QStringLiteral("update the parameters of job %1").arg(jobId), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral("UPDATE jobs SET params = ?, updated_at = ? WHERE id = ?"));
        q.addBindValue(paramsJson.isEmpty() ? QStringLiteral("{}") : paramsJson);
        q.addBindValue(SqlDialect::timestampValue(SqlDialect::nowUtc()));
        q.addBindValue(jobId);
        m_c.exec(q);
        if (q.numRowsAffected() != 1)
            m_c.fail(StoreError::Kind::Usage, QStringLiteral("there is no job %1 in the control store").arg(jobId), {});
    });
}

std::optional<JobRecord> JobRepository::readJob(qint64 jobId)
{
    QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM jobs WHERE id = ?").arg(jobColumns(m_c.dialect())));
    q.addBindValue(jobId);
    m_c.exec(q);
    if (!q.next())
        return std::nullopt;
    return jobFromRow(q);
}

std::optional<JobRecord> JobRepository::job(qint64 jobId)
{
    return m_c.read(QStringLiteral("read job %1").arg(jobId), [&] { return readJob(jobId); });
}

QList<JobRecord> JobRepository::jobsForRun(qint64 runId)
{
    return m_c.read(QStringLiteral("list the jobs of run %1").arg(runId), [&] {
        QSqlQuery q = m_c.prepare(
            QStringLiteral("SELECT %1 FROM jobs WHERE run_id = ? ORDER BY id").arg(jobColumns(m_c.dialect())));
        q.addBindValue(runId);
        m_c.exec(q);
        QList<JobRecord> list;
        while (q.next())
            list.append(jobFromRow(q));
        return list;
    });
}

std::optional<JobRecord> JobRepository::latestJob(qint64 runId, JobSpec::Kind kind, const QString &tableName)
{
    return m_c.read(QStringLiteral("find the latest %1 job of %2").arg(storeName(kind), tableName),
                    [&]() -> std::optional<JobRecord> {
                        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM jobs WHERE run_id = ? AND kind = ?"
                                                                 " AND table_name = ? ORDER BY id DESC LIMIT 1")
                                                      .arg(jobColumns(m_c.dialect())));
                        q.addBindValue(runId);
                        q.addBindValue(storeName(kind));
                        q.addBindValue(SqlDialect::text(tableName));
                        m_c.exec(q);
                        if (!q.next())
                            return std::nullopt;
                        return jobFromRow(q);
                    });
}

void JobRepository::saveCheckpoint(qint64 jobId, const Checkpoint &checkpoint)
{
    m_c.write(QStringLiteral("save the checkpoint of job %1").arg(jobId), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral(
            "INSERT INTO checkpoints (job_id, last_key, rows_done, batches_done, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (job_id) DO UPDATE SET last_key = excluded.last_key, rows_done = excluded.rows_done,"
            " batches_done = excluded.batches_done, updated_at = excluded.updated_at"));
        q.addBindValue(jobId);
        q.addBindValue(SqlDialect::text(checkpoint.lastKeyJson));
        q.addBindValue(checkpoint.rowsDone);
        q.addBindValue(checkpoint.batchesDone);
        q.addBindValue(SqlDialect::timestampValue(SqlDialect::nowUtc()));
        m_c.exec(q);
    });
}

std::optional<Checkpoint> JobRepository::loadCheckpoint(qint64 jobId)
{
    return m_c.read(QStringLiteral("load the checkpoint of job %1").arg(jobId), [&]() -> std::optional<Checkpoint> {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT last_key, rows_done, batches_done, %1 FROM checkpoints"
                                                 " WHERE job_id = ?")
                                      .arg(m_c.dialect().timestampOut(QStringLiteral("updated_at"))));
        q.addBindValue(jobId);
        m_c.exec(q);
        if (!q.next())
            return std::nullopt;
        Checkpoint c;
        c.lastKeyJson = q.value(0).toString();
        c.rowsDone = q.value(1).toLongLong();
        c.batchesDone = q.value(2).toLongLong();
        c.updatedAt = SqlDialect::parseIsoUtc(q.value(3));
        return c;
    });
}

} // namespace switchyard::core
