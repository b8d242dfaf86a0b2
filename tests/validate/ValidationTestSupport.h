#pragma once
// Shared by the ValidationJob integration tests (tst_validationjob,
// tst_validationkeys): a run per label, fast options, one validation, the
// run's mismatches, and a table copied to the target by the backfill.

#include "BackfillFixture.h"
#include "backfill/BackfillJob.h"
#include "store/ControlStore.h"
#include "validate/ValidationJob.h"

namespace switchyard::test {

using namespace switchyard::core;

inline qint64 runFor(const Plan &plan, const QString &label)
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    return cs.runs().ensureRun(plan.migration.name + QLatin1Char('/') + label, QStringLiteral("test"),
                               QStringLiteral("0"));
}

inline ValidationJob::Options fastOptions(ValidationJob::Mode mode)
{
    ValidationJob::Options o;
    o.mode = mode;
    o.chunkRows = 100;
    o.leafRows = 8;
    o.recheckDelay = std::chrono::milliseconds(30);
    o.initialBackoff = std::chrono::milliseconds(20);
    return o;
}

inline ValidationJob::Result validate(const Plan &plan, const QString &table, qint64 run,
                               const ValidationJob::Options &o, ValidationJob::HookFn hook = {})
{
    ValidationJob job(plan, table, ControlStoreLocation::fromPlan(plan), run, o);
    if (hook)
        job.setHook(std::move(hook));
    return job.run();
}

inline QList<MismatchRecord> mismatches(const Plan &plan, qint64 run, std::optional<MismatchStatus> status = {})
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    MismatchFilter f;
    f.status = status;
    return cs.mismatches().mismatches(run, f, 0, 100);
}

inline void copy(const Plan &plan, const QString &table)
{
    ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    const qint64 run = cs.runs().ensureRun(plan.migration.name, QStringLiteral("test"), QStringLiteral("0"));
    BackfillJob::Options o;
    o.finish = false;
    BackfillJob job(plan, table, ControlStoreLocation::fromPlan(plan), run, o);
    const BackfillJob::Result r = job.run();
    if (r.state != BackfillState::Completed)
        qFatal("backfill failed: %s", qPrintable(r.error));
}

/// A plan over `table` (already filled on the source), its schema applied
/// and the rows copied to the target: the starting point of most tests.
inline Plan copiedToTarget(BackfillFixture &f, const QString &table)
{
    const Plan plan = f.plan({BackfillFixture::table(table)});
    f.applySchema(plan);
    copy(plan, table);
    return plan;
}

} // namespace switchyard::test
