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
// Not thread-safe; opens its own connections and control store on the
// calling thread. Database and store errors are reported per mismatch in the
// outcome; nothing is thrown by repair().

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QList>
#include <QString>

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

    /// Repairs the given mismatches (all of one or more tables of the plan).
    QList<Outcome> repair(const QList<MismatchRecord> &mismatches);

private:
    Plan m_plan;
    ControlStoreLocation m_store;
    qint64 m_runId;
    QString m_operator;
};

} // namespace switchyard::core
