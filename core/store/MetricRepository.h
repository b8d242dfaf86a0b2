#pragma once
// Metric samples (throughput, lag, mismatch rates…) for the cockpit's charts,
// with bounded retention.
//
// A sample is (run, series, time in ms since the epoch, value). Series names
// are "<metric>:<subject>", e.g. "backfill.rows_per_second:users".
//
// Retention policy (MetricRetention, defaults): samples younger than 24 h are
// kept as recorded; older ones are replaced by one sample per series per
// minute, the mean of that minute's samples, stamped at the minute's start
// (resolutionMs = 60000); anything older than 30 days is deleted. The store
// applies it by itself: appendSamples() runs applyRetention() when this
// ControlStore has not done so for 10 minutes (the first append included);
// a failed automatic pass is logged, does not fail the append, and runs again
// at the next interval.
// So a run that records one sample a second in 20 series keeps at most about
// 1.7 million rows for its last day plus 1440 per series per day for the 29
// days before (about 840 000): bounded whatever the run's length.
//
// Obtained from ControlStore::metrics(); same thread rule and error behaviour
// as the store (StoreException).

#include "StoreTypes.h"

#include <QList>

namespace switchyard::core {

class StoreConnection;

class MetricRepository
{
public:
    explicit MetricRepository(StoreConnection &connection);

    /// Appends all samples in one transaction (multi-row inserts). Samples
    /// whose value is not finite (NaN, ±inf) are skipped: SQLite cannot keep
    /// them. Returns the number stored.
    int appendSamples(const QList<MetricSample> &samples);
    /// Samples of one series with fromMs <= ts <= toMs, oldest first.
    QList<MetricSample> samples(qint64 runId, const QString &series, qint64 fromMs, qint64 toMs);
    /// The series names a run has samples for, sorted.
    QStringList seriesNames(qint64 runId);
    /// Deletes every sample (of every run) older than olderThanMs; returns
    /// how many.
    int pruneSamples(qint64 olderThanMs);
    /// Applies the retention policy as of nowMs (see above).
    void applyRetention(qint64 nowMs, const MetricRetention &policy = {});
    /// How often appendSamples() applies retention by itself (default 10 min;
    /// 0: never, the caller does).
    void setAutomaticRetentionInterval(qint64 ms) { m_retentionIntervalMs = ms; }

private:
    StoreConnection &m_c;
    qint64 m_retentionIntervalMs = 10LL * 60 * 1000;
    qint64 m_lastRetentionMs = 0;
};

} // namespace switchyard::core
