#pragma once
// Helpers shared by the Qt Test executables.
//
// Sandbox settings come from the environment that `scripts/sandbox env`
// prints (scripts/test exports it before running CTest). When a test needs
// the servers and they are not configured, it is skipped, unless
// SWITCHYARD_REQUIRE_SANDBOX=1 (set by scripts/test and CI), where a missing
// sandbox is a failure: a suite that silently skips its integration tests
// must never look green.

#include "plan/Plan.h"

#include <QString>
#include <QtTest>

namespace switchyard::test {

/// The repository's top folder (tests run with SWITCHYARD_SOURCE_DIR set).
QString sourceDir();
/// Absolute path of a sample plan, e.g. samplePlan("users-dual-write.yaml").
QString samplePlan(const QString &fileName);
/// Path of the built switchyard-cli.
QString cliPath();

/// One run of switchyard-cli, as the CLI tests see it.
struct CliRun
{
    int exitCode = -1; // -1: did not start, crashed or timed out
    QString out;       // stdout (stdout and stderr in time order when merged)
    QString err;
    qint64 ms = 0;     // wall time
    /// Everything it printed.
    QString output() const { return out + err; }
};

struct CliOptions
{
    QList<QPair<QString, QString>> env; // added to the test's environment
    /// Written to stdin, which is then closed; nullopt leaves stdin open and
    /// empty (for prompts that must not see end-of-file).
    std::optional<QByteArray> input = QByteArray();
    bool mergeChannels = false;
    int timeoutMs = 60000; // then killed: exitCode -1, what it printed kept
};

CliRun runCli(const QStringList &args, const CliOptions &options = {});

struct ServerSettings
{
    QString host;
    int port = 0;
    QString user;
    QString database;
};

struct Sandbox
{
    ServerSettings mysql; // credentials via SWITCHYARD_MYCNF (a 0600 option file)
    ServerSettings pg;    // credentials via PGPASSFILE
    QString dir;
};

/// Connection settings for database `db` on the sandbox's MariaDB (TLS off:
/// loopback) — the password comes from SWITCHYARD_MYCNF, as in production.
core::ConnectionSettings mysqlSettings(const Sandbox &sb, const QString &db);
/// The same for PostgreSQL (schema "public"; the password from PGPASSFILE).
core::ConnectionSettings pgSettings(const Sandbox &sb, const QString &db);

/// The sandbox settings, or nullopt when the environment has none.
std::optional<Sandbox> sandbox();
bool sandboxRequired();

} // namespace switchyard::test

/// Use at the top of a test function (or initTestCase) that needs the servers.
#define SWITCHYARD_NEED_SANDBOX(var)                                                          \
    const auto var##Opt = ::switchyard::test::sandbox();                                      \
    if (!var##Opt) {                                                                          \
        if (::switchyard::test::sandboxRequired())                                            \
            QFAIL("SWITCHYARD_REQUIRE_SANDBOX=1 but no sandbox settings in the environment " \
                  "(run through scripts/test, or eval \"$(scripts/sandbox env)\")");          \
        QSKIP("no sandbox: run through scripts/test, or eval \"$(scripts/sandbox env)\"");    \
    }                                                                                         \
    const ::switchyard::test::Sandbox &var = *var##Opt
