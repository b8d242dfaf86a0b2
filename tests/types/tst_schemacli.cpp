// `switchyard-cli schema show|apply` end to end, against the sandbox: the
// process a DBA runs, with its output and exit codes.
#include "TestSupport.h"

#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace switchyard::core;

namespace {

const QString kDatabase = QStringLiteral("tst_schemacli");
const QString kSchema = QStringLiteral("tst_schemacli");

const char *const kPlan = R"YAML(version: 1
migration:
  name: tst-schemacli
  owner: "Test <test@example.com>"
source:
  engine: mariadb
  host: {MYHOST}
  port: {MYPORT}
  user: {MYUSER}
  database: tst_schemacli
  ssl_mode: disabled
target:
  engine: postgresql
  host: {PGHOST}
  port: {PGPORT}
  user: {PGUSER}
  database: {PGDB}
  schema: tst_schemacli
  ssl_mode: disable
control_store:
  sqlite: {DIR}/control.sqlite
tables:
  - name: customers
  - name: invoices
{EXTRA}strategy: dual_write
phases:
  - id: write-both
    title: Write to both
    flags: {write_target: on, write_source: on}
    gates:
      - type: manual
        text: ready
)YAML";

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TstSchemaCli : public QObject
{
    Q_OBJECT

private:
    std::optional<switchyard::test::Sandbox> m_sandbox;
    QTemporaryDir m_dir;

    QString writePlan(const QString &name, const QString &extra = QString())
    {
        const auto &sb = *m_sandbox;
        QString text = QString::fromUtf8(kPlan);
        text.replace(QStringLiteral("{MYHOST}"), sb.mysql.host)
            .replace(QStringLiteral("{MYPORT}"), QString::number(sb.mysql.port))
            .replace(QStringLiteral("{MYUSER}"), sb.mysql.user)
            .replace(QStringLiteral("{PGHOST}"), sb.pg.host)
            .replace(QStringLiteral("{PGPORT}"), QString::number(sb.pg.port))
            .replace(QStringLiteral("{PGUSER}"), sb.pg.user)
            .replace(QStringLiteral("{PGDB}"), sb.pg.database)
            .replace(QStringLiteral("{DIR}"), m_dir.path())
            .replace(QStringLiteral("{EXTRA}"), extra);
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        f.write(text.toUtf8());
        return path;
    }

    static Run cli(const QStringList &args)
    {
        QProcess p;
        p.start(switchyard::test::cliPath(), args);
        Run r;
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            r.err = QStringLiteral("timed out");
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    MySqlConnection mysql(const QString &db)
    {
        ConnectionSettings s;
        s.engine = ConnectionSettings::Engine::MariaDB;
        s.host = m_sandbox->mysql.host;
        s.port = m_sandbox->mysql.port;
        s.user = m_sandbox->mysql.user;
        s.database = db;
        s.sslMode = QStringLiteral("disabled");
        MySqlConnection c;
        c.open(s);
        return c;
    }

    PgConnection pg()
    {
        ConnectionSettings s;
        s.engine = ConnectionSettings::Engine::PostgreSQL;
        s.host = m_sandbox->pg.host;
        s.port = m_sandbox->pg.port;
        s.user = m_sandbox->pg.user;
        s.database = m_sandbox->pg.database;
        s.sslMode = QStringLiteral("disable");
        PgConnection c;
        c.open(s);
        return c;
    }

    QString pgScalar(const QString &sql) { return pg().query(sql).scalar(); }

private slots:
    void initTestCase()
    {
        SWITCHYARD_NEED_SANDBOX(sb);
        m_sandbox = sb;
        QVERIFY(m_dir.isValid());
        QVERIFY2(!switchyard::test::cliPath().isEmpty(), "SWITCHYARD_CLI is not set (run through ctest)");
        try {
            {
                MySqlConnection admin = mysql(sb.mysql.database);
                admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(quoteMySqlIdentifier(kDatabase)));
                admin.exec(QStringLiteral("CREATE DATABASE %1 CHARACTER SET utf8mb4").arg(quoteMySqlIdentifier(kDatabase)));
            }
            MySqlConnection my = mysql(kDatabase);
            my.exec(QStringLiteral(
                "CREATE TABLE customers (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                "email varchar(100) NOT NULL, vip tinyint(1) NOT NULL DEFAULT 0, born date, "
                "UNIQUE KEY uq_email (email)) AUTO_INCREMENT = 5000"));
            my.exec(QStringLiteral(
                "CREATE TABLE invoices (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id bigint unsigned NOT NULL, "
                "total decimal(10,2) NOT NULL, KEY ix_customer (customer_id), "
                "CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers (id))"));
            my.exec(QStringLiteral("SET SESSION sql_mode = ''"));
            my.exec(QStringLiteral("INSERT INTO customers (id, email, vip, born) VALUES (1, 'a@x', 1, '0000-00-00'), "
                                   "(2, 'b@x', 7, '1990-05-01')"));
            pg().exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(quotePgIdentifier(kSchema)));
        } catch (const DbException &e) {
            QFAIL(qPrintable(e.error().toString()));
        }
    }

    void showPrintsDdlAndWarnings()
    {
        const Run r = cli({QStringLiteral("schema"), QStringLiteral("show"), writePlan(QStringLiteral("plan.yaml"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY(r.out.contains(QStringLiteral("CREATE TABLE \"tst_schemacli\".\"customers\" (")));
        QVERIFY(r.out.contains(QStringLiteral("\"id\" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL")));
        QVERIFY(r.out.contains(QStringLiteral("\"vip\" boolean DEFAULT false NOT NULL")));
        // The referencing column follows the narrowed id, so the FK can exist.
        QVERIFY(r.out.contains(QStringLiteral("\"customer_id\" bigint NOT NULL")));
        QVERIFY(r.out.contains(QStringLiteral("-- warning: customers.email: unique key uq_email")));
        QVERIFY(r.out.contains(QStringLiteral("Secondary indexes and foreign keys (after the backfill)")));
        QVERIFY(r.out.contains(QStringLiteral("FOREIGN KEY (\"customer_id\") REFERENCES \"tst_schemacli\".\"customers\" (\"id\")")));
        // Showing changes nothing.
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tst_schemacli'")),
                 QStringLiteral("0"));
    }

    void checkDataCountsWhatTheCopyRejects()
    {
        const Run r = cli({QStringLiteral("schema"), QStringLiteral("show"), writePlan(QStringLiteral("plan.yaml")),
                           QStringLiteral("--check-data")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("customers.vip: 1 row(s) with values other than 0 and 1: rejected")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("customers.born: 1 row(s) with zero or invalid dates: copied as NULL")),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("customers.uq_email: no collisions")));
    }

    void planErrorsBlockApply()
    {
        const QString plan = writePlan(QStringLiteral("bad.yaml"),
                                       QStringLiteral("    columns:\n      total: {type: money}\n"));
        Run r = cli({QStringLiteral("schema"), QStringLiteral("show"), plan});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QStringLiteral("error: invoices.total: override to 'money' is not supported")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("bad.yaml:")), qPrintable(r.out)); // points at the plan line
        r = cli({QStringLiteral("schema"), QStringLiteral("apply"), plan});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tst_schemacli'")),
                 QStringLiteral("0"));
    }

    void applyThenRefuseThenPostData()
    {
        const QString plan = writePlan(QStringLiteral("plan.yaml"));
        Run r = cli({QStringLiteral("schema"), QStringLiteral("apply"), plan});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tst_schemacli'")),
                 QStringLiteral("2"));
        // Deferred: the secondary index and the FK are not there yet.
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE schemaname = 'tst_schemacli' "
                                         "AND indexname = 'invoices_ix_customer'")),
                 QStringLiteral("0"));

        // Existing tables are refused, and nothing changes.
        pg().exec(QStringLiteral("INSERT INTO tst_schemacli.customers (id, email, vip) VALUES (1, 'a@x', true)"));
        r = cli({QStringLiteral("schema"), QStringLiteral("apply"), plan});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("already exist")), qPrintable(r.err));
        r = cli({QStringLiteral("schema"), QStringLiteral("apply"), plan, QStringLiteral("--skip-existing")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM tst_schemacli.customers")), QStringLiteral("1"));

        // After the backfill: indexes, FKs, and the sequence past AUTO_INCREMENT.
        r = cli({QStringLiteral("schema"), QStringLiteral("apply"), plan, QStringLiteral("--post-data")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE schemaname = 'tst_schemacli' "
                                         "AND indexname = 'invoices_ix_customer'")),
                 QStringLiteral("1"));
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE conname = 'fk_customer'")),
                 QStringLiteral("1"));
        QCOMPARE(pgScalar(QStringLiteral("SELECT nextval(pg_get_serial_sequence('tst_schemacli.customers', 'id'))")),
                 QStringLiteral("5000"));

        // Again (e.g. after the backfill's own finish created the indexes):
        // what is there stays, nothing fails, nothing is duplicated.
        r = cli({QStringLiteral("schema"), QStringLiteral("apply"), plan, QStringLiteral("--post-data")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE schemaname = 'tst_schemacli' "
                                         "AND indexname = 'invoices_ix_customer'")),
                 QStringLiteral("1"));
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE conname = 'fk_customer'")),
                 QStringLiteral("1"));

        // --include-existing drops and re-creates (the data is gone).
        r = cli({QStringLiteral("schema"), QStringLiteral("apply"), plan, QStringLiteral("--include-existing")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(pgScalar(QStringLiteral("SELECT count(*) FROM tst_schemacli.customers")), QStringLiteral("0"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no subcommand") << QStringList{QStringLiteral("schema")};
        QTest::newRow("unknown subcommand") << QStringList{QStringLiteral("schema"), QStringLiteral("drop"), QStringLiteral("p.yaml")};
        QTest::newRow("missing plan") << QStringList{QStringLiteral("schema"), QStringLiteral("show")};
        QTest::newRow("apply option on show")
            << QStringList{QStringLiteral("schema"), QStringLiteral("show"), QStringLiteral("p.yaml"), QStringLiteral("--skip-existing")};
        QTest::newRow("two plans") << QStringList{QStringLiteral("schema"), QStringLiteral("show"), QStringLiteral("a"), QStringLiteral("b")};
        QTest::newRow("post-data with skip")
            << QStringList{QStringLiteral("schema"), QStringLiteral("apply"), QStringLiteral("p.yaml"),
                           QStringLiteral("--post-data"), QStringLiteral("--skip-existing")};
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("Usage:")));
    }

    void unreachableServerIsExitCode3()
    {
        QString plan = writePlan(QStringLiteral("down.yaml"));
        QFile f(plan);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QString text = QString::fromUtf8(f.readAll());
        f.close();
        text.replace(QStringLiteral("port: %1").arg(m_sandbox->mysql.port), QStringLiteral("port: 1"));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text.toUtf8());
        f.close();
        const Run r = cli({QStringLiteral("schema"), QStringLiteral("show"), plan});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains(QStringLiteral("2003")) || r.err.contains(QStringLiteral("2002")));
    }

    void cleanupTestCase()
    {
        if (!m_sandbox || QTest::currentTestFailed())
            return;
        try {
            mysql(m_sandbox->mysql.database).exec(QStringLiteral("DROP DATABASE IF EXISTS %1").arg(quoteMySqlIdentifier(kDatabase)));
            pg().exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(quotePgIdentifier(kSchema)));
        } catch (const DbException &) {
        }
    }
};

QTEST_GUILESS_MAIN(TstSchemaCli)
#include "tst_schemacli.moc"
