#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
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

CliRun runCli(const QStringList &args, const CliOptions &options)
{
    QProcess p;
    if (!options.env.isEmpty()) {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        for (const auto &[name, value] : options.env)
            e.insert(name, value);
        p.setProcessEnvironment(e);
    }
    p.setProcessChannelMode(options.mergeChannels ? QProcess::MergedChannels : QProcess::SeparateChannels);
    QElapsedTimer t;
    t.start();
    p.start(cliPath(), args);
    CliRun r;
    if (!p.waitForStarted()) {
        r.err = QStringLiteral("could not start %1").arg(cliPath());
        return r;
    }
    if (options.input) {
        p.write(*options.input);
        p.closeWriteChannel();
    }
    const bool finished = p.waitForFinished(options.timeoutMs);
    if (!finished) {
        p.kill();
        p.waitForFinished();
    }
    r.ms = t.elapsed();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    if (!finished)
        r.err += QStringLiteral("\ntimed out after %1 ms: %2").arg(options.timeoutMs).arg(args.join(QLatin1Char(' ')));
    else if (p.exitStatus() == QProcess::NormalExit)
        r.exitCode = p.exitCode();
    return r;
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
