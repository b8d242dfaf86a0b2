#pragma once
// MismatchActions: what a person does to ONE recorded mismatch from the
// drill-down, other than repairing it (MismatchRepair does that):
//
//   recheck  reads the row on both sides NOW, in canonical form (the same
//            TableComparer reads validation uses):
//              equal            → status resolved_on_recheck;
//              still different  → the record's images and columns are
//                                 refreshed (upsertMismatch): `open` when the
//                                 images are the ones recorded, `in_flight`
//                                 when they changed since (a write going on);
//                                 an accepted mismatch stays accepted.
//   accept   sets status accepted with the operator's reason (both required).
//
// Each action appends an audit entry ("mismatch.recheck" / "mismatch.accept",
// target "table:<t> key:<k>", details with the mismatch id and the result)
// in the same store transaction as the status change.
//
// Not thread-safe: one per thread (the cockpit's StoreReader thread). Opens
// its database connections lazily, one pair per table, and keeps them; the
// store is the caller's (same thread). Nothing is thrown: every failure is an
// Outcome with a message saying what went wrong and what to do.

#include "plan/Plan.h"
#include "store/StoreTypes.h"

#include <QMap>

#include <memory>
#include <optional>

namespace switchyard::core {

class ControlStore;

class MismatchActions
{
public:
    struct Outcome
    {
        qint64 mismatchId = 0;
        bool ok = false;       // the action was carried out
        bool resolved = false; // recheck: equal on both sides now
        QString message;       // for the operator: what happened, or why not
        std::optional<MismatchRecord> record; // the record as stored afterwards
    };

    MismatchActions(const Plan &plan, ControlStore &store, qint64 runId);
    ~MismatchActions();
    MismatchActions(const MismatchActions &) = delete;
    MismatchActions &operator=(const MismatchActions &) = delete;

    Outcome recheck(qint64 mismatchId, const QString &operatorName);
    Outcome accept(qint64 mismatchId, const QString &reason, const QString &operatorName);

private:
    struct Table;
    Table &table(const QString &name);

    Plan m_plan;
    ControlStore &m_store;
    qint64 m_runId;
    QMap<QString, std::shared_ptr<Table>> m_tables;
};

} // namespace switchyard::core
