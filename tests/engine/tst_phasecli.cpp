// `switchyard-cli phase status|advance|rollback` and `audit show|verify`
// against the sandbox: automation options, the typed confirmation on stdin
// (and a usage error, not a hang, when stdin has nothing), refusals as exit 1,
// and an edited or deleted audit row detected by `audit verify`.

#include "PhaseTestEnv.h"

#include "plan/PlanWriter.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace switchyard::core;
using namespace switchyard::test;

namespace {

using switchyard::test::CliRun;

/// stdinData: written then closed; nullopt: stdin left open with nothing in it.
CliRun cli(const QStringList &args, const std::optional<QByteArray> &stdinData = QByteArray())
{
    switchyard::test::CliOptions o;
    o.input = stdinData;
    return switchyard::test::runCli(args, o);
}

QString writePlan(BackfillFixture &fx, const Plan &plan)
{
    return fx.writePlanFile(plan);
}

/// Runs SQL on the SQLite control store directly, as someone tampering would.
void tamper(const QString &sqlitePath, const QStringList &statements)
{
    const QString name = QStringLiteral("tamper-%1").arg(quintptr(&statements));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(sqlitePath);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        for (const QString &sql : statements) {
            QSqlQuery q(db);
            QVERIFY2(q.exec(sql), qPrintable(sql + QStringLiteral(": ") + q.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace

class TestPhaseCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(!cliPath().isEmpty()); }
    void automationAndRefusals();
    void stdinConfirmation();
    void auditVerifyDetectsTampering_data();
    void auditVerifyDetectsTampering();
};

void TestPhaseCli::automationAndRefusals()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture fx(sb, QStringLiteral("sy_phasecli_auto"));
    Plan plan = phaseTestPlan(fx, QStringLiteral("checkout-flag-ramp.yaml"), false);
    const QString path = writePlan(fx, plan);
    const QString name = plan.migration.name;

    CliRun r = cli({QStringLiteral("phase"), QStringLiteral("status"), path});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("pending")), qPrintable(r.out));

    // --confirm without operator / reason: usage.
    r = cli({"phase", "advance", path, "--confirm", name});
    QCOMPARE(r.exitCode, 2);
    // Wrong phrase: refused, exit 1, nothing changed.
    r = cli({"phase", "advance", path, "--confirm", "checkout", "--operator", "ann", "--reason", "go"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("phrase")), qPrintable(r.err));
    r = cli({"phase", "status", path, "--json"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("\"status\": \"pending\"")), qPrintable(r.out));

    // Start, then the manual gate of deploy-dark: refused unticked, applied with --check.
    r = cli({"phase", "advance", path, "--confirm", name, "--operator", "ann", "--reason", "go"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("feature.new_checkout")), qPrintable(r.out));
    r = cli({"phase", "advance", path, "--confirm", name, "--operator", "ann", "--reason", "deployed"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("gate")), qPrintable(r.err));
    r = cli({"phase", "advance", path, "--confirm", name, "--operator", "ann", "--reason", "deployed", "--check",
             "New checkout release deployed to every instance with the flag off"});
    QCOMPARE(r.exitCode, 0);
    // ramp/0: the 60-minute soak blocks, even with --override (not overridable).
    r = cli({"phase", "advance", path, "--confirm", name, "--operator", "ann", "--reason", "hurry", "--override",
             "--yes-all-manual"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("soak")), qPrintable(r.err));
    r = cli({"phase", "status", path});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("[FAIL] soak")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("[1] → 10 → 50 → 100")), qPrintable(r.out));
    // Rollback to deploy-dark, then to pending.
    r = cli({"phase", "rollback", path, "--confirm", name, "--operator", "bob", "--reason", "errors up"});
    QCOMPARE(r.exitCode, 0);
    r = cli({"phase", "rollback", path, "--confirm", name, "--operator", "bob", "--reason", "start over"});
    QCOMPARE(r.exitCode, 0);
    r = cli({"phase", "rollback", path, "--confirm", name, "--operator", "bob", "--reason", "again"});
    QCOMPARE(r.exitCode, 1); // nothing to roll back
    r = cli({"audit", "verify", path});
    QCOMPARE(r.exitCode, 0);
    r = cli({"audit", "show", path, "--limit", "500"});
    QCOMPARE(r.exitCode, 0);
    for (const char *action : {"phase.request", "phase.confirm", "phase.refused", "phase.rollback", "flags.publish"})
        QVERIFY2(r.out.contains(QLatin1String(action)), action);
}

void TestPhaseCli::stdinConfirmation()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture fx(sb, QStringLiteral("sy_phasecli_stdin"));
    const Plan plan = phaseTestPlan(fx, QStringLiteral("checkout-flag-ramp.yaml"), true);
    const QString path = writePlan(fx, plan);

    // Nothing on stdin (closed): a usage error, at once.
    CliRun r = cli({"phase", "advance", path}, QByteArray());
    QVERIFY2(r.exitCode == 2, qPrintable(r.out + r.err));
    QVERIFY2(r.err.contains(QStringLiteral("--confirm")), qPrintable(r.err));
    // stdin left open with no data: still a usage error, within seconds, never a hang.
    r = cli({"phase", "advance", path}, std::nullopt);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.ms < 20000, qPrintable(QString::number(r.ms)));
    // The typed phrase, operator and reason.
    r = cli({"phase", "advance", path}, plan.migration.name.toUtf8() + "\nann\nready\n");
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("Type the plan's name")), qPrintable(r.out));
    // A manual gate answered y, then the phrase typed wrong: refused.
    r = cli({"phase", "advance", path}, "y\nnot-the-name\nann\nready\n");
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("phrase")), qPrintable(r.err));
    // Answered n: the manual gate blocks.
    r = cli({"phase", "advance", path}, "n\n" + plan.migration.name.toUtf8() + "\nann\nready\n");
    QCOMPARE(r.exitCode, 1);
    // Answered y with the right phrase: applied.
    r = cli({"phase", "advance", path}, "y\n" + plan.migration.name.toUtf8() + "\nann\nready\n");
    QCOMPARE(r.exitCode, 0);
    r = cli({"phase", "status", path, "--json"});
    QVERIFY2(r.out.contains(QStringLiteral("\"ramp_step\": 0")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QStringLiteral("\"phase_index\": 1")), qPrintable(r.out));
}

void TestPhaseCli::auditVerifyDetectsTampering_data()
{
    QTest::addColumn<QStringList>("statements");
    QTest::addColumn<QString>("expectedSeq");
    QTest::newRow("edited reason") << QStringList{QStringLiteral("DROP TRIGGER audit_log_no_update"),
                                                  QStringLiteral("UPDATE audit_log SET reason = 'nothing to see' "
                                                                 "WHERE seq = 3")}
                                   << QStringLiteral("seq 3");
    QTest::newRow("edited operator") << QStringList{QStringLiteral("DROP TRIGGER audit_log_no_update"),
                                                    QStringLiteral("UPDATE audit_log SET operator = 'mallory' "
                                                                   "WHERE seq = 4")}
                                     << QStringLiteral("seq 4");
    QTest::newRow("deleted row") << QStringList{QStringLiteral("DROP TRIGGER audit_log_no_delete"),
                                                QStringLiteral("DELETE FROM audit_log WHERE seq = 2")}
                                 << QStringLiteral("seq 2");
}

void TestPhaseCli::auditVerifyDetectsTampering()
{
    QFETCH(QStringList, statements);
    QFETCH(QString, expectedSeq);
    SWITCHYARD_NEED_SANDBOX(sb);
    BackfillFixture fx(sb, QStringLiteral("sy_phasecli_audit"));
    const Plan plan = phaseTestPlan(fx, QStringLiteral("orders-blue-green.yaml"), true);
    const QString path = writePlan(fx, plan);
    const QString name = plan.migration.name;
    QCOMPARE(cli({"phase", "advance", path, "--confirm", name, "--operator", "ann", "--reason", "go"}).exitCode, 0);
    QCOMPARE(cli({"phase", "rollback", path, "--confirm", name, "--operator", "ann", "--reason", "back"}).exitCode, 0);
    CliRun r = cli({"audit", "verify", path});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("intact")), qPrintable(r.out));

    tamper(fx.controlStorePath(), statements);
    if (QTest::currentTestFailed())
        return;
    r = cli({"audit", "verify", path});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(QStringLiteral("BROKEN")) && r.err.contains(expectedSeq), qPrintable(r.err));
    r = cli({"audit", "verify", path, "--all"});
    QCOMPARE(r.exitCode, 1);
}

QTEST_GUILESS_MAIN(TestPhaseCli)
#include "tst_phasecli.moc"
