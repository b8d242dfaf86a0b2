// PlanFormat: the words and numbers the panels show for plan values, and
// that no secret ever reaches the screen.

#include "PlanFormat.h"

#include <QtTest>

using namespace switchyard;
using namespace switchyard::ui;

class TestPlanFormat : public QObject
{
    Q_OBJECT

private slots:
    void flagValue_data();
    void flagValue();
    void ramp();
    void job_data();
    void job();
    void connection();
    void controlStore();
    void window_data();
    void window();
    void week();
    void errorLine_data();
    void errorLine();
    void redactSecrets_data();
    void redactSecrets();
};

void TestPlanFormat::flagValue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bool on") << "write_target" << QVariant(true) << "write_target = true";
    QTest::newRow("bool off") << "shadow_read" << QVariant(false) << "shadow_read = false";
    QTest::newRow("percent") << "read_percent" << QVariant(10) << "read_percent = 10%";
    QTest::newRow("feature percent") << "feature.new_checkout" << QVariant(5)
                                     << "feature.new_checkout = 5%";
    QTest::newRow("plain int") << "retries" << QVariant(3) << "retries = 3";
    QTest::newRow("text") << "read_from" << QVariant(QStringLiteral("target")) << "read_from = target";
}

void TestPlanFormat::flagValue()
{
    QFETCH(QString, name);
    QFETCH(QVariant, value);
    QFETCH(QString, expected);
    core::FlagSetting flag;
    flag.name = name;
    flag.value = value;
    QCOMPARE(format::flagSetting(flag), expected);
}

void TestPlanFormat::ramp()
{
    core::RampSpec ramp;
    QCOMPARE(format::ramp(ramp), QString());
    ramp.flag = QStringLiteral("read_percent");
    ramp.steps = {1, 10, 50, 100};
    QCOMPARE(format::ramp(ramp), QStringLiteral("read_percent 1 \u2192 10 \u2192 50 \u2192 100%"));
}

void TestPlanFormat::job_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QStringList>("tables");
    QTest::addColumn<QString>("expected");
    using K = core::JobSpec::Kind;
    using M = core::JobSpec::ValidateMode;
    QTest::newRow("backfill") << int(K::Backfill) << int(M::Checksum)
                              << QStringList{"users", "orders"} << "backfill: users, orders";
    QTest::newRow("validate") << int(K::Validate) << int(M::Sample) << QStringList{}
                              << "validate (sample): all tables";
    QTest::newRow("reverse sync") << int(K::ReverseSync) << int(M::Checksum)
                                  << QStringList{"users"} << "reverse sync: users";
}

void TestPlanFormat::job()
{
    QFETCH(int, kind);
    QFETCH(int, mode);
    QFETCH(QStringList, tables);
    QFETCH(QString, expected);
    core::JobSpec job;
    job.kind = core::JobSpec::Kind(kind);
    job.mode = core::JobSpec::ValidateMode(mode);
    job.tables = tables;
    QCOMPARE(format::job(job), expected);
}

void TestPlanFormat::connection()
{
    core::ConnectionSettings source;
    source.engine = core::ConnectionSettings::Engine::MariaDB;
    source.host = QStringLiteral("db1.internal");
    source.database = QStringLiteral("shop");
    source.user = QStringLiteral("migrator");
    QCOMPARE(format::connection(source), QStringLiteral("MariaDB \u00b7 db1.internal:3306 \u00b7 shop"));

    core::ConnectionSettings target;
    target.engine = core::ConnectionSettings::Engine::PostgreSQL;
    target.host = QStringLiteral("::1");
    target.port = 55432;
    target.database = QStringLiteral("shop");
    QCOMPARE(format::connection(target),
             QStringLiteral("PostgreSQL \u00b7 [::1]:55432 \u00b7 shop, schema public"));
    target.schema = QStringLiteral("app");
    QVERIFY(format::connection(target).endsWith(QStringLiteral("schema app")));
}

void TestPlanFormat::controlStore()
{
    core::Plan plan;
    plan.migration.name = QStringLiteral("m1");
    plan.controlStore.kind = core::ControlStoreSettings::Kind::PostgreSQL;
    plan.controlStore.location = QStringLiteral("postgresql://ops:hunter2@ctl/switchyard");
    const QString shown = format::controlStore(plan);
    QVERIFY2(!shown.contains(QStringLiteral("hunter2")), qPrintable(shown));
    QVERIFY(shown.startsWith(QStringLiteral("PostgreSQL")));
    QVERIFY(shown.contains(QStringLiteral("ctl/switchyard")));

    plan.controlStore.kind = core::ControlStoreSettings::Kind::Sqlite;
    plan.controlStore.location.clear();
    QVERIFY(format::controlStore(plan).endsWith(QStringLiteral("m1.sqlite (default)")));
    plan.controlStore.location = QStringLiteral("/var/lib/switchyard/m1.db");
    QCOMPARE(format::controlStore(plan), QStringLiteral("SQLite \u00b7 /var/lib/switchyard/m1.db"));
}

void TestPlanFormat::window_data()
{
    QTest::addColumn<QDate>("start");
    QTest::addColumn<QDate>("end");
    QTest::addColumn<QString>("expected");
    QTest::newRow("weeks") << QDate(2027, 1, 11) << QDate(2027, 2, 26)
                           << "2027-01-11 \u2192 2027-02-26 (7 weeks)";
    QTest::newRow("days") << QDate(2027, 1, 11) << QDate(2027, 1, 15)
                          << "2027-01-11 \u2192 2027-01-15 (5 days)";
    QTest::newRow("open end") << QDate(2027, 1, 11) << QDate() << "from 2027-01-11";
    QTest::newRow("none") << QDate() << QDate() << "not set";
}

void TestPlanFormat::window()
{
    QFETCH(QDate, start);
    QFETCH(QDate, end);
    QFETCH(QString, expected);
    core::MigrationInfo m;
    m.windowStart = start;
    m.windowEnd = end;
    QCOMPARE(format::window(m), expected);
}

void TestPlanFormat::week()
{
    QCOMPARE(format::week(0, QDate()), QStringLiteral("Unplanned"));
    QCOMPARE(format::week(3, QDate()), QStringLiteral("Week 3"));
    QCOMPARE(format::week(3, QDate(2027, 1, 11)), QStringLiteral("Week 3 \u00b7 from 2027-01-25"));
}

void TestPlanFormat::errorLine_data()
{
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("expected");
    QTest::newRow("line and column") << 3 << 3 << "line 3, column 3: boom";
    QTest::newRow("line only") << 12 << 0 << "line 12: boom";
    QTest::newRow("whole file") << 0 << 0 << "boom";
}

void TestPlanFormat::errorLine()
{
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, expected);
    core::PlanError e;
    e.where.line = line;
    e.where.column = column;
    e.message = QStringLiteral("boom");
    QCOMPARE(format::errorLine(e), expected);
}

void TestPlanFormat::redactSecrets_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    const QString dots = QStringLiteral("\u2022\u2022\u2022");
    QTest::newRow("url password") << "postgresql://ops:s3cret@ctl:5432/sy"
                                  << "postgresql://ops:" + dots + "@ctl:5432/sy";
    QTest::newRow("key=value") << "host=ctl password=s3cret dbname=sy"
                               << "host=ctl password=" + dots + " dbname=sy";
    QTest::newRow("quoted, spaced") << "host=ctl PASSWORD = 'a b c' dbname=sy"
                                    << "host=ctl PASSWORD = " + dots + " dbname=sy";
    // Nothing secret: left exactly as it was.
    QTest::newRow("url without password") << "postgresql://ops@ctl/sy" << "postgresql://ops@ctl/sy";
    QTest::newRow("plain path") << "/var/lib/switchyard/a.sqlite" << "/var/lib/switchyard/a.sqlite";
    QTest::newRow("host and port") << "MariaDB \u00b7 db1:3306 \u00b7 shop"
                                   << "MariaDB \u00b7 db1:3306 \u00b7 shop";
}

void TestPlanFormat::redactSecrets()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(format::redactSecrets(input), expected);
}

QTEST_MAIN(TestPlanFormat)
#include "tst_planformat.moc"
