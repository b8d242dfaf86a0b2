// Identifier quoting for both dialects (one function each), and the quoting
// of values in a libpq conninfo string. No server needed.

#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

#include <QtTest>

using namespace switchyard::core;

class TestDialect : public QObject
{
    Q_OBJECT

private slots:
    void mysqlIdentifier_data();
    void mysqlIdentifier();
    void pgIdentifier_data();
    void pgIdentifier();
    void qualifiedNames();
    void pgConnectionString();
    void pgConnectionStringRejectsUnknownSslMode();
};

void TestDialect::mysqlIdentifier_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("plain") << "users"
                           << "`users`";
    QTest::newRow("mixed case") << "UserAccounts"
                                << "`UserAccounts`";
    QTest::newRow("reserved word") << "select"
                                   << "`select`";
    QTest::newRow("space") << "order items"
                           << "`order items`";
    QTest::newRow("backtick") << "a`b"
                              << "`a``b`";
    QTest::newRow("only backticks") << "``"
                                    << "``````";
    QTest::newRow("double quote kept") << "say \"hi\""
                                       << "`say \"hi\"`";
    QTest::newRow("single quote kept") << "o'brien"
                                       << "`o'brien`";
    QTest::newRow("injection attempt") << "x`; DROP TABLE t; --"
                                       << "`x``; DROP TABLE t; --`";
    QTest::newRow("unicode") << QString::fromUtf8("größe🚂") << QString::fromUtf8("`größe🚂`");
    QTest::newRow("empty") << ""
                           << "``";
}

void TestDialect::mysqlIdentifier()
{
    QFETCH(QString, name);
    QFETCH(QString, quoted);
    QCOMPARE(quoteMySqlIdentifier(name), quoted);
}

void TestDialect::pgIdentifier_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("plain") << "users"
                           << "\"users\"";
    QTest::newRow("mixed case stays mixed") << "UserAccounts"
                                            << "\"UserAccounts\"";
    QTest::newRow("reserved word") << "user"
                                   << "\"user\"";
    QTest::newRow("space") << "order items"
                           << "\"order items\"";
    QTest::newRow("double quote") << "say \"hi\""
                                  << "\"say \"\"hi\"\"\"";
    QTest::newRow("only a quote") << "\""
                                  << "\"\"\"\"";
    QTest::newRow("backtick kept") << "a`b"
                                   << "\"a`b\"";
    QTest::newRow("single quote kept") << "o'brien"
                                       << "\"o'brien\"";
    QTest::newRow("injection attempt") << "x\"; DROP TABLE t; --"
                                       << "\"x\"\"; DROP TABLE t; --\"";
    QTest::newRow("unicode") << QString::fromUtf8("größe🚂") << QString::fromUtf8("\"größe🚂\"");
    QTest::newRow("empty") << ""
                           << "\"\"";
}

void TestDialect::pgIdentifier()
{
    QFETCH(QString, name);
    QFETCH(QString, quoted);
    QCOMPARE(quotePgIdentifier(name), quoted);
}

void TestDialect::qualifiedNames()
{
    QCOMPARE(quoteMySqlQualifiedName("shop", "order items"), QString("`shop`.`order items`"));
    QCOMPARE(quoteMySqlQualifiedName("", "t"), QString("`t`"));
    QCOMPARE(quoteMySqlQualifiedName("a.b", "c"), QString("`a.b`.`c`"));
    QCOMPARE(quotePgQualifiedName("Sales", "Order"), QString("\"Sales\".\"Order\""));
    QCOMPARE(quotePgQualifiedName("", "t"), QString("\"t\""));
    QCOMPARE(quotePgQualifiedName("a.b", "c"), QString("\"a.b\".\"c\""));
}

void TestDialect::pgConnectionString()
{
    ConnectionSettings s;
    s.engine = ConnectionSettings::Engine::PostgreSQL;
    s.host = "db.example.com";
    s.port = 6432;
    s.user = "o'brien";
    s.database = "my db\\x";
    s.sslMode = "verify_full"; // MySQL-style spelling is accepted
    s.sslCa = "/etc/ssl/ca.pem";
    PgConnection::Options o;
    o.connectTimeoutSeconds = 7;
    const std::string info = PgConnection::connectionString(s, o);
    QCOMPARE(QString::fromStdString(info),
             QString("host='db.example.com' port='6432' user='o\\'brien' dbname='my db\\\\x' "
                     "sslmode='verify-full' sslrootcert='/etc/ssl/ca.pem' "
                     "application_name='switchyard' client_encoding='UTF8' "
                     "connect_timeout='7'"));
    QVERIFY(!QString::fromStdString(info).contains("password"));

    // Unset values are left out, so libpq's defaults and environment apply.
    ConnectionSettings bare;
    bare.engine = ConnectionSettings::Engine::PostgreSQL;
    bare.host = "localhost";
    const QString minimal = QString::fromStdString(PgConnection::connectionString(bare, {}));
    QVERIFY(minimal.startsWith("host='localhost' port='5432' application_name="));
    QVERIFY(!minimal.contains("user="));
    QVERIFY(!minimal.contains("sslmode="));
}

void TestDialect::pgConnectionStringRejectsUnknownSslMode()
{
    ConnectionSettings s;
    s.engine = ConnectionSettings::Engine::PostgreSQL;
    s.sslMode = "sometimes";
    try {
        PgConnection::connectionString(s, {});
        QFAIL("an unknown sslmode must be refused");
    } catch (const DbException &e) {
        QCOMPARE(e.error().sqlState, QString("22023"));
        QVERIFY(!e.error().isRetryable());
        QVERIFY(e.error().message.contains("sometimes"));
    }
}

QTEST_GUILESS_MAIN(TestDialect)
#include "tst_dialect.moc"
