#include "StoreError.h"

namespace switchyard::core {

namespace {

int sqlitePrimaryCode(const QString &native)
{
    bool ok = false;
    const int code = native.toInt(&ok);
    return ok ? (code & 0xff) : -1;
}

bool pgConnectionGone(const QString &state)
{
    if (state.startsWith(QLatin1String("08")))
        return state != QLatin1String("08007");
    return state == QLatin1String("57P01") // admin_shutdown
           || state == QLatin1String("57P02") // crash_shutdown
           || state == QLatin1String("57P03"); // cannot_connect_now
}

} // namespace

bool StoreError::isRetryable() const
{
    // The commit may or may not have happened: only the caller knows whether
    // doing the work again is harmless.
    if (backend == Backend::PostgreSQL && nativeCode == QLatin1String("08007"))
        return false;
    switch (kind) {
    case Kind::Connection:
    case Kind::Busy:
    case Kind::Conflict:
        return true;
    case Kind::SchemaTooNew:
    case Kind::Configuration:
    case Kind::Usage:
    case Kind::Constraint:
    case Kind::Io:
        return false;
    case Kind::Query:
        break;
    }
    if (backend == Backend::Sqlite) {
        const int primary = sqlitePrimaryCode(nativeCode);
        return primary == 5 || primary == 6; // SQLITE_BUSY, SQLITE_LOCKED
    }
    return pgConnectionGone(nativeCode) || nativeCode == QLatin1String("40001")
           || nativeCode == QLatin1String("40P01") || nativeCode == QLatin1String("55P03")
           || nativeCode == QLatin1String("53300");
}

bool StoreError::needsReconnect() const
{
    if (kind == Kind::Connection)
        return true;
    return backend == Backend::PostgreSQL && pgConnectionGone(nativeCode);
}

QString StoreError::backendName(Backend b)
{
    return b == Backend::Sqlite ? QStringLiteral("SQLite") : QStringLiteral("PostgreSQL");
}

QString StoreError::toString() const
{
    QString text = QStringLiteral("control store (%1) error").arg(backendName(backend));
    if (!nativeCode.isEmpty())
        text += QLatin1Char(' ') + nativeCode;
    text += QStringLiteral(": ") + message;
    if (!context.isEmpty()) {
        QString shown = context.simplified();
        if (shown.size() > 300)
            shown = shown.left(297) + QStringLiteral("...");
        text += QStringLiteral(" [in: ") + shown + QLatin1Char(']');
    }
    return text;
}

StoreException::StoreException(StoreError error)
    : std::runtime_error(error.toString().toStdString())
    , m_error(std::move(error))
{
}

} // namespace switchyard::core
