// ValidationJob against the sandbox servers, both ways: equal data written in
// different spellings is never a mismatch; every kind of corruption is found
// at exactly its key and column by checksum AND by full; rows changing under
// a dual-writing application end "in flight" and then resolve, never "open";
// a cancelled validation resumes after its last chunk; a chunk whose query
// fails is unchecked and the verdict is not pass.

#include "ValidationTestSupport.h"
#include "validate/ValidationSummaryRecorder.h"

#include <QtConcurrent>

#include <pqxx/pqxx>

#include <atomic>

using namespace switchyard::core;
using switchyard::test::BackfillFixture;
using namespace switchyard::test;

namespace {

// 600 rows of many types, copied to the target by the backfill.
Plan corpus(BackfillFixture &f)
{
    MySqlConnection &s = f.source();
    s.exec(QStringLiteral(
        "CREATE TABLE t (id INT NOT NULL PRIMARY KEY, i INT, d DECIMAL(8,2), f DOUBLE,"
        " vc VARCHAR(40), c CHAR(5), bl BLOB, dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL,"
        " tm TIME(6), js JSON, en ENUM('a','b'))"));
    s.exec(QStringLiteral(
        "INSERT INTO t SELECT seq, seq * 7, seq / 4, seq / 3, IF(seq = 200, NULL, CONCAT('v', seq)),"
        " 'ab', UNHEX(MD5(seq)), '2024-01-01' + INTERVAL seq DAY,"
        " TIMESTAMPADD(MICROSECOND, seq * 1000001, '2024-01-01'),"
        " TIMESTAMPADD(MICROSECOND, seq * 999999, '2023-06-01'), SEC_TO_TIME(seq * 37.5),"
        " JSON_OBJECT('n', seq, 'tags', JSON_ARRAY('x', seq)), IF(seq % 2, 'a', 'b')"
        " FROM seq_1_to_600"));
    return copiedToTarget(f, QStringLiteral("t"));
}

} // namespace

class TestValidationJob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void equalDataInOtherSpellingsIsClean()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_equal"));
        MySqlConnection &s = f.source();
        s.exec(QStringLiteral("CREATE TABLE e (id INT NOT NULL PRIMARY KEY, js JSON, n DECIMAL(4,2),"
                              " f DOUBLE, ts TIMESTAMP(6) NULL, dtm DATETIME(6), tm TIME(6), vc VARCHAR(10))"));
        s.exec(QStringLiteral("SET time_zone = '+05:30'"));
        s.exec(QStringLiteral(
            "INSERT INTO e VALUES"
            " (1, '{\"b\": 1,   \"a\": [1, 2.50, {\"z\": null, \"y\": true}]}', 1.50, -0.0,"
            "  '2024-03-10 12:00:00.500000', '2024-01-01 10:00:00.120000', '10:00:00.500000', 'x'),"
            " (2, '[1.0, 1e2]', 0.00, 0.1, '2024-10-27 08:15:00', '2024-12-31 23:59:59.999999',"
            "  '01:00:00.000', ''),"
            " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"));
        s.exec(QStringLiteral("SET time_zone = '+00:00'"));
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("e"))});
        f.applySchema(plan);
        // The target written by "another application", in other spellings and zones.
        f.target().exec(QStringLiteral("SET TIME ZONE 'America/New_York'"));
        f.target().exec(QStringLiteral(
            "INSERT INTO e VALUES"
            " (1, '{\"a\":[1,2.5,{\"y\":true,\"z\":null}],\"b\":1}', 1.5, 0.0,"
            "  '2024-03-10 08:30:00.5+02', '2024-01-01 10:00:00.12', '10:00:00.5', 'x'),"
            " (2, '[1, 100]', 0, 0.1, '2024-10-26 22:45:00', '2024-12-31 23:59:59.999999',"
            "  '01:00:00.000', ''),"
            " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"));
        f.target().exec(QStringLiteral("SET TIME ZONE 'UTC'"));
        for (auto mode : {ValidationJob::Mode::Checksum, ValidationJob::Mode::Full,
                          ValidationJob::Mode::Count, ValidationJob::Mode::Sample}) {
            const qint64 run = runFor(plan, ValidationJob::modeName(mode));
            const ValidationJob::Result r = validate(plan, QStringLiteral("e"), run, fastOptions(mode));
            QVERIFY2(r.state == ValidationState::Completed, qPrintable(r.error));
            const QList<MismatchRecord> found = mismatches(plan, run);
            for (const MismatchRecord &m : found)
                qWarning() << ValidationJob::modeName(mode) << m.keyJson << m.differingColumns
                           << m.sourceRowJson << m.targetRowJson;
            QVERIFY(found.isEmpty());
            QCOMPARE(verdictName(r.verdict), QStringLiteral("pass"));
        }

        // Both ways: the same check fails when one value really differs.
        f.target().exec(QStringLiteral("UPDATE e SET tm = '10:00:00.500001' WHERE id = 1"));
        const qint64 run = runFor(plan, QStringLiteral("broken"));
        const ValidationJob::Result r =
            validate(plan, QStringLiteral("e"), run, fastOptions(ValidationJob::Mode::Checksum));
        QCOMPARE(verdictName(r.verdict), QStringLiteral("fail"));
        QCOMPARE(r.open, 1);
    }

    void findsEachCorruption_data()
    {
        QTest::addColumn<bool>("onSource");
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("column");
        auto row = [](const char *name, bool src, const char *sql, const char *key, const char *kind,
                      const char *column) {
            QTest::newRow(name) << src << QString::fromUtf8(sql) << QString::fromLatin1(key)
                                << QString::fromLatin1(kind) << QString::fromLatin1(column);
        };
        row("integer", false, "UPDATE t SET i = i + 1 WHERE id = 137", "[137]", "different", "i");
        row("decimal", false, "UPDATE t SET d = d + 0.01 WHERE id = 1", "[1]", "different", "d");
        row("double last bits", false, "UPDATE t SET f = f + 1e-12 WHERE id = 333", "[333]", "different", "f");
        row("text", false, "UPDATE t SET vc = 'w' WHERE id = 450", "[450]", "different", "vc");
        row("trailing space", false, "UPDATE t SET vc = vc || ' ' WHERE id = 451", "[451]", "different", "vc");
        row("NULL vs empty", false, "UPDATE t SET vc = '' WHERE id = 200", "[200]", "different", "vc");
        row("one blob byte", false,
            "UPDATE t SET bl = overlay(bl placing '\\xff'::bytea from 5 for 1) WHERE id = 99", "[99]",
            "different", "bl");
        row("date", false, "UPDATE t SET dt = dt + 1 WHERE id = 600", "[600]", "different", "dt");
        row("datetime 1 us", false, "UPDATE t SET dtm = dtm + interval '1 microsecond' WHERE id = 17",
            "[17]", "different", "dtm");
        row("timestamp 1 us", false, "UPDATE t SET ts = ts - interval '1 microsecond' WHERE id = 18",
            "[18]", "different", "ts");
        row("time 1 us", false, "UPDATE t SET tm = tm + interval '1 microsecond' WHERE id = 19", "[19]",
            "different", "tm");
        row("json (compared on the client)", false,
            "UPDATE t SET js = jsonb_set(js, '{n}', '0') WHERE id = 250", "[250]", "different", "js");
        row("enum", false, "UPDATE t SET en = 'b' WHERE id = 251", "[251]", "different", "en");
        row("changed on the source", true, "UPDATE t SET c = 'abc' WHERE id = 42", "[42]", "different", "c");
        row("missing row", false, "DELETE FROM t WHERE id = 300", "[300]", "missing_in_target", "");
        row("missing first row", false, "DELETE FROM t WHERE id = 1", "[1]", "missing_in_target", "");
        row("extra row after the end", false, "INSERT INTO t (id, i) VALUES (1000, 1)", "[1000]",
            "missing_in_source", "");
        row("extra row before the start", false, "INSERT INTO t (id) VALUES (-5)", "[-5]",
            "missing_in_source", "");
        row("extra row inside", true, "DELETE FROM t WHERE id = 301", "[301]", "missing_in_source", "");
    }
    void findsEachCorruption()
    {
        QFETCH(bool, onSource);
        QFETCH(QString, sql);
        QFETCH(QString, key);
        QFETCH(QString, kind);
        QFETCH(QString, column);
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_corrupt"));
        const Plan plan = corpus(f);
        {
            // Both ways: the copy itself is clean before the corruption.
            const qint64 run = runFor(plan, QStringLiteral("clean"));
            const ValidationJob::Result r =
                validate(plan, QStringLiteral("t"), run, fastOptions(ValidationJob::Mode::Checksum));
            QCOMPARE(verdictName(r.verdict), QStringLiteral("pass"));
            QVERIFY(r.chunks >= 6);
        }
        if (onSource)
            f.source().exec(sql);
        else
            f.target().exec(sql);
        for (auto mode : {ValidationJob::Mode::Checksum, ValidationJob::Mode::Full}) {
            const qint64 run = runFor(plan, ValidationJob::modeName(mode));
            const ValidationJob::Result r = validate(plan, QStringLiteral("t"), run, fastOptions(mode));
            QVERIFY2(r.state == ValidationState::Completed, qPrintable(r.error));
            QCOMPARE(verdictName(r.verdict), QStringLiteral("fail"));
            const QList<MismatchRecord> found = mismatches(plan, run);
            QCOMPARE(found.size(), 1);
            const MismatchRecord &m = found.first();
            QCOMPARE(m.keyJson, key);
            QCOMPARE(storeName(m.kind), kind);
            QCOMPARE(storeName(m.status), QStringLiteral("open"));
            QCOMPARE(m.differingColumns, column.isEmpty() ? QStringList() : QStringList{column});
            QCOMPARE(m.sourceRowJson == QLatin1String("null"), kind == QLatin1String("missing_in_source"));
            QCOMPARE(m.targetRowJson == QLatin1String("null"), kind == QLatin1String("missing_in_target"));
        }
    }

    // Checksum mode computes two chunks at once (the second on its own
    // connections): a corruption in every chunk, whether computed here or
    // ahead, is found, and nothing else.
    void corruptionsInEveryChunkAreAllFound()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_every"));
        const Plan plan = corpus(f);
        // Rows 50, 100, …, 600: one or two per 100-row chunk, in both JSON
        // (compared on the client) and SQL-digested columns.
        f.target().exec(QStringLiteral("UPDATE t SET i = i + 1 WHERE id % 100 = 50"));
        f.target().exec(QStringLiteral("UPDATE t SET js = '{\"n\": -1}' WHERE id % 100 = 0"));
        for (int inFlight : {2, 1}) {
            ValidationJob::Options o = fastOptions(ValidationJob::Mode::Checksum);
            o.chunksInFlight = inFlight;
            const qint64 run = runFor(plan, QStringLiteral("every-%1").arg(inFlight));
            const ValidationJob::Result r = validate(plan, QStringLiteral("t"), run, o);
            QVERIFY2(r.state == ValidationState::Completed, qPrintable(r.error));
            QVERIFY(r.chunks >= 6);
            QList<int> ids;
            for (const MismatchRecord &m : mismatches(plan, run)) {
                const int id = m.keyJson.mid(1, m.keyJson.size() - 2).toInt(); // "[150]"
                ids << id;
                QCOMPARE(m.differingColumns, QStringList{id % 100 == 0 ? QStringLiteral("js") : QStringLiteral("i")});
                QCOMPARE(storeName(m.status), QStringLiteral("open"));
            }
            std::sort(ids.begin(), ids.end());
            QList<int> expected;
            for (int id = 50; id <= 600; id += 50)
                expected << id;
            QCOMPARE(ids, expected);
        }
    }

    void rowsChangingInFlightAreNeverOpen()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_inflight"));
        f.source().exec(QStringLiteral("CREATE TABLE w (id INT NOT NULL PRIMARY KEY, v INT NOT NULL)"));
        f.source().exec(QStringLiteral("INSERT INTO w SELECT seq, 0 FROM seq_1_to_300"));
        const Plan plan = copiedToTarget(f, QStringLiteral("w"));

        // A dual-writing application: source first, the target 600 ms later.
        std::atomic_bool stop{false};
        std::atomic_int writes{0};
        std::atomic_int sourceWrites{0};
        QFuture<void> writer = QtConcurrent::run([&] {
            MySqlConnection src;
            src.open(plan.source);
            PgConnection dst;
            dst.open(plan.target);
            while (!stop) {
                src.exec(QStringLiteral("UPDATE w SET v = v + 1 WHERE id = 150"));
                ++sourceWrites;
                QThread::msleep(600);
                dst.exec(QStringLiteral("UPDATE w SET v = v + 1 WHERE id = 150"));
                ++writes;
            }
        });
        // Validate only once the application is writing (it may be slow to connect).
        QTRY_VERIFY_WITH_TIMEOUT(sourceWrites > 0, 10000);
        const qint64 run = runFor(plan, QStringLiteral("inflight"));
        ValidationJob::Options o = fastOptions(ValidationJob::Mode::Checksum);
        o.recheckDelay = std::chrono::milliseconds(700);
        const ValidationJob::Result during = validate(plan, QStringLiteral("w"), run, o);
        stop = true;
        writer.waitForFinished();
        QVERIFY(writes > 0);
        QVERIFY2(during.state == ValidationState::Completed, qPrintable(during.error));
        QCOMPARE(during.open, 0);
        QCOMPARE(during.inFlight, 1);
        QCOMPARE(verdictName(during.verdict), QStringLiteral("in_flight"));
        QCOMPARE(mismatches(plan, run, MismatchStatus::InFlight).first().keyJson, QStringLiteral("[150]"));

        // The application has caught up: the next validation resolves it.
        o.recheckDelay = std::chrono::milliseconds(30);
        const ValidationJob::Result after = validate(plan, QStringLiteral("w"), run, o);
        QCOMPARE(verdictName(after.verdict), QStringLiteral("pass"));
        QCOMPARE(after.resolved, 1);
        const QList<MismatchRecord> all = mismatches(plan, run);
        QCOMPARE(all.size(), 1);
        QCOMPARE(storeName(all.first().status), QStringLiteral("resolved_on_recheck"));
    }

    void cancelledValidationResumesAfterItsLastChunk()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_resume"));
        f.source().exec(QStringLiteral("CREATE TABLE r (id BIGINT NOT NULL PRIMARY KEY, v VARCHAR(20))"));
        f.source().exec(QStringLiteral("INSERT INTO r SELECT seq, CONCAT('v', seq) FROM seq_1_to_1000"));
        const Plan plan = copiedToTarget(f, QStringLiteral("r"));
        const qint64 run = runFor(plan, QStringLiteral("resume"));
        const ValidationJob::Options o = fastOptions(ValidationJob::Mode::Checksum);

        ValidationJob first(plan, QStringLiteral("r"), ControlStoreLocation::fromPlan(plan), run, o);
        first.setHook([&first](ValidationJob::Hook h, qint64 chunk) {
            if (h == ValidationJob::Hook::AfterChunk && chunk == 3)
                first.cancel();
        });
        const ValidationJob::Result stopped = first.run();
        QCOMPARE(stopped.state, ValidationState::Cancelled);
        QCOMPARE(stopped.chunks, 3);
        {
            // A cancelled job has a summary too, and it proves nothing.
            ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
            const auto sum = cs.validations().summaryForJob(stopped.jobId);
            QVERIFY(sum.has_value());
            QCOMPARE(sum->state, QStringLiteral("cancelled"));
            QCOMPARE(sum->verdict, QStringLiteral("unchecked"));
            QCOMPARE(sum->chunksChecked, qint64(3));
            QCOMPARE(sum->chunksTotal, qint64(-1));
        }

        // A row in a finished chunk and one in a later chunk go wrong: only
        // the later one can be seen if the job resumes rather than restarts.
        f.target().exec(QStringLiteral("UPDATE r SET v = 'x' WHERE id IN (50, 750)"));
        const ValidationJob::Result resumed = validate(plan, QStringLiteral("r"), run, o);
        QVERIFY2(resumed.state == ValidationState::Completed, qPrintable(resumed.error));
        QVERIFY(resumed.resumed);
        QCOMPARE(resumed.jobId, stopped.jobId);
        QCOMPARE(resumed.chunks, 11); // 10 chunks of 100 rows, then the open end
        QCOMPARE(resumed.rowsChecked, 1000);
        const QList<MismatchRecord> found = mismatches(plan, run);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().keyJson, QStringLiteral("[750]"));

        // The per-table summary lives in the checkpoint; the charts' series exist.
        {
            ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
            const auto cp = cs.jobs().loadCheckpoint(resumed.jobId);
            QVERIFY(cp);
            QVERIFY2(cp->lastKeyJson.contains(QStringLiteral("\"verdict\":\"fail\"")), qPrintable(cp->lastKeyJson));
            QVERIFY2(cp->lastKeyJson.contains(QStringLiteral("\"done\":true")), qPrintable(cp->lastKeyJson));
            QCOMPARE(cp->batchesDone, 11);
            const QStringList series = cs.metrics().seriesNames(run);
            for (const char *name : {"validate.rows_per_second:r", "validate.chunks_done:r", "mismatches.open:r"})
                QVERIFY2(series.contains(QLatin1String(name)), qPrintable(series.join(QLatin1Char(' '))));
            QCOMPARE(cs.jobs().job(resumed.jobId)->state, JobState::Completed);
            // The summary table: the resumed job's one row, now completed.
            const QList<ValidationSummary> sums = cs.validations().summaries(run, QStringLiteral("r"));
            QCOMPARE(sums.size(), 1);
            const ValidationSummary &sum = sums.first();
            QCOMPARE(sum.jobId, resumed.jobId);
            QCOMPARE(sum.mode, QStringLiteral("checksum"));
            QCOMPARE(sum.state, QStringLiteral("completed"));
            QCOMPARE(sum.verdict, QStringLiteral("fail"));
            QCOMPARE(sum.rowsChecked, qint64(1000));
            QCOMPARE(sum.chunksChecked, qint64(11));
            QCOMPARE(sum.chunksTotal, qint64(11));
            QCOMPARE(sum.uncheckedCount, qint64(0));
            QCOMPARE(sum.mismatchesFound, qint64(1));
            QCOMPARE(sum.open, qint64(1));
            QVERIFY(sum.startedAt.isValid() && sum.finishedAt >= sum.startedAt);
        }

        // A completed job is not resumed: the next run starts over and sees both.
        const ValidationJob::Result fresh = validate(plan, QStringLiteral("r"), run, o);
        QVERIFY(!fresh.resumed);
        QVERIFY(fresh.jobId != stopped.jobId);
        QCOMPARE(fresh.open, 2);
    }

    void pauseHoldsBetweenChunksAndResumeFinishes()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_pause"));
        f.source().exec(QStringLiteral("CREATE TABLE q (id INT NOT NULL PRIMARY KEY, v INT)"));
        f.source().exec(QStringLiteral("INSERT INTO q SELECT seq, seq FROM seq_1_to_500"));
        const Plan plan = copiedToTarget(f, QStringLiteral("q"));
        ValidationJob job(plan, QStringLiteral("q"), ControlStoreLocation::fromPlan(plan),
                          runFor(plan, QStringLiteral("pause")), fastOptions(ValidationJob::Mode::Checksum));
        std::atomic<qint64> chunks{0};
        job.setHook([&](ValidationJob::Hook h, qint64 n) {
            if (h != ValidationJob::Hook::AfterChunk)
                return;
            chunks = n;
            if (n == 2)
                job.pause(); // from inside, so the test knows exactly where it stops
        });
        QFuture<ValidationJob::Result> running = QtConcurrent::run([&job] { return job.run(); });
        QTRY_COMPARE_WITH_TIMEOUT(chunks.load(), qint64(2), 10000);
        QThread::msleep(400);
        QCOMPARE(chunks.load(), qint64(2)); // held between chunks
        QVERIFY(!running.isFinished());
        job.resume();
        running.waitForFinished();
        const ValidationJob::Result r = running.result();
        QCOMPARE(verdictName(r.verdict), QStringLiteral("pass"));
        QCOMPARE(r.chunks, 6);
    }

    void failingChunkIsUncheckedNotPass()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_unchecked"));
        f.source().exec(QStringLiteral("CREATE TABLE u (id INT NOT NULL PRIMARY KEY, v INT)"));
        f.source().exec(QStringLiteral("INSERT INTO u SELECT seq, seq FROM seq_1_to_250"));
        const Plan plan = copiedToTarget(f, QStringLiteral("u"));
        ValidationJob::Options o = fastOptions(ValidationJob::Mode::Checksum);
        o.lockTimeoutMs = 100;
        o.maxAttempts = 1;

        // Another session holds the table: every target query times out.
        PgConnection locker;
        locker.open(plan.target);
        auto tx = std::make_unique<pqxx::work>(locker.connection());
        tx->exec("LOCK TABLE u IN ACCESS EXCLUSIVE MODE");
        const qint64 run = runFor(plan, QStringLiteral("locked"));
        const ValidationJob::Result locked = validate(plan, QStringLiteral("u"), run, o);
        QVERIFY2(locked.state == ValidationState::Completed, qPrintable(locked.error));
        QCOMPARE(verdictName(locked.verdict), QStringLiteral("unchecked"));
        QCOMPARE(locked.unchecked.size(), 3);
        QVERIFY2(locked.unchecked.first().error.contains(QStringLiteral("55P03")),
                 qPrintable(locked.unchecked.first().error));
        QCOMPARE(locked.open, 0);
        tx->abort();
        tx.reset();

        // Both ways: the same table passes once nothing holds it.
        const qint64 run2 = runFor(plan, QStringLiteral("free"));
        const ValidationJob::Result free = validate(plan, QStringLiteral("u"), run2, o);
        QCOMPARE(verdictName(free.verdict), QStringLiteral("pass"));
        QVERIFY(free.unchecked.isEmpty());

        // On the source, a metadata lock (LOCK TABLES … WRITE) makes the
        // walk time out after lock_wait_timeout (1 s): the rest is unchecked.
        o.lockTimeoutMs = 1000;
        MySqlConnection srcLocker;
        srcLocker.open(plan.source);
        srcLocker.exec(QStringLiteral("LOCK TABLES u WRITE"));
        const ValidationJob::Result blocked = validate(plan, QStringLiteral("u"), runFor(plan, QStringLiteral("mdl")), o);
        srcLocker.exec(QStringLiteral("UNLOCK TABLES"));
        QVERIFY2(blocked.state == ValidationState::Completed, qPrintable(blocked.error));
        QCOMPARE(verdictName(blocked.verdict), QStringLiteral("unchecked"));
        QCOMPARE(blocked.unchecked.size(), 1);
        QVERIFY2(blocked.unchecked.first().error.contains(QStringLiteral("1205")),
                 qPrintable(blocked.unchecked.first().error));
    }

    void sampleModeFindsWidespreadDriftAndStatesItsBound()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_sample"));
        f.source().exec(QStringLiteral("CREATE TABLE p (id INT NOT NULL PRIMARY KEY, v INT)"));
        f.source().exec(QStringLiteral("INSERT INTO p SELECT seq * 3, seq FROM seq_1_to_2000"));
        const Plan plan = copiedToTarget(f, QStringLiteral("p"));
        ValidationJob::Options o = fastOptions(ValidationJob::Mode::Sample);
        o.sampleSize = 300;
        o.seed = 42;
        const ValidationJob::Result clean = validate(plan, QStringLiteral("p"), runFor(plan, QStringLiteral("s1")), o);
        QCOMPARE(verdictName(clean.verdict), QStringLiteral("pass"));
        QVERIFY(clean.rowsChecked > 200);
        QVERIFY2(clean.statement.contains(QStringLiteral("95% confidence")), qPrintable(clean.statement));
        {
            ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
            const auto sum = cs.validations().summaryForJob(clean.jobId);
            QVERIFY(sum.has_value());
            QCOMPARE(sum->sampleSize, clean.rowsChecked);
            QCOMPARE(sum->confidence, sampleConfidence(clean.rowsChecked));
            QVERIFY(sum->confidence > 0.18 && sum->confidence < 0.27); // 200-300 rows, 0.1 % drift
            QCOMPARE(sum->verdict, QStringLiteral("pass"));
        }

        // Every tenth row differs: 300 samples cannot miss it.
        f.target().exec(QStringLiteral("UPDATE p SET v = -v WHERE id % 30 = 0"));
        const ValidationJob::Result broken = validate(plan, QStringLiteral("p"), runFor(plan, QStringLiteral("s2")), o);
        QCOMPARE(verdictName(broken.verdict), QStringLiteral("fail"));
        QVERIFY(broken.open > 5);
    }
};

QTEST_GUILESS_MAIN(TestValidationJob)
#include "tst_validationjob.moc"
