// PhasePlanner, the state machine as pure functions: a table of every state
// of the three sample plans × advance / rollback, with the move each makes
// (or why it is refused), the flags at each state, when reverse sync runs and
// when a rollback waits for it. No server needed.

#include "TestSupport.h"

#include "engine/PhasePlanner.h"
#include "plan/PlanLoader.h"

using namespace switchyard::core;
using namespace switchyard::test;

namespace {

Plan sample(const QString &file)
{
    const PlanLoadResult r = PlanLoader::loadFile(samplePlan(file));
    if (!r.ok())
        qFatal("%s: %s", qPrintable(file), qPrintable(r.errorText()));
    return *r.plan;
}

/// "pending", "complete", or "<phase index>/<step>".
PhaseState parseState(const QString &text)
{
    PhaseState s;
    if (text == QLatin1String("pending")) {
        s.status = PhaseStatus::Pending;
    } else if (text.startsWith(QLatin1String("complete:"))) {
        s.status = PhaseStatus::Complete;
        s.phaseIndex = text.section(QLatin1Char(':'), 1).section(QLatin1Char('/'), 0, 0).toInt();
        s.rampStep = text.section(QLatin1Char('/'), 1).toInt();
    } else {
        s.status = PhaseStatus::Active;
        s.phaseIndex = text.section(QLatin1Char('/'), 0, 0).toInt();
        s.rampStep = text.section(QLatin1Char('/'), 1).toInt();
    }
    return s;
}

QString stateText(const PhaseState &s)
{
    if (s.status == PhaseStatus::Pending)
        return QStringLiteral("pending");
    if (s.status == PhaseStatus::Complete)
        return QStringLiteral("complete:%1/%2").arg(s.phaseIndex).arg(s.rampStep);
    return QStringLiteral("%1/%2").arg(s.phaseIndex).arg(s.rampStep);
}

} // namespace

class TestPhasePlanner : public QObject
{
    Q_OBJECT

private slots:
    void moves_data();
    void moves();
    void flags_data();
    void flags();
    void reverseSync_data();
    void reverseSync();
    void jobsOfPhase();
};

void TestPhasePlanner::moves_data()
{
    QTest::addColumn<QString>("plan");
    QTest::addColumn<QString>("from");
    QTest::addColumn<bool>("rollback");
    QTest::addColumn<QString>("to"); // "refused" when not allowed
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("gates");

    const int start = int(TransitionKind::Start), step = int(TransitionKind::NextStep),
              next = int(TransitionKind::NextPhase), finish = int(TransitionKind::Finish),
              back = int(TransitionKind::Rollback);
    const QString dw = QStringLiteral("users-dual-write.yaml");
    // Dual write: 5 phases, read-from-target (2) ramps over 4 steps.
    QTest::newRow("dw start") << dw << "pending" << false << "0/0" << start << false;
    QTest::newRow("dw rollback pending") << dw << "pending" << true << "refused" << back << false;
    QTest::newRow("dw 0 → 1") << dw << "0/0" << false << "1/0" << next << true;
    QTest::newRow("dw 0 back") << dw << "0/0" << true << "pending" << back << false;
    QTest::newRow("dw 1 → 2") << dw << "1/0" << false << "2/0" << next << true;
    QTest::newRow("dw 1 back") << dw << "1/0" << true << "0/0" << back << false;
    QTest::newRow("dw ramp 0 → 1") << dw << "2/0" << false << "2/1" << step << true;
    QTest::newRow("dw ramp 1 → 2") << dw << "2/1" << false << "2/2" << step << true;
    QTest::newRow("dw ramp 2 → 3") << dw << "2/2" << false << "2/3" << step << true;
    QTest::newRow("dw ramp 3 → phase 3") << dw << "2/3" << false << "3/0" << next << true;
    QTest::newRow("dw ramp back 2 → 1") << dw << "2/2" << true << "2/1" << back << false;
    QTest::newRow("dw ramp back 0 → phase 1") << dw << "2/0" << true << "1/0" << back << false;
    QTest::newRow("dw 3 back → ramp 100%") << dw << "3/0" << true << "2/3" << back << false;
    QTest::newRow("dw 3 → 4") << dw << "3/0" << false << "4/0" << next << true;
    QTest::newRow("dw 4 finish") << dw << "4/0" << false << "complete:4/0" << finish << true;
    QTest::newRow("dw 4 back") << dw << "4/0" << true << "3/0" << back << false;
    QTest::newRow("dw complete advance") << dw << "complete:4/0" << false << "refused" << start << false;
    QTest::newRow("dw complete back") << dw << "complete:4/0" << true << "4/0" << back << false;
    // Flag ramp: 3 phases, ramp (1) over 4 steps.
    const QString fr = QStringLiteral("checkout-flag-ramp.yaml");
    QTest::newRow("fr start") << fr << "pending" << false << "0/0" << start << false;
    QTest::newRow("fr 0 → ramp") << fr << "0/0" << false << "1/0" << next << true;
    QTest::newRow("fr ramp 0 → 1") << fr << "1/0" << false << "1/1" << step << true;
    QTest::newRow("fr ramp 3 → 2") << fr << "1/3" << false << "2/0" << next << true;
    QTest::newRow("fr ramp back 3 → 2") << fr << "1/3" << true << "1/2" << back << false;
    QTest::newRow("fr 2 back → ramp 100%") << fr << "2/0" << true << "1/3" << back << false;
    QTest::newRow("fr 2 finish") << fr << "2/0" << false << "complete:2/0" << finish << true;
    QTest::newRow("fr complete back") << fr << "complete:2/0" << true << "2/0" << back << false;
    // Blue/green: 3 phases, no ramp.
    const QString bg = QStringLiteral("orders-blue-green.yaml");
    QTest::newRow("bg start") << bg << "pending" << false << "0/0" << start << false;
    QTest::newRow("bg switch") << bg << "0/0" << false << "1/0" << next << true;
    QTest::newRow("bg switch back") << bg << "1/0" << true << "0/0" << back << false;
    QTest::newRow("bg retire") << bg << "1/0" << false << "2/0" << next << true;
    QTest::newRow("bg finish") << bg << "2/0" << false << "complete:2/0" << finish << true;
    QTest::newRow("bg complete advance") << bg << "complete:2/0" << false << "refused" << start << false;
}

void TestPhasePlanner::moves()
{
    QFETCH(QString, plan);
    QFETCH(QString, from);
    QFETCH(bool, rollback);
    QFETCH(QString, to);
    QFETCH(int, kind);
    QFETCH(bool, gates);
    const PhasePlanner planner(sample(plan));
    const PlannedMove m = rollback ? planner.rollback(parseState(from)) : planner.advance(parseState(from));
    if (to == QLatin1String("refused")) {
        QVERIFY(!m.allowed);
        QVERIFY(!m.refusal.isEmpty());
        return;
    }
    QVERIFY2(m.allowed, qPrintable(m.refusal));
    QCOMPARE(stateText(m.to), to);
    QCOMPARE(int(m.kind), kind);
    QCOMPARE(m.needsGates, gates);
    QCOMPARE(m.historyStatus == PhaseStatus::RolledBack, rollback);
}

void TestPhasePlanner::flags_data()
{
    QTest::addColumn<QString>("plan");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("expected");
    const QString dw = QStringLiteral("users-dual-write.yaml");
    QTest::newRow("pending: defaults") << dw << "pending"
                                       << "write_source=on write_target=off read_from=source read_percent=0";
    QTest::newRow("write both") << dw << "0/0" << "write_source=on write_target=on read_from=source";
    QTest::newRow("ramp 10%") << dw << "2/1" << "read_from=target read_percent=10 shadow_read=on";
    QTest::newRow("stop writing") << dw << "3/0" << "write_source=off read_percent=100";
    QTest::newRow("complete") << dw << "complete:4/0" << "write_source=off write_target=on read_percent=100";
    const QString fr = QStringLiteral("checkout-flag-ramp.yaml");
    QTest::newRow("dark") << fr << "0/0" << "feature.new_checkout=0";
    QTest::newRow("50%") << fr << "1/2" << "feature.new_checkout=50";
    QTest::newRow("old path removed") << fr << "2/0" << "feature.new_checkout=100";
    const QString bg = QStringLiteral("orders-blue-green.yaml");
    QTest::newRow("blue") << bg << "0/0" << "active_side=blue write_target=on";
    QTest::newRow("green") << bg << "1/0" << "active_side=green write_source=off";
}

void TestPhasePlanner::flags()
{
    QFETCH(QString, plan);
    QFETCH(QString, state);
    QFETCH(QString, expected);
    const FlagSet f = PhasePlanner(sample(plan)).flagsAt(parseState(state));
    for (const QString &pair : expected.split(QLatin1Char(' '))) {
        const QString name = pair.section(QLatin1Char('='), 0, 0);
        QCOMPARE(f.displayValue(name), pair.section(QLatin1Char('='), 1));
    }
}

void TestPhasePlanner::reverseSync_data()
{
    QTest::addColumn<QString>("plan");
    QTest::addColumn<QString>("from");
    QTest::addColumn<bool>("rollback");
    QTest::addColumn<QString>("tablesAfter");
    QTest::addColumn<bool>("waits");
    const QString dw = QStringLiteral("users-dual-write.yaml");
    QTest::newRow("enter stop-writing") << dw << "2/3" << false << "users" << false;
    QTest::newRow("decommission keeps it") << dw << "3/0" << false << "users" << false;
    QTest::newRow("finish stops it") << dw << "4/0" << false << "" << false;
    QTest::newRow("back to decommission restarts it") << dw << "complete:4/0" << true << "users" << false;
    QTest::newRow("back from decommission keeps it") << dw << "4/0" << true << "users" << false;
    QTest::newRow("back to writing MySQL waits") << dw << "3/0" << true << "" << true;
    QTest::newRow("ramp back: nothing") << dw << "2/3" << true << "" << false;
    const QString bg = QStringLiteral("orders-blue-green.yaml");
    QTest::newRow("green: both tables") << bg << "0/0" << false << "orders,order_items" << false;
    QTest::newRow("back to blue waits") << bg << "1/0" << true << "" << true;
    QTest::newRow("no reverse in a flag ramp") << QStringLiteral("checkout-flag-ramp.yaml") << "1/3" << false << ""
                                               << false;
}

void TestPhasePlanner::reverseSync()
{
    QFETCH(QString, plan);
    QFETCH(QString, from);
    QFETCH(bool, rollback);
    QFETCH(QString, tablesAfter);
    QFETCH(bool, waits);
    const PhasePlanner planner(sample(plan));
    const PhaseState s = parseState(from);
    const PlannedMove m = rollback ? planner.rollback(s) : planner.advance(s);
    QVERIFY(m.allowed);
    QCOMPARE(planner.reverseSyncTables(planner.flagsAfter(s, m), m.to).join(QLatin1Char(',')), tablesAfter);
    QCOMPARE(planner.waitsForReverseSync(s, m), waits);
}

void TestPhasePlanner::jobsOfPhase()
{
    const PhasePlanner planner(sample(QStringLiteral("users-dual-write.yaml")));
    const QList<PlannedJob> jobs = planner.jobsOfPhase(1);
    QCOMPARE(jobs.size(), 2);
    QCOMPARE(jobs.at(0).describe(), QStringLiteral("backfill users"));
    QCOMPARE(jobs.at(1).describe(), QStringLiteral("validate users (checksum)"));
    QCOMPARE(jobs.at(1).paramsJson(), QStringLiteral("{\"mode\":\"checksum\",\"phase\":\"backfill\"}"));
    QVERIFY(planner.jobsOfPhase(3).isEmpty()); // the reverse sync is run from reverseSyncTables()
    QVERIFY(planner.jobsOfPhase(0).isEmpty());
}

QTEST_GUILESS_MAIN(TestPhasePlanner)
#include "tst_phaseplanner.moc"
