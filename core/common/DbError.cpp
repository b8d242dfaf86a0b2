#include "DbError.h"

#include <QStringList>

namespace switchyard::core {

namespace {

bool mysqlConnectionGone(int code)
{
    switch (code) {
    case 2002: // CR_CONNECTION_ERROR: can't connect (socket or TCP refused)
    case 2003: // CR_CONN_HOST_ERROR: can't connect to host
    case 2006: // CR_SERVER_GONE_ERROR
    case 2013: // CR_SERVER_LOST
    case 2055: // CR_SERVER_LOST_EXTENDED
    case 1053: // ER_SERVER_SHUTDOWN
    case 1927: // ER_CONNECTION_KILLED (MariaDB)
    case 4031: // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
        return true;
    default:
        return false;
    }
}

bool mysqlRetryable(const DbError &e)
{
    if (mysqlConnectionGone(e.nativeCode))
        return true;
    switch (e.nativeCode) {
    case 1040: // ER_CON_COUNT_ERROR: too many connections
    case 1205: // ER_LOCK_WAIT_TIMEOUT
    case 1213: // ER_LOCK_DEADLOCK
    case 3572: // ER_LOCK_NOWAIT (MySQL 8)
    case 1836: // ER_READ_ONLY_MODE
        return true;
    case 1290: // ER_OPTION_PREVENTS_STATEMENT: read_only during a failover, but
               // also --secure-file-priv and others that no retry will fix.
        return e.message.contains(QLatin1String("read-only"), Qt::CaseInsensitive) ||
               e.message.contains(QLatin1String("read_only"), Qt::CaseInsensitive);
    default:
        return false;
    }
}

bool pgConnectionGone(const QString &state)
{
    if (state.startsWith(QLatin1String("08")))
        return state != QLatin1String("08007"); // in doubt: only the caller may retry
    static const QStringList gone = {
        QStringLiteral("57P01"), // admin_shutdown
        QStringLiteral("57P02"), // crash_shutdown
        QStringLiteral("57P03"), // cannot_connect_now (starting up, recovering)
    };
    return gone.contains(state);
}

bool pgRetryable(const QString &state)
{
    static const QStringList transient = {
        QStringLiteral("40001"), // serialization_failure
        QStringLiteral("40P01"), // deadlock_detected
        QStringLiteral("55P03"), // lock_not_available
        QStringLiteral("53300"), // too_many_connections
    };
    return pgConnectionGone(state) || transient.contains(state);
}

} // namespace

bool DbError::isRetryable() const
{
    return engine == Engine::MySQL ? mysqlRetryable(*this) : pgRetryable(sqlState);
}

bool DbError::needsReconnect() const
{
    return engine == Engine::MySQL ? mysqlConnectionGone(nativeCode) : pgConnectionGone(sqlState);
}

QString DbError::toString() const
{
    QString text = engineName(engine) + QLatin1String(" error");
    if (nativeCode != 0)
        text += QLatin1Char(' ') + QString::number(nativeCode);
    if (!sqlState.isEmpty())
        text += QLatin1String(" (SQLSTATE ") + sqlState + QLatin1Char(')');
    text += QLatin1String(": ") + message.simplified(); // one line, whatever the server sent
    if (!context.isEmpty()) {
        constexpr int kMaxContext = 300;
        QString shown = context.simplified();
        if (shown.size() > kMaxContext)
            shown = shown.left(kMaxContext - 1) + QChar(0x2026);
        text += QLatin1String(" [in: ") + shown + QLatin1Char(']');
    }
    return text;
}

QString DbError::engineName(Engine e)
{
    return e == Engine::MySQL ? QStringLiteral("MySQL") : QStringLiteral("PostgreSQL");
}

DbException::DbException(DbError error)
    : std::runtime_error(error.toString().toStdString())
    , m_error(std::move(error))
{}

} // namespace switchyard::core
