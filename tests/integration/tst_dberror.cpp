// DbError's classification of errors into retryable / fatal, checked both
// ways for every code the header promises, and its one-line form.

#include "common/DbError.h"

#include <QtTest>

using namespace switchyard::core;

Q_DECLARE_METATYPE(DbError::Engine)

class TestDbError : public QObject
{
    Q_OBJECT

private slots:
    void retryable_data();
    void retryable();
    void toStringShowsCodesAndContext();
    void exceptionCarriesError();
};

void TestDbError::retryable_data()
{
    QTest::addColumn<DbError::Engine>("engine");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("sqlState");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("retryable");
    QTest::addColumn<bool>("reconnect");

    const auto my = DbError::Engine::MySQL;
    const auto pg = DbError::Engine::PostgreSQL;
    // clang-format off
    // MySQL: connection problems
    QTest::newRow("my 2002 refused") << my << 2002 << "HY000" << "" << true << true;
    QTest::newRow("my 2003 host") << my << 2003 << "HY000" << "" << true << true;
    QTest::newRow("my 2006 gone") << my << 2006 << "HY000" << "" << true << true;
    QTest::newRow("my 2013 lost") << my << 2013 << "HY000" << "" << true << true;
    QTest::newRow("my 2055 lost ext") << my << 2055 << "HY000" << "" << true << true;
    QTest::newRow("my 1053 shutdown") << my << 1053 << "08S01" << "" << true << true;
    QTest::newRow("my 1927 killed") << my << 1927 << "70100" << "" << true << true;
    // MySQL: transient conflicts, connection kept
    QTest::newRow("my 1213 deadlock") << my << 1213 << "40001" << "" << true << false;
    QTest::newRow("my 1205 lock wait") << my << 1205 << "HY000" << "" << true << false;
    QTest::newRow("my 1040 too many") << my << 1040 << "08004" << "" << true << false;
    QTest::newRow("my 1836 read-only") << my << 1836 << "HY000" << "" << true << false;
    QTest::newRow("my 1290 read-only")
        << my << 1290 << "HY000"
        << "The MariaDB server is running with the --read-only option so it cannot execute this "
           "statement"
        << true << false;
    // MySQL: fatal
    QTest::newRow("my 1290 secure-file-priv")
        << my << 1290 << "HY000"
        << "The MariaDB server is running with the --secure-file-priv option so it cannot "
           "execute this statement"
        << false << false;
    QTest::newRow("my 1045 access denied") << my << 1045 << "28000" << "" << false << false;
    QTest::newRow("my 1064 syntax") << my << 1064 << "42000" << "" << false << false;
    QTest::newRow("my 1062 duplicate") << my << 1062 << "23000" << "" << false << false;
    QTest::newRow("my 1146 no table") << my << 1146 << "42S02" << "" << false << false;
    QTest::newRow("my 2014 out of sync") << my << 2014 << "HY000" << "" << false << false;
    QTest::newRow("my settings error") << my << 0 << "22023" << "" << false << false;
    // PostgreSQL: retryable
    QTest::newRow("pg 40001 serialization") << pg << 0 << "40001" << "" << true << false;
    QTest::newRow("pg 40P01 deadlock") << pg << 0 << "40P01" << "" << true << false;
    QTest::newRow("pg 55P03 lock") << pg << 0 << "55P03" << "" << true << false;
    QTest::newRow("pg 53300 too many") << pg << 0 << "53300" << "" << true << false;
    QTest::newRow("pg 08001 cannot connect") << pg << 0 << "08001" << "" << true << true;
    QTest::newRow("pg 08006 failure") << pg << 0 << "08006" << "" << true << true;
    QTest::newRow("pg 57P01 admin shutdown") << pg << 0 << "57P01" << "" << true << true;
    QTest::newRow("pg 57P02 crash") << pg << 0 << "57P02" << "" << true << true;
    QTest::newRow("pg 57P03 starting") << pg << 0 << "57P03" << "" << true << true;
    // PostgreSQL: fatal
    QTest::newRow("pg 08007 in doubt") << pg << 0 << "08007" << "" << false << false;
    QTest::newRow("pg 28P01 password") << pg << 0 << "28P01" << "" << false << false;
    QTest::newRow("pg 3D000 no database") << pg << 0 << "3D000" << "" << false << false;
    QTest::newRow("pg 42601 syntax") << pg << 0 << "42601" << "" << false << false;
    QTest::newRow("pg 23505 unique") << pg << 0 << "23505" << "" << false << false;
    QTest::newRow("pg 57014 cancelled") << pg << 0 << "57014" << "" << false << false;
    QTest::newRow("pg XX000 internal") << pg << 0 << "XX000" << "" << false << false;
    // The engine decides which table applies: a MySQL errno means nothing to
    // PostgreSQL and a SQLSTATE alone does not make a MySQL error retryable.
    QTest::newRow("pg with mysql errno") << pg << 2013 << "42601" << "" << false << false;
    QTest::newRow("my with pg state") << my << 1064 << "40001" << "" << false << false;
    // clang-format on
}

void TestDbError::retryable()
{
    QFETCH(DbError::Engine, engine);
    QFETCH(int, code);
    QFETCH(QString, sqlState);
    QFETCH(QString, message);
    QFETCH(bool, retryable);
    QFETCH(bool, reconnect);

    DbError e;
    e.engine = engine;
    e.nativeCode = code;
    e.sqlState = sqlState;
    e.message = message;
    QCOMPARE(e.isRetryable(), retryable);
    QCOMPARE(e.needsReconnect(), reconnect);
    if (e.needsReconnect())
        QVERIFY2(e.isRetryable(), "needsReconnect() must imply isRetryable()");
}

void TestDbError::toStringShowsCodesAndContext()
{
    DbError my;
    my.engine = DbError::Engine::MySQL;
    my.nativeCode = 1064;
    my.sqlState = "42000";
    my.message = "You have an error in your SQL syntax";
    my.context = "SELEC 1";
    QCOMPARE(my.toString(), QString("MySQL error 1064 (SQLSTATE 42000): You have an error in "
                                    "your SQL syntax [in: SELEC 1]"));

    DbError pg;
    pg.engine = DbError::Engine::PostgreSQL;
    pg.sqlState = "42601";
    pg.message = "syntax error";
    QCOMPARE(pg.toString(), QString("PostgreSQL error (SQLSTATE 42601): syntax error"));

    // A long statement is shortened so a log line stays a line.
    pg.context = QString(1000, 'x');
    const QString s = pg.toString();
    QVERIFY(s.size() < 400);
    QVERIFY(s.endsWith(QChar(0x2026) + QString("]")));
}

void TestDbError::exceptionCarriesError()
{
    DbError e;
    e.engine = DbError::Engine::PostgreSQL;
    e.sqlState = "40P01";
    e.message = "deadlock detected";
    try {
        throw DbException(e);
    } catch (const std::runtime_error &ex) {
        QVERIFY(QString::fromUtf8(ex.what()).contains("40P01"));
        const auto *db = dynamic_cast<const DbException *>(&ex);
        QVERIFY(db);
        QCOMPARE(db->error().sqlState, QString("40P01"));
        QVERIFY(db->error().isRetryable());
    }
}

QTEST_GUILESS_MAIN(TestDbError)
#include "tst_dberror.moc"
