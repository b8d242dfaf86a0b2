#pragma once
// What a running backfill reports: plain values, sent across threads at most
// ten times a second (and on every state change).

#include <QMetaType>
#include <QString>

#include <optional>

namespace switchyard::core {

enum class BackfillState {
    Starting,  // connecting, reading the schema, loading the checkpoint
    Running,
    Paused,
    Retrying,  // a retryable error; waiting to reconnect and replay the batch
    Finishing, // setting sequences, creating deferred indexes
    Completed,
    Failed,
    Cancelled,
};

QString backfillStateName(BackfillState s);

struct BackfillProgress
{
    QString table;
    BackfillState state = BackfillState::Starting;
    qint64 rowsCopied = 0;     // committed to the target, this run and earlier ones
    qint64 rowsRejected = 0;   // refused by the type policies (in the reject table)
    qint64 rowsEstimated = 0;  // the source's row estimate (InnoDB statistics)
    qint64 batches = 0;
    qint64 stagedBatches = 0;  // batches that met dual-written rows and went through staging
    double rowsPerSecond = 0;  // over the last few seconds
    double etaSeconds = -1;    // -1: unknown
    int batchRows = 0;         // the current batch size
    double maxRowsPerSecond = 0; // the throttle (0: unlimited)
    QString cursor;            // the last committed key, for people
    std::optional<double> keyLag; // source max(key) - cursor, integer keys only
    QString lastError;         // the latest error, kept while retrying
    int attempt = 0;           // retry attempt of the current batch (0: none)
    qint64 atMs = 0;           // when the sample was taken (ms since the epoch)
};

} // namespace switchyard::core

Q_DECLARE_METATYPE(switchyard::core::BackfillProgress)
