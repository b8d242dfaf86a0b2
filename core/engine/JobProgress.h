#pragma once
// JobProgress: what a job run by a JobRunner reports — a plain value, sent
// from the job's thread at most ten times a second (and on every change of
// state), safe to keep and to hand to the GUI thread.

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>

#include <algorithm>

namespace switchyard::core {

struct JobProgress
{
    qint64 jobId = 0;
    JobSpec::Kind kind = JobSpec::Kind::Backfill;
    QString table;              // empty for jobs that span tables
    QString mode;               // validation mode ("checksum", …); empty otherwise
    JobState state = JobState::Running;
    QString detail;             // the job's own stage ("starting", "finishing", "rechecking", …)
    qint64 rowsDone = 0;        // copied (backfill) or checked (validation)
    qint64 rowsTotal = -1;      // the source's row count or estimate; -1 unknown
    double rowsPerSecond = 0;   // over the last few seconds
    double etaSeconds = -1;     // (rowsTotal - rowsDone) / rowsPerSecond; -1 unknown
    double maxRowsPerSecond = 0; // the throttle (0: unlimited; validation: not throttled)
    QString lastError;          // the latest error (kept while retrying)
    bool retrying = false;      // waiting to retry after lastError
    QDateTime at;               // when the sample was taken (UTC)

    /// rowsDone / rowsTotal in percent, or -1 when the total is unknown.
    double percent() const
    {
        if (rowsTotal <= 0)
            return -1;
        return std::min(100.0, 100.0 * double(rowsDone) / double(rowsTotal));
    }
};

} // namespace switchyard::core

Q_DECLARE_METATYPE(switchyard::core::JobProgress)
