#pragma once
// Internal to core/store: one Qt Sql connection to the control store, with
// the session settings, the transaction rules and the error translation that
// every repository relies on. Code outside core/store uses ControlStore.
//
// What it promises:
// - Owns one uniquely named QSqlDatabase connection. It is opened lazily by
//   the first call (ensureOpen()) on the thread making that call, and from
//   then on belongs to that thread: a call from any other thread throws
//   StoreException (Kind::Usage). Qt Sql connections cannot move threads.
// - SQLite sessions: journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
//   busy_timeout=5000 ms. The file's folder is created 0700 and the file
//   0600 when they do not exist yet.
//   PostgreSQL sessions: search_path=switchyard, lock_timeout=30s.
// - On open, the schema is brought up to date (StoreSchema) or the open is
//   refused when the store is newer than this build.
// - write() runs work in one transaction that is serialised against every
//   other writer (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN … COMMIT, with
//   the row or advisory locks the work takes). It commits only when work
//   returns; it rolls back on any exception. Busy (SQLITE_BUSY after the busy
//   timeout, PostgreSQL 55P03) and conflicts (40001, 40P01) roll back and
//   retry the whole transaction up to 5 times with backoff, so work must be
//   safe to run again. A write() inside a write() joins the outer one. A
//   statement that fails rolls the transaction back at once.
// - Every failure throws StoreException carrying the driver's native code.
//   After a connection failure the next call reopens the connection.

#include "SqlDialect.h"
#include "StoreError.h"
#include "StoreTypes.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

#include <type_traits>

class QThread;

namespace switchyard::core {

class StoreConnection
{
public:
    explicit StoreConnection(ControlStoreLocation location);
    ~StoreConnection();
    StoreConnection(const StoreConnection &) = delete;
    StoreConnection &operator=(const StoreConnection &) = delete;

    const ControlStoreLocation &location() const { return m_location; }
    const SqlDialect &dialect() const { return m_dialect; }
    StoreError::Backend backend() const { return m_dialect.backend(); }
    bool isSqlite() const { return m_dialect.isSqlite(); }

    /// Opens the connection on the calling thread (if not open yet) and
    /// checks the thread. Throws StoreException.
    void ensureOpen();
    void close();
    bool isOpen() const { return m_open; }
    /// The schema version in force (after ensureOpen()).
    int schemaVersion() const { return m_schemaVersion; }

    template <typename F>
    auto write(const QString &what, F &&work) -> decltype(work());
    template <typename F>
    auto read(const QString &what, F &&work) -> decltype(work());
    bool inTransaction() const { return m_inTransaction; }

    /// A forward-only query prepared on this connection; throws on failure.
    QSqlQuery prepare(const QString &sql);
    /// Executes a prepared query with its bound values; throws on failure.
    void exec(QSqlQuery &query);
    /// Executes SQL that has no parameters (DDL, PRAGMA, SET, BEGIN).
    void execDirect(const QString &sql);
    /// Runs a one-column, one-row query without parameters.
    QVariant scalar(const QString &sql);

    StoreError errorFrom(const QSqlError &error, const QString &context) const;
    StoreError makeError(StoreError::Kind kind, const QString &message, const QString &context) const;
    [[noreturn]] void fail(StoreError::Kind kind, const QString &message, const QString &context) const;

private:
    void openSqlite();
    void openPostgres();
    void beginWrite();
    void commit();
    void rollbackQuietly();
    void noteFailure(const StoreError &error);
    static bool shouldRetry(const StoreError &error, int attempt);
    static void backoff(int attempt);
    static StoreError withContext(StoreError error, const QString &what);

    ControlStoreLocation m_location;
    SqlDialect m_dialect;
    QString m_connectionName;
    QSqlDatabase m_db;
    QThread *m_thread = nullptr;
    bool m_open = false;
    bool m_broken = false;
    bool m_inTransaction = false;
    int m_schemaVersion = 0;
};

template <typename F>
auto StoreConnection::write(const QString &what, F &&work) -> decltype(work())
{
    ensureOpen();
    if (m_inTransaction)
        return work();
    for (int attempt = 1;; ++attempt) {
        try {
            beginWrite();
            if constexpr (std::is_void_v<decltype(work())>) {
                work();
                commit();
                return;
            } else {
                auto result = work();
                commit();
                return result;
            }
        } catch (const StoreException &e) {
            rollbackQuietly();
            if (!shouldRetry(e.error(), attempt))
                throw StoreException(withContext(e.error(), what));
        } catch (...) {
            rollbackQuietly();
            throw;
        }
        backoff(attempt);
    }
}

template <typename F>
auto StoreConnection::read(const QString &what, F &&work) -> decltype(work())
{
    ensureOpen();
    if (m_inTransaction)
        return work();
    for (int attempt = 1;; ++attempt) {
        try {
            return work();
        } catch (const StoreException &e) {
            if (!shouldRetry(e.error(), attempt))
                throw StoreException(withContext(e.error(), what));
        }
        backoff(attempt);
    }
}

} // namespace switchyard::core
