#pragma once
// MismatchRepair: makes the target row of a recorded mismatch equal to the
// source row as it is NOW, then re-checks it and marks the mismatch repaired
// with an audit entry (in the same store transaction).
//
//   source row exists  → upsert on the target: the row is encoded exactly as
//                        the backfill encodes it (ValueCodec COPY text), copied
//                        into a temporary table and moved with
//                        INSERT … ON CONFLICT (key) DO UPDATE SET every column;
//   source row absent  → DELETE on the target (missing_in_source).
// Both happen in one target transaction. A value the type policies reject
// cannot be written: that mismatch stays open, with the reason.
// After the write the row is read on both sides; only when they are equal in
// canonical form is the mismatch marked `repaired` (a dual write racing the
// repair leaves it open, said so in the outcome).
//
// repairKey() is the same write and recheck for a bare key, with nothing
// marked in the store: the repair-queue drain (RepairQueueDrain) uses it for
// the failed secondary writes the client library queued.
//
// Not thread-safe; opens its own connections (kept per table between calls)
// and control store on the calling thread. Database and store errors are
// reported per key in the outcome; nothing is thrown by repair() or
// repairKey().

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QList>
#include <QString>

#include <memory>

namespace switchyard::core {

class MismatchRepair
{
public:
    struct Outcome
    {
        qint64 mismatchId = 0;
        QString table;
        QString keyJson;
        bool repaired = false;
        QString action;  // "upsert" or "delete", empty when nothing was written
        QString message; // why not repaired, when !repaired
    };

    MismatchRepair(const Plan &plan, const ControlStoreLocation &store, qint64 runId,
                   const QString &operatorName);
    ~MismatchRepair();

    /// Repairs the given mismatches (all of one or more tables of the plan).
    QList<Outcome> repair(const QList<MismatchRecord> &mismatches);
    /// Copies the source row of `keyJson` (ValidationKey JSON, e.g. [42]) in
    /// `table` to the target now, or deletes the target row when the source
    /// has none, and re-reads both sides: `repaired` when they are equal.
    /// Marks nothing in the control store (mismatchId stays 0).
    Outcome repairKey(const QString &table, const QString &keyJson);
    /// Drops the cached connections (e.g. after a connection was lost).
    void disconnect();

private:
    Plan m_plan;
    ControlStoreLocation m_store;
    qint64 m_runId;
    QString m_operator;
    struct Tables;
    std::unique_ptr<Tables> d;
};

} // namespace switchyard::core
