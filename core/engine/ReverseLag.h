#pragma once
// How far the reverse sync (PostgreSQL → MySQL, see ChangeCapture.h and
// ReverseSyncJob.h) is behind the changes captured on the target.
//
// Its own header so that the engine's values (EngineTypes.h) and the change
// capture can share it without depending on each other. A plain value.

#include <QDateTime>
#include <QtGlobal>

namespace switchyard::core {

struct ReverseLag
{
    qint64 pendingChanges = 0;       // captured changes not yet applied to MySQL
    double oldestPendingSeconds = 0; // age of the oldest of them (0 when none)
    qint64 lastAppliedChangeId = 0;  // the reverse sync's checkpoint
    QDateTime measuredAt;            // UTC
};

} // namespace switchyard::core
