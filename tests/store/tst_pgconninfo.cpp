// How the control store reads a PostgreSQL connection string (libpq's own
// parser), and refuses what must not be in a plan.

#include "store/PgConnInfo.h"
#include "store/StoreError.h"

#include <QtTest>

using namespace switchyard::core;

class TestPgConnInfo : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("connInfo");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("port");
        QTest::addColumn<QString>("dbname");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("sslmode");
        QTest::newRow("key=value") << "host=db1 port=6543 dbname=ops user=ann" << "db1" << "6543" << "ops" << "ann" << "";
        QTest::newRow("quoted") << "host='db 1' dbname='o\\'ps'" << "db 1" << "" << "o'ps" << "" << "";
        QTest::newRow("url") << "postgresql://ann@db1:6543/ops?sslmode=require" << "db1" << "6543" << "ops" << "ann"
                             << "require";
        QTest::newRow("url, no port") << "postgres://db1/ops" << "db1" << "" << "ops" << "" << "";
    }

    void parses()
    {
        QFETCH(QString, connInfo);
        const PgConnInfo info = PgConnInfo::parse(connInfo);
        QVERIFY2(info.error.isEmpty(), qPrintable(info.error));
        QTEST(info.value(QStringLiteral("host")), "host");
        QTEST(info.value(QStringLiteral("port")), "port");
        QTEST(info.value(QStringLiteral("dbname")), "dbname");
        QTEST(info.value(QStringLiteral("user")), "user");
        QTEST(info.value(QStringLiteral("sslmode")), "sslmode");
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("connInfo");
        QTest::addColumn<QString>("expected");
        QTest::newRow("password key") << "host=db1 password=secret" << "password";
        QTest::newRow("password in url") << "postgresql://ann:secret@db1/ops" << "password";
        QTest::newRow("semicolon") << "host=db1 options='-c a=b;c'" << "';'";
        QTest::newRow("unknown keyword") << "host=db1 colour=blue" << "colour";
        QTest::newRow("unterminated quote") << "host='db1" << "unterminated";
    }

    void refuses()
    {
        QFETCH(QString, connInfo);
        QFETCH(QString, expected);
        const PgConnInfo info = PgConnInfo::parse(connInfo);
        QVERIFY2(info.error.contains(expected), qPrintable(info.error));
        QVERIFY(info.options.isEmpty());
        QVERIFY(!info.error.contains(QLatin1String("secret")));
        QVERIFY(!info.describe().contains(QLatin1String("secret")));
    }

    // Keywords come in libpq's own order, whatever order the string used.
    void qtConnectOptionsQuoteAndAddDefaults()
    {
        const PgConnInfo info = PgConnInfo::parse(QStringLiteral("host='db 1' dbname='o\\'ps'"));
        QCOMPARE(info.toQtConnectOptions(),
                 QStringLiteral("dbname='o\\'ps';host='db 1';application_name='switchyard-store';connect_timeout='10'"));
        const PgConnInfo own = PgConnInfo::parse(QStringLiteral("host=h application_name=x connect_timeout=3"));
        QCOMPARE(own.toQtConnectOptions(), QStringLiteral("connect_timeout='3';host='h';application_name='x'"));
    }

    void describeNamesNoSecret()
    {
        const PgConnInfo info = PgConnInfo::parse(QStringLiteral("host=db1 port=6543 dbname=ops user=ann"));
        QCOMPARE(info.describe(), QStringLiteral("ann@db1:6543/ops"));
    }
};

QTEST_GUILESS_MAIN(TestPgConnInfo)
#include "tst_pgconninfo.moc"
