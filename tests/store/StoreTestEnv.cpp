#include "StoreTestEnv.h"

#include "TestSupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>

#include <QtTest>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/stat.h>

using namespace switchyard::core;

namespace switchyard::test {

namespace {

QString uniqueName(const char *prefix)
{
    static std::atomic<int> counter{0};
    return QStringLiteral("%1-%2").arg(QLatin1String(prefix)).arg(++counter);
}

QString conninfoFor(const ServerSettings &pg, const QString &database)
{
    return QStringLiteral("host=%1 port=%2 user=%3 dbname=%4").arg(pg.host).arg(pg.port).arg(pg.user, database);
}

// Runs statements on the sandbox's own database (for CREATE/DROP DATABASE).
bool adminExec(const QStringList &statements, QString *error)
{
    const auto sb = sandbox();
    if (!sb)
        return false;
    const QString name = uniqueName("store-test-admin");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setConnectOptions(conninfoFor(sb->pg, sb->pg.database).replace(QLatin1Char(' '), QLatin1Char(';')));
        if (!db.open()) {
            *error = db.lastError().text();
            ok = false;
        } else {
            QSqlQuery q(db);
            q.exec(QStringLiteral("SET client_min_messages = warning"));
            for (const QString &sql : statements) {
                if (!q.exec(sql)) {
                    *error = sql + QStringLiteral(": ") + q.lastError().text();
                    ok = false;
                    break;
                }
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

StoreTestEnv::StoreTestEnv() = default;

StoreTestEnv::~StoreTestEnv()
{
    cleanupPostgres();
}

bool StoreTestEnv::initPostgres(QString *error)
{
    if (!sandbox())
        return true;
    const QString db = QStringLiteral("switchyard_ctl_test_%1").arg(QCoreApplication::applicationPid());
    if (!adminExec({QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(db),
                    QStringLiteral("CREATE DATABASE %1").arg(db)},
                   error))
        return false;
    m_pgDatabase = db;
    return true;
}

void StoreTestEnv::cleanupPostgres()
{
    if (m_pgDatabase.isEmpty())
        return;
    QString error;
    if (!adminExec({QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_pgDatabase)}, &error))
        qWarning("could not drop the test database %s: %s", qPrintable(m_pgDatabase), qPrintable(error));
    m_pgDatabase.clear();
}

QString StoreTestEnv::pgConnInfo() const
{
    const auto sb = sandbox();
    return sb ? conninfoFor(sb->pg, m_pgDatabase) : QString();
}

ControlStoreLocation StoreTestEnv::freshLocation(const QString &backend)
{
    if (backend == QLatin1String("sqlite"))
        return ControlStoreLocation::sqlite(
            m_dir.filePath(QStringLiteral("store-%1/nested/control.sqlite").arg(++m_counter)));
    const ControlStoreLocation location = ControlStoreLocation::postgresql(pgConnInfo());
    RawSql raw(location);
    if (!raw.exec(QStringLiteral("DROP SCHEMA IF EXISTS switchyard CASCADE")))
        qWarning("could not reset the test schema: %s", qPrintable(raw.lastError()));
    return location;
}

RawSql::RawSql(const ControlStoreLocation &location)
    : m_location(location)
    , m_name(uniqueName("store-test-raw"))
{
    if (location.kind == ControlStoreSettings::Kind::Sqlite) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(location.sqlitePath);
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        m_db.open();
    } else {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
        QString options = location.pgConnInfo;
        m_db.setConnectOptions(options.replace(QLatin1Char(' '), QLatin1Char(';')));
        if (m_db.open())
            exec(QStringLiteral("SET search_path TO switchyard")) && exec(QStringLiteral("SET client_min_messages = warning"));
    }
    if (!m_db.isOpen())
        m_lastError = m_db.lastError().text();
}

RawSql::~RawSql()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

bool RawSql::exec(const QString &sql)
{
    QSqlQuery q(m_db);
    if (!q.exec(sql)) {
        m_lastError = sql + QStringLiteral(": ") + q.lastError().text();
        return false;
    }
    return true;
}

QVariant RawSql::scalar(const QString &sql)
{
    QSqlQuery q(m_db);
    if (!q.exec(sql)) {
        m_lastError = sql + QStringLiteral(": ") + q.lastError().text();
        return {};
    }
    return q.next() ? q.value(0) : QVariant();
}

bool RawSql::disableAuditGuards()
{
    if (m_location.kind == ControlStoreSettings::Kind::Sqlite)
        return exec(QStringLiteral("DROP TRIGGER audit_log_no_update")) && exec(QStringLiteral("DROP TRIGGER audit_log_no_delete"));
    return exec(QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER USER"));
}

void addBackends()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

QStringList runThreads(int n, const std::function<void(int)> &body)
{
    std::atomic<int> ready{0};
    std::mutex mutex;
    QStringList errors;
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            ++ready;
            while (ready.load() < n)
                std::this_thread::yield();
            try {
                body(i);
            } catch (const std::exception &e) {
                std::lock_guard<std::mutex> lock(mutex);
                errors << QString::fromUtf8(e.what());
            }
        });
    }
    for (auto &t : threads)
        t.join();
    return errors;
}

int modeOf(const QString &path)
{
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

AuditEntry auditEntry(qint64 run, const QString &action, const QString &reason)
{
    AuditEntry e;
    e.runId = run;
    e.operatorName = QStringLiteral("ann");
    e.action = action;
    e.target = QStringLiteral("test");
    e.reason = reason;
    return e;
}

MismatchRecord mismatchAt(qint64 run, const QString &table, int key, MismatchKind kind, const QStringList &columns)
{
    MismatchRecord m;
    m.runId = run;
    m.tableName = table;
    m.keyJson = QStringLiteral("[%1]").arg(key);
    m.kind = kind;
    m.differingColumns = columns;
    m.sourceRowJson = QStringLiteral("{\"id\":%1}").arg(key);
    m.targetRowJson = QStringLiteral("{\"id\":%1,\"x\":1}").arg(key);
    return m;
}

int durabilityChild(const QString &kind, const QString &location)
{
    try {
        const ControlStoreLocation loc = kind == QLatin1String("sqlite") ? ControlStoreLocation::sqlite(location)
                                                                         : ControlStoreLocation::postgresql(location);
        ControlStore store = ControlStore::open(loc);
        const qint64 run = store.runs().ensureRun(QStringLiteral("durability"), QString(), QStringLiteral("child"));
        const JobRecord job = store.jobs().createJob({run, JobSpec::Kind::Backfill, QStringLiteral("users")});
        std::printf("job %lld run %lld\n", static_cast<long long>(job.id), static_cast<long long>(run));
        std::fflush(stdout);
        QElapsedTimer clock;
        clock.start();
        for (qint64 n = 1; clock.elapsed() < 60000; ++n) {
            store.jobs().saveCheckpoint(job.id, {QStringLiteral("[%1]").arg(n), n * 1000, n, {}});
            AuditEntry e;
            e.runId = run;
            e.operatorName = QStringLiteral("child");
            e.action = QStringLiteral("checkpoint");
            e.target = QStringLiteral("job:%1").arg(job.id);
            e.detailsJson = QStringLiteral("{\"n\":%1}").arg(n);
            store.audit().appendAudit(e);
            std::printf("committed %lld\n", static_cast<long long>(n));
            std::fflush(stdout);
        }
        return 0;
    } catch (const StoreException &e) {
        std::fprintf(stderr, "child: %s\n", e.what());
        return 2;
    }
}

} // namespace switchyard::test
