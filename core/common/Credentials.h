#pragma once
// Where database passwords come from. Passwords never live in a plan.
//
// Lookup order, first hit wins:
//   1. The environment: SWITCHYARD_SOURCE_PASSWORD for MySQL/MariaDB (the
//      source), SWITCHYARD_TARGET_PASSWORD for PostgreSQL (the target).
//   2. The keychain hook, if one is installed (see setKeychainLookup()).
//   3. The driver's own files:
//      - MySQL/MariaDB: the option file $SWITCHYARD_MYCNF if set, else
//        ~/.my.cnf if it exists. Connector/C reads it itself
//        (MYSQL_READ_DEFAULT_FILE, group [client]); it may also supply user,
//        host and port, but what the plan says wins.
//      - PostgreSQL: libpq's PGPASSWORD, PGPASSFILE or ~/.pgpass. Switchyard
//        does nothing special: libpq reads them.
//
// The keychain is not available on the machines Switchyard is built on
// today, so no lookup is installed by default. The extension point is
// setKeychainLookup(): an application that links a keychain library installs
// a function once at startup, before any job runs; resolveCredential() then
// consults it after the environment and before the files.
//
// Nothing here logs or returns a secret in a description: describe() names
// the place ("password from ~/.pgpass"), never the value.
//
// Thread safety: resolveCredential() only reads the environment and the file
// system and may be called from any thread. setKeychainLookup() must be called
// before worker threads start.

#include "plan/Plan.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace switchyard::core {

struct ResolvedCredential
{
    enum class Origin {
        None,            // nothing configured: the driver tries without a password
        Environment,     // `envVar` holds it; `password` is set
        Keychain,        // the installed keychain lookup; `password` is set
        MySqlOptionFile, // Connector/C reads `file`; `password` is empty
        PgPassword,      // libpq reads $PGPASSWORD; `password` is empty
        PgPassFile,      // libpq reads `file` ($PGPASSFILE or ~/.pgpass)
    };

    Origin origin = Origin::None;
    /// The secret, only when Switchyard itself must hand it to the driver
    /// (Environment, Keychain). Never log it.
    QByteArray password;
    /// The option file or pgpass file the driver will read.
    QString file;
    /// The environment variable that supplied the password.
    QString envVar;

    bool hasPassword() const { return origin == Origin::Environment || origin == Origin::Keychain; }
    /// For status displays: "password from $SWITCHYARD_SOURCE_PASSWORD",
    /// "password from ~/.my.cnf", "password from ~/.pgpass",
    /// "no password configured". Home-relative paths are shown with "~".
    QString describe() const;
};

/// Name of the environment variable that holds the password for this engine:
/// SWITCHYARD_SOURCE_PASSWORD (MySQL, MariaDB) or SWITCHYARD_TARGET_PASSWORD
/// (PostgreSQL).
QString passwordEnvironmentVariable(ConnectionSettings::Engine engine);

/// Apply the lookup order above for a connection.
ResolvedCredential resolveCredential(const ConnectionSettings &settings);

/// The keychain extension point. The function receives the connection's
/// settings (engine, host, port, user) and returns the password, or nullopt
/// when the keychain has none. Pass an empty function to uninstall.
using KeychainLookup = std::function<std::optional<QByteArray>(const ConnectionSettings &)>;
void setKeychainLookup(KeychainLookup lookup);

} // namespace switchyard::core
