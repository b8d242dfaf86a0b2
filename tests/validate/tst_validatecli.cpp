// switchyard-cli validate / mismatches / repair against the sandbox: a clean
// copy passes (exit 0); corruption of every kind fails (exit 1) and is listed;
// repair (by key and --all-open) makes the target equal to the source again —
// checked by the backfill tests' independent oracle — with an audit entry per
// repaired row.

#include "BackfillFixture.h"
#include "backfill/BackfillJob.h"
#include "store/ControlStore.h"


using namespace switchyard::core;
using switchyard::test::BackfillFixture;

namespace {

using switchyard::test::CliRun;

CliRun cli(const QStringList &args, const QString &failpoint = {})
{
    switchyard::test::CliOptions o;
    if (!failpoint.isEmpty())
        o.env = {{QStringLiteral("SWITCHYARD_FAILPOINT"), failpoint}};
    o.mergeChannels = true;
    return switchyard::test::runCli(args, o);
}

} // namespace

class TestValidateCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(!switchyard::test::cliPath().isEmpty()); }

    void validateListRepairValidate()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_cli"));
        f.source().exec(QStringLiteral(
            "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, i INT, d DECIMAL(8,2), vc VARCHAR(40),"
            " bl BLOB, dtm DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), js JSON, en ENUM('a','b'))"));
        f.source().exec(QStringLiteral(
            "INSERT INTO t SELECT seq, seq * 7, seq / 4, IF(seq = 200, NULL, CONCAT('v', seq)),"
            " UNHEX(MD5(seq)), TIMESTAMPADD(MICROSECOND, seq * 1000001, '2024-01-01'),"
            " TIMESTAMPADD(MICROSECOND, seq * 999999, '2023-06-01'), SEC_TO_TIME(seq * 37.5),"
            " JSON_OBJECT('n', seq), IF(seq % 2, 'a', 'b') FROM seq_1_to_400"));
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("t"))});
        f.applySchema(plan);
        {
            ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
            const qint64 run = cs.runs().ensureRun(plan.migration.name, QStringLiteral("x"), QStringLiteral("0"));
            BackfillJob::Options o;
            o.finish = false;
            BackfillJob job(plan, QStringLiteral("t"), ControlStoreLocation::fromPlan(plan), run, o);
            QCOMPARE(job.run().state, BackfillState::Completed);
        }
        const QString planPath = f.writePlanFile(plan);
        const QStringList fast{QStringLiteral("--chunk-rows"), QStringLiteral("100"),
                               QStringLiteral("--recheck-delay-ms"), QStringLiteral("20")};

        CliRun r = cli(QStringList{QStringLiteral("validate"), planPath} + fast);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("t: PASS")), qPrintable(r.output()));

        f.target().exec(QStringLiteral(
            "UPDATE t SET i = -1, d = 0.01, bl = '\\x00', ts = ts + interval '1 microsecond',"
            " tm = '00:00:01', js = '{\"n\": -5}', en = 'b', dtm = '1999-01-01' WHERE id = 5"));
        f.target().exec(QStringLiteral("UPDATE t SET vc = '' WHERE id = 200"));
        f.target().exec(QStringLiteral("DELETE FROM t WHERE id = 300"));
        f.target().exec(QStringLiteral("INSERT INTO t (id, vc) VALUES (1000, 'extra')"));
        f.source().exec(QStringLiteral("DELETE FROM t WHERE id = 301"));

        r = cli(QStringList{QStringLiteral("validate"), planPath} + fast);
        QVERIFY2(r.exitCode == 1, qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("t: FAIL")), qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("5 open")), qPrintable(r.output()));

        r = cli({QStringLiteral("mismatches"), planPath, QStringLiteral("--status"), QStringLiteral("open")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.output().contains(QStringLiteral("5 mismatch(es)")), qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("key [300]  missing_in_target")), qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("key [1000]  missing_in_source")), qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("columns: i, d, bl, dtm, ts, tm, js, en")), qPrintable(r.output()));

        r = cli({QStringLiteral("repair"), planPath, QStringLiteral("--key"), QStringLiteral("[5]"),
                 QStringLiteral("--operator"), QStringLiteral("ann")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("1 repaired, 0 not")), qPrintable(r.output()));

        r = cli({QStringLiteral("repair"), planPath, QStringLiteral("--all-open"), QStringLiteral("--table"),
                 QStringLiteral("t")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));
        QVERIFY2(r.output().contains(QStringLiteral("4 repaired, 0 not")), qPrintable(r.output()));

        // The independent oracle agrees, and validation passes again.
        const QStringList diff = f.differences(plan, QStringLiteral("t"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
        r = cli(QStringList{QStringLiteral("validate"), planPath} + fast);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output()));

        r = cli({QStringLiteral("mismatches"), planPath, QStringLiteral("--status"), QStringLiteral("repaired")});
        QVERIFY2(r.output().contains(QStringLiteral("5 mismatch(es)")), qPrintable(r.output()));
        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
        const qint64 run = cs.runs().latestRun(plan.migration.name)->id;
        int repairs = 0;
        for (const AuditEntry &e : cs.audit().entries(run))
            repairs += e.action == QLatin1String("mismatch.repair") ? 1 : 0;
        QCOMPARE(repairs, 5);
        QVERIFY(cs.audit().verifyAudit(run).ok);
    }

    void killedValidationResumesAfterItsLastChunk()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_cli_kill"));
        f.source().exec(QStringLiteral("CREATE TABLE r (id INT NOT NULL PRIMARY KEY, v INT)"));
        f.source().exec(QStringLiteral("INSERT INTO r SELECT seq, seq FROM seq_1_to_1000"));
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("r"))});
        f.applySchema(plan);
        f.target().exec(QStringLiteral("INSERT INTO r SELECT g, g FROM generate_series(1, 1000) g"));
        const QString planPath = f.writePlanFile(plan);
        const QStringList args{QStringLiteral("validate"), planPath, QStringLiteral("--chunk-rows"),
                               QStringLiteral("100"), QStringLiteral("--recheck-delay-ms"), QStringLiteral("20")};

        const CliRun killed = cli(args, QStringLiteral("validate-after-chunk:4"));
        QCOMPARE(killed.exitCode, -1); // SIGKILL
        // Chunks 1-4 are done; a row there now differs and must NOT be seen,
        // one further on must.
        f.target().exec(QStringLiteral("UPDATE r SET v = 0 WHERE id IN (150, 850)"));
        const CliRun resumed = cli(args);
        QVERIFY2(resumed.exitCode == 1, qPrintable(resumed.output()));
        QVERIFY2(resumed.output().contains(QStringLiteral("resumed")), qPrintable(resumed.output()));
        QVERIFY2(resumed.output().contains(QStringLiteral("1,000 rows, 11 chunks, 1 open")), qPrintable(resumed.output()));
        const CliRun list = cli({QStringLiteral("mismatches"), planPath});
        QVERIFY2(list.output().contains(QStringLiteral("key [850]")), qPrintable(list.output()));
        QVERIFY2(!list.output().contains(QStringLiteral("key [150]")), qPrintable(list.output()));
    }

    void usageErrors()
    {
        QCOMPARE(cli({QStringLiteral("validate")}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("validate"), QStringLiteral("p.yaml"), QStringLiteral("--mode"),
                      QStringLiteral("quick")})
                     .exitCode,
                 2);
        QCOMPARE(cli({QStringLiteral("validate"), QStringLiteral("p.yaml"), QStringLiteral("--chunks-in-flight"),
                      QStringLiteral("3")})
                     .exitCode,
                 2);
        QCOMPARE(cli({QStringLiteral("repair"), QStringLiteral("p.yaml")}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("repair"), QStringLiteral("p.yaml"), QStringLiteral("--all-open"),
                      QStringLiteral("--key"), QStringLiteral("[1]")})
                     .exitCode,
                 2);
        QCOMPARE(cli({QStringLiteral("mismatches"), QStringLiteral("--status"), QStringLiteral("open")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestValidateCli)
#include "tst_validatecli.moc"
