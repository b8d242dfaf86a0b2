#include "PgConnInfo.h"

#include <libpq-fe.h>

namespace switchyard::core {

namespace {

QString quoteConnValue(QString v)
{
    v.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    v.replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + v + QLatin1Char('\'');
}

} // namespace

PgConnInfo PgConnInfo::parse(const QString &connInfo)
{
    PgConnInfo info;
    char *err = nullptr;
    const QByteArray utf8 = connInfo.toUtf8();
    PQconninfoOption *opts = PQconninfoParse(utf8.constData(), &err);
    if (!opts) {
        info.error = err ? QString::fromUtf8(err).trimmed()
                         : QStringLiteral("out of memory while reading the connection string");
        if (err)
            PQfreemem(err);
        return info;
    }
    for (PQconninfoOption *o = opts; o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString keyword = QString::fromUtf8(o->keyword);
        const QString value = QString::fromUtf8(o->val);
        if (keyword == QLatin1String("password")) {
            info.error = QStringLiteral(
                "the control store's connection string contains a password; passwords never live in "
                "a plan: remove it and put it in ~/.pgpass (or the file $PGPASSFILE names)");
            info.options.clear();
            break;
        }
        if (value.contains(QLatin1Char(';'))) {
            info.error = QStringLiteral("the control store's connection string has a ';' in the value of "
                                        "\"%1\", which Qt's PostgreSQL driver cannot pass on")
                             .arg(keyword);
            info.options.clear();
            break;
        }
        info.options.append({keyword, value});
    }
    PQconninfoFree(opts);
    return info;
}

QString PgConnInfo::value(const QString &keyword) const
{
    for (const auto &[k, v] : options) {
        if (k == keyword)
            return v;
    }
    return {};
}

QString PgConnInfo::describe() const
{
    auto orEnv = [this](const char *keyword, const char *env, const char *fallback) {
        QString v = value(QLatin1String(keyword));
        if (v.isEmpty())
            v = qEnvironmentVariable(env);
        return v.isEmpty() ? QString::fromLatin1(fallback) : v;
    };
    QString host = value(QStringLiteral("host"));
    if (host.isEmpty())
        host = value(QStringLiteral("hostaddr"));
    if (host.isEmpty())
        host = orEnv("host", "PGHOST", "localhost");
    const QString user = orEnv("user", "PGUSER", "(default user)");
    const QString port = orEnv("port", "PGPORT", "5432");
    const QString db = orEnv("dbname", "PGDATABASE", "(default database)");
    return QStringLiteral("%1@%2:%3/%4").arg(user, host, port, db);
}

QString PgConnInfo::toQtConnectOptions() const
{
    QStringList parts;
    bool hasAppName = false;
    bool hasTimeout = false;
    for (const auto &[k, v] : options) {
        hasAppName = hasAppName || k == QLatin1String("application_name");
        hasTimeout = hasTimeout || k == QLatin1String("connect_timeout");
        parts.append(k + QLatin1Char('=') + quoteConnValue(v));
    }
    if (!hasAppName)
        parts.append(QStringLiteral("application_name='switchyard-store'"));
    if (!hasTimeout)
        parts.append(QStringLiteral("connect_timeout='10'"));
    return parts.join(QLatin1Char(';'));
}

} // namespace switchyard::core
