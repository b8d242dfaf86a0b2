// ReverseSyncJob against the sandbox: writes made on the target alone (the
// application through Switchyard::Client with write_source off, and SQL with
// edge values of every mapped type) arrive on the source exactly — the
// canonical-form oracle and ValidationJob (full) agree, and both catch a
// deliberately broken row; deletes and key changes; source columns the plan
// does not map keep their values; a process killed mid-apply resumes
// without loss or duplicate; the lag reaches 0 and the job leaves metric
// samples and audit entries; cancel stops a continuous job.

#include "../flags/ClientFixture.h"
#include "client/TableClient.h"
#include "engine/ChangeCapture.h"
#include "engine/ReverseSyncJob.h"
#include "flags/FlagPublisher.h"
#include "store/ControlStore.h"
#include "validate/ValidationJob.h"

#include <QProcess>

#include <thread>

using namespace switchyard::core;
using namespace switchyard::client;
using switchyard::test::BackfillFixture;
using switchyard::test::ClientFixture;

namespace {

qint64 runIdOf(const Plan &plan)
{
    ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(plan));
    return store.runs().ensureRun(plan.migration.name, plan.filePath, QStringLiteral("0").repeated(64));
}

ReverseSyncJob::Result catchUp(const Plan &plan, const QStringList &tables, int batch = 500)
{
    ReverseSyncJob::Options o;
    o.untilCaughtUp = true;
    o.batchChanges = batch;
    ReverseSyncJob job(plan, tables, ControlStoreLocation::fromPlan(plan), runIdOf(plan), o);
    return job.run();
}

ValidationJob::Result validateFull(const Plan &plan, const QString &table)
{
    ValidationJob::Options o;
    o.mode = JobSpec::ValidateMode::Full;
    o.recheckDelay = std::chrono::milliseconds(50);
    ValidationJob job(plan, table, ControlStoreLocation::fromPlan(plan), runIdOf(plan), o);
    return job.run();
}

// write_source off, write_target on: PostgreSQL is the only side written.
void targetOnly(PgConnection &target)
{
    FlagSet flags;
    flags.writeSource = false;
    flags.writeTarget = true;
    FlagPublisher(target).publish(flags, QStringLiteral("tests"), QStringLiteral("stop writing the source"));
}

QString display(const QStringList &diff)
{
    return diff.join(QLatin1Char('\n'));
}

const char *kKindsDdl =
    "CREATE TABLE kinds ("
    " id INT NOT NULL PRIMARY KEY,"
    " tiny TINYINT NULL, small_u SMALLINT UNSIGNED NULL, medium MEDIUMINT NULL,"
    " big_u BIGINT UNSIGNED NULL, dec_v DECIMAL(20,6) NULL, f FLOAT NULL, d DOUBLE NULL,"
    " flag TINYINT(1) NULL, bits BIT(5) NULL, bit1 BIT(1) NULL,"
    " code CHAR(4) NULL, txt TEXT NULL, bin BINARY(4) NULL, blob_v BLOB NULL,"
    " day DATE NULL, dt DATETIME NULL, dt6 DATETIME(6) NULL, ts TIMESTAMP(3) NULL DEFAULT NULL,"
    " tm TIME NULL, yr YEAR NULL, mood ENUM('happy','sad') NULL, tags SET('a','b','c') NULL,"
    " doc JSON NULL,"
    " extra VARCHAR(10) NOT NULL DEFAULT 'keep') ENGINE=InnoDB";

const char *kKindsColumns =
    "id, tiny, small_u, medium, big_u, dec_v, f, d, flag, bits, bit1, code, txt, bin, blob_v, day, dt, dt6, ts, tm, "
    "yr, mood, tags, doc";

} // namespace

class TestReverseSync : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void targetOnlyWritesArriveOnTheSource()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_reverse_users"));
        const QString users = QStringLiteral("users");
        ChangeCapture capture(f.plan(), f.target());
        capture.install({users});
        const qint64 v = f.publish({QStringLiteral("write_target=on"), QStringLiteral("write_source=off")});

        // The application, writing PostgreSQL only.
        ClientOptions co;
        co.localRepairFile = f.tempPath(QStringLiteral("repair.jsonl"));
        co.firstFlagsWaitMs = 5000;
        TableClient client(f.plan(), users, co);
        QVERIFY(client.waitForFlagsVersion(v, 3000));
        QList<QVariantList> keys;
        for (int n = 1; n <= 40; ++n) {
            const WriteResult w = client.insert(ClientFixture::user(n));
            QCOMPARE(w.primary, Side::Target);
            keys << w.key;
        }
        for (int n = 0; n < 40; n += 3)
            client.update(keys.at(n), {{QStringLiteral("status"), QStringLiteral("suspended")},
                                       {QStringLiteral("balance"), QStringLiteral("-0.05")}});
        for (int n = 1; n < 40; n += 7)
            client.remove(keys.at(n));
        // Edge values by SQL: NULLs, emoji, nested JSON, a leap day, the end of time.
        f.target().exec(QStringLiteral(
            "INSERT INTO users (id, email, name, status, is_admin, balance, score, prefs, avatar_hash, "
            "created_at, updated_at) VALUES "
            "(1000, 'edge@x', 'Ana 👩🏽‍💻 \"q\" \\ tab\t', 'closed', true, 9999999999.99, -1.5e-300, "
            " '{\"z\": [1, 2.50, null, {\"k\": \"ü\"}], \"a\": true}', '\\x00ff00', "
            " '2024-02-29 23:59:59.999999', '2038-01-19 03:14:07+00'),"
            "(1001, 'nulls@x', '', 'pending', false, 0, NULL, NULL, NULL, '1970-01-01 00:00:00', "
            " '1970-01-01 00:00:01+00')"));
        f.target().exec(QStringLiteral("UPDATE users SET id = 2000 WHERE id = 1001")); // key change

        QVERIFY(!f.differences(f.plan(), users).isEmpty()); // the oracle sees the gap
        const ReverseSyncJob::Result r = catchUp(f.plan(), {users}, 16);
        QVERIFY2(r.state == ReverseSyncState::Completed, qPrintable(r.error));
        QVERIFY(r.changesApplied >= 40 + 14 + 6 + 2 + 2);
        QCOMPARE(r.rowsDeleted, 0); // the deleted rows never reached the source
        QCOMPARE(capture.lag({users}).pendingChanges, 0);
        const QStringList diff = f.differences(f.plan(), users);
        QVERIFY2(diff.isEmpty(), qPrintable(display(diff)));
        QCOMPARE(f.source().query(QStringLiteral("SELECT count(*) FROM users")).scalar().toLongLong(),
                 f.targetCount(users));

        // Validation (full, both directions) agrees — and sees a broken row.
        ValidationJob::Result clean = validateFull(f.plan(), users);
        QVERIFY2(clean.verdict == ValidationVerdict::Pass, qPrintable(clean.statement));
        f.source().exec(QStringLiteral("UPDATE users SET name = 'drift' WHERE id = 1000"));
        ValidationJob::Result broken = validateFull(f.plan(), users);
        QVERIFY(broken.verdict != ValidationVerdict::Pass);
        QCOMPARE(broken.open, 1);

        // The store: samples of the three series, audit start/stop.
        ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(f.plan()));
        const QStringList series = store.metrics().seriesNames(runIdOf(f.plan()));
        for (const char *s : {"reverse_sync.lag_changes", "reverse_sync.lag_seconds", "reverse_sync.rows_per_second"})
            QVERIFY2(series.contains(QLatin1String(s)), qPrintable(series.join(QLatin1Char(' '))));
        const auto job = store.jobs().job(r.jobId);
        QVERIFY(job);
        QCOMPARE(job->state, JobState::Completed);
        QCOMPARE(store.jobs().loadCheckpoint(r.jobId)->rowsDone, r.changesApplied);
    }

    void everyMappedTypeArrivesExactly()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_reverse_kinds"));
        f.source().exec(QString::fromLatin1(kKindsDdl));
        TableSpec spec = BackfillFixture::table(QStringLiteral("kinds"));
        spec.excludeColumns = {QStringLiteral("extra")};
        const Plan plan = f.plan({spec});
        f.applySchema(plan);
        // A row both sides already hold (as after the backfill), with a value
        // in the column the plan does not map.
        f.source().exec(QStringLiteral("INSERT INTO kinds (id, txt, extra) VALUES (3, 'old', 'custom'), (5, 'gone', 'x')"));
        f.target().exec(QStringLiteral("INSERT INTO kinds (id, txt) VALUES (3, 'old'), (5, 'gone')"));
        ChangeCapture(plan, f.target()).install({QStringLiteral("kinds")});
        targetOnly(f.target());
        f.target().exec(QStringLiteral(
            "INSERT INTO kinds (%1) VALUES "
            "(1, -128, 65535, -8388608, 18446744073709551615, -12345678901234.123456, 0.1, 1.7976931348623157e308,"
            " true, B'10101', true, 'ab', E'line\\nbreak ☃', '\\x00ff0010', '\\x000102', '2024-02-29',"
            " '9999-12-31 23:59:59', '1000-01-01 00:00:00.000001', '2024-03-31 01:30:00.123+00', '23:59:59',"
            " 2155, 'sad', '{a,c}', '{\"b\": [1, 2.5, null], \"a\": \"ü\"}'),"
            "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
            "(4, 127, 0, 8388607, 0, 0.000001, -1.5e-7, -0.0, false, B'00000', false, '', '', '\\x00000000', '\\x',"
            " '1000-01-01', '1970-01-01 00:00:00', '2024-01-01 12:00:00', '1970-01-01 00:00:01+00', '00:00:00',"
            " 1901, 'happy', '{}', '[]')")
                               .arg(QLatin1String(kKindsColumns)));
        f.target().exec(QStringLiteral("UPDATE kinds SET txt = 'new', tags = '{b}', tm = '12:30:00' WHERE id = 3"));
        f.target().exec(QStringLiteral("DELETE FROM kinds WHERE id = 5"));

        const ReverseSyncJob::Result r = catchUp(plan, {QStringLiteral("kinds")});
        QVERIFY2(r.state == ReverseSyncState::Completed, qPrintable(r.error));
        QCOMPARE(r.rowsInserted, 3);
        QCOMPARE(r.rowsUpdated, 1);
        QCOMPARE(r.rowsDeleted, 1);
        const QStringList diff = f.differences(plan, QStringLiteral("kinds"));
        QVERIFY2(diff.isEmpty(), qPrintable(display(diff)));
        // UPDATE, not delete + insert: the unmapped column kept its value;
        // a new row got the source's default.
        QCOMPARE(f.source().query(QStringLiteral("SELECT extra FROM kinds WHERE id = 3")).scalar(), QStringLiteral("custom"));
        QCOMPARE(f.source().query(QStringLiteral("SELECT extra FROM kinds WHERE id = 1")).scalar(), QStringLiteral("keep"));
        const ValidationJob::Result v = validateFull(plan, QStringLiteral("kinds"));
        QVERIFY2(v.verdict == ValidationVerdict::Pass, qPrintable(v.statement));
    }

    void aValueTheSourceCannotHoldFailsTheJob()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_reverse_refuse"));
        f.source().exec(QString::fromLatin1(kKindsDdl));
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("kinds"))});
        f.applySchema(plan);
        ChangeCapture(plan, f.target()).install({QStringLiteral("kinds")});
        targetOnly(f.target());
        f.target().exec(QStringLiteral("INSERT INTO kinds (id, d) VALUES (1, 'Infinity')"));
        const ReverseSyncJob::Result r = catchUp(plan, {QStringLiteral("kinds")});
        QCOMPARE(r.state, ReverseSyncState::Failed);
        QVERIFY2(r.error.contains(QLatin1String("column d")), qPrintable(r.error));
        // Nothing half-applied, nothing lost: the change is still pending.
        QCOMPARE(f.source().query(QStringLiteral("SELECT count(*) FROM kinds")).scalar(), QStringLiteral("0"));
        QCOMPARE(ChangeCapture(plan, f.target()).lag().pendingChanges, 1);
    }

    void jobRefusesWithoutCapture()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_reverse_nocapture"));
        const ReverseSyncJob::Result r = catchUp(f.plan(), {QStringLiteral("users")});
        QCOMPARE(r.state, ReverseSyncState::Failed);
        QVERIFY2(r.error.contains(QLatin1String("reverse-sync PLAN install")), qPrintable(r.error));
    }

    void killedMidApplyResumesWithoutLossOrDuplicate_data()
    {
        QTest::addColumn<QString>("failpoint");
        QTest::newRow("before source commit") << QStringLiteral("before-source-commit:3");
        QTest::newRow("after source commit") << QStringLiteral("after-source-commit:3");
        QTest::newRow("after log delete") << QStringLiteral("after-log-delete:3");
    }

    void killedMidApplyResumesWithoutLossOrDuplicate()
    {
        QFETCH(QString, failpoint);
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_reverse_kill"));
        const QString users = QStringLiteral("users");
        ChangeCapture capture(f.plan(), f.target());
        capture.install({users});
        f.publish({QStringLiteral("write_target=on"), QStringLiteral("write_source=off")});
        f.target().exec(QStringLiteral(
            "INSERT INTO users (id, email, name, created_at) "
            "SELECT g, 'k' || g || '@x', 'K ' || g, '2024-01-01'::timestamp + g * interval '1 minute' "
            "FROM generate_series(1, 100) g"));
        f.target().exec(QStringLiteral("UPDATE users SET is_admin = true WHERE id % 10 = 0"));
        f.target().exec(QStringLiteral("DELETE FROM users WHERE id % 25 = 0"));

        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SWITCHYARD_FAILPOINT"), failpoint);
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(switchyard::test::cliPath(), {QStringLiteral("reverse-sync"), f.writePlanFile(f.plan()), QStringLiteral("run"),
                                              QStringLiteral("--batch"), QStringLiteral("20"),
                                              QStringLiteral("--until-caught-up")});
        QVERIFY(p.waitForFinished(60000));
        const QString output = QString::fromUtf8(p.readAll());
        QCOMPARE(p.exitStatus(), QProcess::CrashExit); // SIGKILL at the failpoint
        QVERIFY2(capture.lag({users}).pendingChanges > 0, qPrintable(output));
        QVERIFY(!f.differences(f.plan(), users).isEmpty());

        // Resume (in process): everything arrives once.
        const ReverseSyncJob::Result r = catchUp(f.plan(), {users}, 20);
        QVERIFY2(r.state == ReverseSyncState::Completed, qPrintable(r.error));
        const QStringList diff = f.differences(f.plan(), users);
        QVERIFY2(diff.isEmpty(), qPrintable(display(diff)));
        QCOMPARE(f.source().query(QStringLiteral("SELECT count(*) FROM users")).scalar(), QStringLiteral("96"));
        QCOMPARE(capture.lag({users}).pendingChanges, 0);
    }

    void continuousJobFollowsAndCancels()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_reverse_follow"));
        const QString users = QStringLiteral("users");
        ChangeCapture capture(f.plan(), f.target());
        capture.install({users});
        f.publish({QStringLiteral("write_target=on"), QStringLiteral("write_source=off")});
        ReverseSyncJob::Options o;
        o.pollInterval = std::chrono::milliseconds(50);
        ReverseSyncJob job(f.plan(), {users}, ControlStoreLocation::fromPlan(f.plan()), runIdOf(f.plan()), o);
        std::atomic<int> samples{0};
        ReverseSyncJob::Result r;
        std::thread t([&] { r = job.run([&](const ReverseSyncProgress &) { ++samples; }); });
        for (int n = 1; n <= 30; ++n) {
            f.target().exec(QStringLiteral("INSERT INTO users (id, email, name, created_at) VALUES (%1, 'f%1@x', 'F', now())").arg(n));
            QTest::qWait(20);
        }
        QTRY_VERIFY_WITH_TIMEOUT(f.differences(f.plan(), users).isEmpty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(capture.lag({users}).pendingChanges, 0, 5000);
        job.cancel();
        t.join();
        QCOMPARE(r.state, ReverseSyncState::Cancelled);
        QCOMPARE(r.changesApplied, 30);
        QVERIFY(samples > 0);
        ControlStore store = ControlStore::open(ControlStoreLocation::fromPlan(f.plan()));
        QCOMPARE(store.jobs().job(r.jobId)->state, JobState::Cancelled);
    }

    void aRecordHandedOverStaysTheCallers()
    {
        // A JobRunner claims the record, heartbeats its lease and writes its
        // end state; the job must not (its "cancelled" could stop a copy
        // another worker took over after a lease expiry).
        SWITCHYARD_NEED_SANDBOX(sb);
        ClientFixture f(sb, QStringLiteral("tst_reverse_owned"));
        const QString users = QStringLiteral("users");
        ChangeCapture(f.plan(), f.target()).install({users});
        const ControlStoreLocation where = ControlStoreLocation::fromPlan(f.plan());
        const qint64 run = runIdOf(f.plan());
        ControlStore store = ControlStore::open(where);
        const JobRecord record = store.jobs().createJob({run, JobSpec::Kind::ReverseSync, users, QStringLiteral("{}")});
        QVERIFY(store.jobs().setJobState(record.id, {JobState::Running, {}, false, QStringLiteral("runner-1"),
                                                     QStringLiteral("host"), {}}));
        ReverseSyncJob::Options o;
        o.jobId = record.id;
        o.workerId = QStringLiteral("job-itself");
        o.pollInterval = std::chrono::milliseconds(50);
        ReverseSyncJob job(f.plan(), {users}, where, run, o);
        ReverseSyncJob::Result r;
        std::thread t([&] { r = job.run(); });
        QTest::qWait(500);
        job.cancel();
        t.join();
        QCOMPARE(r.state, ReverseSyncState::Cancelled);
        QCOMPARE(r.jobId, record.id);
        const JobRecord after = *store.jobs().job(record.id);
        QCOMPARE(after.state, JobState::Running);
        QCOMPARE(after.workerId, QStringLiteral("runner-1"));
        QCOMPARE(after.attempts, record.attempts + 1); // only the caller's claim counted
    }
};

QTEST_GUILESS_MAIN(TestReverseSync)
#include "tst_reversesync.moc"
