// ServerProbe against the sandbox: the source, the target and a SQLite
// control store are reachable with a latency and a version; a port nobody
// listens on is unreachable with an error that says what to check, and the
// probe reconnects once the server is back (here: the settings are fixed).

#include "BackfillFixture.h"

#include "engine/ServerProbe.h"

#include <QtTest>

using namespace switchyard;
using core::ServerStatus;
using test::BackfillFixture;

class TestServerProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reachableServers()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_probe_ok"));
        const core::Plan plan = f.plan({BackfillFixture::table(QStringLiteral("t"))});
        core::ServerProbe probe(plan, core::ControlStoreLocation::fromPlan(plan));
        const QList<ServerStatus> first = probe.probeAll();
        QCOMPARE(first.size(), 3);
        for (const ServerStatus &s : first) {
            QVERIFY2(s.reachable, qPrintable(ServerStatus::roleName(s.role) + QStringLiteral(": ") + s.error));
            QVERIFY(s.latencyMs >= 0 && s.latencyMs < 5000);
            QVERIFY(s.connectMs >= 0); // first call opened the connection
            QVERIFY(s.error.isEmpty());
            QVERIFY(s.checkedAt.isValid());
        }
        QCOMPARE(first[0].role, ServerStatus::Role::Source);
        QVERIFY2(first[0].version.contains(QStringLiteral("MariaDB"), Qt::CaseInsensitive)
                     || first[0].version.at(0).isDigit(),
                 qPrintable(first[0].version));
        QVERIFY2(first[1].version.startsWith(QStringLiteral("PostgreSQL ")), qPrintable(first[1].version));
        QVERIFY2(first[2].version.contains(QStringLiteral("schema v")), qPrintable(first[2].version));
        QVERIFY(!first[0].endpoint.isEmpty());
        QVERIFY(!first[0].credential.isEmpty());

        // The second probe reuses the connections: no connect time.
        const QList<ServerStatus> second = probe.probeAll();
        for (const ServerStatus &s : second) {
            QVERIFY(s.reachable);
            QCOMPARE(s.connectMs, -1.0);
        }
    }

    void unreachableServerSaysWhatToCheck()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_probe_down"));
        core::Plan plan = f.plan({BackfillFixture::table(QStringLiteral("t"))});
        // A privileged port no database listens on: the connection is refused.
        const int deadPort = 1;
        plan.source.port = deadPort;
        plan.target.port = deadPort;
        core::ServerProbe::Options options;
        options.connectTimeoutSeconds = 3;
        core::ServerProbe probe(plan, core::ControlStoreLocation::fromPlan(plan), options);
        const ServerStatus source = probe.probeSource();
        QVERIFY(!source.reachable);
        QCOMPARE(source.latencyMs, -1.0);
        QVERIFY(source.version.isEmpty());
        QVERIFY(source.retryable); // connection refused: try again later
        QVERIFY2(source.error.contains(QString::number(deadPort)) && source.error.contains(QStringLiteral("Check")),
                 qPrintable(source.error));
        const ServerStatus target = probe.probeTarget();
        QVERIFY(!target.reachable);
        QVERIFY2(target.error.contains(QStringLiteral("PostgreSQL")), qPrintable(target.error));
        // The store is fine whatever the servers do.
        QVERIFY(probe.probeStore().reachable);
    }
};

QTEST_GUILESS_MAIN(TestServerProbe)
#include "tst_serverprobe.moc"
