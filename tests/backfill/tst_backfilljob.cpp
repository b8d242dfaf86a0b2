// BackfillJob against the sandbox servers: every row arrives exactly (checked
// in canonical form), keys of every shape, hostile names, rejects, dual-written
// rows never overwritten, the shared locks really held, pause/resume/cancel,
// the throttle, and a table without a key refused.

#include "BackfillFixture.h"
#include "backfill/BackfillJob.h"
#include "backfill/KeysetSql.h"
#include "source/MySqlStatement.h"
#include "store/ControlStore.h"

#include <QElapsedTimer>
#include <QtConcurrent>

#include <pqxx/pqxx>

using namespace switchyard::core;
using switchyard::test::BackfillFixture;

namespace {

BackfillJob::Result runJob(const Plan &plan, const QString &table, BackfillJob::Options o = {},
                           BackfillJob::HookFn hook = {})
{
    const ControlStoreLocation store = ControlStoreLocation::fromPlan(plan);
    ControlStore cs = ControlStore::open(store);
    const qint64 run = cs.runs().ensureRun(plan.migration.name, QStringLiteral("test"), QStringLiteral("0"));
    BackfillJob job(plan, table, store, run, o);
    if (hook)
        job.setHook(std::move(hook));
    return job.run();
}

// Rows 1..n of a simple table with an integer key.
void fillNumbers(MySqlConnection &c, const QString &table, int n)
{
    c.exec(QStringLiteral("CREATE TABLE %1 (id INT NOT NULL PRIMARY KEY, v VARCHAR(40) NOT NULL)")
               .arg(quoteMySqlIdentifier(table)));
    c.exec(QStringLiteral("INSERT INTO %1 SELECT seq, CONCAT('value ', seq) FROM seq_1_to_%2")
               .arg(quoteMySqlIdentifier(table))
               .arg(n));
}

} // namespace

class TestBackfillJob : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void copiesEveryTypeExactly()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_types"));
        MySqlConnection &s = f.source();
        s.exec(QStringLiteral("SET SESSION sql_mode = ''")); // allow zero dates, as old apps did
        s.exec(QStringLiteral(
            "CREATE TABLE t ("
            " id BIGINT NOT NULL PRIMARY KEY,"
            " ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED,"
            " mi MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,"
            " bi BIGINT, bu BIGINT UNSIGNED, flag TINYINT(1),"
            " d DECIMAL(65,30), d2 DECIMAL(5,2), f FLOAT, db DOUBLE,"
            " c CHAR(5), vc VARCHAR(50), tx TEXT, bin BINARY(4), vb VARBINARY(20), bl BLOB,"
             " dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(6), dur TIME, yr YEAR,"
            " en ENUM('a','b c',''), st SET('x','y','z'), js JSON, b1 BIT(1), b10 BIT(10))"));
        s.exec(QStringLiteral(
            "INSERT INTO t VALUES"
            " (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,"
            "  -9223372036854775808, 18446744073709551615, 1,"
            "  '12345678901234567890123456789012345.123456789012345678901234567890', -1.50,"
            "  1.5, -0.0, 'ab', 'trailing space ', 'emoji 🚂 and ünïcode', x'00ff00ff',"
            "  x'000102', x'', '2024-02-29', '2024-03-31 01:30:00.123456',"
            "  '2021-06-01 12:00:00.125', '23:59:59.999999', '-838:59:59', 2155, 'b c', 'z,x',"
            "  '{\"b\": 1, \"a\": [1, 2.50, {\"c\": null}]}', b'1', b'1010101010'),"
            " (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, 0,"
            "  '-0.000000000000000000000000000001', 999.99, -3.4e38, 1e-300, '', '', '',"
            "  x'00000000', x'', NULL, '0000-00-00', '0000-00-00 00:00:00', NULL, '00:00:00',"
            "  '00:00:00', 1901, '', '', '[]', b'0', b'0'),"
            " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            "  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            "  NULL, NULL, NULL, NULL, NULL, NULL),"
            " (4, 0, 1, 0, 1, 0, 1, 0, 1, 0, 9223372036854775808, 1, 0.1, 0.1, 0.1, 0.1,"
            "  'NULL', 'NULL', 'tab\\there\\nnew line \\\\ backslash', x'5c4e0000', x'5c4e',"
            "  x'5c4e', '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:01', '12:34:56.5',"
            "  '838:59:59', 2000, 'a', 'x,y,z', '{\"n\": 12345678901234567890}', b'1', b'1111111111')"));
        TableSpec spec = BackfillFixture::table(QStringLiteral("t"), 2);
        // Durations beyond a day do not fit PostgreSQL's time: the DBA overrides to interval.
        spec.columnOverrides << ColumnOverride{QStringLiteral("dur"), QStringLiteral("interval"), {}};
        const Plan plan = f.plan({spec});
        f.applySchema(plan);
        const BackfillJob::Result r = runJob(plan, QStringLiteral("t"));
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        if (r.rowsRejected > 0) {
            ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
            const qint64 run = cs.runs().latestRun(plan.migration.name)->id;
            for (const RejectRecord &rej : cs.mismatches().rejects(run, QStringLiteral("t"), 0, 10))
                qWarning() << "rejected" << rej.keyJson << rej.column << rej.reason << rej.rawValue;
        }
        QCOMPARE(r.rowsRejected, 0);
        QCOMPARE(r.rowsCopied, 4);
        const QStringList diff = f.differences(plan, QStringLiteral("t"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));

        // The oracle itself can fail: one changed byte is seen, at its column.
        f.target().exec(QStringLiteral("UPDATE t SET vb = '\\x000103' WHERE id = 1"));
        const QStringList broken = f.differences(plan, QStringLiteral("t"));
        QCOMPARE(broken.size(), 1);
        QVERIFY2(broken.first().contains(QStringLiteral("column vb")), qPrintable(broken.first()));
    }

    void keysOfEveryShape_data()
    {
        QTest::addColumn<QString>("ddl");
        QTest::addColumn<QString>("fill");
        QTest::addColumn<int>("rows");
        QTest::newRow("negative and zero integer keys")
            << "CREATE TABLE k (id INT NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT CAST(seq AS SIGNED) - 500, seq FROM seq_1_to_1000" << 1000;
        QTest::newRow("composite key")
            << "CREATE TABLE k (region VARCHAR(10) NOT NULL, n INT NOT NULL, v INT, "
               "PRIMARY KEY (region, n))"
            << "INSERT INTO k SELECT ELT(1 + seq % 4, 'eu', 'us', 'ap', 'Ω'), CAST(seq AS SIGNED) - 300, seq "
               "FROM seq_1_to_1200"
            << 1200;
        QTest::newRow("text key")
            << "CREATE TABLE k (code VARCHAR(20) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT CONCAT(ELT(1 + seq % 3, 'a', 'B', 'é'), seq), seq FROM "
               "seq_1_to_900"
            << 900;
        QTest::newRow("binary key")
            << "CREATE TABLE k (h VARBINARY(16) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT UNHEX(MD5(seq)), seq FROM seq_1_to_700" << 700;
        QTest::newRow("datetime key")
            << "CREATE TABLE k (at DATETIME(6) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT TIMESTAMPADD(MICROSECOND, seq * 1000001, '2020-01-01'), seq "
               "FROM seq_1_to_800"
            << 800;
    }
    void keysOfEveryShape()
    {
        QFETCH(QString, ddl);
        QFETCH(QString, fill);
        QFETCH(int, rows);
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_keys"));
        f.source().exec(ddl);
        f.source().exec(fill);
        // Small fixed batches: many keyset boundaries, each one a chance of a gap.
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("k"), 37)});
        f.applySchema(plan);
        const BackfillJob::Result r = runJob(plan, QStringLiteral("k"));
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QCOMPARE(r.rowsCopied, qint64(rows));
        QCOMPARE(f.targetCount(QStringLiteral("k")), qint64(rows));
        const QStringList diff = f.differences(plan, QStringLiteral("k"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
    }

    void hostileNames()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf Odd`db\"name"));
        f.source().exec(QStringLiteral(
            "CREATE TABLE `Order Lines ``x`` \"y\"` (`select` INT NOT NULL PRIMARY KEY, "
            "`Mixed Case` VARCHAR(10), `quo\"te` INT, `back``tick` TEXT)"));
        f.source().exec(QStringLiteral(
            "INSERT INTO `Order Lines ``x`` \"y\"` SELECT seq, CONCAT('r', seq), seq * 2, 'b`t' "
            "FROM seq_1_to_250"));
        const QString table = QStringLiteral("Order Lines `x` \"y\"");
        const Plan plan = f.plan({BackfillFixture::table(table, 40)});
        f.applySchema(plan);
        const BackfillJob::Result r = runJob(plan, table);
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QCOMPARE(r.rowsCopied, 250);
        const QStringList diff = f.differences(plan, table);
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
    }

    void tableWithoutKeyIsRefused()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_nokey"));
        f.source().exec(QStringLiteral("CREATE TABLE nokey (a INT, b INT)"));
        f.source().exec(QStringLiteral("INSERT INTO nokey VALUES (1, 2)"));
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("nokey"))});
        f.target().exec(QStringLiteral("CREATE TABLE nokey (a int, b int)"));
        const BackfillJob::Result r = runJob(plan, QStringLiteral("nokey"));
        QCOMPARE(r.state, BackfillState::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("primary key")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("key:")) || r.error.contains(QStringLiteral("unique")),
                 qPrintable(r.error));
        QCOMPARE(f.targetCount(QStringLiteral("nokey")), 0);
    }

    void uniqueNotNullKeyFromThePlan()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_plankey"));
        f.source().exec(QStringLiteral("CREATE TABLE nopk (code VARCHAR(10) NOT NULL, v INT, "
                                       "UNIQUE KEY uq_code (code))"));
        f.source().exec(QStringLiteral("INSERT INTO nopk SELECT CONCAT('c', seq), seq FROM seq_1_to_300"));
        const Plan plan =
            f.plan({BackfillFixture::table(QStringLiteral("nopk"), 50, {QStringLiteral("code")})});
        f.applySchema(plan);
        const BackfillJob::Result r = runJob(plan, QStringLiteral("nopk"));
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QCOMPARE(f.targetCount(QStringLiteral("nopk")), 300);
    }

    void rejectsAreRecordedNeverDropped()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_rejects"));
        f.source().exec(QStringLiteral("CREATE TABLE r (id INT NOT NULL PRIMARY KEY, flag TINYINT(1))"));
        f.source().exec(QStringLiteral("INSERT INTO r SELECT seq, seq % 2 FROM seq_1_to_100"));
        f.source().exec(QStringLiteral("UPDATE r SET flag = 2 WHERE id = 42")); // not a boolean
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("r"), 10)});
        f.applySchema(plan);
        const BackfillJob::Result r = runJob(plan, QStringLiteral("r"));
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QCOMPARE(r.rowsCopied, 99);
        QCOMPARE(r.rowsRejected, 1);
        QCOMPARE(f.targetCount(QStringLiteral("r")), 99);
        ControlStore cs = ControlStore::open(ControlStoreLocation::fromPlan(plan));
        const qint64 run = cs.runs().latestRun(plan.migration.name)->id;
        const QList<RejectRecord> rejects = cs.mismatches().rejects(run, QStringLiteral("r"), 0, 10);
        QCOMPARE(rejects.size(), 1);
        QCOMPARE(rejects.first().column, QStringLiteral("flag"));
        QVERIFY(rejects.first().keyJson.contains(QStringLiteral("42")));
        QVERIFY(!rejects.first().reason.isEmpty());
        QCOMPARE(rejects.first().rawValue, QByteArray("2"));
    }

    // A row a dual write already put in the target is newer than the copy:
    // the backfill must leave it alone and still copy its neighbours.
    void dualWrittenRowsAreNotOverwritten()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_dual"));
        fillNumbers(f.source(), QStringLiteral("n"), 500);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("n"), 100)});
        f.applySchema(plan);
        f.target().exec(QStringLiteral("INSERT INTO n VALUES (150, 'newer, dual-written'), "
                                       "(499, 'newer too')"));
        const BackfillJob::Result r = runJob(plan, QStringLiteral("n"));
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QCOMPARE(f.targetCount(QStringLiteral("n")), 500);
        QCOMPARE(f.target().query(QStringLiteral("SELECT v FROM n WHERE id = 150")).scalar(),
                 QStringLiteral("newer, dual-written"));
        QCOMPARE(f.target().query(QStringLiteral("SELECT v FROM n WHERE id = 499")).scalar(),
                 QStringLiteral("newer too"));
        QCOMPARE(f.target().query(QStringLiteral("SELECT v FROM n WHERE id = 151")).scalar(),
                 QStringLiteral("value 151"));
    }

    // The bulk path streams COPY into the table; a dual write landing in the
    // batch's range meanwhile makes the COPY fail (unique key), and the
    // batch is replayed through the checked path: the dual write wins.
    void dualWriteRacingAStreamedBatch()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_race"));
        fillNumbers(f.source(), QStringLiteral("n"), 500);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("n"), 100)});
        f.applySchema(plan);
        PgConnection app;
        app.open(plan.target);
        int raced = 0;
        const BackfillJob::Result r = runJob(plan, QStringLiteral("n"), {},
                                             [&](BackfillJob::Hook h, const KeyCursor &, qint64 batch) {
            if (h == BackfillJob::Hook::AfterSourceRead && batch == 3 && raced++ == 0)
                app.exec(QStringLiteral("INSERT INTO n VALUES (250, 'dual-written during the copy')"));
        });
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QCOMPARE(raced, 2); // batch 3 was read twice: streamed, then replayed
        QCOMPARE(f.targetCount(QStringLiteral("n")), 500);
        QCOMPARE(f.target().query(QStringLiteral("SELECT v FROM n WHERE id = 250")).scalar(),
                 QStringLiteral("dual-written during the copy"));
        QCOMPARE(f.target().query(QStringLiteral("SELECT v FROM n WHERE id = 251")).scalar(),
                 QStringLiteral("value 251"));
    }

    // In locking mode the batch's rows stay share-locked until the target has
    // committed: an application update of such a row has to wait.
    void lockingModeHoldsSharedLocksUntilTheTargetCommits()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_locks"));
        fillNumbers(f.source(), QStringLiteral("n"), 300);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("n"), 100)});
        f.applySchema(plan);
        MySqlConnection app;
        ConnectionSettings s = plan.source;
        app.open(s);
        app.exec(QStringLiteral("SET SESSION innodb_lock_wait_timeout = 1"));
        int blocked = 0;
        QStringList unexpected;
        auto tryUpdate = [&](int id) {
            try {
                app.exec(QStringLiteral("UPDATE n SET v = 'app' WHERE id = %1").arg(id));
                unexpected << QStringLiteral("update of row %1 went through").arg(id);
            } catch (const DbException &e) {
                if (e.error().nativeCode == 1205)
                    ++blocked;
                else
                    unexpected << e.error().toString();
            }
        };
        const BackfillJob::Result r = runJob(plan, QStringLiteral("n"), {}, [&](BackfillJob::Hook h, const KeyCursor &, qint64 batch) {
            if (batch != 2)
                return;
            if (h == BackfillJob::Hook::AfterSourceRead || h == BackfillJob::Hook::BeforeTargetCommit)
                tryUpdate(150); // inside the batch being copied
        });
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QVERIFY2(unexpected.isEmpty(), qPrintable(unexpected.join(QLatin1Char('\n'))));
        QCOMPARE(blocked, 2);
        app.exec(QStringLiteral("UPDATE n SET v = 'app' WHERE id = 150")); // free again
    }

    void pauseResumeThrottleAndCancel()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_control"));
        fillNumbers(f.source(), QStringLiteral("n"), 6000);
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("n"), 200)});
        f.applySchema(plan);
        const ControlStoreLocation store = ControlStoreLocation::fromPlan(plan);
        qint64 run = 0;
        {
            ControlStore cs = ControlStore::open(store);
            run = cs.runs().ensureRun(plan.migration.name, QStringLiteral("t"), QStringLiteral("0"));
        }
        BackfillJob::Options o;
        o.maxRowsPerSecond = 1000;
        BackfillJob job(plan, QStringLiteral("n"), store, run, o);
        std::atomic<qint64> copied{0};
        std::atomic<int> pausedSamples{0};
        auto future = QtConcurrent::run([&] {
            return job.run([&](const BackfillProgress &p) {
                copied = p.rowsCopied;
                if (p.state == BackfillState::Paused)
                    ++pausedSamples;
            });
        });
        QTRY_VERIFY_WITH_TIMEOUT(copied >= 1000, 10000);
        // The throttle holds: about 1000 rows/s.
        QElapsedTimer t;
        t.start();
        const qint64 before = copied;
        QTest::qWait(1000);
        const double rate = double(copied - before) / (t.elapsed() / 1000.0);
        QVERIFY2(rate < 1800, qPrintable(QString::number(rate)));
        job.pause();
        QTRY_VERIFY_WITH_TIMEOUT(pausedSamples > 0, 5000);
        const qint64 atPause = copied;
        QTest::qWait(700);
        QCOMPARE(qint64(copied), atPause);
        job.resume();
        job.setMaxRowsPerSecond(0); // unlimited from now on
        QTRY_VERIFY_WITH_TIMEOUT(copied > atPause, 5000);
        const BackfillJob::Result r = future.result();
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        QCOMPARE(f.targetCount(QStringLiteral("n")), 6000);

        // Cancel part-way, then run again: it resumes, no gap, no duplicate.
        BackfillFixture g(sb, QStringLiteral("tst_bf_cancel"));
        fillNumbers(g.source(), QStringLiteral("n"), 3000);
        const Plan plan2 = g.plan({BackfillFixture::table(QStringLiteral("n"), 100)});
        g.applySchema(plan2);
        BackfillJob::Options slow;
        slow.maxRowsPerSecond = 2000;
        const ControlStoreLocation store2 = ControlStoreLocation::fromPlan(plan2);
        ControlStore cs2 = ControlStore::open(store2);
        const qint64 run2 = cs2.runs().ensureRun(plan2.migration.name, QStringLiteral("t"), QStringLiteral("0"));
        BackfillJob cancelled(plan2, QStringLiteral("n"), store2, run2, slow);
        std::atomic<qint64> copied2{0};
        auto f2 = QtConcurrent::run([&] {
            return cancelled.run([&](const BackfillProgress &p) { copied2 = p.rowsCopied; });
        });
        QTRY_VERIFY_WITH_TIMEOUT(copied2 >= 500, 10000);
        cancelled.cancel();
        const BackfillJob::Result rc = f2.result();
        QCOMPARE(rc.state, BackfillState::Cancelled);
        const qint64 partial = g.targetCount(QStringLiteral("n"));
        QVERIFY(partial > 0 && partial < 3000);
        const BackfillJob::Result again = runJob(plan2, QStringLiteral("n"));
        QVERIFY2(again.state == BackfillState::Completed, qPrintable(again.error));
        QCOMPARE(again.jobId, rc.jobId); // the same job, resumed from its checkpoint
        const QStringList diff = g.differences(plan2, QStringLiteral("n"));
        QVERIFY2(diff.isEmpty(), qPrintable(diff.join(QLatin1Char('\n'))));
    }

    void sequencesPassEveryUsedKey()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_seq"));
        f.source().exec(QStringLiteral("CREATE TABLE s (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT)"));
        f.source().exec(QStringLiteral("INSERT INTO s (v) SELECT seq FROM seq_1_to_50"));
        f.source().exec(QStringLiteral("DELETE FROM s WHERE id > 40")); // MySQL will hand out 51 next
        const Plan plan = f.plan({BackfillFixture::table(QStringLiteral("s"))});
        f.applySchema(plan);
        const BackfillJob::Result r = runJob(plan, QStringLiteral("s"));
        QVERIFY2(r.state == BackfillState::Completed, qPrintable(r.error));
        // What MySQL would hand out next: at least 51 (InnoDB may have reserved more).
        const QString next = f.source()
                                 .query(QStringLiteral("SELECT AUTO_INCREMENT FROM information_schema.TABLES "
                                                       "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 's'"))
                                 .scalar();
        QVERIFY(next.toInt() >= 51);
        f.target().exec(QStringLiteral("INSERT INTO s (v) VALUES (0)"));
        QCOMPARE(f.target().query(QStringLiteral("SELECT max(id) FROM s")).scalar(), next);
    }

    // Before each streamed batch the job asks whether the target holds rows
    // after the cursor. Mid-copy the table has no statistics yet; the query
    // must still walk the key's index — as a sequential scan it read the
    // whole table copied so far once per batch (quadratic in table size).
    void rowsAfterTheCursorAreFoundThroughTheIndex()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_bf_after"));
        f.target().exec(QStringLiteral("CREATE TABLE big (a bigint, b int, v text, PRIMARY KEY (a, b)) "
                                       "WITH (autovacuum_enabled = off)"));
        f.target().exec(QStringLiteral("INSERT INTO big SELECT g, g % 3, repeat('x', 50) "
                                       "FROM generate_series(1, 50000) g"));
        for (const auto &[keys, cursor] :
             {std::pair{QStringList{QStringLiteral("a"), QStringLiteral("b")}, true},
              std::pair{QStringList{QStringLiteral("a"), QStringLiteral("b")}, false}}) {
            QString sql = KeysetSql::pgAnyRowAfter(QStringLiteral("public"), QStringLiteral("big"), keys, cursor);
            sql.replace(QStringLiteral("$1"), QStringLiteral("49000")).replace(QStringLiteral("$2"), QStringLiteral("0"));
            const QueryResult plan = f.target().query(QStringLiteral("EXPLAIN ") + sql);
            QStringList lines;
            for (int i = 0; i < plan.rowCount(); ++i)
                lines << plan.text(i, 0);
            const QString text = lines.join(QLatin1Char('\n'));
            QVERIFY2(!text.contains(QStringLiteral("Seq Scan")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("Index")), qPrintable(text));
        }
    }
};

QTEST_GUILESS_MAIN(TestBackfillJob)
#include "tst_backfilljob.moc"
