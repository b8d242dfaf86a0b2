#pragma once
// Shared set-up for the phase-engine tests: a sample plan (resources/plans)
// pointed at per-test databases on the sandbox (BackfillFixture) with a
// SQLite control store, the source tables the sample plans name, and helpers
// that make the current phase's measured gates pass the way real jobs would
// leave them (job records and validation summaries in the control store,
// shadow statistics on the target).

#include "BackfillFixture.h"
#include "engine/PhaseEngine.h"
#include "store/StoreTypes.h"

#include <memory>

namespace switchyard::test {

/// Loads resources/plans/<file> ("combined" builds a plan using all three
/// strategies from the dual-write sample), points it at the fixture's
/// databases and control store, and creates its tables on both sides.
/// zeroSoak: the soak gates are left out (tests cannot wait an hour, and a
/// plan file cannot say 0 minutes).
core::Plan phaseTestPlan(BackfillFixture &fx, const QString &file, bool zeroSoak);

/// Makes every non-manual gate of the run's current phase pass: completed
/// backfill and validation job records with a clean summary, shadow-read
/// statistics with no mismatch in the current minute.
void makeGatesPass(const core::Plan &plan, qint64 runId, core::PgConnection &target);

/// Every manual gate text of a phase.
QStringList manualItems(const core::Plan &plan, int phaseIndex);

/// A confirmation that satisfies the engine: the plan's name, an operator, a
/// reason, every manual item of the current phase ticked.
core::Confirmation goodConfirmation(const core::Plan &plan, int phaseIndex);

/// "write-both/0", "read-from-target/2", "pending", "complete".
QString stateName(const core::Plan &plan, const core::PhaseState &state);

} // namespace switchyard::test
