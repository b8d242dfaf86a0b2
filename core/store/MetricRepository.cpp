#include "MetricRepository.h"

#include "StoreConnection.h"

#include <QDateTime>

#include <cmath>

namespace switchyard::core {

namespace {

// 4 values per row; 200 rows stay far below both back ends' parameter limits.
constexpr int kRowsPerInsert = 200;
// "SWITCHMR" in ASCII: serialises retention passes on PostgreSQL.
constexpr long long kPgRetentionLockKey = 0x5357495443484D52LL;

} // namespace

MetricRepository::MetricRepository(StoreConnection &connection)
    : m_c(connection)
{
}

int MetricRepository::appendSamples(const QList<MetricSample> &samples)
{
    QList<MetricSample> finite;
    finite.reserve(samples.size());
    for (const MetricSample &s : samples) {
        if (std::isfinite(s.value))
            finite.append(s);
    }
    if (!finite.isEmpty()) {
        m_c.write(QStringLiteral("append %1 metric samples").arg(finite.size()), [&] {
            for (qsizetype start = 0; start < finite.size(); start += kRowsPerInsert) {
                const qsizetype n = qMin<qsizetype>(kRowsPerInsert, finite.size() - start);
                QStringList rows;
                for (qsizetype i = 0; i < n; ++i)
                    rows << QStringLiteral("(?, ?, ?, ?)");
                QSqlQuery q = m_c.prepare(QStringLiteral("INSERT INTO metric_samples (run_id, series, ts, value)"
                                                         " VALUES %1")
                                              .arg(rows.join(QStringLiteral(", "))));
                for (qsizetype i = start; i < start + n; ++i) {
                    q.addBindValue(finite[i].runId);
                    q.addBindValue(SqlDialect::text(finite[i].series));
                    q.addBindValue(finite[i].tsMs);
                    q.addBindValue(finite[i].value);
                }
                m_c.exec(q);
            }
        });
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_retentionIntervalMs > 0 && now - m_lastRetentionMs >= m_retentionIntervalMs) {
        m_lastRetentionMs = now;
        // The samples are committed; a retention pass that fails (another
        // writer held the store too long) must not make the caller think
        // otherwise. It runs again at the next interval.
        try {
            applyRetention(now);
        } catch (const StoreException &e) {
            qWarning("control store: metric retention failed, will retry: %s", e.what());
        }
    }
    return int(finite.size());
}

QList<MetricSample> MetricRepository::samples(qint64 runId, const QString &series, qint64 fromMs, qint64 toMs)
{
    return m_c.read(QStringLiteral("read metric series %1").arg(series), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral("SELECT ts, value, resolution_ms FROM metric_samples"
                                                 " WHERE run_id = ? AND series = ? AND ts >= ? AND ts <= ?"
                                                 " ORDER BY ts"));
        q.addBindValue(runId);
        q.addBindValue(SqlDialect::text(series));
        q.addBindValue(fromMs);
        q.addBindValue(toMs);
        m_c.exec(q);
        QList<MetricSample> list;
        while (q.next())
            list.append({runId, series, q.value(0).toLongLong(), q.value(1).toDouble(), q.value(2).toLongLong()});
        return list;
    });
}

QStringList MetricRepository::seriesNames(qint64 runId)
{
    return m_c.read(QStringLiteral("list the metric series of run %1").arg(runId), [&] {
        QSqlQuery q = m_c.prepare(
            QStringLiteral("SELECT DISTINCT series FROM metric_samples WHERE run_id = ? ORDER BY series"));
        q.addBindValue(runId);
        m_c.exec(q);
        QStringList names;
        while (q.next())
            names.append(q.value(0).toString());
        return names;
    });
}

int MetricRepository::pruneSamples(qint64 olderThanMs)
{
    return m_c.write(QStringLiteral("prune metric samples"), [&] {
        QSqlQuery q = m_c.prepare(QStringLiteral("DELETE FROM metric_samples WHERE ts < ?"));
        q.addBindValue(olderThanMs);
        m_c.exec(q);
        return q.numRowsAffected();
    });
}

void MetricRepository::applyRetention(qint64 nowMs, const MetricRetention &policy)
{
    if (policy.bucketMs <= 0)
        return;
    // Only whole buckets are folded, so a minute is never split between a
    // mean and raw samples.
    const qint64 bucket = policy.bucketMs;
    const qint64 cutoff = ((nowMs - policy.fullResolutionMs) / bucket) * bucket;
    m_c.write(QStringLiteral("apply metric retention"), [&] {
        // Two processes folding at once would both read the same raw rows
        // (PostgreSQL READ COMMITTED); one at a time. SQLite's BEGIN
        // IMMEDIATE already serialises.
        if (!m_c.isSqlite())
            m_c.execDirect(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kPgRetentionLockKey));
        // `bucket` is an integer computed here, not user text; integer
        // division is the same on both back ends for these BIGINTs.
        QSqlQuery fold = m_c.prepare(
            QStringLiteral("INSERT INTO metric_samples (run_id, series, ts, value, resolution_ms)"
                           " SELECT run_id, series, (ts / %1) * %1, AVG(value), %1 FROM metric_samples"
                           " WHERE resolution_ms = 0 AND ts < ? GROUP BY run_id, series, ts / %1")
                .arg(bucket));
        fold.addBindValue(cutoff);
        m_c.exec(fold);
        fold.finish();
        QSqlQuery drop = m_c.prepare(QStringLiteral("DELETE FROM metric_samples WHERE resolution_ms = 0 AND ts < ?"));
        drop.addBindValue(cutoff);
        m_c.exec(drop);
        drop.finish();
        if (policy.keepMs > 0) {
            QSqlQuery old = m_c.prepare(QStringLiteral("DELETE FROM metric_samples WHERE ts < ?"));
            old.addBindValue(nowMs - policy.keepMs);
            m_c.exec(old);
        }
    });
}

} // namespace switchyard::core
