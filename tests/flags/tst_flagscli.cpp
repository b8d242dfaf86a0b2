// switchyard-cli flags show|set and workload against the sandbox: validation
// before anything is written, the version bump and the audit entry, and a
// short workload whose forced secondary failures all land in the repair
// queue; Ctrl-C stops it cleanly with a summary.

#include "ClientFixture.h"
#include "store/ControlStore.h"
#include "target/PgConnection.h"

#include <QProcess>

#include <csignal>

using namespace switchyard::core;
using switchyard::test::ClientFixture;

namespace {

using switchyard::test::CliRun;

CliRun cli(const QStringList &args, int timeoutMs = 60000)
{
    switchyard::test::CliOptions o;
    o.mergeChannels = true;
    o.timeoutMs = timeoutMs;
    return switchyard::test::runCli(args, o);
}

qint64 count(PgConnection &pg, const QString &sql)
{
    return pg.query(sql).rows.value(0).value(0).value_or("0").toLongLong();
}

} // namespace

class TestFlagsCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void setAndShow()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_flags_cli"));
        const QString plan = f.writePlanFile(f.plan());

        CliRun r = cli({QStringLiteral("flags"), QStringLiteral("show"), plan});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.output().contains(QStringLiteral("No flags published yet")), qPrintable(r.output()));

        // One bad pair: nothing is written.
        r = cli({QStringLiteral("flags"), QStringLiteral("set"), plan, QStringLiteral("write_target=on"),
                 QStringLiteral("read_percent=150"), QStringLiteral("--operator"), QStringLiteral("dana"),
                 QStringLiteral("--reason"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.output().contains(QStringLiteral("expected a whole number from 0 to 100")), qPrintable(r.output()));
        QCOMPARE(count(f.target(), QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'switchyard' AND tablename = 'flags'")), 0);

        // No reason: refused.
        r = cli({QStringLiteral("flags"), QStringLiteral("set"), plan, QStringLiteral("write_target=on"),
                 QStringLiteral("--operator"), QStringLiteral("dana")});
        QCOMPARE(r.exitCode, 2);

        r = cli({QStringLiteral("flags"), QStringLiteral("set"), plan, QStringLiteral("write_target=on"),
                 QStringLiteral("read_from=target"), QStringLiteral("read_percent=10"),
                 QStringLiteral("--operator"), QStringLiteral("dana"), QStringLiteral("--reason"),
                 QStringLiteral("dual write release deployed")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("Published flags version 1")), qPrintable(r.output()));
        QCOMPARE(count(f.target(), QStringLiteral("SELECT version FROM switchyard.flag_version")), 1);

        // The same again: nothing to change.
        r = cli({QStringLiteral("flags"), QStringLiteral("set"), plan, QStringLiteral("write_target=on"),
                 QStringLiteral("--operator"), QStringLiteral("dana"), QStringLiteral("--reason"), QStringLiteral("again")});
        QCOMPARE(r.exitCode, 1);

        r = cli({QStringLiteral("flags"), QStringLiteral("show"), plan});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.output().contains(QStringLiteral("Flags version 1")), qPrintable(r.output()));
        QVERIFY2(r.output().contains(QRegularExpression(QStringLiteral("read_percent\\s+10\\s+v1"))), qPrintable(r.output()));

        // The audit log says who and why, with the old and new values.
        ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(f.plan()));
        const qint64 run = store.runs().latestRun(f.plan().migration.name)->id;
        const QList<AuditEntry> audit = store.audit().entries(run);
        QCOMPARE(audit.size(), 1);
        QCOMPARE(audit.first().action, QStringLiteral("flags.set"));
        QCOMPARE(audit.first().operatorName, QStringLiteral("dana"));
        QCOMPARE(audit.first().reason, QStringLiteral("dual write release deployed"));
        QVERIFY2(audit.first().detailsJson.contains(QStringLiteral("\"read_percent\":{\"new\":10,\"old\":null}")),
                 qPrintable(audit.first().detailsJson));
    }

    void workloadFailuresLandInRepairQueue()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_flags_workload"));
        f.publish({QStringLiteral("write_target=on")});
        const QString plan = f.writePlanFile(f.plan());
        const CliRun r = cli({QStringLiteral("workload"), plan, QStringLiteral("--rate"), QStringLiteral("100"),
                              QStringLiteral("--duration"), QStringLiteral("2"), QStringLiteral("--mix"),
                              QStringLiteral("5:3:1:0"), QStringLiteral("--fail-secondary"), QStringLiteral("1"),
                              QStringLiteral("--report-every"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("p99")), qPrintable(r.output()));
        const QRegularExpression totals(QStringLiteral("insert (\\d+)  update (\\d+)  delete (\\d+)"));
        QRegularExpressionMatch last;
        for (auto it = totals.globalMatch(r.output()); it.hasNext();)
            last = it.next();
        QVERIFY2(last.hasMatch(), qPrintable(r.output()));
        const qint64 writes = last.captured(1).toLongLong() + last.captured(2).toLongLong() +
                              last.captured(3).toLongLong();
        // (Not a throughput test: a loaded CI machine may not reach the rate.)
        QVERIFY2(writes >= 20, qPrintable(r.output()));
        // Every secondary write failed, and every one is queued: none lost.
        QCOMPARE(count(f.target(), QStringLiteral("SELECT count(*) FROM switchyard.repair_queue")), writes);
        QCOMPARE(f.targetCount(QStringLiteral("users")), 0);
    }

    void workloadCorruptsAtMostMaxCorruptRows()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_flags_corrupt"));
        f.publish({QStringLiteral("write_target=on")});
        const QString plan = f.writePlanFile(f.plan());
        // Every successful secondary write is a candidate; only 2 may be hit.
        const CliRun r = cli({QStringLiteral("workload"), plan, QStringLiteral("--rate"), QStringLiteral("100"),
                              QStringLiteral("--duration"), QStringLiteral("2"), QStringLiteral("--mix"),
                              QStringLiteral("1:0:0:0"), QStringLiteral("--corrupt-secondary"), QStringLiteral("1"),
                              QStringLiteral("--max-corrupt"), QStringLiteral("2"), QStringLiteral("--report-every"),
                              QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("corrupted 2 target rows")), qPrintable(r.output()));
        // Inserts only, so no later write heals a corrupted row: exactly 2.
        const qint64 marked = count(
            f.target(), QStringLiteral("SELECT count(*) FROM users WHERE name LIKE '%(corrupt)'"));
        QCOMPARE(marked, 2);
        // A bad limit is a usage error.
        const CliRun bad = cli({QStringLiteral("workload"), plan, QStringLiteral("--rate"), QStringLiteral("1"),
                                QStringLiteral("--max-corrupt"), QStringLiteral("-1")});
        QCOMPARE(bad.exitCode, 2);
    }

    void workloadStopsOnCtrlC()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_flags_ctrlc"));
        const QString plan = f.writePlanFile(f.plan());
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(switchyard::test::cliPath(), {QStringLiteral("workload"), plan, QStringLiteral("--rate"), QStringLiteral("50")});
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(p.waitForReadyRead(100) || p.bytesAvailable() > 0, 15000);
        QTest::qWait(1000);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(15000));
        const QString out = QString::fromUtf8(p.readAll());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 0, qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("stopped (Ctrl-C)")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("total ")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestFlagsCli)
#include "tst_flagscli.moc"
