#pragma once
// ShadowStatsReader: the shadow-read mismatch rate, read from the TARGET.
//
// Applications that shadow reads (client/ShadowReader) count, per table and
// per minute, how many reads they compared with the other side and how many
// differed, in switchyard.shadow_stats on the target (core/flags/FlagTables).
// The cockpit charts that as a rate: mismatches / comparisons per minute, in
// percent, one series per table ("shadow.mismatch_rate:<table>") and one for
// all tables together ("shadow.mismatch_rate:all").
//
//   PgConnection pg;  pg.open(plan.target);
//   ShadowStatsReader reader(pg);
//   const QList<MetricSample> rate = reader.mismatchRate(runId, fromMs, toMs);
//
// The result has the shape of control-store metric samples (tsMs = start of
// the minute, resolutionMs = 60000), so charts treat it like any other
// series. Minutes without comparisons have no sample (a rate of nothing is
// not 0 %). When the tables do not exist yet (nothing was ever shadowed)
// the result is empty, not an error.
//
// Not thread-safe, like the PgConnection it uses (which must outlive it).
// Throws DbException when the target cannot be read.

#include "store/StoreTypes.h"

#include <QList>

namespace switchyard::core {

class PgConnection;

/// One row of switchyard.shadow_stats.
struct ShadowStatsMinute
{
    QString table;
    qint64 minuteMs = 0; // start of the minute, ms since the epoch
    qint64 comparisons = 0;
    qint64 mismatches = 0;
};

class ShadowStatsReader
{
public:
    explicit ShadowStatsReader(PgConnection &target);

    /// Per-table minutes with fromMs <= minute <= toMs, oldest first.
    QList<ShadowStatsMinute> minutes(qint64 fromMs, qint64 toMs);
    /// The rate series described above, stamped with runId. Sorted by
    /// series, then time.
    QList<MetricSample> mismatchRate(qint64 runId, qint64 fromMs, qint64 toMs);

    /// Turns minutes into rate samples (pure; what mismatchRate() uses).
    static QList<MetricSample> rateSamples(qint64 runId, const QList<ShadowStatsMinute> &minutes);
    /// "shadow.mismatch_rate:<table>"; table "all" for the total.
    static QString seriesName(const QString &table);

private:
    PgConnection &m_target;
};

} // namespace switchyard::core
