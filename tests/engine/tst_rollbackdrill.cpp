// The rollback drill of issue #7, driven with switchyard-cli alone, against
// the sandbox, with `switchyard-cli workload` writing all along and
// `switchyard-cli worker` running the jobs the engine enqueues:
//   phase advance: write-both → backfill (backfill + checksum validation) →
//   read-from-target, ramp 1 → 10 → 50 → 100 % → stop-writing-source
//   (capture installed, reverse sync enqueued, then write_source off;
//   PostgreSQL the only writer for a few seconds) → decommission;
//   phase rollback: → stop-writing-source → read-from-target (waits for
//   reverse lag 0, flips write_source on, waits, lag 0 again, stops the
//   reverse sync, removes capture) → … → write-both.
// Then every row PostgreSQL took alone is in MySQL, `validate --mode full` is
// clean in both directions, and `audit verify` passes with every step logged.
// The plan is resources/plans/users-dual-write.yaml with the soak gates left
// out (a test cannot wait an hour) and the sandbox's ports.

#include "../flags/ClientFixture.h"

#include "plan/PlanLoader.h"
#include "plan/PlanWriter.h"
#include "target/PgConnection.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QThread>

#include <algorithm>

#include <signal.h>

using namespace switchyard::core;
using namespace switchyard::test;

namespace {

using switchyard::test::CliRun;

CliRun cli(const QStringList &args, int timeoutMs = 180000)
{
    switchyard::test::CliOptions o;
    o.timeoutMs = timeoutMs;
    return switchyard::test::runCli(args, o);
}

/// A background switchyard-cli (worker, workload), stopped with SIGINT like Ctrl-C.
class Background
{
public:
    explicit Background(const QStringList &args)
    {
        m_p.setProcessChannelMode(QProcess::MergedChannels);
        m_p.start(cliPath(), args);
        m_p.closeWriteChannel();
        m_p.waitForStarted();
    }
    ~Background() { stop(); }
    bool running() const { return m_p.state() == QProcess::Running; }
    /// Stops it and returns its exit code and output.
    std::pair<int, QString> stop()
    {
        if (m_p.state() == QProcess::Running) {
            ::kill(pid_t(m_p.processId()), SIGINT);
            if (!m_p.waitForFinished(30000)) {
                m_p.kill();
                m_p.waitForFinished();
            }
        }
        m_output += QString::fromUtf8(m_p.readAll());
        return {m_p.exitStatus() == QProcess::NormalExit ? m_p.exitCode() : -1, m_output};
    }

private:
    QProcess m_p;
    QString m_output;
};

qint64 scalar(PgConnection &pg, const QString &sql)
{
    return pg.query(sql).scalar().toLongLong();
}

} // namespace

class TestRollbackDrill : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(!cliPath().isEmpty()); }
    void drill();

private:
    /// phase status --json, parsed.
    QJsonObject status();
    /// Waits until every non-manual gate of the current phase passes; when the
    /// latest validation found something (it may have raced the backfill),
    /// enqueues a new one, as a DBA would.
    bool waitForGates(int timeoutSeconds);
    CliRun advance(const QString &reason);
    CliRun rollback(const QString &reason);

    QString m_path;
    QString m_name;
};

QJsonObject TestRollbackDrill::status()
{
    const CliRun r = cli({"phase", "status", m_path, "--json"});
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

bool TestRollbackDrill::waitForGates(int timeoutSeconds)
{
    QElapsedTimer t;
    t.start();
    qint64 lastRevalidation = -100000;
    QString last;
    while (t.elapsed() < qint64(timeoutSeconds) * 1000) {
        const QJsonObject s = status();
        bool pass = true;
        bool validationFailed = false;
        QStringList failing;
        for (const QJsonValue &v : s.value(QStringLiteral("gates")).toArray()) {
            const QJsonObject g = v.toObject();
            if (g.value(QStringLiteral("manual")).toBool() || g.value(QStringLiteral("passed")).toBool())
                continue;
            pass = false;
            failing << g.value(QStringLiteral("name")).toString() + QStringLiteral(": ")
                           + g.value(QStringLiteral("measured")).toString() + QStringLiteral(" / ")
                           + g.value(QStringLiteral("detail")).toString();
            if (g.value(QStringLiteral("kind")).toString() == QLatin1String("validation_clean")
                && !g.value(QStringLiteral("measured")).toString().contains(QStringLiteral("queued"))
                && !g.value(QStringLiteral("measured")).toString().contains(QStringLiteral("running")))
                validationFailed = true;
        }
        if (pass)
            return true;
        last = failing.join(QStringLiteral("\n"));
        bool validationPending = false;
        for (const QJsonValue &v : s.value(QStringLiteral("jobs")).toArray()) {
            const QJsonObject j = v.toObject();
            const QString st = j.value(QStringLiteral("state")).toString();
            if (j.value(QStringLiteral("kind")).toString() == QLatin1String("validate")
                && (st == QLatin1String("queued") || st == QLatin1String("running")))
                validationPending = true;
        }
        if (validationFailed && !validationPending && t.elapsed() - lastRevalidation > 5000) {
            lastRevalidation = t.elapsed();
            cli({"jobs", m_path, "start", "validate", "--table", "users", "--mode", "checksum", "--operator", "dba"});
        }
        QThread::msleep(500);
    }
    qWarning("gates still failing:\n%s", qPrintable(last));
    return false;
}

CliRun TestRollbackDrill::advance(const QString &reason)
{
    return cli({"phase", "advance", m_path, "--confirm", m_name, "--operator", "dana", "--reason", reason,
                "--yes-all-manual"});
}

CliRun TestRollbackDrill::rollback(const QString &reason)
{
    return cli({"phase", "rollback", m_path, "--confirm", m_name, "--operator", "dana", "--reason", reason,
                "--wait-timeout", "60"});
}

void TestRollbackDrill::drill()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    ClientFixture fx(sb, QStringLiteral("sy_rollback_drill"));
    // Rows that exist before the migration starts.
    fx.source().exec(QStringLiteral(
        "INSERT INTO users (email, name, status, balance, created_at) "
        "SELECT CONCAT('seed', seq, '@example.com'), CONCAT('Seed ', seq), 'active', seq / 100, NOW(6) "
        "FROM seq_1_to_3000"));

    PlanLoadResult loaded = PlanLoader::loadFile(samplePlan(QStringLiteral("users-dual-write.yaml")));
    QVERIFY2(loaded.ok(), qPrintable(loaded.errorText()));
    Plan plan = *loaded.plan;
    plan.source = fx.plan().source;
    plan.target = fx.plan().target;
    plan.controlStore = fx.plan().controlStore;
    for (PhaseSpec &p : plan.phases)
        p.gates.erase(std::remove_if(p.gates.begin(), p.gates.end(),
                                     [](const GateSpec &g) { return g.kind == GateSpec::Kind::Soak; }),
                      p.gates.end());
    m_path = fx.tempPath(QStringLiteral("users-dual-write-drill.yaml"));
    QString error;
    QVERIFY2(PlanWriter::saveFile(plan, m_path, &error), qPrintable(error));
    m_name = plan.migration.name;

    Background worker({"worker", m_path, "--max-parallel", "1", "--operator", "dana"});
    QVERIFY(worker.running());
    QElapsedTimer clock;
    clock.start();

    // write-both, then the application starts (it follows the flags).
    CliRun r = advance(QStringLiteral("dual-write release deployed"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    Background workload({"workload", m_path, "--rate", "60", "--mix", "30:40:10:20", "--report-every", "30"});
    QThread::sleep(2);
    QVERIFY(waitForGates(30));
    r = advance(QStringLiteral("start the backfill"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

    // backfill: the worker copies and validates.
    QVERIFY(waitForGates(120));
    r = advance(QStringLiteral("backfill complete and validated"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

    // read-from-target: the ramp.
    for (int step = 0; step < 4; ++step) {
        QThread::sleep(2); // shadow reads accumulate
        QVERIFY(waitForGates(120));
        r = advance(QStringLiteral("reads look right at this step"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    }
    // Now in stop-writing-source: PostgreSQL is the only writer.
    QJsonObject s = status();
    QCOMPARE(s.value(QStringLiteral("state")).toObject().value(QStringLiteral("phase_index")).toInt(), 3);
    QVERIFY(!s.value(QStringLiteral("flags")).toObject().value(QStringLiteral("write_source")).toBool());
    PgConnection pg;
    pg.open(plan.target);
    const qint64 maxBefore = scalar(pg, QStringLiteral("SELECT coalesce(max(id), 0) FROM users"));
    QThread::sleep(5);
    QVERIFY(waitForGates(60));
    r = advance(QStringLiteral("no errors since MariaDB writes stopped"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    // decommission (not finished): then back.
    QThread::sleep(2);
    r = rollback(QStringLiteral("drill: back from decommission"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QThread::sleep(2);
    const qint64 maxTargetOnly = scalar(pg, QStringLiteral("SELECT coalesce(max(id), 0) FROM users"));
    r = rollback(QStringLiteral("drill: MariaDB takes writes again"));
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.err.isEmpty() || !r.err.contains(QStringLiteral("warning")), qPrintable(r.err));
    s = status();
    QVERIFY(s.value(QStringLiteral("flags")).toObject().value(QStringLiteral("write_source")).toBool());
    QVERIFY(!s.contains(QStringLiteral("reverse_lag"))); // capture removed
    // Back through the ramp and the backfill phase to write-both.
    for (int i = 0; i < 5; ++i) {
        r = rollback(QStringLiteral("drill: step back"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    }
    s = status();
    QCOMPARE(s.value(QStringLiteral("state")).toObject().value(QStringLiteral("phase_index")).toInt(), 0);
    QCOMPARE(s.value(QStringLiteral("state")).toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("active"));
    QThread::sleep(2);

    // Stop the application, then the worker; compare.
    const auto [workloadExit, workloadOut] = workload.stop();
    QVERIFY2(workloadExit == 0 || workloadExit == 1, qPrintable(workloadOut));
    worker.stop();
    QVERIFY2(maxTargetOnly > maxBefore,
             qPrintable(QStringLiteral("the application inserted nothing while PostgreSQL was the only writer:\n")
                        + workloadOut));
    const qint64 onTarget = scalar(pg, QStringLiteral("SELECT count(*) FROM users WHERE id > %1 AND id <= %2")
                                           .arg(maxBefore)
                                           .arg(maxTargetOnly));
    const qint64 onSource =
        fx.source()
            .query(QStringLiteral("SELECT count(*) FROM users WHERE id > %1 AND id <= %2").arg(maxBefore).arg(maxTargetOnly))
            .scalar()
            .toLongLong();
    QVERIFY(onTarget > 0);
    QCOMPARE(onSource, onTarget);
    const QStringList diffs = fx.differences(plan, QStringLiteral("users"));
    QVERIFY2(diffs.isEmpty(), qPrintable(diffs.join(QLatin1Char('\n'))));
    r = cli({"validate", m_path, "--mode", "full", "--table", "users"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

    r = cli({"audit", "verify", m_path});
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    r = cli({"audit", "show", m_path, "--limit", "100000"});
    for (const char *action : {"phase.confirm", "phase.rollback", "flags.publish", "job.enqueue", "job.cancel",
                               "capture.install", "capture.remove"})
        QVERIFY2(r.out.contains(QLatin1String(action)), action);
    qInfo("drill: %lld rows written on PostgreSQL alone, all in MariaDB; %.1f s", onTarget,
          double(clock.elapsed()) / 1000.0);
}

QTEST_GUILESS_MAIN(TestRollbackDrill)
#include "tst_rollbackdrill.moc"
