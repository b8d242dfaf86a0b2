#include "Credentials.h"

#include <QDir>
#include <QFileInfo>

namespace switchyard::core {

namespace {

KeychainLookup &keychainLookup()
{
    static KeychainLookup lookup;
    return lookup;
}

QString homePath(const QString &name)
{
    return QDir::home().filePath(name);
}

/// "/home/ana/.pgpass" → "~/.pgpass"; other paths unchanged.
QString shortenHome(const QString &path)
{
    const QString home = QDir::homePath();
    if (!home.isEmpty() && home != QLatin1String("/") && path.startsWith(home + QLatin1Char('/')))
        return QLatin1Char('~') + path.mid(home.size());
    return path;
}

bool isMySql(ConnectionSettings::Engine engine)
{
    return engine != ConnectionSettings::Engine::PostgreSQL;
}

} // namespace

QString passwordEnvironmentVariable(ConnectionSettings::Engine engine)
{
    return isMySql(engine) ? QStringLiteral("SWITCHYARD_SOURCE_PASSWORD")
                           : QStringLiteral("SWITCHYARD_TARGET_PASSWORD");
}

ResolvedCredential resolveCredential(const ConnectionSettings &settings)
{
    ResolvedCredential c;

    const QString envVar = passwordEnvironmentVariable(settings.engine);
    // An exported but empty variable counts as "not set": an empty password
    // is almost always a shell mistake, and the files are a safer fallback.
    const QByteArray fromEnv = qgetenv(envVar.toLatin1().constData());
    if (!fromEnv.isEmpty()) {
        c.origin = ResolvedCredential::Origin::Environment;
        c.password = fromEnv;
        c.envVar = envVar;
        return c;
    }

    if (const KeychainLookup &lookup = keychainLookup()) {
        if (std::optional<QByteArray> secret = lookup(settings)) {
            c.origin = ResolvedCredential::Origin::Keychain;
            c.password = std::move(*secret);
            return c;
        }
    }

    if (isMySql(settings.engine)) {
        QString file = qEnvironmentVariable("SWITCHYARD_MYCNF");
        if (file.isEmpty()) {
            const QString dflt = homePath(QStringLiteral(".my.cnf"));
            if (QFileInfo::exists(dflt))
                file = dflt;
        }
        if (!file.isEmpty()) {
            c.origin = ResolvedCredential::Origin::MySqlOptionFile;
            c.file = file;
        }
        return c;
    }

    // PostgreSQL: libpq does the reading; we only find out what it will use,
    // in libpq's own order (PGPASSWORD before the password file).
    if (!qEnvironmentVariableIsEmpty("PGPASSWORD")) {
        c.origin = ResolvedCredential::Origin::PgPassword;
        c.envVar = QStringLiteral("PGPASSWORD");
        return c;
    }
    QString passFile = qEnvironmentVariable("PGPASSFILE");
    if (passFile.isEmpty())
        passFile = homePath(QStringLiteral(".pgpass"));
    if (QFileInfo::exists(passFile)) {
        c.origin = ResolvedCredential::Origin::PgPassFile;
        c.file = passFile;
    }
    return c;
}

QString ResolvedCredential::describe() const
{
    switch (origin) {
    case Origin::Environment:
    case Origin::PgPassword:
        return QStringLiteral("password from $") + envVar;
    case Origin::Keychain:
        return QStringLiteral("password from the keychain");
    case Origin::MySqlOptionFile:
    case Origin::PgPassFile:
        return QStringLiteral("password from ") + shortenHome(file);
    case Origin::None:
        break;
    }
    return QStringLiteral("no password configured");
}

void setKeychainLookup(KeychainLookup lookup)
{
    keychainLookup() = std::move(lookup);
}

} // namespace switchyard::core
