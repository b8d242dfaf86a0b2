#pragma once
// GateEvaluator: measures a phase's gates (GateSpec) now and returns them as
// GateResult values with the figure, the threshold and, when failing, why and
// what to do.
//
//   backfill_complete     the latest backfill job of each table is completed
//   validation_clean      the latest validation job of each table completed
//                         with verdict pass, nothing unchecked, no open or
//                         in-flight mismatch in the store, and it finished at
//                         most max_age_minutes ago
//   shadow_mismatch_rate  mismatches / comparisons in switchyard.shadow_stats
//                         on the target over the last window_minutes is below
//                         the threshold ("no comparisons" fails)
//   repair_queue_empty    no pending entry in switchyard.repair_queue
//   soak                  time since the current step was entered ≥ minutes
//   manual                passes only when its text was ticked
//
// A gate that cannot be measured (target unreachable, store error) fails
// with that detail; it never passes. evaluate() does not throw.
// Used on one thread with the caller's ControlStore and target connection.

#include "engine/EngineTypes.h"

#include <functional>

namespace switchyard::core {

class ControlStore;
class PgConnection;

class GateEvaluator
{
public:
    /// `target` returns an open connection to the plan's target or throws
    /// DbException (it is called only for gates that need the target).
    GateEvaluator(const Plan &plan, qint64 runId, ControlStore &store, std::function<PgConnection &()> target);

    /// Every gate of phase `phaseIndex`, in plan order. `enteredAt` is when
    /// the current step was entered (for soak).
    QList<GateResult> evaluate(int phaseIndex, const QDateTime &enteredAt, const QStringList &checkedManualItems);
    GateResult evaluate(const GateSpec &gate, int index, const QDateTime &enteredAt,
                        const QStringList &checkedManualItems);

private:
    QStringList tablesOf(const GateSpec &gate) const;
    void backfillComplete(const GateSpec &gate, GateResult &r);
    void validationClean(const GateSpec &gate, GateResult &r);
    void shadowMismatchRate(const GateSpec &gate, GateResult &r);
    void repairQueueEmpty(GateResult &r);
    void soak(const GateSpec &gate, const QDateTime &enteredAt, GateResult &r);

    const Plan &m_plan;
    qint64 m_runId;
    ControlStore &m_store;
    std::function<PgConnection &()> m_target;
};

} // namespace switchyard::core
