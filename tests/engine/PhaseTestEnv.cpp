#include "PhaseTestEnv.h"

#include "flags/FlagTables.h"
#include "plan/PlanLoader.h"
#include "store/ControlStore.h"
#include "validate/ValidationCheckpoint.h"

#include <pqxx/pqxx>

#include <algorithm>

namespace switchyard::test {

using namespace switchyard::core;

namespace {

void createSourceTables(BackfillFixture &fx, const Plan &plan)
{
    for (const TableSpec &t : plan.tables) {
        if (t.name == QLatin1String("users"))
            fx.source().exec(QStringLiteral("CREATE TABLE users (id BIGINT PRIMARY KEY, email VARCHAR(120) NOT NULL,"
                                            " name VARCHAR(100), updated_at DATETIME(3))"));
        else if (t.name == QLatin1String("orders"))
            fx.source().exec(QStringLiteral("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL,"
                                            " total DECIMAL(12,2) NOT NULL)"));
        else if (t.name == QLatin1String("order_items"))
            fx.source().exec(QStringLiteral("CREATE TABLE order_items (order_id BIGINT NOT NULL, line_no INT NOT NULL,"
                                            " sku VARCHAR(40) NOT NULL, PRIMARY KEY (order_id, line_no))"));
        else
            qFatal("phaseTestPlan: no test table for %s", qPrintable(t.name));
    }
}

} // namespace

Plan phaseTestPlan(BackfillFixture &fx, const QString &file, bool zeroSoak)
{
    const bool combined = file == QLatin1String("combined");
    const PlanLoadResult loaded =
        PlanLoader::loadFile(samplePlan(combined ? QStringLiteral("users-dual-write.yaml") : file));
    if (!loaded.ok())
        qFatal("sample plan %s does not load: %s", qPrintable(file), qPrintable(loaded.errorText()));
    Plan plan = *loaded.plan;
    const Plan local = fx.plan({});
    plan.source = local.source;
    plan.target = local.target;
    plan.controlStore = local.controlStore;
    plan.filePath.clear();
    if (combined) {
        // Dual write whose read switch is ramped (already), plus a feature ramp
        // and a blue/green flip of the active side when MySQL stops being written.
        plan.migration.name = QStringLiteral("users-combined");
        plan.strategies = {Strategy::DualWrite, Strategy::FlagRamp, Strategy::BlueGreen};
        PhaseSpec feature;
        feature.id = QStringLiteral("feature-ramp");
        feature.title = QStringLiteral("Ramp the new profile page");
        feature.ramp.flag = QStringLiteral("feature.new_profile");
        feature.ramp.steps = {5, 100};
        GateSpec manual;
        manual.kind = GateSpec::Kind::Manual;
        manual.text = QStringLiteral("Profile page errors within SLO");
        manual.allowOverride = true;
        feature.gates << manual;
        feature.rollback.flags << FlagSetting{QStringLiteral("feature.new_profile"), 0, {}};
        plan.phases.insert(1, feature);
        const int stop = plan.phaseIndex(QStringLiteral("stop-writing-source"));
        plan.phases[stop].flags << FlagSetting{QStringLiteral("active_side"), QStringLiteral("green"), {}};
        plan.phases[stop].rollback.flags << FlagSetting{QStringLiteral("active_side"), QStringLiteral("blue"), {}};
    }
    if (zeroSoak) {
        // A plan file cannot say "soak 0 minutes" (the loader wants 1 or more),
        // so the test copy drops the soak gates instead.
        for (PhaseSpec &p : plan.phases)
            p.gates.erase(std::remove_if(p.gates.begin(), p.gates.end(),
                                         [](const GateSpec &g) { return g.kind == GateSpec::Kind::Soak; }),
                          p.gates.end());
    }
    createSourceTables(fx, plan);
    fx.applySchema(plan);
    ensureTargetTables(fx.target());
    return plan;
}

void makeGatesPass(const Plan &plan, qint64 runId, PgConnection &target)
{
    ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    const PhaseState state = store.runs().phaseState(runId);
    if (state.status != PhaseStatus::Active)
        return;
    QStringList all;
    for (const TableSpec &t : plan.tables)
        all << t.name;
    for (const GateSpec &g : plan.phases.at(state.phaseIndex).gates) {
        const QStringList tables = g.tables.isEmpty() ? all : g.tables;
        switch (g.kind) {
        case GateSpec::Kind::BackfillComplete:
            for (const QString &t : tables) {
                std::optional<JobRecord> job = store.jobs().latestJob(runId, JobSpec::Kind::Backfill, t);
                if (job && job->state == JobState::Completed)
                    continue;
                if (!job || isTerminal(job->state))
                    job = store.jobs().createJob({runId, JobSpec::Kind::Backfill, t, QStringLiteral("{}")});
                store.jobs().setJobState(job->id, {JobState::Running, {}, false, {}, {}, {}});
                store.jobs().saveCheckpoint(job->id, {QStringLiteral("[100]"), 100, 1, {}});
                store.jobs().setJobState(job->id, {JobState::Completed, {}, false, {}, {}, {}});
            }
            break;
        case GateSpec::Kind::ValidationClean:
            for (const QString &t : tables) {
                const JobRecord job =
                    store.jobs().createJob({runId, JobSpec::Kind::Validate, t, QStringLiteral("{\"mode\":\"count\"}")});
                store.jobs().setJobState(job.id, {JobState::Running, {}, false, {}, {}, {}});
                ValidationCheckpoint summary;
                summary.mode = QStringLiteral("count");
                summary.done = true;
                summary.verdict = QStringLiteral("pass");
                summary.sourceRows = 0;
                summary.targetRows = 0;
                store.jobs().saveCheckpoint(job.id, {summary.toJson({}), 0, 0, {}});
                store.jobs().setJobState(job.id, {JobState::Completed, {}, false, {}, {}, {}});
            }
            break;
        case GateSpec::Kind::ShadowMismatchRate:
            target.run(QStringLiteral("shadow stats"), [&] {
                pqxx::work tx(target.connection());
                for (const QString &t : tables)
                    tx.exec_params("INSERT INTO switchyard.shadow_stats (table_name, minute, comparisons, mismatches)"
                                   " VALUES ($1, date_trunc('minute', now()), 1000, 0)"
                                   " ON CONFLICT (table_name, minute) DO UPDATE SET comparisons = 1000, mismatches = 0",
                                   t.toStdString());
                tx.commit();
            });
            break;
        case GateSpec::Kind::RepairQueueEmpty:
        case GateSpec::Kind::Soak:
        case GateSpec::Kind::Manual:
            break;
        }
    }
}

QStringList manualItems(const Plan &plan, int phaseIndex)
{
    QStringList items;
    if (phaseIndex < 0 || phaseIndex >= plan.phases.size())
        return items;
    for (const GateSpec &g : plan.phases.at(phaseIndex).gates)
        if (g.kind == GateSpec::Kind::Manual)
            items << g.text;
    return items;
}

Confirmation goodConfirmation(const Plan &plan, int phaseIndex)
{
    Confirmation c;
    c.operatorName = QStringLiteral("ann");
    c.typedPhrase = plan.migration.name;
    c.reason = QStringLiteral("test drive");
    c.checkedManualItems = manualItems(plan, phaseIndex);
    return c;
}

QString stateName(const Plan &plan, const PhaseState &state)
{
    if (state.status == PhaseStatus::Pending)
        return QStringLiteral("pending");
    if (state.status == PhaseStatus::Complete)
        return QStringLiteral("complete");
    return QStringLiteral("%1/%2").arg(plan.phases.at(state.phaseIndex).id).arg(state.rampStep);
}

} // namespace switchyard::test
