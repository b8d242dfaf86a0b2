// Faults a backfill must survive without losing or duplicating a row:
// `switchyard-cli backfill` killed with SIGKILL at every point of a batch
// (failpoints) and at random moments, then run again to completion; and both
// database servers restarted under a running job.
//
// The server restart stops the whole sandbox for a few seconds, so this
// executable runs alone (RUN_SERIAL in CMake).

#include "BackfillFixture.h"
#include "backfill/BackfillJob.h"
#include "store/ControlStore.h"

#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QtConcurrent>

#include <csignal>
#include <limits>

using namespace switchyard::core;
using switchyard::test::BackfillFixture;

namespace {

struct CliRun
{
    bool crashed = false;
    int exitCode = -1;
    QString output;
};

CliRun backfill(const QString &planPath, const QStringList &extra, const QString &failpoint = {},
                int killAfterMs = -1)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!failpoint.isEmpty())
        env.insert(QStringLiteral("SWITCHYARD_FAILPOINT"), failpoint);
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(switchyard::test::cliPath(), QStringList{QStringLiteral("backfill"), planPath} + extra);
    if (!p.waitForStarted())
        return {};
    if (killAfterMs >= 0 && !p.waitForFinished(killAfterMs))
        ::kill(pid_t(p.processId()), SIGKILL);
    p.waitForFinished(120000);
    CliRun r;
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = p.exitCode();
    r.output = QString::fromUtf8(p.readAll());
    return r;
}

void fillUsers(MySqlConnection &c, int n)
{
    c.exec(QStringLiteral("CREATE TABLE users (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                          " email VARCHAR(100) NOT NULL UNIQUE, name VARCHAR(50) NOT NULL,"
                          " balance DECIMAL(12,2) NOT NULL, prefs JSON, created DATETIME(6) NOT NULL)"));
    c.exec(QStringLiteral("INSERT INTO users SELECT seq, CONCAT('u', seq, '@example.com'),"
                          " CONCAT('Name ', seq, ' 🚀'), seq * 1.25,"
                          " JSON_OBJECT('n', seq, 'tags', JSON_ARRAY('a', 'b')),"
                          " TIMESTAMPADD(SECOND, seq, '2022-01-01') FROM seq_1_to_%1")
               .arg(n));
}

} // namespace

class TestBackfillCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(!switchyard::test::cliPath().isEmpty()); }

    void killedAtEveryFailpointResumesWithoutGapOrDuplicate()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_failpoints"));
        fillUsers(f.source(), 3000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("users"), 200)});
        f.applySchema(plan);
        const QString planPath = f.writePlanFile(plan);
        const QStringList hooks{QStringLiteral("after-source-read"), QStringLiteral("before-target-commit"),
                                QStringLiteral("after-target-commit"), QStringLiteral("after-checkpoint")};
        int kills = 0;
        for (const int batch : {1, 3}) {
            for (const QString &hook : hooks) {
                // Each run resumes from the last checkpoint and dies again a few
                // batches later, so the kills land all over the table.
                const CliRun r = backfill(planPath, {}, QStringLiteral("%1:%2").arg(hook).arg(batch));
                QVERIFY2(r.crashed, qPrintable(QStringLiteral("%1:%2 did not crash:\n%3").arg(hook).arg(batch).arg(r.output)));
                ++kills;
            }
        }
        QCOMPARE(kills, 8);
        const qint64 before = f.targetCount(QStringLiteral("users"));
        QVERIFY2(before > 0 && before < 3000, qPrintable(QString::number(before)));
        const CliRun done = backfill(planPath, {});
        QVERIFY2(!done.crashed && done.exitCode == 0, qPrintable(done.output));
        QVERIFY2(done.output.contains(QStringLiteral("3,000 rows copied")), qPrintable(done.output));
        const QStringList diff = f.differences(plan, QStringLiteral("users"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
    }

    void killedAtRandomMomentsResumesWithoutGapOrDuplicate()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_randomkill"));
        fillUsers(f.source(), 20000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("users"))});
        f.applySchema(plan);
        const QString planPath = f.writePlanFile(plan);
        const quint32 seed = QRandomGenerator::global()->generate();
        QRandomGenerator random(seed);
        int killed = 0;
        for (int i = 0; i < 10; ++i) {
            const int after = 150 + int(random.bounded(700));
            const CliRun r = backfill(planPath, {QStringLiteral("--max-rows-per-second"), QStringLiteral("2000"),
                                                 QStringLiteral("--batch-rows"), QStringLiteral("500")},
                                      {}, after);
            if (r.crashed)
                ++killed;
            else
                break; // finished before the kill: nothing left to interrupt
        }
        QVERIFY2(killed >= 3, qPrintable(QStringLiteral("seed %1: only %2 kills").arg(seed).arg(killed)));
        const CliRun done = backfill(planPath, {});
        QVERIFY2(!done.crashed && done.exitCode == 0, qPrintable(done.output));
        const QStringList diff = f.differences(plan, QStringLiteral("users"));
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("seed %1\n").arg(seed) + diff.join(QLatin1Char('\n'))));
    }

    // Ctrl-C (SIGINT) stops at a batch boundary with exit 130; the next run resumes.
    void interruptStopsCleanlyAndResumes()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_sigint"));
        fillUsers(f.source(), 6000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("users"), 200)});
        f.applySchema(plan);
        const QString planPath = f.writePlanFile(plan);
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(switchyard::test::cliPath(), {QStringLiteral("backfill"), planPath,
                                              QStringLiteral("--max-rows-per-second"), QStringLiteral("1500")});
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(f.targetCount(QStringLiteral("users")) >= 1500, 20000);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(20000));
        const QString output = QString::fromUtf8(p.readAll());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 130, qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("run the command again to resume")), qPrintable(output));
        const qint64 partial = f.targetCount(QStringLiteral("users"));
        QVERIFY(partial < 6000);
        const CliRun done = backfill(planPath, {});
        QVERIFY2(!done.crashed && done.exitCode == 0, qPrintable(done.output));
        const QStringList diff = f.differences(plan, QStringLiteral("users"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        // The run left its figures for the charts in the control store.
        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
        const qint64 run = cs.runs().latestRun(plan.migration.name)->id;
        QVERIFY(!cs.metrics().samples(run, QStringLiteral("backfill.rows_copied:users"), 0,
                                      std::numeric_limits<qint64>::max()).isEmpty());
    }

    void bothServersRestartedUnderARunningJob()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_restart"));
        fillUsers(f.source(), 12000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("users"), 300)});
        f.applySchema(plan);
        // The fixture's own sessions die with the servers; the job must not.
        f.source().close();
        f.target().close();
        const ControlStoreLocation store = ControlStoreLocation::fromPlan(plan);
        qint64 run = 0;
        {
            ControlStore cs = ControlStore::open(store);
            run = cs.runs().ensureRun(plan.migration.name, QStringLiteral("t"), QStringLiteral("0"));
        }
        BackfillJob::Options o;
        o.maxRowsPerSecond = 2000; // ~6 s of copying: the restart lands in the middle
        o.maxAttempts = 20;
        BackfillJob job(plan, QStringLiteral("users"), store, run, o);
        std::atomic<qint64> copied{0};
        std::atomic<int> retries{0};
        auto future = QtConcurrent::run([&] {
            return job.run([&](const BackfillProgress &p) {
                copied = p.rowsCopied;
                if (p.state == BackfillState::Retrying)
                    ++retries;
            });
        });
        QTRY_VERIFY_WITH_TIMEOUT(copied >= 2000, 20000);
        const QString sandbox = QDir(switchyard::test::sourceDir()).filePath(QStringLiteral("scripts/sandbox"));
        QCOMPARE(QProcess::execute(sandbox, {QStringLiteral("stop")}), 0);
        QTest::qWait(1500);
        QCOMPARE(QProcess::execute(sandbox, {QStringLiteral("start")}), 0);
        const BackfillJob::Result r = future.result();
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QVERIFY2(retries > 0, "the restart was not noticed");
        MySqlConnection source;
        source.open(plan.source);
        PgConnection target;
        target.open(plan.target);
        QCOMPARE(target.query(QStringLiteral("SELECT count(*) FROM users")).scalar(), QStringLiteral("12000"));
        QCOMPARE(target.query(QStringLiteral("SELECT sum(id) FROM users")).scalar(),
                 source.query(QStringLiteral("SELECT SUM(id) FROM users")).scalar());
    }
};

QTEST_GUILESS_MAIN(TestBackfillCrash)
#include "tst_backfillcrash.moc"
