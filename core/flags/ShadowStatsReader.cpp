#include "flags/ShadowStatsReader.h"

#include "target/PgConnection.h"

#include <pqxx/pqxx>

#include <QMap>

namespace switchyard::core {

ShadowStatsReader::ShadowStatsReader(PgConnection &target)
    : m_target(target)
{
}

QList<ShadowStatsMinute> ShadowStatsReader::minutes(qint64 fromMs, qint64 toMs)
{
    return m_target.run(QStringLiteral("reading switchyard.shadow_stats on the target"), [&] {
        QList<ShadowStatsMinute> out;
        pqxx::read_transaction tx(m_target.connection());
        // Before any application shadowed a read the table may not exist:
        // that is "no data", not a failure.
        if (tx.exec1("SELECT to_regclass('switchyard.shadow_stats') IS NOT NULL")[0].as<bool>() == false)
            return out;
        const pqxx::result r = tx.exec_params(
            "SELECT table_name, (extract(epoch FROM minute) * 1000)::bigint, comparisons, mismatches"
            " FROM switchyard.shadow_stats"
            " WHERE minute >= to_timestamp($1::double precision / 1000)"
            " AND minute <= to_timestamp($2::double precision / 1000)"
            " ORDER BY minute, table_name",
            fromMs, toMs);
        out.reserve(int(r.size()));
        for (const auto &row : r) {
            ShadowStatsMinute m;
            m.table = QString::fromStdString(row[0].as<std::string>());
            m.minuteMs = row[1].as<qint64>();
            m.comparisons = row[2].as<qint64>();
            m.mismatches = row[3].as<qint64>();
            out << m;
        }
        return out;
    });
}

QList<MetricSample> ShadowStatsReader::mismatchRate(qint64 runId, qint64 fromMs, qint64 toMs)
{
    return rateSamples(runId, minutes(fromMs, toMs));
}

QString ShadowStatsReader::seriesName(const QString &table)
{
    return QStringLiteral("shadow.mismatch_rate:") + table;
}

QList<MetricSample> ShadowStatsReader::rateSamples(qint64 runId, const QList<ShadowStatsMinute> &minutes)
{
    // series → minute → (comparisons, mismatches); QMap keeps both sorted.
    QMap<QString, QMap<qint64, QPair<qint64, qint64>>> sums;
    for (const ShadowStatsMinute &m : minutes) {
        for (const QString &series : {seriesName(m.table), seriesName(QStringLiteral("all"))}) {
            auto &cell = sums[series][m.minuteMs];
            cell.first += m.comparisons;
            cell.second += m.mismatches;
        }
    }
    QList<MetricSample> out;
    for (auto s = sums.cbegin(); s != sums.cend(); ++s) {
        for (auto m = s->cbegin(); m != s->cend(); ++m) {
            if (m->first <= 0)
                continue;
            MetricSample sample;
            sample.runId = runId;
            sample.series = s.key();
            sample.tsMs = m.key();
            sample.value = 100.0 * double(m->second) / double(m->first);
            sample.resolutionMs = 60000;
            out << sample;
        }
    }
    return out;
}

} // namespace switchyard::core
