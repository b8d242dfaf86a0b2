// Both servers of the sandbox, reached the way a job reaches them: settings
// as a plan would give them, passwords from the files the sandbox exports
// (SWITCHYARD_MYCNF, PGPASSFILE). Checks the session setup (UTC on both) and
// that failures keep their errno / SQLSTATE and classify as they should.

#include "TestSupport.h"

#include "source/MySqlConnection.h"
#include "target/PgConnection.h"

#include <QThread>
#include <QtTest>

#include <pqxx/pqxx>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using namespace switchyard::core;
using switchyard::test::mysqlSettings;
using switchyard::test::pgSettings;

namespace {

const QString kDatabase = QStringLiteral("tst_sandbox");

/// A loopback port nobody listens on: bound once by us, then released.
int closedPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) != 0) {
        if (fd >= 0)
            ::close(fd);
        return 1;
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

/// Sets an environment variable for one scope, restoring what was there.
class ScopedEnv
{
public:
    ScopedEnv(const char *name, const QByteArray &value)
        : m_name(name)
        , m_had(qEnvironmentVariableIsSet(name))
        , m_old(qgetenv(name))
    {
        qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char *m_name;
    bool m_had;
    QByteArray m_old;
};

} // namespace

class TestSandbox : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void mysqlConnectsWithOptionFile();
    void pgConnectsWithPassFile();
    void mysqlWrongPassword();
    void pgWrongPassword();
    void mysqlConnectionRefused();
    void pgConnectionRefused();
    void mysqlSyntaxErrorKeepsErrno();
    void pgSyntaxErrorKeepsSqlState();
    void mysqlDeadlockIsRetryable();
    void pgDeadlockIsRetryable();
    void pgRunTranslatesPqxxErrors();
    void mysqlStatementAfterCloseFails();
    void mysqlSslModes();
    void mysqlVerifyIdentity();

private:
    std::optional<switchyard::test::Sandbox> m_sb;
    QList<QPair<QByteArray, std::optional<QByteArray>>> m_savedEnv;
};

void TestSandbox::initTestCase()
{
    SWITCHYARD_NEED_SANDBOX(sb);
    m_sb = sb;
    QVERIFY2(!qEnvironmentVariableIsEmpty("SWITCHYARD_MYCNF"),
             "the sandbox exports SWITCHYARD_MYCNF (the MySQL option file with the password)");
    QVERIFY2(!qEnvironmentVariableIsEmpty("PGPASSFILE"),
             "the sandbox exports PGPASSFILE (the pgpass file with the password)");
    // Exercise the file path, not a password that happens to be exported.
    for (const char *v :
         {"SWITCHYARD_SOURCE_PASSWORD", "SWITCHYARD_TARGET_PASSWORD", "PGPASSWORD"}) {
        m_savedEnv.append(
            {v, qEnvironmentVariableIsSet(v) ? std::optional(qgetenv(v)) : std::nullopt});
        qunsetenv(v);
    }

    MySqlConnection my;
    my.open(mysqlSettings(sb, sb.mysql.database));
    my.exec("DROP DATABASE IF EXISTS " + quoteMySqlIdentifier(kDatabase));
    my.exec("CREATE DATABASE " + quoteMySqlIdentifier(kDatabase) + " CHARACTER SET utf8mb4");

    PgConnection pg;
    pg.open(pgSettings(sb, sb.pg.database));
    pg.exec("DROP DATABASE IF EXISTS " + quotePgIdentifier(kDatabase) + " WITH (FORCE)");
    pg.exec("CREATE DATABASE " + quotePgIdentifier(kDatabase));
}

void TestSandbox::cleanupTestCase()
{
    if (m_sb) {
        try {
            MySqlConnection my;
            my.open(mysqlSettings(*m_sb, m_sb->mysql.database));
            my.exec("DROP DATABASE IF EXISTS " + quoteMySqlIdentifier(kDatabase));
            PgConnection pg;
            pg.open(pgSettings(*m_sb, m_sb->pg.database));
            pg.exec("DROP DATABASE IF EXISTS " + quotePgIdentifier(kDatabase) + " WITH (FORCE)");
        } catch (const DbException &e) {
            qWarning("cleanup failed: %s", e.what());
        }
    }
    for (const auto &[name, value] : m_savedEnv) {
        if (value)
            qputenv(name.constData(), *value);
        else
            qunsetenv(name.constData());
    }
}

void TestSandbox::mysqlConnectsWithOptionFile()
{
    MySqlConnection my;
    my.open(mysqlSettings(*m_sb, kDatabase));
    QVERIFY(my.isOpen());
    QVERIFY2(my.credentialDescription().startsWith("password from "),
             qPrintable(my.credentialDescription()));
    QVERIFY(my.credentialDescription().endsWith(
        QFileInfo(qEnvironmentVariable("SWITCHYARD_MYCNF")).fileName()));

    const QString version = my.query("SELECT version()").scalar();
    QVERIFY(!version.isEmpty());
    QCOMPARE(version, my.serverVersion());
    QVERIFY(my.serverVersionNumber() >= 50700);
    QCOMPARE(my.isMariaDB(), version.contains("MariaDB"));
    QCOMPARE(my.query("SELECT 1").scalar(), QString("1"));
    QCOMPARE(my.query("SELECT DATABASE()").scalar(), kDatabase);

    // The session runs in UTC: the setting, and what it does to TIMESTAMP math.
    QCOMPARE(my.query("SELECT @@session.time_zone").scalar(), QString("+00:00"));
    QCOMPARE(my.query("SELECT UNIX_TIMESTAMP('1970-01-02 00:00:00')").scalar(), QString("86400"));
    QCOMPARE(my.query("SELECT @@session.character_set_client").scalar(), QString("utf8mb4"));
    QCOMPARE(my.query("SELECT @@session.sql_mode").scalar(),
             QString::fromLatin1(MySqlConnection::kSessionSqlMode));
    QCOMPARE(my.query(QString::fromUtf8("SELECT CHAR_LENGTH('🚂ß')")).scalar(), QString("2"));

    // NULL and '' stay apart in the text protocol too.
    const QueryResult r = my.query("SELECT NULL AS n, '' AS e");
    QCOMPARE(r.columns, QStringList({"n", "e"}));
    QVERIFY(!r.rows.at(0).at(0).has_value());
    QVERIFY(r.rows.at(0).at(1).has_value());
    QVERIFY(r.text(0, 0).isNull());
    QVERIFY(!r.text(0, 1).isNull() && r.text(0, 1).isEmpty());

    my.ping();
    my.exec("CREATE TABLE t (id INT PRIMARY KEY)");
    my.exec("INSERT INTO t VALUES (1), (2), (3)");
    QCOMPARE(my.affectedRows(), quint64(3));
    my.exec("DROP TABLE t");
}

void TestSandbox::pgConnectsWithPassFile()
{
    PgConnection pg;
    pg.open(pgSettings(*m_sb, kDatabase));
    QVERIFY(pg.isOpen());
    QVERIFY2(pg.credentialDescription().startsWith("password from "),
             qPrintable(pg.credentialDescription()));

    const QString version = pg.query("SELECT version()").scalar();
    QVERIFY(version.startsWith("PostgreSQL"));
    QVERIFY(version.contains(pg.serverVersion().section(' ', 0, 0)));
    QVERIFY(pg.serverVersionNumber() >= 100000);
    QCOMPARE(pg.query("SELECT 1").scalar(), QString("1"));
    QCOMPARE(pg.query("SELECT current_database()").scalar(), kDatabase);

    QCOMPARE(pg.query("SHOW TimeZone").scalar(), QString("UTC"));
    QCOMPARE(
        pg.query("SELECT extract(epoch FROM '1970-01-02 00:00:00'::timestamptz)::int").scalar(),
        QString("86400"));
    QCOMPARE(pg.query("SHOW application_name").scalar(), QString("switchyard"));
    QCOMPARE(pg.query("SHOW client_encoding").scalar(), QString("UTF8"));

    const QueryResult r = pg.query("SELECT NULL::text AS n, ''::text AS e");
    QCOMPARE(r.columns, QStringList({"n", "e"}));
    QVERIFY(!r.rows.at(0).at(0).has_value());
    QVERIFY(r.rows.at(0).at(1).has_value());
}

void TestSandbox::mysqlWrongPassword()
{
    const ScopedEnv env("SWITCHYARD_SOURCE_PASSWORD", "certainly-not-the-password");
    MySqlConnection my;
    try {
        my.open(mysqlSettings(*m_sb, kDatabase));
    } catch (const DbException &e) {
        QCOMPARE(e.error().engine, DbError::Engine::MySQL);
        QCOMPARE(e.error().nativeCode, 1045);
        QCOMPARE(e.error().sqlState, QString("28000"));
        QVERIFY(!e.error().isRetryable());
        QVERIFY(!QString::fromUtf8(e.what()).contains("certainly-not"));
        QVERIFY(e.error().context.contains(QString::number(m_sb->mysql.port)));
        QVERIFY(!my.isOpen());
        return;
    }
    QSKIP("the sandbox's MySQL server accepted a wrong password (no password check on loopback)");
}

void TestSandbox::pgWrongPassword()
{
    const ScopedEnv env("SWITCHYARD_TARGET_PASSWORD", "certainly-not-the-password");
    PgConnection pg;
    try {
        pg.open(pgSettings(*m_sb, kDatabase));
    } catch (const DbException &e) {
        QCOMPARE(e.error().engine, DbError::Engine::PostgreSQL);
        qInfo("%s", qPrintable(e.error().toString()));
        QCOMPARE(e.error().sqlState, QString("28P01"));
        QVERIFY(!e.error().isRetryable());
        QVERIFY2(e.error().message.contains("password authentication failed"),
                 qPrintable(e.error().message));
        QVERIFY(!e.error().message.contains("28P01")); // the code is a field, not text
        QVERIFY(!e.error().message.contains("LOCATION"));
        QVERIFY(!QString::fromUtf8(e.what()).contains("certainly-not"));
        QVERIFY(!pg.isOpen());
        return;
    }
    QSKIP("the sandbox's PostgreSQL server accepted a wrong password (trust authentication)");
}

void TestSandbox::mysqlConnectionRefused()
{
    ConnectionSettings s = mysqlSettings(*m_sb, kDatabase);
    s.port = closedPort();
    MySqlConnection my;
    try {
        my.open(s);
        QFAIL("connected to a closed port");
    } catch (const DbException &e) {
        QVERIFY2(e.error().nativeCode == 2002 || e.error().nativeCode == 2003,
                 qPrintable(e.error().toString()));
        QVERIFY(e.error().isRetryable());
        QVERIFY(e.error().needsReconnect());
        QVERIFY(e.error().context.contains(QString::number(s.port)));
    }
}

void TestSandbox::pgConnectionRefused()
{
    ConnectionSettings s = pgSettings(*m_sb, kDatabase);
    s.port = closedPort();
    PgConnection pg;
    try {
        pg.open(s);
        QFAIL("connected to a closed port");
    } catch (const DbException &e) {
        qInfo("%s", qPrintable(e.error().toString()));
        QCOMPARE(e.error().sqlState, QString("08001"));
        QVERIFY(e.error().isRetryable());
        QVERIFY2(e.error().message.contains("refused"), qPrintable(e.error().message));
    }
}

void TestSandbox::mysqlSyntaxErrorKeepsErrno()
{
    MySqlConnection my;
    my.open(mysqlSettings(*m_sb, kDatabase));
    try {
        my.exec("SELEC 1");
        QFAIL("a syntax error passed");
    } catch (const DbException &e) {
        QCOMPARE(e.error().nativeCode, 1064);
        QCOMPARE(e.error().sqlState, QString("42000"));
        QCOMPARE(e.error().context, QString("SELEC 1"));
        QVERIFY(!e.error().isRetryable());
    }
    try {
        my.query("SELECT * FROM no_such_table");
        QFAIL("a missing table passed");
    } catch (const DbException &e) {
        QCOMPARE(e.error().nativeCode, 1146);
        QCOMPARE(e.error().sqlState, QString("42S02"));
    }
    // The session survives statement errors.
    QCOMPARE(my.query("SELECT 2").scalar(), QString("2"));
}

void TestSandbox::pgSyntaxErrorKeepsSqlState()
{
    PgConnection pg;
    pg.open(pgSettings(*m_sb, kDatabase));
    try {
        pg.exec("SELEC 1");
        QFAIL("a syntax error passed");
    } catch (const DbException &e) {
        QCOMPARE(e.error().engine, DbError::Engine::PostgreSQL);
        QCOMPARE(e.error().sqlState, QString("42601"));
        QCOMPARE(e.error().context, QString("SELEC 1"));
        QVERIFY(!e.error().isRetryable());
    }
    try {
        pg.query("SELECT * FROM no_such_table");
        QFAIL("a missing table passed");
    } catch (const DbException &e) {
        QCOMPARE(e.error().sqlState, QString("42P01"));
    }
    QCOMPARE(pg.query("SELECT 2").scalar(), QString("2"));
}

void TestSandbox::mysqlDeadlockIsRetryable()
{
    MySqlConnection a;
    MySqlConnection b;
    a.open(mysqlSettings(*m_sb, kDatabase));
    b.open(mysqlSettings(*m_sb, kDatabase));
    a.exec("CREATE TABLE dl (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
    a.exec("INSERT INTO dl VALUES (1, 0), (2, 0)");
    a.exec("START TRANSACTION");
    b.exec("START TRANSACTION");
    a.exec("UPDATE dl SET v = 1 WHERE id = 1");
    b.exec("UPDATE dl SET v = 2 WHERE id = 2");

    std::optional<DbError> errA;
    std::thread t([&] {
        try {
            a.exec("UPDATE dl SET v = 1 WHERE id = 2"); // waits for b
        } catch (const DbException &e) {
            errA = e.error();
        }
    });
    QThread::msleep(300);
    std::optional<DbError> errB;
    try {
        b.exec("UPDATE dl SET v = 2 WHERE id = 1"); // closes the cycle
    } catch (const DbException &e) {
        errB = e.error();
    }
    if (!errB)
        b.exec("COMMIT");
    t.join();
    a.exec("ROLLBACK");
    b.exec("ROLLBACK");

    QVERIFY2(errA.has_value() != errB.has_value(), "exactly one side is the deadlock victim");
    const DbError &e = errA ? *errA : *errB;
    QCOMPARE(e.nativeCode, 1213);
    QCOMPARE(e.sqlState, QString("40001"));
    QVERIFY(e.isRetryable());
    QVERIFY(!e.needsReconnect());
    a.exec("DROP TABLE dl");
}

void TestSandbox::pgDeadlockIsRetryable()
{
    PgConnection a;
    PgConnection b;
    a.open(pgSettings(*m_sb, kDatabase));
    b.open(pgSettings(*m_sb, kDatabase));
    a.exec("CREATE TABLE dl (id int PRIMARY KEY, v int)");
    a.exec("INSERT INTO dl VALUES (1, 0), (2, 0)");

    std::optional<DbError> errA;
    std::optional<DbError> errB;
    {
        pqxx::work ta{a.connection()};
        pqxx::work tb{b.connection()};
        ta.exec("UPDATE dl SET v = 1 WHERE id = 1");
        tb.exec("UPDATE dl SET v = 2 WHERE id = 2");
        std::thread t([&] {
            try {
                a.run("update 2", [&] { ta.exec("UPDATE dl SET v = 1 WHERE id = 2"); });
            } catch (const DbException &e) {
                errA = e.error();
            }
        });
        QThread::msleep(300);
        try {
            b.run("update 1", [&] { tb.exec("UPDATE dl SET v = 2 WHERE id = 1"); });
        } catch (const DbException &e) {
            errB = e.error();
        }
        t.join();
        // Both transactions roll back when the works go out of scope.
    }
    QVERIFY2(errA.has_value() != errB.has_value(), "exactly one side is the deadlock victim");
    const DbError &e = errA ? *errA : *errB;
    QCOMPARE(e.sqlState, QString("40P01"));
    QVERIFY(e.isRetryable());
    QVERIFY(!e.needsReconnect());
    QVERIFY(e.context.startsWith("update "));
    a.exec("DROP TABLE dl");
}

void TestSandbox::pgRunTranslatesPqxxErrors()
{
    PgConnection pg;
    pg.open(pgSettings(*m_sb, kDatabase));
    pg.exec("CREATE TABLE u (id int PRIMARY KEY)");
    try {
        pg.run("insert twice", [&] {
            pqxx::work tx{pg.connection()};
            tx.exec("INSERT INTO u VALUES (1)");
            tx.exec("INSERT INTO u VALUES (1)");
            tx.commit();
        });
        QFAIL("a duplicate key passed");
    } catch (const DbException &e) {
        QCOMPARE(e.error().sqlState, QString("23505"));
        QCOMPARE(e.error().context, QString("insert twice"));
        QVERIFY(!e.error().isRetryable());
    }
    // Values come back through run() too.
    const int n = pg.run("count", [&] {
        pqxx::work tx{pg.connection()};
        return tx.exec("SELECT count(*) FROM u")[0][0].as<int>();
    });
    QCOMPARE(n, 0);

    // A connection killed by the server is a broken connection: 57P01 or
    // 08006 depending on when libpq notices; retryable and needing a reconnect.
    PgConnection killer;
    killer.open(pgSettings(*m_sb, kDatabase));
    const QString pid = pg.query("SELECT pg_backend_pid()").scalar();
    killer.exec("SELECT pg_terminate_backend(" + pid + ")");
    try {
        pg.query("SELECT 1");
        QFAIL("a terminated session answered");
    } catch (const DbException &e) {
        QVERIFY2(e.error().sqlState == "57P01" || e.error().sqlState == "08006",
                 qPrintable(e.error().toString()));
        QVERIFY(e.error().isRetryable());
        QVERIFY(e.error().needsReconnect());
    }
    // …and stays broken: libpqxx must not reconnect behind our back (a new
    // session would have lost SET TIME ZONE and any locks the job held).
    try {
        pg.query("SELECT 1");
        QFAIL("the broken connection was silently reactivated");
    } catch (const DbException &e) {
        QVERIFY2(e.error().needsReconnect(), qPrintable(e.error().toString()));
    }
}

void TestSandbox::mysqlStatementAfterCloseFails()
{
    MySqlConnection my;
    my.open(mysqlSettings(*m_sb, kDatabase));
    my.close();
    QVERIFY(!my.isOpen());
    try {
        my.exec("SELECT 1");
        QFAIL("a closed connection ran a statement");
    } catch (const DbException &e) {
        QCOMPARE(e.error().nativeCode, 2006);
        QVERIFY(e.error().needsReconnect());
    }
}

void TestSandbox::mysqlSslModes()
{
    const auto cipher = [](MySqlConnection &c) {
        const QueryResult r = c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
        return r.isEmpty() ? QString() : r.text(0, 1);
    };
    ConnectionSettings s = mysqlSettings(*m_sb, kDatabase);

    s.sslMode = "disabled";
    MySqlConnection plain;
    plain.open(s);
    QVERIFY(cipher(plain).isEmpty());

    // preferred: encrypted when the server can, plain otherwise; never fails
    // because of TLS alone.
    s.sslMode = "preferred";
    MySqlConnection preferred;
    preferred.open(s);
    const bool serverHasTls = !cipher(preferred).isEmpty();

    // required: encrypted, or no session at all.
    s.sslMode = "required";
    MySqlConnection required;
    try {
        required.open(s);
        QVERIFY2(!cipher(required).isEmpty(), "ssl_mode required gave a plaintext session");
    } catch (const DbException &e) {
        QVERIFY2(!serverHasTls, qPrintable(e.error().toString()));
        QCOMPARE(e.error().nativeCode, 2026); // CR_SSL_CONNECTION_ERROR
        QVERIFY(!e.error().isRetryable());
        qInfo("required against a server without TLS: %s", qPrintable(e.error().toString()));
    }

    // verify_* without a CA cannot verify anything: refused before connecting.
    s.sslMode = "verify_identity";
    s.sslCa.clear();
    try {
        MySqlConnection c;
        c.open(s);
        QFAIL("verify_identity without ssl_ca connected");
    } catch (const DbException &e) {
        QCOMPARE(e.error().sqlState, QString("22023"));
        QVERIFY(e.error().message.contains("ssl_ca"));
        QVERIFY(!e.error().isRetryable());
    }
    s.sslMode = "sometimes";
    try {
        MySqlConnection c;
        c.open(s);
        QFAIL("an unknown ssl_mode connected");
    } catch (const DbException &e) {
        QCOMPARE(e.error().sqlState, QString("22023"));
    }
}

void TestSandbox::mysqlVerifyIdentity()
{
    // Needs a server with a certificate for 127.0.0.1 and the CA that signed
    // it; the standard sandbox runs without TLS.
    const QString ca = qEnvironmentVariable("SWITCHYARD_MYSQL_SSL_CA");
    if (ca.isEmpty())
        QSKIP("set SWITCHYARD_MYSQL_SSL_CA to the CA of a TLS-enabled sandbox server");
    ConnectionSettings s = mysqlSettings(*m_sb, kDatabase);
    s.sslCa = ca;
    for (const char *mode : {"verify_ca", "verify_identity"}) {
        s.sslMode = mode;
        MySqlConnection c;
        c.open(s);
        QVERIFY(!c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'").text(0, 1).isEmpty());
    }
    // Another CA must not vouch for this server.
    const QString otherCa = qEnvironmentVariable("SWITCHYARD_MYSQL_OTHER_CA");
    if (otherCa.isEmpty())
        return;
    s.sslCa = otherCa;
    for (const char *mode : {"verify_ca", "verify_identity"}) {
        s.sslMode = mode;
        try {
            MySqlConnection c;
            c.open(s);
            QFAIL(qPrintable(QString("%1 accepted a certificate from another CA").arg(mode)));
        } catch (const DbException &e) {
            QCOMPARE(e.error().nativeCode, 2026);
            QVERIFY(!e.error().isRetryable());
        }
    }
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
