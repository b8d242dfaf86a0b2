// Where passwords come from: the lookup order of core/common/Credentials.h,
// and that descriptions name the place, never the secret. Runs with a
// temporary HOME and a cleaned environment; no server needed.

#include "common/Credentials.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace switchyard::core;

namespace {

const char *const kVars[] = {"SWITCHYARD_SOURCE_PASSWORD",
                             "SWITCHYARD_TARGET_PASSWORD",
                             "SWITCHYARD_MYCNF",
                             "PGPASSWORD",
                             "PGPASSFILE",
                             "HOME"};

ConnectionSettings settingsFor(ConnectionSettings::Engine engine)
{
    ConnectionSettings s;
    s.engine = engine;
    s.host = "db1";
    s.user = "app";
    return s;
}

void touch(const QString &path)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[client]\n");
}

} // namespace

class TestCredentials : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void environmentComesFirst();
    void emptyEnvironmentIsIgnored();
    void mysqlOptionFileFromVariable();
    void mysqlDefaultOptionFile();
    void mysqlNothingConfigured();
    void pgPassFileFromVariable();
    void pgDefaultPassFile();
    void pgPasswordVariable();
    void keychainHookComesAfterEnvironment();

private:
    QMap<QByteArray, std::optional<QByteArray>> m_saved;
    std::unique_ptr<QTemporaryDir> m_home;
};

void TestCredentials::init()
{
    m_saved.clear();
    for (const char *v : kVars) {
        m_saved[v] =
            qEnvironmentVariableIsSet(v) ? std::optional<QByteArray>(qgetenv(v)) : std::nullopt;
        qunsetenv(v);
    }
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    qputenv("HOME", QFile::encodeName(m_home->path()));
}

void TestCredentials::cleanup()
{
    setKeychainLookup({});
    for (auto it = m_saved.cbegin(); it != m_saved.cend(); ++it) {
        if (it.value())
            qputenv(it.key().constData(), *it.value());
        else
            qunsetenv(it.key().constData());
    }
    m_home.reset();
}

void TestCredentials::environmentComesFirst()
{
    touch(m_home->filePath(".my.cnf"));
    touch(m_home->filePath(".pgpass"));
    qputenv("SWITCHYARD_SOURCE_PASSWORD", "s3cret-src");
    qputenv("SWITCHYARD_TARGET_PASSWORD", "s3cret-tgt");

    const ResolvedCredential my =
        resolveCredential(settingsFor(ConnectionSettings::Engine::MariaDB));
    QCOMPARE(my.origin, ResolvedCredential::Origin::Environment);
    QCOMPARE(my.password, QByteArray("s3cret-src"));
    QCOMPARE(my.describe(), QString("password from $SWITCHYARD_SOURCE_PASSWORD"));
    QVERIFY(!my.describe().contains("s3cret"));

    const ResolvedCredential pg =
        resolveCredential(settingsFor(ConnectionSettings::Engine::PostgreSQL));
    QCOMPARE(pg.origin, ResolvedCredential::Origin::Environment);
    QCOMPARE(pg.password, QByteArray("s3cret-tgt"));
    QCOMPARE(pg.describe(), QString("password from $SWITCHYARD_TARGET_PASSWORD"));

    // MySQL and MariaDB share the source variable.
    QCOMPARE(resolveCredential(settingsFor(ConnectionSettings::Engine::MySQL)).password,
             QByteArray("s3cret-src"));
}

void TestCredentials::emptyEnvironmentIsIgnored()
{
    touch(m_home->filePath(".my.cnf"));
    qputenv("SWITCHYARD_SOURCE_PASSWORD", "");
    const ResolvedCredential c =
        resolveCredential(settingsFor(ConnectionSettings::Engine::MariaDB));
    QCOMPARE(c.origin, ResolvedCredential::Origin::MySqlOptionFile);
}

void TestCredentials::mysqlOptionFileFromVariable()
{
    touch(m_home->filePath(".my.cnf"));
    const QString other = m_home->filePath("sandbox.cnf");
    qputenv("SWITCHYARD_MYCNF", QFile::encodeName(other));
    const ResolvedCredential c =
        resolveCredential(settingsFor(ConnectionSettings::Engine::MariaDB));
    QCOMPARE(c.origin, ResolvedCredential::Origin::MySqlOptionFile);
    QCOMPARE(c.file, other); // the variable wins over ~/.my.cnf, even before it exists
    QVERIFY(c.password.isEmpty());
    QVERIFY(!c.hasPassword());
    QCOMPARE(c.describe(), QString("password from ~/sandbox.cnf"));
}

void TestCredentials::mysqlDefaultOptionFile()
{
    touch(m_home->filePath(".my.cnf"));
    const ResolvedCredential c =
        resolveCredential(settingsFor(ConnectionSettings::Engine::MariaDB));
    QCOMPARE(c.origin, ResolvedCredential::Origin::MySqlOptionFile);
    QCOMPARE(c.file, m_home->filePath(".my.cnf"));
    QCOMPARE(c.describe(), QString("password from ~/.my.cnf"));
}

void TestCredentials::mysqlNothingConfigured()
{
    const ResolvedCredential c =
        resolveCredential(settingsFor(ConnectionSettings::Engine::MariaDB));
    QCOMPARE(c.origin, ResolvedCredential::Origin::None);
    QCOMPARE(c.describe(), QString("no password configured"));
    // A ~/.pgpass is no business of MySQL's.
    touch(m_home->filePath(".pgpass"));
    QCOMPARE(resolveCredential(settingsFor(ConnectionSettings::Engine::MariaDB)).origin,
             ResolvedCredential::Origin::None);
}

void TestCredentials::pgPassFileFromVariable()
{
    QTemporaryDir elsewhere;
    const QString file = elsewhere.filePath("pgpass");
    touch(file);
    qputenv("PGPASSFILE", QFile::encodeName(file));
    const ResolvedCredential c =
        resolveCredential(settingsFor(ConnectionSettings::Engine::PostgreSQL));
    QCOMPARE(c.origin, ResolvedCredential::Origin::PgPassFile);
    QCOMPARE(c.file, file);
    QCOMPARE(c.describe(), QString("password from ") + file); // outside HOME: shown in full
}

void TestCredentials::pgDefaultPassFile()
{
    QCOMPARE(resolveCredential(settingsFor(ConnectionSettings::Engine::PostgreSQL)).origin,
             ResolvedCredential::Origin::None);
    touch(m_home->filePath(".pgpass"));
    const ResolvedCredential c =
        resolveCredential(settingsFor(ConnectionSettings::Engine::PostgreSQL));
    QCOMPARE(c.origin, ResolvedCredential::Origin::PgPassFile);
    QCOMPARE(c.describe(), QString("password from ~/.pgpass"));
}

void TestCredentials::pgPasswordVariable()
{
    touch(m_home->filePath(".pgpass"));
    qputenv("PGPASSWORD", "hunter2");
    const ResolvedCredential c =
        resolveCredential(settingsFor(ConnectionSettings::Engine::PostgreSQL));
    QCOMPARE(c.origin, ResolvedCredential::Origin::PgPassword);
    QVERIFY(!c.hasPassword()); // libpq reads it; Switchyard never copies it
    QCOMPARE(c.describe(), QString("password from $PGPASSWORD"));
}

void TestCredentials::keychainHookComesAfterEnvironment()
{
    touch(m_home->filePath(".my.cnf"));
    QList<ConnectionSettings> asked;
    setKeychainLookup([&](const ConnectionSettings &s) -> std::optional<QByteArray> {
        asked.append(s);
        if (s.user == QLatin1String("app"))
            return QByteArray("from-keychain");
        return std::nullopt;
    });

    ResolvedCredential c = resolveCredential(settingsFor(ConnectionSettings::Engine::MariaDB));
    QCOMPARE(c.origin, ResolvedCredential::Origin::Keychain);
    QCOMPARE(c.password, QByteArray("from-keychain"));
    QCOMPARE(c.describe(), QString("password from the keychain"));
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.first().host, QString("db1"));

    // Nothing in the keychain: fall through to the option file.
    ConnectionSettings other = settingsFor(ConnectionSettings::Engine::MariaDB);
    other.user = "nobody";
    QCOMPARE(resolveCredential(other).origin, ResolvedCredential::Origin::MySqlOptionFile);

    // The environment still wins, without asking the keychain.
    asked.clear();
    qputenv("SWITCHYARD_SOURCE_PASSWORD", "env");
    c = resolveCredential(settingsFor(ConnectionSettings::Engine::MariaDB));
    QCOMPARE(c.origin, ResolvedCredential::Origin::Environment);
    QVERIFY(asked.isEmpty());
}

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
