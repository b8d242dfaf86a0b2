// PhaseEngine against the sandbox (PostgreSQL target, SQLite control store):
// every allowed and refused move of the three sample plans and a combined
// one, flags published at each step, jobs enqueued and cancelled, change
// capture installed / removed around "stop writing the source", restart in
// every state, and the refusals (stale, phrase, operator, reason, gates,
// override).

#include "PhaseTestEnv.h"

#include "engine/ChangeCapture.h"
#include "engine/PhaseJobs.h"
#include "flags/FlagReader.h"
#include "store/ControlStore.h"

#include <pqxx/pqxx>

using namespace switchyard::core;
using namespace switchyard::test;

namespace {

PhaseEngine::Options fastOptions()
{
    PhaseEngine::Options o;
    o.flagPropagationMs = 50;
    o.reverseSyncTimeoutSeconds = 10;
    return o;
}

/// "write_source=off read_percent=50" → checks against the published flags.
QString flagMismatch(const FlagSet &published, const QString &expected)
{
    QStringList wrong;
    for (const QString &pair : expected.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString name = pair.section(QLatin1Char('='), 0, 0);
        const QString value = pair.section(QLatin1Char('='), 1);
        if (published.displayValue(name) != value)
            wrong << QStringLiteral("%1 is %2, expected %3").arg(name, published.displayValue(name), value);
    }
    return wrong.join(QStringLiteral("; "));
}

struct Step
{
    QString state; // stateName()
    QString flags; // expected published flags (subset)
};

QList<Step> forwardSteps(const QString &plan)
{
    if (plan == QLatin1String("users-dual-write.yaml"))
        return {{"write-both/0", "write_target=on write_source=on read_from=source read_percent=0"},
                {"backfill/0", "write_target=on write_source=on read_from=source"},
                {"read-from-target/0", "read_from=target read_percent=1 shadow_read=on shadow_sample_percent=10"},
                {"read-from-target/1", "read_percent=10"},
                {"read-from-target/2", "read_percent=50"},
                {"read-from-target/3", "read_percent=100 write_source=on"},
                {"stop-writing-source/0", "write_source=off write_target=on read_percent=100"},
                {"decommission/0", "write_source=off write_target=on"},
                {"complete", "write_source=off write_target=on read_from=target"}};
    if (plan == QLatin1String("checkout-flag-ramp.yaml"))
        return {{"deploy-dark/0", "feature.new_checkout=0"},
                {"ramp/0", "feature.new_checkout=1"},
                {"ramp/1", "feature.new_checkout=10"},
                {"ramp/2", "feature.new_checkout=50"},
                {"ramp/3", "feature.new_checkout=100"},
                {"remove-old-path/0", "feature.new_checkout=100"},
                {"complete", "feature.new_checkout=100"}};
    if (plan == QLatin1String("orders-blue-green.yaml"))
        return {{"prepare-green/0", "active_side=blue write_target=on write_source=on"},
                {"switch-to-green/0", "active_side=green write_source=off"},
                {"retire-blue/0", "active_side=green write_source=off"},
                {"complete", "active_side=green"}};
    // combined
    return {{"write-both/0", "write_target=on write_source=on"},
            {"feature-ramp/0", "feature.new_profile=5"},
            {"feature-ramp/1", "feature.new_profile=100"},
            {"backfill/0", "feature.new_profile=100"},
            {"read-from-target/0", "read_percent=1 read_from=target"},
            {"read-from-target/1", "read_percent=10"},
            {"read-from-target/2", "read_percent=50"},
            {"read-from-target/3", "read_percent=100 active_side=blue"},
            {"stop-writing-source/0", "write_source=off active_side=green"},
            {"decommission/0", "write_source=off active_side=green"},
            {"complete", "active_side=green"}};
}

} // namespace

class TestPhaseEngine : public QObject
{
    Q_OBJECT

private slots:
    void walkForwardAndBack_data();
    void walkForwardAndBack();
    void refusals_data();
    void refusals();
    void staleRequestRefused();
    void failingGateBlocksAndOverride();
    void gatesMeasuredBothWays();
};

void TestPhaseEngine::walkForwardAndBack_data()
{
    QTest::addColumn<QString>("planFile");
    QTest::newRow("dual-write") << QStringLiteral("users-dual-write.yaml");
    QTest::newRow("flag-ramp") << QStringLiteral("checkout-flag-ramp.yaml");
    QTest::newRow("blue-green") << QStringLiteral("orders-blue-green.yaml");
    QTest::newRow("combined") << QStringLiteral("combined");
}

// Advance from pending to complete, then roll back to pending; at every state
// check the state, the published flags, a restarted engine, capture and jobs.
void TestPhaseEngine::walkForwardAndBack()
{
    QFETCH(QString, planFile);
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture fx(sb, QStringLiteral("sy_phase_walk_%1").arg(QString(QTest::currentDataTag()).replace('-', '_')));
    const Plan plan = phaseTestPlan(fx, planFile, true);
    const QString sha = QStringLiteral("sha-") + planFile;
    const ControlStoreLocation location = ControlStoreLocation::fromPlan(plan);
    PhaseEngine engine(plan, sha, location, fastOptions());
    const QList<Step> steps = forwardSteps(planFile);
    QStringList reverseTables;
    for (const PhaseSpec &p : plan.phases)
        for (const JobSpec &j : p.jobs)
            if (j.kind == JobSpec::Kind::ReverseSync)
                reverseTables << (j.tables.isEmpty() ? QStringList{plan.tables.first().name} : j.tables);

    auto checkState = [&](const QString &expectedState, const QString &expectedFlags) {
        const PhaseState s = engine.snapshot().state;
        QCOMPARE(stateName(plan, s), expectedState);
        const FlagSnapshot published = FlagReader(fx.target()).read();
        QVERIFY(published.published);
        const QString wrong = flagMismatch(published.flags, expectedFlags);
        QVERIFY2(wrong.isEmpty(), qPrintable(expectedState + QStringLiteral(": ") + wrong));
        // Restart: a new engine on the same store sees exactly the same state.
        PhaseEngine restarted(plan, sha, location, fastOptions());
        const EngineSnapshot again = restarted.snapshot();
        QCOMPARE(again.runId, engine.runId());
        QCOMPARE(again.state.phaseIndex, s.phaseIndex);
        QCOMPARE(again.state.rampStep, s.rampStep);
        QCOMPARE(again.state.status, s.status);
        QCOMPARE(again.state.version, s.version);
        QCOMPARE(again.state.enteredAt, s.enteredAt);
        QCOMPARE(again.jobs.size(), engine.snapshot().jobs.size());
        // Change capture exactly while the source is not written and the plan has a reverse sync.
        if (!reverseTables.isEmpty()) {
            const bool wanted = !published.flags.writeSource && s.status == PhaseStatus::Active;
            QCOMPARE(ChangeCapture(plan, fx.target()).isInstalled(reverseTables.first()), wanted);
            const bool reverseJob = std::any_of(again.jobs.begin(), again.jobs.end(), [](const JobRecord &j) {
                return j.kind == JobSpec::Kind::ReverseSync && !isTerminal(j.state);
            });
            QCOMPARE(reverseJob, wanted);
        }
    };

    // Pending: nothing to roll back.
    QVERIFY(!engine.requestRollback().allowed);
    for (const Step &step : steps) {
        const PhaseState before = engine.snapshot().state;
        makeGatesPass(plan, engine.runId(), fx.target());
        const TransitionRequest r = engine.requestAdvance(QStringLiteral("ann"));
        QVERIFY2(r.allowed, qPrintable(r.refusal));
        QCOMPARE(r.confirmationPhrase, plan.migration.name);
        const TransitionOutcome o = engine.confirm(r, goodConfirmation(plan, before.phaseIndex));
        QVERIFY2(o.applied, qPrintable(step.state + QStringLiteral(": ") + o.refusal));
        QVERIFY(!o.overridden);
        QCOMPARE(o.state.version, before.version + 1);
        checkState(step.state, step.flags);
        if (QTest::currentTestFailed())
            return;
    }
    // Complete: nothing to advance to.
    const TransitionRequest none = engine.requestAdvance();
    QVERIFY(!none.allowed);
    QVERIFY(none.refusal.contains(QStringLiteral("complete")));

    // Back, one step at a time, to pending.
    for (int i = int(steps.size()) - 2; i >= -1; --i) {
        const PhaseState before = engine.snapshot().state;
        const TransitionRequest r = engine.requestRollback(QStringLiteral("bob"));
        QVERIFY2(r.allowed, qPrintable(r.refusal));
        QCOMPARE(r.kind, TransitionKind::Rollback);
        QVERIFY(r.gates.isEmpty()); // a rollback needs no gate
        Confirmation c = goodConfirmation(plan, before.phaseIndex);
        c.operatorName = QStringLiteral("bob");
        const TransitionOutcome o = engine.confirm(r, c);
        QVERIFY2(o.applied, qPrintable(o.refusal));
        QVERIFY2(o.warning.isEmpty(), qPrintable(o.warning));
        if (i >= 0)
            checkState(steps.at(i).state, steps.at(i).flags);
        else
            checkState(QStringLiteral("pending"), QStringLiteral("write_source=on write_target=off read_from=source "
                                                                 "read_percent=0 shadow_read=off active_side=blue"));
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(!engine.requestRollback().allowed);

    // Every move is in the history (forward and back) and the audit chain is intact.
    ControlStore store = ControlStore::open(location);
    const QList<PhaseTransition> history = store.runs().phaseHistory(engine.runId());
    QCOMPARE(history.size(), 2 * steps.size());
    QCOMPARE(history.last().toStatus, PhaseStatus::RolledBack);
    QCOMPARE(history.last().operatorName, QStringLiteral("bob"));
    QVERIFY(store.audit().verifyAudit(engine.runId()).ok);
    QStringList actions;
    for (const AuditEntry &e : store.audit().entries(engine.runId(), 1, 100000))
        actions << e.action;
    QCOMPARE(actions.count(QStringLiteral("phase.confirm")), steps.size());
    QCOMPARE(actions.count(QStringLiteral("phase.rollback")), steps.size());
    QVERIFY(actions.count(QStringLiteral("phase.request")) >= 2 * steps.size());
    QVERIFY(actions.contains(QStringLiteral("flags.publish")));
    if (!reverseTables.isEmpty()) {
        QVERIFY(actions.contains(QStringLiteral("capture.install")));
        QVERIFY(actions.contains(QStringLiteral("capture.remove")));
    }
    // Dual write: the phase's jobs were enqueued, and cancelled when left.
    if (planFile == QLatin1String("users-dual-write.yaml")) {
        const QList<JobRecord> jobs = store.jobs().jobsForRun(engine.runId());
        int backfills = 0;
        int cancelledSample = 0;
        for (const JobRecord &j : jobs) {
            if (j.kind == JobSpec::Kind::Backfill)
                ++backfills;
            if (j.kind == JobSpec::Kind::Validate && PhaseJobs::param(j, QStringLiteral("mode")) == QLatin1String("sample")
                && j.state == JobState::Cancelled)
                ++cancelledSample;
            QVERIFY2(isTerminal(j.state) || j.kind == JobSpec::Kind::Validate,
                     qPrintable(PhaseJobs::describe(j)));
        }
        QCOMPARE(backfills, 1); // re-entering the backfill phase does not copy again
        QVERIFY(cancelledSample >= 1);
    }
}

void TestPhaseEngine::refusals_data()
{
    QTest::addColumn<QString>("phrase");
    QTest::addColumn<QString>("who");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("override");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("applied");
    QTest::newRow("good") << "users-to-postgres" << "ann" << "go" << false << "" << true;
    QTest::newRow("wrong phrase") << "users-to-postgre" << "ann" << "go" << false << "phrase" << false;
    QTest::newRow("phrase case") << "Users-To-Postgres" << "ann" << "go" << false << "phrase" << false;
    QTest::newRow("no operator") << "users-to-postgres" << " " << "go" << false << "operator" << false;
    QTest::newRow("no reason") << "users-to-postgres" << "ann" << "" << false << "reason" << false;
    QTest::newRow("override without reason") << "users-to-postgres" << "ann" << "  " << true << "override needs a reason"
                                             << false;
}

void TestPhaseEngine::refusals()
{
    QFETCH(QString, phrase);
    QFETCH(QString, who);
    QFETCH(QString, reason);
    QFETCH(bool, override);
    QFETCH(QString, expected);
    QFETCH(bool, applied);
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture fx(sb, QStringLiteral("sy_phase_refusals"));
    const Plan plan = phaseTestPlan(fx, QStringLiteral("users-dual-write.yaml"), true);
    PhaseEngine engine(plan, QStringLiteral("sha"), ControlStoreLocation::fromPlan(plan), fastOptions());
    const TransitionRequest r = engine.requestAdvance();
    QCOMPARE(r.kind, TransitionKind::Start);
    Confirmation c;
    c.typedPhrase = phrase;
    c.operatorName = who;
    c.reason = reason;
    c.override = override;
    const TransitionOutcome o = engine.confirm(r, c);
    QCOMPARE(o.applied, applied);
    QVERIFY2(o.refusal.contains(expected), qPrintable(o.refusal));
    // A refusal changes nothing but is audited.
    const EngineSnapshot s = engine.snapshot();
    QCOMPARE(s.state.status, applied ? PhaseStatus::Active : PhaseStatus::Pending);
    QCOMPARE(s.state.version, applied ? r.from.version + 1 : r.from.version);
    ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    const auto head = store.audit().head(engine.runId());
    QVERIFY(head);
    if (!applied) {
        QCOMPARE(head->action, QStringLiteral("phase.refused"));
        QVERIFY(!FlagReader(fx.target()).read().published); // nothing published
    } else {
        QVERIFY(FlagReader(fx.target()).read().flags.writeTarget);
    }
}

// Two people request the same move; the second confirmation is refused, with
// no side effect, and says what the state is now.
void TestPhaseEngine::staleRequestRefused()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture fx(sb, QStringLiteral("sy_phase_stale"));
    const Plan plan = phaseTestPlan(fx, QStringLiteral("checkout-flag-ramp.yaml"), true);
    const ControlStoreLocation location = ControlStoreLocation::fromPlan(plan);
    PhaseEngine ann(plan, QStringLiteral("sha"), location, fastOptions());
    PhaseEngine bob(plan, QStringLiteral("sha"), location, fastOptions());
    QVERIFY(ann.confirm(ann.requestAdvance(), goodConfirmation(plan, 0)).applied); // deploy-dark
    QVERIFY(ann.confirm(ann.requestAdvance(), goodConfirmation(plan, 0)).applied); // ramp/0: 1 %
    const TransitionRequest annReq = ann.requestAdvance();
    const TransitionRequest bobReq = bob.requestAdvance();
    QCOMPARE(annReq.from.version, bobReq.from.version);
    QCOMPARE(annReq.kind, TransitionKind::NextStep);
    QVERIFY(ann.confirm(annReq, goodConfirmation(plan, 1)).applied);
    const TransitionOutcome late = bob.confirm(bobReq, goodConfirmation(plan, 1));
    QVERIFY(!late.applied);
    QVERIFY2(late.refusal.contains(QStringLiteral("stale")), qPrintable(late.refusal));
    const PhaseState now = bob.snapshot().state;
    QCOMPARE(now.rampStep, 1); // one step, not two
    QCOMPARE(FlagReader(fx.target()).read().flags.displayValue(QStringLiteral("feature.new_checkout")),
             QStringLiteral("10"));
    // A stale rollback is refused the same way.
    const TransitionRequest rb = bob.requestRollback();
    QVERIFY(ann.confirm(ann.requestRollback(), goodConfirmation(plan, 1)).applied);
    QVERIFY(!bob.confirm(rb, goodConfirmation(plan, 1)).applied);
    QCOMPARE(bob.snapshot().state.rampStep, 0);
}

// The real soak (60 min) blocks a ramp step and cannot be overridden; the
// manual gate that allows an override passes with --override and a reason,
// and the override is recorded in the history and the audit log.
void TestPhaseEngine::failingGateBlocksAndOverride()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture fx(sb, QStringLiteral("sy_phase_gates"));
    Plan plan = phaseTestPlan(fx, QStringLiteral("checkout-flag-ramp.yaml"), false);
    const ControlStoreLocation location = ControlStoreLocation::fromPlan(plan);
    {
        PhaseEngine engine(plan, QStringLiteral("sha"), location, fastOptions());
        QVERIFY(engine.confirm(engine.requestAdvance(), goodConfirmation(plan, 0)).applied);
        // deploy-dark's manual gate not ticked: refused.
        Confirmation unticked = goodConfirmation(plan, 0);
        unticked.checkedManualItems.clear();
        TransitionOutcome o = engine.confirm(engine.requestAdvance(), unticked);
        QVERIFY(!o.applied);
        QVERIFY2(o.refusal.contains(QStringLiteral("New checkout release deployed")), qPrintable(o.refusal));
        // Not overridable either.
        unticked.override = true;
        o = engine.confirm(engine.requestAdvance(), unticked);
        QVERIFY(!o.applied);
        QVERIFY2(o.refusal.contains(QStringLiteral("does not allow overriding")), qPrintable(o.refusal));
        QVERIFY(engine.confirm(engine.requestAdvance(), goodConfirmation(plan, 0)).applied); // ramp/0

        // ramp: soak 60 min fails and is not overridable.
        const TransitionRequest r = engine.requestAdvance();
        QVERIFY(!r.gatesPass);
        QVERIFY(!r.overridePossible);
        const GateResult soak = r.gates.first();
        QCOMPARE(soak.kind, GateSpec::Kind::Soak);
        QVERIFY(!soak.passed);
        QVERIFY(soak.measured.contains(QStringLiteral("in this step")));
        QCOMPARE(soak.threshold, QStringLiteral("≥ 60 min"));
        Confirmation c = goodConfirmation(plan, 1);
        c.override = true;
        o = engine.confirm(r, c);
        QVERIFY(!o.applied);
        QVERIFY2(o.refusal.contains(QStringLiteral("soak")), qPrintable(o.refusal));
        QCOMPARE(engine.snapshot().state.rampStep, 0);
    }
    // Same plan with a 0-minute soak (a new plan version, so a new run): the
    // overridable manual gate, unticked, passes only with an override.
    for (PhaseSpec &p : plan.phases)
        for (GateSpec &g : p.gates)
            if (g.kind == GateSpec::Kind::Soak)
                g.minutes = 0;
    PhaseEngine engine(plan, QStringLiteral("sha-zero-soak"), location, fastOptions());
    QVERIFY(engine.confirm(engine.requestAdvance(), goodConfirmation(plan, 0)).applied);
    QVERIFY(engine.confirm(engine.requestAdvance(), goodConfirmation(plan, 0)).applied); // ramp/0
    Confirmation c = goodConfirmation(plan, 1);
    c.checkedManualItems.clear();
    TransitionOutcome o = engine.confirm(engine.requestAdvance(), c);
    QVERIFY(!o.applied);
    QVERIFY(o.refusal.contains(QStringLiteral("failing")));
    c.override = true;
    c.reason = QStringLiteral("SLO dashboard down; error budget checked by hand");
    o = engine.confirm(engine.requestAdvance(), c);
    QVERIFY2(o.applied, qPrintable(o.refusal));
    QVERIFY(o.overridden);
    ControlStore store = ControlStore::open(location);
    const PhaseTransition last = store.runs().phaseHistory(engine.runId()).last();
    QVERIFY(last.overridden);
    QCOMPARE(last.reason, c.reason);
    const QList<GateResult> evidence = gateResultsFromJson(last.evidenceJson);
    QCOMPARE(evidence.size(), 2);
    QVERIFY(!evidence.at(1).passed);
    QVERIFY(evidence.at(1).overridable);
    bool overrideAudited = false;
    for (const AuditEntry &e : store.audit().entries(engine.runId(), 1, 10000))
        overrideAudited = overrideAudited || (e.action == QLatin1String("phase.override") && e.reason == c.reason);
    QVERIFY(overrideAudited);
}

// Each measured gate, failing and passing, with its figure.
void TestPhaseEngine::gatesMeasuredBothWays()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture fx(sb, QStringLiteral("sy_phase_measure"));
    const Plan plan = phaseTestPlan(fx, QStringLiteral("users-dual-write.yaml"), true);
    const ControlStoreLocation location = ControlStoreLocation::fromPlan(plan);
    PhaseEngine engine(plan, QStringLiteral("sha"), location, fastOptions());
    QVERIFY(engine.confirm(engine.requestAdvance(), goodConfirmation(plan, 0)).applied);

    // write-both: repair queue.
    fx.target().exec(QStringLiteral(
        "INSERT INTO switchyard.repair_queue (table_name, key_json, entity_id, operation, error, failed_at)"
        " VALUES ('users', '[7]', '7', 'upsert', 'connection refused', now())"));
    QList<GateResult> g = engine.evaluateGates();
    QCOMPARE(g.at(0).kind, GateSpec::Kind::RepairQueueEmpty);
    QVERIFY(!g.at(0).passed);
    QCOMPARE(g.at(0).measured, QStringLiteral("1 pending"));
    QVERIFY(!engine.confirm(engine.requestAdvance(), goodConfirmation(plan, 0)).applied);
    fx.target().exec(QStringLiteral("UPDATE switchyard.repair_queue SET status = 'repaired'"));
    g = engine.evaluateGates(manualItems(plan, 0));
    for (const GateResult &r : g)
        QVERIFY2(r.passed, qPrintable(r.name + QStringLiteral(": ") + r.detail));
    QVERIFY(engine.confirm(engine.requestAdvance(), goodConfirmation(plan, 0)).applied);

    // backfill: the engine enqueued the phase's jobs; nothing has run yet.
    g = engine.evaluateGates();
    QCOMPARE(g.at(0).kind, GateSpec::Kind::BackfillComplete);
    QVERIFY(!g.at(0).passed);
    QVERIFY2(g.at(0).measured.contains(QStringLiteral("queued")), qPrintable(g.at(0).measured));
    QCOMPARE(g.at(1).kind, GateSpec::Kind::ValidationClean);
    QVERIFY(!g.at(1).passed);
    makeGatesPass(plan, engine.runId(), fx.target());
    g = engine.evaluateGates();
    QVERIFY2(g.at(0).passed, qPrintable(g.at(0).detail));
    QVERIFY(g.at(0).measured.contains(QStringLiteral("100 rows, completed")));
    QVERIFY2(g.at(1).passed, qPrintable(g.at(1).detail));
    // An open mismatch makes validation not clean.
    {
        ControlStore store = ControlStore::open(location);
        MismatchRecord m;
        m.runId = engine.runId();
        m.tableName = QStringLiteral("users");
        m.keyJson = QStringLiteral("[42]");
        m.kind = MismatchKind::MissingInTarget;
        m.sourceRowJson = QStringLiteral("{}");
        m.targetRowJson = QStringLiteral("null");
        const MismatchRecord stored = store.mismatches().upsertMismatch(m);
        g = engine.evaluateGates();
        QVERIFY(!g.at(1).passed);
        QVERIFY2(g.at(1).detail.contains(QStringLiteral("1 open")), qPrintable(g.at(1).detail));
        store.mismatches().setMismatchStatus(stored.id, MismatchStatus::Accepted, QStringLiteral("test row"),
                                             QStringLiteral("ann"));
    }
    QVERIFY(engine.evaluateGates().at(1).passed);
    QVERIFY(engine.confirm(engine.requestAdvance(), goodConfirmation(plan, 1)).applied);

    // read-from-target: no shadow comparisons fails; mismatches above the threshold fail; clean passes.
    g = engine.evaluateGates();
    QCOMPARE(g.at(0).kind, GateSpec::Kind::ShadowMismatchRate);
    QVERIFY(!g.at(0).passed);
    QCOMPARE(g.at(0).measured, QStringLiteral("no comparisons"));
    fx.target().exec(QStringLiteral("INSERT INTO switchyard.shadow_stats (table_name, minute, comparisons, mismatches)"
                                    " VALUES ('users', date_trunc('minute', now()), 1000, 5)"));
    g = engine.evaluateGates();
    QVERIFY(!g.at(0).passed);
    QVERIFY2(g.at(0).measured.startsWith(QStringLiteral("0.5 %")), qPrintable(g.at(0).measured));
    fx.target().exec(QStringLiteral("UPDATE switchyard.shadow_stats SET mismatches = 0"));
    g = engine.evaluateGates();
    QVERIFY2(g.at(0).passed, qPrintable(g.at(0).detail));

    // An unreachable target fails the target's gates with that detail, never passes.
    Plan unreachable = plan;
    unreachable.target.port = 1;
    PhaseEngine blind(unreachable, QStringLiteral("sha"), location, fastOptions());
    const QList<GateResult> bg = blind.evaluateGates();
    QCOMPARE(bg.size(), g.size());
    QVERIFY(!bg.at(0).passed);
    QVERIFY2(bg.at(0).detail.contains(QStringLiteral("could not measure")), qPrintable(bg.at(0).detail));
}

QTEST_GUILESS_MAIN(TestPhaseEngine)
#include "tst_phaseengine.moc"
