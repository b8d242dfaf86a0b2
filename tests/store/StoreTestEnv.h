#pragma once
// Test helpers for the control store: a fresh, empty store per test on each
// back end, raw SQL access to it (to tamper with it the way a person with a
// database client could), and the child process of the durability test.
//
// PostgreSQL: initTestCase() creates the database switchyard_ctl_test_<pid>
// on the sandbox server (password via $PGPASSFILE, which the sandbox
// exports) and cleanupTestCase() drops it; each test starts from an empty
// `switchyard` schema in it.

#include "store/ControlStore.h"

#include <QSqlDatabase>
#include <QString>
#include <QTemporaryDir>

#include <functional>

namespace switchyard::test {

class StoreTestEnv
{
public:
    StoreTestEnv();
    ~StoreTestEnv();

    /// Creates the PostgreSQL test database when a sandbox is configured.
    /// Returns false (with `error`) when a sandbox exists but it failed.
    bool initPostgres(QString *error);
    void cleanupPostgres();
    bool hasPostgres() const { return !m_pgDatabase.isEmpty(); }

    /// A location for an empty store: "sqlite" → a file in a folder that
    /// does not exist yet; "postgresql" → the test database, schema dropped.
    core::ControlStoreLocation freshLocation(const QString &backend);
    /// The libpq connection string of the test database.
    QString pgConnInfo() const;

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    QString m_pgDatabase;
};

/// A plain Qt Sql connection to a store, outside ControlStore (for checks
/// and for tampering). On PostgreSQL its search_path is `switchyard`.
class RawSql
{
public:
    explicit RawSql(const core::ControlStoreLocation &location);
    ~RawSql();
    bool isOpen() const { return m_db.isOpen(); }
    /// Runs one statement; false (and the error in lastError()) on failure.
    bool exec(const QString &sql);
    /// The first column of the first row, or an invalid QVariant.
    QVariant scalar(const QString &sql);
    QString lastError() const { return m_lastError; }
    /// Switches the audit log's append-only triggers off, as someone with
    /// owner rights could.
    bool disableAuditGuards();

private:
    core::ControlStoreLocation m_location;
    QString m_name;
    QSqlDatabase m_db;
    QString m_lastError;
};

/// Adds the data column "backend" with rows "sqlite" and "postgresql".
void addBackends();
/// Runs body(i) for i in 0..n-1 on n threads that start together; returns
/// the what() of every exception they threw.
QStringList runThreads(int n, const std::function<void(int)> &body);
/// st_mode & 07777 of a path, -1 when it does not exist.
int modeOf(const QString &path);
core::AuditEntry auditEntry(qint64 run, const QString &action, const QString &reason = {});
core::MismatchRecord mismatchAt(qint64 run, const QString &table, int key, core::MismatchKind kind,
                                const QStringList &columns);

/// The child of the durability test: opens the store, prints "job <id> run
/// <id>", then saves checkpoints and audit entries in a loop, printing
/// "committed <n>" after each one returned, until it is killed (or 60 s).
int durabilityChild(const QString &kind, const QString &location);

} // namespace switchyard::test
