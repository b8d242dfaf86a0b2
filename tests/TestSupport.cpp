#include "TestSupport.h"

#include <QDir>
#include <QProcessEnvironment>

namespace switchyard::test {

namespace {
QString env(const char *name)
{
    return qEnvironmentVariable(name);
}
} // namespace

QString sourceDir()
{
    const QString dir = env("SWITCHYARD_SOURCE_DIR");
    return dir.isEmpty() ? QDir::currentPath() : dir;
}

QString samplePlan(const QString &fileName)
{
    return QDir(sourceDir()).filePath(QStringLiteral("resources/plans/") + fileName);
}

QString cliPath()
{
    return env("SWITCHYARD_CLI");
}

bool sandboxRequired()
{
    return env("SWITCHYARD_REQUIRE_SANDBOX") == QLatin1String("1");
}

std::optional<Sandbox> sandbox()
{
    Sandbox s;
    s.dir = env("SWITCHYARD_SANDBOX_DIR");
    s.mysql = {env("SWITCHYARD_MYSQL_HOST"), env("SWITCHYARD_MYSQL_PORT").toInt(),
               env("SWITCHYARD_MYSQL_USER"), env("SWITCHYARD_MYSQL_DATABASE")};
    s.pg = {env("SWITCHYARD_PG_HOST"), env("SWITCHYARD_PG_PORT").toInt(),
            env("SWITCHYARD_PG_USER"), env("SWITCHYARD_PG_DATABASE")};
    if (s.mysql.host.isEmpty() || s.mysql.port == 0 || s.pg.host.isEmpty() || s.pg.port == 0)
        return std::nullopt;
    return s;
}

core::ConnectionSettings mysqlSettings(const Sandbox &sb, const QString &db)
{
    core::ConnectionSettings s;
    s.engine = core::ConnectionSettings::Engine::MariaDB;
    s.host = sb.mysql.host;
    s.port = sb.mysql.port;
    s.user = sb.mysql.user;
    s.database = db;
    s.sslMode = QStringLiteral("disabled");
    return s;
}

core::ConnectionSettings pgSettings(const Sandbox &sb, const QString &db)
{
    core::ConnectionSettings s;
    s.engine = core::ConnectionSettings::Engine::PostgreSQL;
    s.host = sb.pg.host;
    s.port = sb.pg.port;
    s.user = sb.pg.user;
    s.database = db;
    s.schema = QStringLiteral("public");
    s.sslMode = QStringLiteral("disable");
    return s;
}

} // namespace switchyard::test
