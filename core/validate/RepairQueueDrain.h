#pragma once
// RepairQueueDrain: empties switchyard.repair_queue, the failed secondary
// writes the client library (client/RepairRecorder) recorded on the target,
// by repairing each key through MismatchRepair::repairKey(): the source row
// as it is NOW is upserted on the target, or the target row is deleted when
// the source has none, and both sides are re-read.
//
// Promises:
//   - An entry is marked `repaired` only after the target transaction that
//     wrote the row has committed and the re-read found both sides equal. A
//     crash in between leaves the entry `pending`; the next drain repeats the
//     repair, which is idempotent (it copies the current row by key).
//   - Stale entries (the row changed again since the failed write, or was
//     deleted) are harmless: the current source image wins; the recorded
//     operation is not replayed.
//   - Several entries for one key in a batch are repaired once and all
//     marked; an entry queued while a key is being repaired is not marked by
//     that repair (entries are marked by id, never by key).
//   - A repair that fails (source value the type policies reject, table not
//     in the plan, a write racing the repair) leaves the entry pending with
//     `attempts` raised; after Options::maxAttempts it becomes `failed`, the
//     reason appended to its `error`. Failed entries need a person
//     (docs/validation.md, "Repair queue").
//   - Keys are read in the ValidationKey JSON form ([42], [7,"eu"]) that the
//     client writes (docs/flags.md); entries in the older single-column
//     object form ({"id":"42"}) are read too.
//
// run() drains the pending entries present and returns, or with
// Options::follow keeps polling (every pollInterval) until cancel(). Each
// pass writes the metric "repair_queue.pending" and, when it repaired
// anything, one audit entry "repair_queue.drain" to the control store.
//
// Threading: run() blocks the calling thread and opens its own connections
// (target for the queue; MismatchRepair's own; the control store). cancel()
// is thread-safe and acts between entries. Nothing escapes run(): errors
// end in Result::error (and Result::ok false).

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QString>

#include <atomic>
#include <chrono>
#include <functional>

namespace switchyard::core {

class PgConnection;

class RepairQueueDrain
{
public:
    struct Options
    {
        int batchSize = 200;
        bool follow = false;
        std::chrono::milliseconds pollInterval{1000};
        int maxAttempts = 5;
        QString operatorName = QStringLiteral("engine");
    };

    struct Progress
    {
        qint64 repaired = 0;  // entries marked repaired by this run
        qint64 deferred = 0;  // attempts that left the entry pending (retried later)
        qint64 failed = 0;    // entries this run marked failed (maxAttempts reached)
        qint64 pending = 0;   // pending entries in the queue at the last look
        double entriesPerSecond = 0;
        QString lastError;
        qint64 atMs = 0;
    };

    struct Result
    {
        bool ok = false;        // drained without a fatal error (entries may still be pending)
        bool cancelled = false;
        qint64 repaired = 0;
        qint64 deferred = 0;
        qint64 failed = 0;
        qint64 pending = 0;     // pending when run() returned
        QString error;          // fatal: what went wrong and what to do
        QStringList problems;   // per entry: "#id table key: why", at most 100
    };

    using ProgressFn = std::function<void(const Progress &)>;

    RepairQueueDrain(const Plan &plan, const ControlStoreLocation &store, qint64 runId, Options options);

    Result run(const ProgressFn &onProgress = {});
    void cancel() { m_cancel.store(true); }

    /// Entries waiting (status 'pending'); 0 when the queue table does not
    /// exist yet (no client has run). Throws DbException.
    static qint64 pending(PgConnection &target);
    /// The ValidationKey JSON of a queue entry's key_json (the array form as
    /// is; a legacy one-member object {"id":"42"} as ["42"]), or an empty
    /// string when it is neither.
    static QString canonicalKeyJson(const QString &queueKeyJson);

private:
    Plan m_plan;
    ControlStoreLocation m_store;
    qint64 m_runId;
    Options m_options;
    std::atomic<bool> m_cancel{false};
};

} // namespace switchyard::core
