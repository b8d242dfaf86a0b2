// ValidationJob on keys of every orderable type, both ways: text, CHAR,
// binary and composite keys the two databases order differently (key-list
// walk), date-time, timestamp and time keys (key ranges), float and decimal
// keys (key-list walk); sampling on numeric and temporal keys, refused with
// a reason on composite keys. Each corruption is found at exactly its key.

#include "ValidationTestSupport.h"
#include "types/ValueText.h"

using namespace switchyard::core;
using namespace switchyard::test;

class TestValidationKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keysTheDatabasesOrderDifferently_data()
    {
        QTest::addColumn<QString>("ddl");
        QTest::addColumn<QString>("fill");
        QTest::addColumn<QString>("corruption");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("kind");
        QTest::newRow("text key: changed value")
            << "CREATE TABLE k (code VARCHAR(20) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT CONCAT(ELT(1 + seq % 3, 'a', 'B', 'é'), seq), seq FROM seq_1_to_500"
            << "UPDATE k SET v = -1 WHERE code = 'B1'" << "[\"B1\"]" << "different";
        QTest::newRow("text key: missing row")
            << "CREATE TABLE k (code VARCHAR(20) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT CONCAT(ELT(1 + seq % 3, 'a', 'B', 'é'), seq), seq FROM seq_1_to_500"
            << "DELETE FROM k WHERE code = 'é2'" << "[\"é2\"]" << "missing_in_target";
        QTest::newRow("text key: extra row equal to a source key under the collation")
            << "CREATE TABLE k (code VARCHAR(20) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT CONCAT(ELT(1 + seq % 3, 'a', 'B', 'é'), seq), seq FROM seq_1_to_500"
            << "INSERT INTO k VALUES ('b1', 1)" << "[\"b1\"]" << "missing_in_source";
        QTest::newRow("composite text and integer key")
            << "CREATE TABLE k (region VARCHAR(10) NOT NULL, n INT NOT NULL, v INT, PRIMARY KEY (region, n))"
            << "INSERT INTO k SELECT ELT(1 + seq % 4, 'eu', 'us', 'ap', 'Ω'), CAST(seq AS SIGNED) - 300, seq "
               "FROM seq_1_to_600"
            << "UPDATE k SET v = 0 WHERE region = 'eu' AND n = -296" << "[\"eu\",-296]" << "different";
        QTest::newRow("CHAR key")
            << "CREATE TABLE k (code CHAR(6) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT CONCAT(ELT(1 + seq % 2, 'x', 'Y'), seq), seq FROM seq_1_to_300"
            << "DELETE FROM k WHERE code = 'Y11'" << "[\"Y11\"]" << "missing_in_target";
        QTest::newRow("date key")
            << "CREATE TABLE k (d DATE NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT '2020-01-01' + INTERVAL seq DAY, seq FROM seq_1_to_300"
            << "INSERT INTO k VALUES ('1999-12-31', 0)" << "[\"1999-12-31\"]" << "missing_in_source";
        QTest::newRow("binary key")
            << "CREATE TABLE k (h VARBINARY(16) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT UNHEX(MD5(seq)), seq FROM seq_1_to_400"
            << "UPDATE k SET v = 0 WHERE h = decode(md5('7'), 'hex')"
            << "[\"8f14e45fceea167a5a36dedd4bea2543\"]" << "different";
    }
    void keysTheDatabasesOrderDifferently()
    {
        QFETCH(QString, ddl);
        QFETCH(QString, fill);
        QFETCH(QString, corruption);
        QFETCH(QString, key);
        QFETCH(QString, kind);
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_keys"));
        f.source().exec(ddl);
        f.source().exec(fill);
        const Plan plan = copiedToTarget(f, QStringLiteral("k"));
        const ValidationJob::Result clean =
            validate(plan, QStringLiteral("k"), runFor(plan, QStringLiteral("clean")),
                     fastOptions(ValidationJob::Mode::Checksum));
        QCOMPARE(verdictName(clean.verdict), QStringLiteral("pass"));
        QVERIFY(clean.rowsChecked >= 300);
        f.target().exec(corruption);
        for (auto mode : {ValidationJob::Mode::Checksum, ValidationJob::Mode::Full}) {
            const qint64 run = runFor(plan, ValidationJob::modeName(mode));
            const ValidationJob::Result r = validate(plan, QStringLiteral("k"), run, fastOptions(mode));
            QVERIFY2(r.state == ValidationState::Completed, qPrintable(r.error));
            QCOMPARE(verdictName(r.verdict), QStringLiteral("fail"));
            const QList<MismatchRecord> found = mismatches(plan, run);
            QCOMPARE(found.size(), 1);
            QCOMPARE(found.first().keyJson, key);
            QCOMPARE(storeName(found.first().kind), kind);
        }
    }

    // Keys on date-time, time, float and decimal columns (issue 5): checksum,
    // full and sample modes all check them; one corrupted row is found at
    // exactly its key by checksum and full, and sampling fails on
    // widespread drift. Date-time and time keys use key ranges (both
    // databases order them alike); float and decimal keys the key-list walk.
    void keysOfOtherTypes_data()
    {
        QTest::addColumn<QString>("ddl");
        QTest::addColumn<QString>("fill");
        QTest::addColumn<QString>("corruption");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("kind");
        QTest::newRow("DATETIME(6)")
            << "CREATE TABLE k (at DATETIME(6) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT TIMESTAMP'2020-01-01 00:00:00' + INTERVAL seq HOUR + INTERVAL seq MICROSECOND,"
               " seq FROM seq_1_to_400"
            << "UPDATE k SET v = -1 WHERE at = '2020-01-04 05:00:00.000077'" << "[\"1578114000000077\"]"
            << "different";
        QTest::newRow("TIMESTAMP(6)")
            << "CREATE TABLE k (at TIMESTAMP(6) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT TIMESTAMP'2021-06-01 00:00:00' + INTERVAL seq MINUTE, seq FROM seq_1_to_400"
            << "DELETE FROM k WHERE at = '2021-06-01 01:40:00+00'" << "[\"1622511600000000\"]"
            << "missing_in_target";
        QTest::newRow("TIME(6)")
            << "CREATE TABLE k (t TIME(6) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT SEC_TO_TIME(seq * 97), seq FROM seq_1_to_400"
            << "INSERT INTO k VALUES ('23:59:59.5', 0)" << "[\"86399500000\"]" << "missing_in_source";
        QTest::newRow("DOUBLE")
            << "CREATE TABLE k (f DOUBLE NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT CAST(seq AS DOUBLE) / 7, seq FROM seq_1_to_400"
            << "UPDATE k SET v = -1 WHERE f = 11::float8 / 7"
            << QStringLiteral("[\"%1\"]").arg(QString::fromLatin1(valuetext::doubleBitsHex(11.0 / 7.0)))
            << "different";
        QTest::newRow("FLOAT")
            << "CREATE TABLE k (f FLOAT NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT seq * 0.125 - 3, seq FROM seq_1_to_400"
            << "DELETE FROM k WHERE f = -1.625"
            << QStringLiteral("[\"%1\"]").arg(QString::fromLatin1(valuetext::doubleBitsHex(-1.625)))
            << "missing_in_target";
        QTest::newRow("DECIMAL(10,3)")
            << "CREATE TABLE k (d DECIMAL(10,3) NOT NULL PRIMARY KEY, v INT)"
            << "INSERT INTO k SELECT seq * 1.125, seq FROM seq_1_to_400"
            << "UPDATE k SET v = -1 WHERE d = 12.375" << "[\"12.375\"]" << "different";
    }
    void keysOfOtherTypes()
    {
        QFETCH(QString, ddl);
        QFETCH(QString, fill);
        QFETCH(QString, corruption);
        QFETCH(QString, key);
        QFETCH(QString, kind);
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_keytypes"));
        f.source().exec(ddl);
        f.source().exec(fill);
        const Plan plan = copiedToTarget(f, QStringLiteral("k"));
        ValidationJob::Options sample = fastOptions(ValidationJob::Mode::Sample);
        sample.sampleSize = 60;
        sample.seed = 7;
        for (auto mode : {ValidationJob::Mode::Checksum, ValidationJob::Mode::Full, ValidationJob::Mode::Sample}) {
            const ValidationJob::Result clean =
                validate(plan, QStringLiteral("k"), runFor(plan, QStringLiteral("clean-") + ValidationJob::modeName(mode)),
                         mode == ValidationJob::Mode::Sample ? sample : fastOptions(mode));
            QVERIFY2(clean.state == ValidationState::Completed, qPrintable(clean.error));
            QVERIFY2(verdictName(clean.verdict) == QLatin1String("pass"),
                     qPrintable(ValidationJob::modeName(mode) + QLatin1String(": ") + verdictName(clean.verdict) +
                                QLatin1String(" ") + (clean.unchecked.isEmpty() ? QString() : clean.unchecked.first().error)));
            QVERIFY(clean.rowsChecked >= (mode == ValidationJob::Mode::Sample ? 20 : 400));
        }
        f.target().exec(corruption);
        for (auto mode : {ValidationJob::Mode::Checksum, ValidationJob::Mode::Full}) {
            const qint64 run = runFor(plan, ValidationJob::modeName(mode));
            const ValidationJob::Result r = validate(plan, QStringLiteral("k"), run, fastOptions(mode));
            QVERIFY2(r.state == ValidationState::Completed, qPrintable(r.error));
            QCOMPARE(verdictName(r.verdict), QStringLiteral("fail"));
            const QList<MismatchRecord> found = mismatches(plan, run);
            QCOMPARE(found.size(), 1);
            QCOMPARE(found.first().keyJson, key);
            QCOMPARE(storeName(found.first().kind), kind);
        }
        // Sampling sees drift on every row.
        f.target().exec(QStringLiteral("UPDATE k SET v = v + 1000000"));
        const ValidationJob::Result drift =
            validate(plan, QStringLiteral("k"), runFor(plan, QStringLiteral("drift")), sample);
        QCOMPARE(verdictName(drift.verdict), QStringLiteral("fail"));
        QVERIFY(drift.open >= 20);
    }

    void sampleNeedsASingleOrderedKey()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        BackfillFixture f(sb, QStringLiteral("tst_val_samplekey"));
        f.source().exec(QStringLiteral("CREATE TABLE k (a INT NOT NULL, b INT NOT NULL, v INT, PRIMARY KEY (a, b))"));
        f.source().exec(QStringLiteral("INSERT INTO k VALUES (1, 1, 1), (1, 2, 2)"));
        const Plan plan = copiedToTarget(f, QStringLiteral("k"));
        const qint64 run = runFor(plan, QStringLiteral("composite"));
        const ValidationJob::Result r =
            validate(plan, QStringLiteral("k"), run, fastOptions(ValidationJob::Mode::Sample));
        QCOMPARE(verdictName(r.verdict), QStringLiteral("unchecked"));
        QVERIFY2(r.unchecked.first().error.contains(QStringLiteral("single key column")),
                 qPrintable(r.unchecked.first().error));
        // Checksum mode checks it (composite integer keys use ranges).
        const ValidationJob::Result c =
            validate(plan, QStringLiteral("k"), run, fastOptions(ValidationJob::Mode::Checksum));
        QCOMPARE(verdictName(c.verdict), QStringLiteral("pass"));
        QCOMPARE(c.rowsChecked, 2);
    }

};

QTEST_GUILESS_MAIN(TestValidationKeys)
#include "tst_validationkeys.moc"
