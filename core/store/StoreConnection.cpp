#include "StoreConnection.h"

#include "PgConnInfo.h"
#include "StoreSchema.h"

#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QThread>

#include <libpq-fe.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace switchyard::core {

namespace {

constexpr int kSqliteBusyTimeoutMs = 5000;
constexpr int kMaxAttempts = 5;

QString nextConnectionName()
{
    static std::atomic<quint64> counter{0};
    return QStringLiteral("switchyard-store-%1").arg(++counter);
}

// QPSQL's messages look like "ERROR:  text\nDETAIL: …\n(23505)"; keep the text
// and its detail lines, drop the severity prefix and the repeated code.
QString cleanMessage(QString text)
{
    static const QRegularExpression severity(QStringLiteral("^(ERROR|FATAL|PANIC):\\s+"));
    static const QRegularExpression trailingCode(QStringLiteral("\\n?\\([0-9A-Z]{5}\\)\\s*$"));
    text = text.trimmed();
    text.remove(severity);
    text.remove(trailingCode);
    return text.trimmed();
}

// Creates the missing folders of `dir`, each 0700 (never changes folders that
// exist: ~/.local/share belongs to the user's own choices).
bool makePrivateDirs(const QString &dir, QString *error)
{
    QStringList missing;
    QString current = QDir::cleanPath(dir);
    while (!current.isEmpty() && !QFileInfo::exists(current)) {
        missing.prepend(current);
        const QString parent = QFileInfo(current).absolutePath();
        if (parent == current)
            break;
        current = parent;
    }
    for (const QString &path : missing) {
        if (::mkdir(QFile::encodeName(path).constData(), 0700) != 0 && errno != EEXIST) {
            *error = QStringLiteral("cannot create folder %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
    }
    return true;
}

bool createPrivateFile(const QString &path, QString *error)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return true;
    }
    if (errno == EEXIST) // another process was first: fine
        return true;
    *error = QStringLiteral("cannot create %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    return false;
}

} // namespace

StoreConnection::StoreConnection(ControlStoreLocation location)
    : m_location(std::move(location))
    , m_dialect(m_location.kind == ControlStoreSettings::Kind::Sqlite ? StoreError::Backend::Sqlite
                                                                       : StoreError::Backend::PostgreSQL)
    , m_connectionName(nextConnectionName())
{
}

StoreConnection::~StoreConnection()
{
    close();
    if (m_db.isValid()) {
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

void StoreConnection::close()
{
    if (m_inTransaction)
        rollbackQuietly();
    if (m_db.isValid())
        m_db.close();
    m_open = false;
    m_broken = false;
}

void StoreConnection::ensureOpen()
{
    if (m_open) {
        if (QThread::currentThread() != m_thread) {
            fail(StoreError::Kind::Usage,
                 QStringLiteral("this control store connection belongs to another thread; give each "
                                "thread its own with ControlStore::clone()"),
                 m_location.describe());
        }
        if (!m_broken)
            return;
        m_db.close(); // reopen below, on the same thread
        m_open = false;
        m_broken = false;
    }
    m_thread = QThread::currentThread();
    // A Qt Sql driver belongs to the thread that created it: reopening on
    // another thread (after close()) needs a new one.
    if (m_db.isValid() && m_db.driver() && m_db.driver()->thread() != m_thread) {
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
        m_connectionName = nextConnectionName();
    }
    if (isSqlite())
        openSqlite();
    else
        openPostgres();
    m_open = true;
    try {
        m_schemaVersion = StoreSchema::ensure(*this);
    } catch (...) {
        close();
        throw;
    }
}

void StoreConnection::openSqlite()
{
    const QString context = QStringLiteral("open control store %1").arg(m_location.describe());
    const QString path = m_location.sqlitePath;
    if (path.isEmpty())
        fail(StoreError::Kind::Configuration, QStringLiteral("no SQLite file given for the control store"), context);
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        fail(StoreError::Kind::Configuration,
             QStringLiteral("Qt's SQLite driver (QSQLITE) is not installed: install libqt6sql6-sqlite"), context);
    QString error;
    if (!QFileInfo::exists(path)
        && (!makePrivateDirs(QFileInfo(path).absolutePath(), &error) || !createPrivateFile(path, &error)))
        fail(StoreError::Kind::Io, error, context);

    if (!m_db.isValid()) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        m_db.setDatabaseName(path);
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kSqliteBusyTimeoutMs));
    }
    if (!m_db.open()) {
        StoreError e = errorFrom(m_db.lastError(), context);
        e.kind = StoreError::Kind::Connection;
        throw StoreException(e);
    }
    try {
        execDirect(QStringLiteral("PRAGMA busy_timeout = %1").arg(kSqliteBusyTimeoutMs));
        // Switching to WAL needs a moment alone with the file when another
        // process is converting it too; the busy timeout covers that. But
        // SQLite answers SQLITE_BUSY at once, without calling the busy
        // handler, while another connection runs WAL recovery or the last
        // one closing checkpoints and removes the WAL (seen with a worker
        // and the CLI opening one store together), so retry here as well.
        QString mode;
        for (int waitedMs = 0;; waitedMs += 50) {
            try {
                mode = scalar(QStringLiteral("PRAGMA journal_mode = WAL")).toString();
                break;
            } catch (const StoreException &e) {
                if (!e.error().isRetryable() || waitedMs >= kSqliteBusyTimeoutMs)
                    throw;
                QThread::msleep(50);
            }
        }
        if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            fail(StoreError::Kind::Configuration,
                 QStringLiteral("SQLite refused write-ahead logging for this file (journal mode stays "
                                "'%1'); keep the control store on a local disk, or use a PostgreSQL "
                                "control store")
                     .arg(mode),
                 context);
        // FULL: a commit that returned is on disk, even if the machine loses power.
        execDirect(QStringLiteral("PRAGMA synchronous = FULL"));
        execDirect(QStringLiteral("PRAGMA foreign_keys = ON"));
    } catch (...) {
        m_db.close();
        throw;
    }
}

void StoreConnection::openPostgres()
{
    const QString context = QStringLiteral("open control store %1").arg(m_location.describe());
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        fail(StoreError::Kind::Configuration,
             QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not installed: install libqt6sql6-psql"), context);
    const PgConnInfo info = PgConnInfo::parse(m_location.pgConnInfo);
    if (!info.error.isEmpty())
        fail(StoreError::Kind::Configuration, info.error, QStringLiteral("read the control store's connection string"));

    if (!m_db.isValid()) {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        m_db.setConnectOptions(info.toQtConnectOptions());
    }
    if (!m_db.open()) {
        StoreError e = errorFrom(m_db.lastError(), context);
        e.kind = StoreError::Kind::Connection;
        throw StoreException(e);
    }
    try {
        const int serverVersion = scalar(QStringLiteral("SHOW server_version_num")).toInt();
        if (serverVersion < 100000)
            fail(StoreError::Kind::Configuration,
                 QStringLiteral("PostgreSQL %1 is too old for the control store: it needs 10 or newer")
                     .arg(serverVersion),
                 context);
        execDirect(QStringLiteral("SET search_path TO switchyard"));
        // "schema already exists, skipping" and the like are not news; libpq
        // would print them on stderr.
        execDirect(QStringLiteral("SET client_min_messages = warning"));
        // A writer stuck behind a lock for longer than this is reported
        // (55P03, retryable) instead of hanging a job forever.
        execDirect(QStringLiteral("SET lock_timeout = '30s'"));
    } catch (...) {
        m_db.close();
        throw;
    }
}

QSqlQuery StoreConnection::prepare(const QString &sql)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        const StoreError e = errorFrom(q.lastError(), sql);
        noteFailure(e);
        throw StoreException(e);
    }
    return q;
}

void StoreConnection::exec(QSqlQuery &query)
{
    if (!query.exec()) {
        const StoreError e = errorFrom(query.lastError(), query.lastQuery());
        noteFailure(e);
        throw StoreException(e);
    }
}

void StoreConnection::execDirect(const QString &sql)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        const StoreError e = errorFrom(q.lastError(), sql);
        noteFailure(e);
        throw StoreException(e);
    }
}

QVariant StoreConnection::scalar(const QString &sql)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        const StoreError e = errorFrom(q.lastError(), sql);
        noteFailure(e);
        throw StoreException(e);
    }
    return q.next() ? q.value(0) : QVariant();
}

void StoreConnection::beginWrite()
{
    // IMMEDIATE takes SQLite's write lock now (waiting up to the busy
    // timeout), so two writers never both read and then both fail to upgrade.
    execDirect(isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"));
    m_inTransaction = true;
}

void StoreConnection::commit()
{
    execDirect(QStringLiteral("COMMIT"));
    m_inTransaction = false;
}

void StoreConnection::rollbackQuietly()
{
    if (!m_inTransaction)
        return;
    m_inTransaction = false;
    if (!m_db.isOpen())
        return;
    QSqlQuery q(m_db);
    q.exec(QStringLiteral("ROLLBACK")); // fails harmlessly when the server already ended it
}

void StoreConnection::noteFailure(const StoreError &error)
{
    if (error.needsReconnect())
        m_broken = true;
    // A failed statement fails its whole transaction, on both back ends (on
    // PostgreSQL the server insists). Ending it now, before the caller's
    // queries are destroyed, lets QPSQL deallocate their prepared statements
    // instead of failing to inside an aborted transaction.
    rollbackQuietly();
}

bool StoreConnection::shouldRetry(const StoreError &error, int attempt)
{
    if (attempt >= kMaxAttempts)
        return false;
    return error.kind == StoreError::Kind::Busy || error.kind == StoreError::Kind::Conflict;
}

void StoreConnection::backoff(int attempt)
{
    const int base = 20 << qMin(attempt, 6);
    QThread::msleep(static_cast<unsigned long>(base + QRandomGenerator::global()->bounded(base)));
}

StoreError StoreConnection::withContext(StoreError error, const QString &what)
{
    error.context = error.context.isEmpty() ? what : what + QStringLiteral(": ") + error.context;
    return error;
}

StoreError StoreConnection::makeError(StoreError::Kind kind, const QString &message, const QString &context) const
{
    StoreError e;
    e.backend = backend();
    e.kind = kind;
    e.message = message;
    e.context = context;
    return e;
}

void StoreConnection::fail(StoreError::Kind kind, const QString &message, const QString &context) const
{
    throw StoreException(makeError(kind, message, context));
}

StoreError StoreConnection::errorFrom(const QSqlError &error, const QString &context) const
{
    StoreError e;
    e.backend = backend();
    e.nativeCode = error.nativeErrorCode();
    e.message = cleanMessage(error.databaseText());
    if (e.message.isEmpty())
        e.message = error.driverText().trimmed();
    e.context = context;
    e.kind = StoreError::Kind::Query;

    if (isSqlite()) {
        bool ok = false;
        const int primary = e.nativeCode.toInt(&ok) & 0xff;
        if (!ok)
            e.kind = error.type() == QSqlError::ConnectionError ? StoreError::Kind::Connection
                                                                : StoreError::Kind::Query;
        else if (primary == 5 || primary == 6) // BUSY, LOCKED
            e.kind = StoreError::Kind::Busy;
        else if (primary == 19) // CONSTRAINT
            e.kind = StoreError::Kind::Constraint;
        else if (primary == 8 || primary == 10 || primary == 11 || primary == 13 || primary == 14
                 || primary == 26) // READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB
            e.kind = StoreError::Kind::Io;
        return e;
    }

    const QString &state = e.nativeCode;
    if (state.isEmpty()) {
        // No SQLSTATE: libpq never got an answer. Ask it whether the
        // connection is still there.
        bool gone = error.type() == QSqlError::ConnectionError;
        const QVariant handle = m_db.isValid() && m_db.driver() ? m_db.driver()->handle() : QVariant();
        // QPSQL registers the handle under the struct's name, "pg_conn*".
        if (handle.isValid()
            && (qstrcmp(handle.typeName(), "pg_conn*") == 0 || qstrcmp(handle.typeName(), "PGconn*") == 0)) {
            PGconn *conn = *static_cast<PGconn *const *>(handle.constData());
            gone = gone || !conn || PQstatus(conn) == CONNECTION_BAD;
        }
        if (gone) {
            e.kind = StoreError::Kind::Connection;
            e.nativeCode = QStringLiteral("08006");
        }
    } else if (state.startsWith(QLatin1String("08")) || state.startsWith(QLatin1String("57P"))) {
        e.kind = StoreError::Kind::Connection;
    } else if (state == QLatin1String("40001") || state == QLatin1String("40P01")) {
        e.kind = StoreError::Kind::Conflict;
    } else if (state == QLatin1String("55P03")) {
        e.kind = StoreError::Kind::Busy;
    } else if (state.startsWith(QLatin1String("23"))) {
        e.kind = StoreError::Kind::Constraint;
    } else if (state.startsWith(QLatin1String("53")) || state.startsWith(QLatin1String("58"))) {
        e.kind = state == QLatin1String("53300") ? StoreError::Kind::Connection : StoreError::Kind::Io;
    }
    return e;
}

} // namespace switchyard::core
