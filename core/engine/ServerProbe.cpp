#include "engine/ServerProbe.h"

#include "common/DbError.h"
#include "source/MySqlConnection.h"
#include "store/ControlStore.h"
#include "store/StoreError.h"
#include "target/PgConnection.h"

#include <QElapsedTimer>

#include <optional>

namespace switchyard::core {

namespace {

double elapsedMs(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

QString whatToDo(ServerStatus::Role role, bool retryable)
{
    switch (role) {
    case ServerStatus::Role::Source:
        return retryable ? QStringLiteral("Check that the MySQL/MariaDB server is running and reachable from this machine (host, port, firewall).")
                         : QStringLiteral("Check the source connection in Settings \u2192 Connections and the password in ~/.my.cnf or $SWITCHYARD_SOURCE_PASSWORD.");
    case ServerStatus::Role::Target:
        return retryable ? QStringLiteral("Check that the PostgreSQL server is running and reachable from this machine (host, port, pg_hba.conf).")
                         : QStringLiteral("Check the target connection in Settings \u2192 Connections and the password in ~/.pgpass or $SWITCHYARD_TARGET_PASSWORD.");
    case ServerStatus::Role::ControlStore:
        return QStringLiteral("Check the plan's control_store setting and that this user may read and write it.");
    }
    return {};
}

ServerStatus failed(ServerStatus status, const QString &message, bool retryable)
{
    status.reachable = false;
    status.latencyMs = -1.0;
    status.version.clear();
    status.retryable = retryable;
    status.error = message + QStringLiteral(" \u2014 ") + whatToDo(status.role, retryable);
    return status;
}

} // namespace

QString ServerStatus::roleName(Role role)
{
    switch (role) {
    case Role::Source: return QStringLiteral("Source");
    case Role::Target: return QStringLiteral("Target");
    case Role::ControlStore: return QStringLiteral("Control store");
    }
    return {};
}

struct ServerProbe::Impl
{
    Plan plan;
    ControlStoreLocation storeLocation;
    Options options;
    MySqlConnection mysql;
    PgConnection pg;
    std::optional<ControlStore> store;
};

ServerProbe::ServerProbe(const Plan &plan, const ControlStoreLocation &store, Options options)
    : d(std::make_unique<Impl>())
{
    d->plan = plan;
    d->storeLocation = store;
    d->options = options;
}

ServerProbe::ServerProbe(const Plan &plan, const ControlStoreLocation &store)
    : ServerProbe(plan, store, Options())
{
}

ServerProbe::~ServerProbe() = default;

ServerStatus ServerProbe::probeSource()
{
    ServerStatus status;
    status.role = ServerStatus::Role::Source;
    status.checkedAt = QDateTime::currentDateTimeUtc();
    const ConnectionSettings &settings = d->plan.source;
    status.endpoint = QStringLiteral("%1@%2:%3/%4")
                          .arg(settings.user, settings.host)
                          .arg(settings.effectivePort())
                          .arg(settings.database);
    try {
        if (!d->mysql.isOpen()) {
            MySqlConnection::Options options;
            options.connectTimeoutSeconds = d->options.connectTimeoutSeconds;
            options.readTimeoutSeconds = d->options.connectTimeoutSeconds;
            options.writeTimeoutSeconds = d->options.connectTimeoutSeconds;
            QElapsedTimer connectTimer;
            connectTimer.start();
            d->mysql.open(settings, options);
            status.connectMs = elapsedMs(connectTimer);
        }
        status.credential = d->mysql.credentialDescription();
        QElapsedTimer timer;
        timer.start();
        d->mysql.ping();
        status.latencyMs = elapsedMs(timer);
        status.version = d->mysql.serverVersion();
        status.reachable = true;
        return status;
    } catch (const DbException &e) {
        d->mysql.close();
        return failed(status, e.error().toString(), e.error().isRetryable());
    } catch (const std::exception &e) {
        d->mysql.close();
        return failed(status, QString::fromUtf8(e.what()), false);
    }
}

ServerStatus ServerProbe::probeTarget()
{
    ServerStatus status;
    status.role = ServerStatus::Role::Target;
    status.checkedAt = QDateTime::currentDateTimeUtc();
    const ConnectionSettings &settings = d->plan.target;
    status.endpoint = QStringLiteral("%1@%2:%3/%4")
                          .arg(settings.user, settings.host)
                          .arg(settings.effectivePort())
                          .arg(settings.database);
    try {
        if (!d->pg.isOpen()) {
            PgConnection::Options options;
            options.connectTimeoutSeconds = d->options.connectTimeoutSeconds;
            options.applicationName = QStringLiteral("switchyard-probe");
            QElapsedTimer connectTimer;
            connectTimer.start();
            d->pg.open(settings, options);
            status.connectMs = elapsedMs(connectTimer);
        }
        status.credential = d->pg.credentialDescription();
        QElapsedTimer timer;
        timer.start();
        d->pg.query(QStringLiteral("SELECT 1"));
        status.latencyMs = elapsedMs(timer);
        status.version = QStringLiteral("PostgreSQL ") + d->pg.serverVersion();
        status.reachable = true;
        return status;
    } catch (const DbException &e) {
        d->pg.close();
        return failed(status, e.error().toString(), e.error().isRetryable());
    } catch (const std::exception &e) {
        d->pg.close();
        return failed(status, QString::fromUtf8(e.what()), false);
    }
}

ServerStatus ServerProbe::probeStore()
{
    ServerStatus status;
    status.role = ServerStatus::Role::ControlStore;
    status.checkedAt = QDateTime::currentDateTimeUtc();
    status.endpoint = d->storeLocation.describe();
    try {
        if (!d->store) {
            QElapsedTimer connectTimer;
            connectTimer.start();
            d->store.emplace(ControlStore::open(d->storeLocation));
            status.connectMs = elapsedMs(connectTimer);
        }
        QElapsedTimer timer;
        timer.start();
        d->store->runs().latestRun(d->plan.migration.name);
        status.latencyMs = elapsedMs(timer);
        status.version = QStringLiteral("%1 store, schema v%2")
                             .arg(StoreError::backendName(d->store->backend()))
                             .arg(d->store->schemaVersion());
        status.reachable = true;
        return status;
    } catch (const StoreException &e) {
        // A store whose connection broke is reopened from scratch next time.
        d->store.reset();
        return failed(status, e.error().toString(), e.error().isRetryable());
    } catch (const std::exception &e) {
        d->store.reset();
        return failed(status, QString::fromUtf8(e.what()), false);
    }
}

QList<ServerStatus> ServerProbe::probeAll()
{
    return {probeSource(), probeTarget(), probeStore()};
}

void ServerProbe::disconnect()
{
    d->mysql.close();
    d->pg.close();
    d->store.reset();
}

} // namespace switchyard::core
