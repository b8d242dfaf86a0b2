// Which control store errors are retryable: a job decides from this whether
// to try again or to stop and report.

#include "store/StoreError.h"

#include <QtTest>

using namespace switchyard::core;

Q_DECLARE_METATYPE(StoreError::Backend)
Q_DECLARE_METATYPE(StoreError::Kind)

class TestStoreError : public QObject
{
    Q_OBJECT

private slots:
    void retryable_data()
    {
        using B = StoreError::Backend;
        using K = StoreError::Kind;
        QTest::addColumn<StoreError::Backend>("backend");
        QTest::addColumn<StoreError::Kind>("kind");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("retryable");
        QTest::addColumn<bool>("reconnect");
        QTest::newRow("sqlite busy") << B::Sqlite << K::Busy << "5" << true << false;
        QTest::newRow("sqlite busy snapshot (query)") << B::Sqlite << K::Query << "517" << true << false;
        QTest::newRow("sqlite locked (query)") << B::Sqlite << K::Query << "6" << true << false;
        QTest::newRow("sqlite unique") << B::Sqlite << K::Constraint << "2067" << false << false;
        QTest::newRow("sqlite full") << B::Sqlite << K::Io << "13" << false << false;
        QTest::newRow("sqlite syntax") << B::Sqlite << K::Query << "1" << false << false;
        QTest::newRow("pg serialization") << B::PostgreSQL << K::Conflict << "40001" << true << false;
        QTest::newRow("pg deadlock") << B::PostgreSQL << K::Conflict << "40P01" << true << false;
        QTest::newRow("pg lock timeout") << B::PostgreSQL << K::Busy << "55P03" << true << false;
        QTest::newRow("pg connection lost") << B::PostgreSQL << K::Connection << "08006" << true << true;
        QTest::newRow("pg unknown outcome") << B::PostgreSQL << K::Connection << "08007" << false << true;
        QTest::newRow("pg admin shutdown") << B::PostgreSQL << K::Connection << "57P01" << true << true;
        QTest::newRow("pg unique") << B::PostgreSQL << K::Constraint << "23505" << false << false;
        QTest::newRow("pg syntax") << B::PostgreSQL << K::Query << "42601" << false << false;
        QTest::newRow("newer schema") << B::Sqlite << K::SchemaTooNew << "" << false << false;
        QTest::newRow("password in plan") << B::PostgreSQL << K::Configuration << "" << false << false;
    }

    void retryable()
    {
        StoreError e;
        QFETCH(StoreError::Backend, backend);
        QFETCH(StoreError::Kind, kind);
        QFETCH(QString, code);
        e.backend = backend;
        e.kind = kind;
        e.nativeCode = code;
        QTEST(e.isRetryable(), "retryable");
        QTEST(e.needsReconnect(), "reconnect");
    }

    void messageNamesBackendCodeAndContext()
    {
        StoreError e;
        e.backend = StoreError::Backend::Sqlite;
        e.kind = StoreError::Kind::Busy;
        e.nativeCode = QStringLiteral("5");
        e.message = QStringLiteral("database is locked");
        e.context = QStringLiteral("save the checkpoint of job 3");
        QCOMPARE(e.toString(),
                 QStringLiteral("control store (SQLite) error 5: database is locked [in: save the checkpoint of job 3]"));
        const StoreException ex(e);
        QCOMPARE(QString::fromUtf8(ex.what()), e.toString());
        QCOMPARE(ex.error().nativeCode, QStringLiteral("5"));
    }
};

QTEST_GUILESS_MAIN(TestStoreError)
#include "tst_storeerror.moc"
