#include "ValidationRepository.h"

#include "StoreConnection.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace switchyard::core {

namespace {

constexpr int kMaxReasons = 50;

QString summaryColumns(const SqlDialect &d)
{
    return QStringLiteral("id, run_id, job_id, table_name, mode, state, verdict, source_rows, target_rows,"
                          " rows_checked, chunks_checked, chunks_total, unchecked_count, unchecked_reasons,"
                          " sample_size, confidence, mismatches_found, mismatches_open, mismatches_in_flight,"
                          " mismatches_resolved, mismatches_repaired, mismatches_accepted, statement, error, %1, %2")
        .arg(d.timestampOut(QStringLiteral("started_at")), d.timestampOut(QStringLiteral("finished_at")));
}

ValidationSummary summaryFromRow(const QSqlQuery &q)
{
    ValidationSummary s;
    int i = 0;
    s.id = q.value(i++).toLongLong();
    s.runId = q.value(i++).toLongLong();
    s.jobId = q.value(i++).toLongLong();
    s.tableName = q.value(i++).toString();
    s.mode = q.value(i++).toString();
    s.state = q.value(i++).toString();
    s.verdict = q.value(i++).toString();
    s.sourceRows = q.value(i++).toLongLong();
    s.targetRows = q.value(i++).toLongLong();
    s.rowsChecked = q.value(i++).toLongLong();
    s.chunksChecked = q.value(i++).toLongLong();
    s.chunksTotal = q.value(i++).toLongLong();
    s.uncheckedCount = q.value(i++).toLongLong();
    for (const QJsonValue &v : QJsonDocument::fromJson(q.value(i++).toString().toUtf8()).array())
        s.uncheckedReasons << v.toString();
    s.sampleSize = q.value(i++).toLongLong();
    s.confidence = q.value(i++).toDouble();
    s.mismatchesFound = q.value(i++).toLongLong();
    s.open = q.value(i++).toLongLong();
    s.inFlight = q.value(i++).toLongLong();
    s.resolved = q.value(i++).toLongLong();
    s.repaired = q.value(i++).toLongLong();
    s.accepted = q.value(i++).toLongLong();
    s.statement = q.value(i++).toString();
    s.error = q.value(i++).toString();
    s.startedAt = SqlDialect::parseIsoUtc(q.value(i++));
    s.finishedAt = SqlDialect::parseIsoUtc(q.value(i++));
    return s;
}

} // namespace

ValidationRepository::ValidationRepository(StoreConnection &connection)
    : m_c(connection)
{
}

ValidationSummary ValidationRepository::saveSummary(const ValidationSummary &s)
{
    const QString what = QStringLiteral("record the validation summary of job %1 (%2)").arg(s.jobId).arg(s.tableName);
    return m_c.write(what, [&] {
        const QStringList reasons = s.uncheckedReasons.mid(0, kMaxReasons);
        QSqlQuery q = m_c.prepare(QStringLiteral(
            "INSERT INTO validation_summaries (run_id, job_id, table_name, mode, state, verdict, source_rows,"
            " target_rows, rows_checked, chunks_checked, chunks_total, unchecked_count, unchecked_reasons,"
            " sample_size, confidence, mismatches_found, mismatches_open, mismatches_in_flight,"
            " mismatches_resolved, mismatches_repaired, mismatches_accepted, statement, error, started_at,"
            " finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (job_id) DO UPDATE SET table_name = excluded.table_name, mode = excluded.mode,"
            " state = excluded.state, verdict = excluded.verdict, source_rows = excluded.source_rows,"
            " target_rows = excluded.target_rows, rows_checked = excluded.rows_checked,"
            " chunks_checked = excluded.chunks_checked, chunks_total = excluded.chunks_total,"
            " unchecked_count = excluded.unchecked_count, unchecked_reasons = excluded.unchecked_reasons,"
            " sample_size = excluded.sample_size, confidence = excluded.confidence,"
            " mismatches_found = excluded.mismatches_found, mismatches_open = excluded.mismatches_open,"
            " mismatches_in_flight = excluded.mismatches_in_flight,"
            " mismatches_resolved = excluded.mismatches_resolved,"
            " mismatches_repaired = excluded.mismatches_repaired,"
            " mismatches_accepted = excluded.mismatches_accepted, statement = excluded.statement,"
            " error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at"
            " RETURNING id"));
        q.addBindValue(s.runId);
        q.addBindValue(s.jobId);
        q.addBindValue(SqlDialect::text(s.tableName));
        q.addBindValue(SqlDialect::text(s.mode));
        q.addBindValue(SqlDialect::text(s.state));
        q.addBindValue(SqlDialect::text(s.verdict));
        q.addBindValue(s.sourceRows);
        q.addBindValue(s.targetRows);
        q.addBindValue(s.rowsChecked);
        q.addBindValue(s.chunksChecked);
        q.addBindValue(s.chunksTotal);
        q.addBindValue(s.uncheckedCount);
        q.addBindValue(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(reasons)).toJson(QJsonDocument::Compact)));
        q.addBindValue(s.sampleSize);
        q.addBindValue(s.confidence);
        q.addBindValue(s.mismatchesFound);
        q.addBindValue(s.open);
        q.addBindValue(s.inFlight);
        q.addBindValue(s.resolved);
        q.addBindValue(s.repaired);
        q.addBindValue(s.accepted);
        q.addBindValue(SqlDialect::text(s.statement));
        q.addBindValue(SqlDialect::text(s.error));
        q.addBindValue(SqlDialect::timestampValue(s.startedAt.isValid() ? s.startedAt : SqlDialect::nowUtc()));
        q.addBindValue(SqlDialect::timestampValue(s.finishedAt.isValid() ? s.finishedAt : SqlDialect::nowUtc()));
        m_c.exec(q);
        if (!q.next())
            m_c.fail(StoreError::Kind::Query, QStringLiteral("the summary's id was not returned"), {});
        const qint64 id = q.value(0).toLongLong();
        q.finish();
        QSqlQuery r = m_c.prepare(
            QStringLiteral("SELECT %1 FROM validation_summaries WHERE id = ?").arg(summaryColumns(m_c.dialect())));
        r.addBindValue(id);
        m_c.exec(r);
        if (!r.next())
            m_c.fail(StoreError::Kind::Query, QStringLiteral("summary %1 vanished after it was written").arg(id), {});
        return summaryFromRow(r);
    });
}

std::optional<ValidationSummary> ValidationRepository::summaryForJob(qint64 jobId)
{
    return m_c.read(QStringLiteral("read the validation summary of job %1").arg(jobId), [&] {
        QSqlQuery q = m_c.prepare(
            QStringLiteral("SELECT %1 FROM validation_summaries WHERE job_id = ?").arg(summaryColumns(m_c.dialect())));
        q.addBindValue(jobId);
        m_c.exec(q);
        std::optional<ValidationSummary> s;
        if (q.next())
            s = summaryFromRow(q);
        return s;
    });
}

QList<ValidationSummary> ValidationRepository::summaries(qint64 runId, const QString &table)
{
    return m_c.read(QStringLiteral("list the validation summaries of run %1").arg(runId), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT %1 FROM validation_summaries WHERE run_id = ?%2 ORDER BY id")
                                      .arg(summaryColumns(m_c.dialect()),
                                           table.isEmpty() ? QString() : QStringLiteral(" AND table_name = ?")));
        q.addBindValue(runId);
        if (!table.isEmpty())
            q.addBindValue(SqlDialect::text(table));
        m_c.exec(q);
        QList<ValidationSummary> list;
        while (q.next())
            list << summaryFromRow(q);
        return list;
    });
}

QList<ValidationSummary> ValidationRepository::latestSummaries(qint64 runId, const QString &mode)
{
    return m_c.read(QStringLiteral("list the latest validation summaries of run %1").arg(runId), [&] {
        // The newest row (by finish time, then id) per table.
        const QString modeFilter = mode.isEmpty() ? QString() : QStringLiteral(" AND mode = ?");
        QSqlQuery q = m_c.prepare(
            QStringLiteral("SELECT %1 FROM validation_summaries v WHERE run_id = ?%2 AND NOT EXISTS ("
                           " SELECT 1 FROM validation_summaries w WHERE w.run_id = v.run_id"
                           " AND w.table_name = v.table_name%3 AND (w.finished_at > v.finished_at"
                           " OR (w.finished_at = v.finished_at AND w.id > v.id))) ORDER BY table_name")
                .arg(summaryColumns(m_c.dialect()), modeFilter,
                     mode.isEmpty() ? QString() : QStringLiteral(" AND w.mode = v.mode")));
        q.addBindValue(runId);
        if (!mode.isEmpty())
            q.addBindValue(SqlDialect::text(mode));
        m_c.exec(q);
        QList<ValidationSummary> list;
        while (q.next())
            list << summaryFromRow(q);
        return list;
    });
}

} // namespace switchyard::core
